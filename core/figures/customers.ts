// Customer figures (figures.customers): how many bought, how many came back, and their RFM
// segments. Computed from the rollup's 'customer' dimension: per customer and day, the paid
// orders and the revenue (refunds already netted on their own day).
import { z } from 'zod';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { divRoundHalfUp } from '../money';
import { page } from '../shared/schemas';
import { customerLabels } from './labels';
import { withDateRange, type DateRange } from './periods';
import { daysBetween } from '../shared/days';
import {
  quintileScores,
  segmentOf,
  SEGMENT_LABELS,
  SEGMENTS,
  type Score,
  type Segment,
} from './rfm';

export const customersInput = withDateRange({
  /** Ask for the customer list too, a page at a time. */
  rows: z.object(page).optional(),
});
export type CustomersInput = z.output<typeof customersInput>;

export interface CustomerRfm {
  customerId: string;
  name: string;
  /** The last day in the range the customer paid an order. */
  lastPaidOn: string;
  /** Days from lastPaidOn to the end of the range. */
  recencyDays: number;
  /** Paid orders in the range. */
  frequency: number;
  /** Revenue in the range net of refunds (minor units). */
  monetary: number;
  r: Score;
  f: Score;
  m: Score;
  segment: Segment;
  label: string;
}

export interface SegmentFigures {
  segment: Segment;
  label: string;
  customers: number;
  revenue: number;
}

export interface CustomerFigures {
  from: string;
  to: string;
  /** Customers with at least one paid order in the range. */
  customers: number;
  /** Of those, customers with two or more. */
  repeatCustomers: number;
  /** repeatCustomers / customers in basis points, rounded half up (0 when nobody bought). */
  repurchaseRate: number;
  /** Every segment, in a fixed order, empty ones included. */
  segments: SegmentFigures[];
  /** When asked for: the customers by revenue (then orders, then recency), one page. */
  rows?: CustomerRfm[];
}

interface Buyer {
  key: string;
  frequency: number;
  monetary: number;
  lastPaidOn: string;
}

/** Customers with a paid order in the range; the unattributed key '' is nobody. */
function buyers(db: Kysely<Database>, range: DateRange): Promise<Buyer[]> {
  return db
    .selectFrom('pnl_daily')
    .select([
      'key',
      sql<number>`sum(orders)`.as('frequency'),
      sql<number>`sum(revenue)`.as('monetary'),
      sql<string>`max(CASE WHEN orders > 0 THEN day END)`.as('lastPaidOn'),
    ])
    .where('dim', '=', 'customer')
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .where('key', '<>', '')
    .groupBy('key')
    .having(sql<boolean>`sum(orders) > 0`)
    .execute();
}

const byValue = (a: CustomerRfm, b: CustomerRfm): number =>
  b.monetary - a.monetary ||
  b.frequency - a.frequency ||
  a.recencyDays - b.recencyDays ||
  (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0);

export async function customerFigures(
  db: Kysely<Database>,
  input: CustomersInput,
): Promise<CustomerFigures> {
  const found = await buyers(db, input);
  const recency = found.map((b) => daysBetween(b.lastPaidOn, input.to));
  const r = quintileScores(recency, 'lower');
  const f = quintileScores(
    found.map((b) => b.frequency),
    'higher',
  );
  const m = quintileScores(
    found.map((b) => b.monetary),
    'higher',
  );

  const segments = new Map<Segment, { customers: number; revenue: number }>(
    SEGMENTS.map((s) => [s.segment, { customers: 0, revenue: 0 }]),
  );
  const scored = found.map((b, i) => {
    const segment = segmentOf(r[i]!, f[i]!, m[i]!);
    const total = segments.get(segment)!;
    total.customers += 1;
    total.revenue += b.monetary;
    return { b, i, segment };
  });

  const customers = found.length;
  const repeatCustomers = found.filter((b) => b.frequency >= 2).length;
  const figures: CustomerFigures = {
    from: input.from,
    to: input.to,
    customers,
    repeatCustomers,
    repurchaseRate: customers === 0 ? 0 : divRoundHalfUp(repeatCustomers * 10_000, customers),
    segments: SEGMENTS.map((s) => ({ ...s, ...segments.get(s.segment)! })),
  };
  if (!input.rows) return figures;

  const all: CustomerRfm[] = scored.map(({ b, i, segment }) => ({
    customerId: b.key,
    name: '',
    lastPaidOn: b.lastPaidOn,
    recencyDays: recency[i]!,
    frequency: b.frequency,
    monetary: b.monetary,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    segment,
    label: SEGMENT_LABELS[segment],
  }));
  const rows = all.sort(byValue).slice(input.rows.offset, input.rows.offset + input.rows.limit);
  const names = await customerLabels(
    db,
    rows.map((row) => row.customerId),
  );
  for (const row of rows) row.name = names.get(row.customerId) ?? row.customerId;
  return { ...figures, rows };
}
