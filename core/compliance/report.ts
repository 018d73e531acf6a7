// The compliance view (禁止传销条例, Regulations on Prohibition of Pyramid Selling, Art. 7):
// how many upline levels any plan pays, whether fees are charged to become an agent, the share
// of income that comes from such fees, the shape of the agent tree, and plain-language
// warnings with the rule they come from.
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { day } from '../shared/schemas';
import { rangeTotals } from '../figures/report';

type Db = Kysely<Database>;

export const RULE = '禁止传销条例 第七条 (Regulations on Prohibition of Pyramid Selling, Art. 7)';
/** Plans pay the credited agent plus at most this many upline levels (enforced by the schema). */
export const MAX_ALLOWED_DEPTH = 2;
/** Fee income above these shares of income (basis points) is a warning / a danger. */
export const FEE_SHARE_WARNING_BP = 2_000;
export const FEE_SHARE_DANGER_BP = 5_000;
/** The criminal threshold the courts use: at least 30 participants in at least 3 levels. */
export const THRESHOLD_AGENTS = 30;
export const THRESHOLD_LEVELS = 3;

export const complianceInput = z
  .object({ from: day.optional(), to: day.optional() })
  .superRefine((r, issue) => {
    if (r.from !== undefined && r.to !== undefined && r.to < r.from) {
      issue.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be on or after from (${r.from})`,
      });
    }
  });
export type ComplianceInput = z.output<typeof complianceInput>;

export type WarningLevel = 'info' | 'warning' | 'danger';

export interface ComplianceWarning {
  code: string;
  level: WarningLevel;
  message: string;
  rule: string;
}

export interface ComplianceReport {
  from: string;
  to: string;
  /** Upline levels any plan pays (0..2). */
  planDepth: number;
  maxAllowedDepth: number;
  entryFees: {
    charged: boolean;
    total: number;
    byKind: { franchise: number; training: number };
    /** Agents with franchise or training fees recorded against them (net above zero). */
    agents: number;
  };
  incomeShare: { productRevenue: number; feeIncome: number; feeShareBp: number };
  /** No feature pays a reward per recruit: entries exist only for order lines. */
  recruitRewards: false;
  /** Levels in the agent tree (a top-level agent alone is 1 level; no agents: 0). */
  treeDepth: number;
  agentCount: number;
  warnings: ComplianceWarning[];
}

/** a * 10000 / b rounded half-up, 0 when b is not positive. */
const shareBp = (a: number, b: number): number =>
  b > 0 ? Math.floor((a * 20_000 + b) / (2 * b)) : 0;

const fen = (n: number): string => `¥${(n / 100).toFixed(2)}`;
const pct = (bp: number): string => `${(bp / 100).toFixed(2)}%`;

async function planDepth(db: Db): Promise<number> {
  const plans = await db
    .selectFrom('commission_plans')
    .select((eb) => [
      eb.fn.max<number>('level1_bp').as('l1'),
      eb.fn.max<number>('level2_bp').as('l2'),
    ])
    .executeTakeFirstOrThrow();
  const overrides = await db
    .selectFrom('commission_plan_rates')
    .select('level')
    .where('rate_bp', '>', 0)
    .where('level', '>', 0)
    .groupBy('level')
    .execute();
  const levels = new Set(overrides.map((o) => o.level));
  if ((plans.l2 ?? 0) > 0 || levels.has(2)) return 2;
  if ((plans.l1 ?? 0) > 0 || levels.has(1)) return 1;
  return 0;
}

async function defaultRange(db: Db, input: ComplianceInput, todayText: string) {
  const to = input.to ?? todayText;
  if (input.from !== undefined) return { from: input.from, to };
  const first = await db
    .selectFrom('pnl_daily')
    .select((eb) => eb.fn.min<string>('day').as('day'))
    .where('dim', '=', 'total')
    .executeTakeFirst();
  const from = first?.day && first.day < to ? first.day : to;
  return { from, to };
}

export async function complianceReport(
  db: Db,
  input: ComplianceInput,
  todayText: string,
): Promise<ComplianceReport> {
  const range = await defaultRange(db, input, todayText);
  const depth = await planDepth(db);

  // Fees by kind in the range (reversal rows are negative and net out).
  const fees = await db
    .selectFrom('other_income')
    .select((eb) => [
      'kind',
      eb.fn.sum<number>('amount').as('all'),
      eb.fn
        .sum<number>(
          eb.case().when('agent_id', 'is not', null).then(eb.ref('amount')).else(0).end(),
        )
        .as('agents'),
    ])
    .where('kind', 'in', ['franchise', 'training'])
    .where('received_on', '>=', range.from)
    .where('received_on', '<=', range.to)
    .groupBy('kind')
    .execute();
  const byKind = { franchise: 0, training: 0 };
  let feeIncome = 0;
  for (const f of fees) {
    byKind[f.kind as 'franchise' | 'training'] = f.agents;
    feeIncome += f.all;
  }
  const entryTotal = byKind.franchise + byKind.training;
  const payers = await db
    .selectFrom('other_income')
    .select('agent_id')
    .where('kind', 'in', ['franchise', 'training'])
    .where('agent_id', 'is not', null)
    .where('received_on', '>=', range.from)
    .where('received_on', '<=', range.to)
    .groupBy('agent_id')
    .having((eb) => eb.fn.sum('amount'), '>', 0)
    .execute();

  const productRevenue = (await rangeTotals(db, range)).revenue;
  const feeShareBp = shareBp(feeIncome, productRevenue + feeIncome);

  const tree = await db
    .selectFrom('agent_closure as c')
    .innerJoin('agents as a', 'a.id', 'c.descendant')
    .select((eb) => eb.fn.max<number>('c.depth').as('depth'))
    .where('a.deleted_at', 'is', null)
    .executeTakeFirst();
  const { agentCount } = await db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<number>().as('agentCount'))
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  const treeDepth = agentCount === 0 ? 0 : (tree?.depth ?? 0) + 1;

  const charged = payers.length > 0 && entryTotal > 0;
  const warnings: ComplianceWarning[] = [];
  if (charged) {
    warnings.push({
      code: 'ENTRY_FEES',
      level: 'danger',
      message: `向 ${payers.length} 名代理收取了加盟费/培训费共 ${fen(entryTotal)}：以缴费作为成为代理的条件属于"入门费"，是传销的认定要件之一。 Franchise/training fees of ${fen(entryTotal)} were charged to ${payers.length} agent(s): making a fee the condition for becoming an agent is an entry fee, one of the marks of pyramid selling (Art. 7(2)).`,
      rule: RULE,
    });
  }
  if (feeShareBp > FEE_SHARE_WARNING_BP) {
    const danger = feeShareBp > FEE_SHARE_DANGER_BP;
    warnings.push({
      code: 'FEE_INCOME_SHARE',
      level: danger ? 'danger' : 'warning',
      message: `加盟费和培训费占收入的 ${pct(feeShareBp)}（超过 ${pct(danger ? FEE_SHARE_DANGER_BP : FEE_SHARE_WARNING_BP)}）：收入应主要来自真实商品销售。 Franchise and training fees are ${pct(feeShareBp)} of income (above ${pct(danger ? FEE_SHARE_DANGER_BP : FEE_SHARE_WARNING_BP)}): income should come mainly from real product sales.`,
      rule: RULE,
    });
  }
  if (treeDepth >= THRESHOLD_LEVELS && agentCount >= THRESHOLD_AGENTS) {
    warnings.push({
      code: 'TREE_SIZE',
      level: charged ? 'danger' : 'warning',
      message: `代理体系有 ${agentCount} 人、${treeDepth} 层，达到刑事立案标准的规模（30 人以上且 3 层以上）：请确保佣金只来自真实销售，不收入门费，不按发展人数计酬。 The agent tree has ${agentCount} agents in ${treeDepth} levels, the size at which criminal cases start (30+ participants, 3+ levels): make sure pay comes only from real sales, with no entry fee and no reward per recruit.`,
      rule: RULE,
    });
  }
  warnings.push({
    code: 'TEAM_PAY_LIMITED',
    level: 'info',
    message: `佣金方案最多计算 ${MAX_ALLOWED_DEPTH} 级上线提成（当前方案 ${depth} 级），且只按真实订单计提；系统没有任何按发展人数发放的奖励。 Plans pay at most ${MAX_ALLOWED_DEPTH} upline levels (the current plans pay ${depth}), only on real orders; no feature pays a reward per recruit.`,
    rule: RULE,
  });

  return {
    from: range.from,
    to: range.to,
    planDepth: depth,
    maxAllowedDepth: MAX_ALLOWED_DEPTH,
    entryFees: { charged, total: entryTotal, byKind, agents: payers.length },
    incomeShare: { productRevenue, feeIncome, feeShareBp },
    recruitRewards: false,
    treeDepth,
    agentCount,
    warnings,
  };
}
