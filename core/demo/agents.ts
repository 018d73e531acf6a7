// The demo's agents and their commissions. The tree: a few 总代 who joined before the period,
// then agents joining over the two years under someone already there (at most six levels),
// most of them in the first 总代's team,
// each with its own buyer record like agent.create makes. The ledger: written as the orders
// are paid and refunded, by the rules of core/commissions/ledger.ts (accrueCommissions and
// reverseCommissions), with the real rateFor, applyRate and nextReversal; the amounts go into the P&L mirror
// as the pnl_contributions view's 'commission' branch would yield them.
import { applyRate } from '../money';
import { nextReversal } from '../commissions/reversal';
import { MAX_UPLINE_LEVELS, rateFor, type RateOverride } from '../commissions/plans';
import type { AgentStatus } from '../../db/schema';
import type { DemoIds } from './ids';
import type { ContributionKeys, PnlMirror } from './pnl-mirror';
import type { RefundableLine, RefundLinePart } from './refunds';
import type { DemoTables } from './tables';
import type { DemoWorld } from './world';

export type DemoTier = 'general' | 'level1' | 'level2';

export interface DemoAgent {
  id: string;
  name: string;
  phone: string;
  wechatId: string | null;
  tier: DemoTier;
  status: AgentStatus;
  /** Calendar index of the day the agent joined. */
  joinDay: number;
  second: number;
  /** Index of the upline in DemoWorld.agents, or -1 for a top-level agent. */
  upline: number;
  depth: number;
  /** Index of the agent's own buyer record in DemoWorld.customerIds. */
  customer: number;
}

/** Levels of the tree: a top-level agent is at depth 0, the deepest at depth 5. */
export const MAX_TREE_DEPTH = 5;
/** About one agent per this many customers (3,000 at 200,000 customers). */
export const CUSTOMERS_PER_AGENT = 66;
export const MIN_AGENTS = 5;
/**
 * Share of the agents joining after the 总代 who join the first 总代's team: at the large scale
 * (3,000 agents, 30 总代) that team holds about 2,900 agents, the rest share the small ones.
 */
export const MAIN_TEAM_SHARE = 0.97;

export const tierAtDepth = (depth: number): DemoTier =>
  depth === 0 ? 'general' : depth <= 2 ? 'level1' : 'level2';

/** What an agent pays for stock on a wholesale order, in basis points of the retail price. */
export const WHOLESALE_PRICE_BP: Record<DemoTier, number> = {
  general: 6500,
  level1: 7000,
  level2: 7500,
};
export const wholesalePrice = (retail: number, tier: DemoTier): number =>
  applyRate(retail, WHOLESALE_PRICE_BP[tier]);

/** The demo's one commission plan, in force from the first trading day, open-ended. */
export const DEMO_PLAN = {
  name: '标准分佣方案',
  base: 'net' as const,
  rates: [1000, 300, 100] as [number, number, number],
  overrides: [
    { scope: 'category', key: '护肤', level: 0, rateBp: 1500 },
    { scope: 'category', key: '粮油', level: 0, rateBp: 500 },
    { scope: 'category', key: '粮油', level: 2, rateBp: 0 },
    { scope: 'tier', key: 'general', level: 1, rateBp: 400 },
  ] satisfies RateOverride[],
  note: '直推 10%，上一级 3%（总代 4%），上二级 1%；护肤直推 15%，粮油直推 5%、上二级不计',
};

/** An accrual written for one line and one beneficiary, and what its reversals took back. */
export interface DemoAccrual {
  id: string;
  agent: number;
  level: number;
  credited: number;
  base: number;
  rate: number;
  amount: number;
  /** Sums of the reversals written so far (negative), like reverseCommissions reads them. */
  reversedAmount: number;
  reversedBase: number;
}

/** The commission ledger of the demo, written through the bulk tables. */
export class DemoLedger {
  /** Commission entries written (accruals and reversals). */
  entries = 0;
  private readonly chain: number[] = [];

  constructor(
    private readonly w: DemoWorld,
    private readonly ids: DemoIds,
    private readonly t: DemoTables,
    private readonly pnl: PnlMirror,
  ) {}

  /**
   * The accruals of a just-paid order credited to `agent` (not a wholesale order): per line,
   * per beneficiary (the agent, then up to two uplines) with a rate above 0. `k` holds the
   * order's keys; product and category are set per line and put back to 0. The entries' ids
   * take the instant the order was placed (`idMs`), not the paid one: written in that order,
   * they append to the primary key instead of landing days back in it (at 100,000 orders
   * about 4 s of the load; measured).
   */
  accrue(
    orderId: string,
    agent: number,
    paidDay: number,
    idMs: number,
    paidAt: string,
    lines: RefundableLine[],
    k: ContributionKeys,
  ): void {
    const { w } = this;
    const chain = this.chain;
    chain.length = 0;
    for (let a = agent; a >= 0 && chain.length <= MAX_UPLINE_LEVELS; a = w.agents[a]!.upline) {
      chain.push(a);
    }
    const paidOn = w.cal.days[paidDay]!;
    for (const line of lines) {
      const product = w.products[line.product]!;
      const category = w.categories[product.category]!;
      const base = DEMO_PLAN.base === 'net' ? line.net : Math.max(0, line.net - line.cost);
      const accruals: DemoAccrual[] = [];
      let sum = 0;
      for (let level = 0; level < chain.length; level++) {
        const b = w.agents[chain[level]!]!;
        const rate = rateFor(DEMO_PLAN, DEMO_PLAN.overrides, {
          level,
          productId: product.id,
          category,
          beneficiaryTier: b.tier,
        });
        if (rate <= 0) continue;
        const amount = applyRate(base, rate);
        const id = this.ids.at(idMs);
        this.t.commissionEntries.add(
          id,
          'accrual',
          orderId,
          orderId,
          line.id,
          null,
          null,
          b.id,
          level,
          w.agents[agent]!.id,
          w.commissionPlanId,
          base,
          rate,
          amount,
          paidOn,
          paidAt,
        );
        this.entries++;
        sum += amount;
        accruals.push({
          id,
          agent: chain[level]!,
          level,
          credited: agent,
          base,
          rate,
          amount,
          reversedAmount: 0,
          reversedBase: 0,
        });
      }
      if (accruals.length === 0) continue;
      line.accruals = accruals;
      k.product = line.product + 1;
      k.category = product.category + 1;
      this.pnl.addCommission(paidDay, k, sum);
    }
    k.product = 0;
    k.category = 0;
  }

  /**
   * The reversals of a refund being written, part by part: for each accrual of a refunded
   * line, the ledger's own rule (nextReversal, as reverseCommissions uses it), with the
   * earlier reversals kept in memory instead of read back. `k` as in accrue.
   */
  reverse(
    refundId: string,
    orderId: string,
    day: number,
    ms: number,
    at: string,
    parts: RefundLinePart[],
    k: ContributionKeys,
  ): void {
    const { w } = this;
    const dayText = w.cal.days[day]!;
    for (const p of parts) {
      const line = p.line;
      const written = (line.refundWritten ?? 0) + p.amount;
      line.refundWritten = written;
      if (line.net <= 0 || !line.accruals) continue;
      const refundedAfter = Math.min(written, line.net);
      let sum = 0;
      for (const a of line.accruals) {
        const reversal = nextReversal(a, line.net, refundedAfter, {
          amount: a.reversedAmount,
          base: a.reversedBase,
        });
        if (reversal.amount === 0) continue;
        const { base } = reversal;
        const amount = -reversal.amount;
        this.t.commissionEntries.add(
          this.ids.at(ms),
          'reversal',
          refundId,
          orderId,
          line.id,
          refundId,
          a.id,
          w.agents[a.agent]!.id,
          a.level,
          w.agents[a.credited]!.id,
          w.commissionPlanId,
          base,
          a.rate,
          -amount,
          dayText,
          at,
        );
        this.entries++;
        a.reversedAmount -= amount;
        a.reversedBase += base;
        sum -= amount;
      }
      if (sum === 0) continue;
      k.product = line.product + 1;
      k.category = w.products[line.product]!.category + 1;
      this.pnl.addCommission(day, k, sum);
    }
    k.product = 0;
    k.category = 0;
  }
}
