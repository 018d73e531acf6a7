// Figures by agent: own sales (orders credited to the agent), team sales (the whole subtree as
// it stands now, itself included), commissions earned by level, and the top agents. Sales come
// from the P&L rollup (dimension 'agent'), through the same helpers as the P&L report, so they
// foot to `figures.pnl --by agent`.
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { id } from '../shared/schemas';
import { withDateRange, type DateRange } from '../figures/periods';
import { sumsByKey, type KeyedSums } from '../figures/sums';
import { agentLabels } from '../figures/labels';
import { commissionBalances, type Balances } from '../commissions/status';
import { requireAgent } from './agent';

type Db = Kysely<Database>;

export const agentFiguresInput = withDateRange({ id });
export const topAgentsInput = withDateRange({
  by: z.enum(['own', 'team']).default('own'),
  limit: z.number().int().min(1).max(1000).default(10),
});

export interface SalesFigures {
  revenue: number;
  orders: number;
}

export interface LevelCommissions {
  /** 0: on the agent's own sales; 1 and 2: overrides on its downline's sales. */
  level: number;
  accrued: number;
  reversed: number;
  net: number;
}

export interface AgentFigures {
  agentId: string;
  from: string;
  to: string;
  ownSales: SalesFigures;
  teamSales: SalesFigures & { agents: number };
  commissions: { byLevel: LevelCommissions[]; total: number };
  /** Commission balances by status as of the range end (or today, if that is earlier). */
  balances: Balances & { asOf: string };
}

/** Own sales of every agent with any figure in the range (the rollup's agent dimension). */
async function ownSalesByAgent(db: Db, range: DateRange): Promise<Map<string, KeyedSums>> {
  const sums = await sumsByKey(db, 'agent', range, { withoutUnattributed: true });
  return new Map(sums.map((s) => [s.key, s]));
}

export async function agentFigures(
  db: Db,
  input: DateRange & { id: string },
  todayText: string,
): Promise<AgentFigures> {
  await requireAgent(db, input.id);
  const range = { from: input.from, to: input.to };
  const own = await ownSalesByAgent(db, range);
  // The subtree as it stands now, deleted agents included: their past sales are still team sales.
  const team = await db
    .selectFrom('agent_closure')
    .select('descendant')
    .where('ancestor', '=', input.id)
    .execute();
  const teamSales = { revenue: 0, orders: 0, agents: team.length };
  for (const { descendant } of team) {
    const s = own.get(descendant);
    if (s) {
      teamSales.revenue += s.revenue;
      teamSales.orders += s.orders;
    }
  }
  const mine = own.get(input.id);
  const asOf = range.to < todayText ? range.to : todayText;

  const entries = await db
    .selectFrom('commission_entries')
    .select((eb) => ['level', 'kind', eb.fn.sum<number>('amount').as('amount')])
    .where('agent_id', '=', input.id)
    .where('accrued_on', '>=', range.from)
    .where('accrued_on', '<=', range.to)
    .groupBy(['level', 'kind'])
    .execute();
  const byLevel: LevelCommissions[] = [0, 1, 2].map((level) => ({
    level,
    accrued: 0,
    reversed: 0,
    net: 0,
  }));
  for (const e of entries) {
    const l = byLevel[e.level]!;
    if (e.kind === 'accrual') l.accrued += e.amount;
    else l.reversed += e.amount;
    l.net += e.amount;
  }
  return {
    agentId: input.id,
    from: range.from,
    to: range.to,
    ownSales: { revenue: mine?.revenue ?? 0, orders: mine?.orders ?? 0 },
    teamSales,
    commissions: { byLevel, total: byLevel.reduce((s, l) => s + l.net, 0) },
    balances: { ...(await commissionBalances(db, input.id, asOf)), asOf },
  };
}

export interface TopAgent {
  agentId: string;
  name: string;
  revenue: number;
  orders: number;
}

/**
 * The top agents by revenue in the range: own sales, or team sales (each agent's whole current
 * subtree, itself included). Ties by agent id. Deleted agents are left out.
 */
export async function topAgents(
  db: Db,
  input: DateRange & { by: 'own' | 'team'; limit: number },
): Promise<TopAgent[]> {
  const range = { from: input.from, to: input.to };
  const own = await ownSalesByAgent(db, range);
  const live = new Set(
    (await db.selectFrom('agents').select('id').where('deleted_at', 'is', null).execute()).map(
      (r) => r.id,
    ),
  );
  const totals = new Map<string, SalesFigures>();
  if (input.by === 'own') {
    for (const [key, s] of own) totals.set(key, { revenue: s.revenue, orders: s.orders });
  } else {
    // Each agent's sales count for every ancestor (itself at depth 0): one pass over the closure.
    const pairs = await db.selectFrom('agent_closure').select(['ancestor', 'descendant']).execute();
    for (const { ancestor, descendant } of pairs) {
      const s = own.get(descendant);
      if (!s) continue;
      const t = totals.get(ancestor) ?? { revenue: 0, orders: 0 };
      t.revenue += s.revenue;
      t.orders += s.orders;
      totals.set(ancestor, t);
    }
  }
  const ranked = [...totals]
    .filter(([agentId, t]) => live.has(agentId) && (t.revenue !== 0 || t.orders !== 0))
    .sort(([a, x], [b, y]) => y.revenue - x.revenue || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, input.limit);
  const labels = await agentLabels(
    db,
    ranked.map(([agentId]) => agentId),
  );
  return ranked.map(([agentId, t]) => ({
    agentId,
    name: labels.get(agentId) ?? agentId,
    revenue: t.revenue,
    orders: t.orders,
  }));
}
