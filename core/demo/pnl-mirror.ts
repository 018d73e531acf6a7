// The P&L rollup (pnl_daily) built while the demo is generated, instead of re-reading millions
// of rows through the pnl_contributions view afterwards. It adds exactly what the view yields
// for each source (db/migrations/002 and db/pnl.ts): one contribution per order line, one for
// shipping when charged, one per fee, refund line, refund shipping, expense and income row, and per line and source
// for the commission entries;
// every contribution touches one key per dimension; `orders` counts the distinct orders of a
// (dimension, day, key) among contributions that carry an order (lines and shipping). The
// demo tests compare the result with a from-scratch rebuild.
import type BetterSqlite3 from 'better-sqlite3';
import { BulkInsert } from './bulk';

/** The dimensions of pnl_dims, in the order a contribution's keys are given. */
export const PNL_DIMS = [
  'total',
  'product',
  'category',
  'group',
  'agent',
  'campaign',
  'customer',
  'fee',
] as const;

class Sums {
  revenue = 0;
  cogs = 0;
  fees = 0;
  commissions = 0;
  otherIncome = 0;
  orders = 0;
  lastOrder = -1;
}

/**
 * Keys of one contribution, each an index into that dimension's names (0 = unattributed, '').
 * Filled by the caller before each `add`, to avoid an allocation per contribution.
 */
export interface ContributionKeys {
  product: number;
  category: number;
  group: number;
  agent: number;
  campaign: number;
  customer: number;
  fee: number;
}

export class PnlMirror {
  /** day index -> one map per dimension, key index -> sums. */
  private readonly days = new Map<number, Map<number, Sums>[]>();
  private readonly out: BulkInsert;

  /**
   * `names[dim](key)` turns a key index back into the text stored in pnl_daily.key.
   */
  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly dayText: (day: number) => string,
    private readonly names: Record<(typeof PNL_DIMS)[number], (key: number) => string>,
  ) {
    const dims = (
      sqlite.prepare('SELECT dim FROM pnl_dims ORDER BY dim').pluck().all() as string[]
    ).join();
    const known = [...PNL_DIMS].sort().join();
    if (dims !== known) {
      // A new dimension needs its key here too, or the demo rollup would silently differ.
      throw new Error(`The demo generator knows P&L dimensions ${known}, the store has ${dims}`);
    }
    this.out = new BulkInsert(sqlite, 'pnl_daily', [
      'dim',
      'day',
      'key',
      'revenue',
      'cogs',
      'fees',
      'commissions',
      'other_income',
      'orders',
    ]);
  }

  /** Adds one contribution on `day`; `order` is the order's sequence number, or -1. */
  add(
    day: number,
    k: ContributionKeys,
    revenue: number,
    cogs: number,
    fees: number,
    otherIncome: number,
    order: number,
    commissions = 0,
  ): void {
    let dims = this.days.get(day);
    if (!dims) {
      dims = PNL_DIMS.map(() => new Map<number, Sums>());
      this.days.set(day, dims);
    }
    const c = commissions;
    this.bump(dims[0]!, 0, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[1]!, k.product, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[2]!, k.category, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[3]!, k.group, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[4]!, k.agent, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[5]!, k.campaign, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[6]!, k.customer, revenue, cogs, fees, c, otherIncome, order);
    this.bump(dims[7]!, k.fee, revenue, cogs, fees, c, otherIncome, order);
  }

  /** Commission entries of one line on `day` (the view's 'commission' source: no order). */
  addCommission(day: number, k: ContributionKeys, amount: number): void {
    this.add(day, k, 0, 0, 0, 0, -1, amount);
  }

  private bump(
    map: Map<number, Sums>,
    key: number,
    revenue: number,
    cogs: number,
    fees: number,
    commissions: number,
    otherIncome: number,
    order: number,
  ): void {
    let s = map.get(key);
    if (!s) {
      s = new Sums();
      map.set(key, s);
    }
    s.revenue += revenue;
    s.cogs += cogs;
    s.fees += fees;
    s.commissions += commissions;
    s.otherIncome += otherIncome;
    if (order >= 0 && s.lastOrder !== order) {
      s.orders++;
      s.lastOrder = order;
    }
  }

  /** Writes every day up to and including `day` (no later work adds to them). */
  flushThrough(day: number): void {
    for (const [d, dims] of this.days) {
      if (d > day) continue;
      const text = this.dayText(d);
      PNL_DIMS.forEach((dim, i) => {
        const name = this.names[dim];
        for (const [key, s] of dims[i]!) {
          this.out.add(
            dim,
            text,
            name(key),
            s.revenue,
            s.cogs,
            s.fees,
            s.commissions,
            s.otherIncome,
            s.orders,
          );
        }
      });
      this.days.delete(d);
    }
    this.out.flush();
  }
}
