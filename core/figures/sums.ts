// Reading sums out of the rollup. Every query here reads pnl_daily / pnl_monthly by their primary
// keys (dim, day|month, key): never the orders or their lines, so a dashboard over a million
// orders costs a few thousand rows.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database, PnlDim } from '../../db/schema';
import { splitByMonth, type DateRange } from './periods';

/** The rollup's own figures for a key, summed over some days. */
export interface Sums {
  revenue: number;
  cogs: number;
  fees: number;
  commissions: number;
  otherIncome: number;
  orders: number;
}

export interface KeyedSums extends Sums {
  key: string;
}

export interface DaySums extends Sums {
  day: string;
}

export const zeroSums = (): Sums => ({
  revenue: 0,
  cogs: 0,
  fees: 0,
  commissions: 0,
  otherIncome: 0,
  orders: 0,
});

export function addSums(into: Sums, more: Sums): void {
  into.revenue += more.revenue;
  into.cogs += more.cogs;
  into.fees += more.fees;
  into.commissions += more.commissions;
  into.otherIncome += more.otherIncome;
  into.orders += more.orders;
}

const FIELDS = ['key', 'revenue', 'cogs', 'fees', 'commissions', 'other_income', 'orders'] as const;

/** The workspace totals per day (dim 'total'), only days with a row, in day order. */
export async function totalsByDay(db: Kysely<Database>, range: DateRange): Promise<DaySums[]> {
  const rows = await db
    .selectFrom('pnl_daily')
    .select(['day', 'revenue', 'cogs', 'fees', 'commissions', 'other_income', 'orders'])
    .where('dim', '=', 'total')
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .where('key', '=', '')
    .orderBy('day')
    .execute();
  return rows.map(({ other_income, ...r }) => ({ ...r, otherIncome: other_income }));
}

/**
 * The workspace totals per month ('YYYY-MM' in `key`) over the range: whole months from
 * pnl_monthly, the loose days at the edges summed from pnl_daily. Months with no row are absent.
 */
export function totalsByMonth(db: Kysely<Database>, range: DateRange): Promise<KeyedSums[]> {
  const parts = splitByMonth(range).map((part) =>
    'days' in part
      ? db
          .selectFrom('pnl_daily')
          .select([sql<string>`substr(day, 1, 7)`.as('key'), ...FIELDS.slice(1)])
          .where('dim', '=', 'total')
          .where('day', '>=', part.days.from)
          .where('day', '<=', part.days.to)
      : db
          .selectFrom('pnl_monthly')
          .select(['month as key', ...FIELDS.slice(1)])
          .where('dim', '=', 'total')
          .where('month', '>=', part.months.from)
          .where('month', '<=', part.months.to),
  );
  return sumUp(db, parts);
}

export interface ByKeyOptions {
  /** Leave out the unattributed row (key ''). */
  withoutUnattributed?: boolean;
  /** Only the first N keys by revenue (desc), then key. */
  top?: number;
}

/**
 * Sums per key of one dimension over the range, for keys with any non-zero figure. Whole
 * months come from pnl_monthly, the loose days at the edges from pnl_daily.
 */
export function sumsByKey(
  db: Kysely<Database>,
  dim: PnlDim,
  range: DateRange,
  options: ByKeyOptions = {},
): Promise<KeyedSums[]> {
  const parts = splitByMonth(range).map((part) => {
    if ('days' in part) {
      let q = db
        .selectFrom('pnl_daily')
        .select(FIELDS)
        .where('dim', '=', dim)
        .where('day', '>=', part.days.from)
        .where('day', '<=', part.days.to);
      if (options.withoutUnattributed) q = q.where('key', '<>', '');
      return q;
    }
    let q = db
      .selectFrom('pnl_monthly')
      .select(FIELDS)
      .where('dim', '=', dim)
      .where('month', '>=', part.months.from)
      .where('month', '<=', part.months.to);
    if (options.withoutUnattributed) q = q.where('key', '<>', '');
    return q;
  });
  return sumUp(db, parts, options.top);
}

/** Rollup rows read by one part of a range. */
type PartRows = SelectQueryBuilder<
  Database,
  'pnl_daily' | 'pnl_monthly',
  {
    key: string;
    revenue: number;
    cogs: number;
    fees: number;
    commissions: number;
    other_income: number;
    orders: number;
  }
>;

/** Adds up the parts per key (keys with any non-zero figure), optionally only the top N. */
async function sumUp(db: Kysely<Database>, parts: PartRows[], top?: number): Promise<KeyedSums[]> {
  const union = parts.slice(1).reduce((all, part) => all.unionAll(part), parts[0]!);
  let q = db
    .selectFrom(union.as('p'))
    .select((eb) => [
      'p.key',
      eb.fn.sum<number>('p.revenue').as('revenue'),
      eb.fn.sum<number>('p.cogs').as('cogs'),
      eb.fn.sum<number>('p.fees').as('fees'),
      eb.fn.sum<number>('p.commissions').as('commissions'),
      eb.fn.sum<number>('p.other_income').as('otherIncome'),
      eb.fn.sum<number>('p.orders').as('orders'),
    ])
    .groupBy('p.key')
    .having(
      sql<boolean>`sum(p.revenue) <> 0 OR sum(p.cogs) <> 0 OR sum(p.fees) <> 0
        OR sum(p.commissions) <> 0 OR sum(p.other_income) <> 0 OR sum(p.orders) <> 0`,
    );
  if (top !== undefined) q = q.orderBy('revenue', 'desc').orderBy('p.key').limit(top);
  return q.execute();
}
