// The P&L report (figures.pnl, `qundesk report pnl`): the figures of DOMAIN.md for a date range,
// broken down by period or by one dimension. Read from the rollup only, so every breakdown foots
// to the totals by construction.
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database, PnlDim } from '../../db/schema';
import { requireSettings } from '../workspace/settings';
import { periodsOf, withDateRange, type DateRange, type TimeGrain } from './periods';
import { labelsFor } from './labels';
import {
  addSums,
  sumsByKey,
  totalsByDay,
  totalsByMonth,
  zeroSums,
  type KeyedSums,
  type Sums,
} from './sums';

/** A row's figures in minor units. `orders` counts the distinct paid orders touching the row. */
export interface Figures {
  revenue: number;
  cogs: number;
  /** revenue - cogs */
  grossProfit: number;
  fees: number;
  commissions: number;
  otherIncome: number;
  /** grossProfit - fees - commissions + otherIncome */
  netProfit: number;
  orders: number;
}

export interface PnlRow extends Figures {
  key: string;
  label: string;
}

export const TIME_BREAKDOWNS = ['day', 'week', 'month'] as const;
export const DIMENSION_BREAKDOWNS = [
  'product',
  'category',
  'group',
  'agent',
  'campaign',
  'customer',
  'fee',
] as const;
export type PnlBreakdown = (typeof TIME_BREAKDOWNS)[number] | (typeof DIMENSION_BREAKDOWNS)[number];

export const pnlInput = withDateRange({
  by: z.enum([...TIME_BREAKDOWNS, ...DIMENSION_BREAKDOWNS]).default('month'),
});
export type PnlInput = z.output<typeof pnlInput>;

export interface PnlReport {
  currency: string;
  from: string;
  to: string;
  by: PnlBreakdown;
  rows: PnlRow[];
  totals: Figures;
}

/** The derived figures, the same way for every row and every total. */
export function withProfit(s: Sums): Figures {
  const grossProfit = s.revenue - s.cogs;
  return {
    revenue: s.revenue,
    cogs: s.cogs,
    grossProfit,
    fees: s.fees,
    commissions: s.commissions,
    otherIncome: s.otherIncome,
    netProfit: grossProfit - s.fees - s.commissions + s.otherIncome,
    orders: s.orders,
  };
}

const isTime = (by: PnlBreakdown): by is TimeGrain =>
  (TIME_BREAKDOWNS as readonly string[]).includes(by);

/** Revenue desc, then key; the unattributed row ('') last. */
export function byRevenue(a: KeyedSums, b: KeyedSums): number {
  if ((a.key === '') !== (b.key === '')) return a.key === '' ? 1 : -1;
  if (a.revenue !== b.revenue) return b.revenue - a.revenue;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Every period of the range in order (periods with nothing recorded included, at zero), and
 * the range totals from the same daily rows.
 */
export async function timeRows(
  db: Kysely<Database>,
  grain: TimeGrain,
  range: DateRange,
): Promise<{ rows: PnlRow[]; totals: Figures }> {
  const periods = periodsOf(grain, range).map((p) => ({ ...p, sums: zeroSums() }));
  const totals = zeroSums();
  if (grain === 'month') {
    // Whole months are one row each in pnl_monthly.
    const months = new Map(periods.map((p) => [p.key, p.sums]));
    for (const month of await totalsByMonth(db, range)) {
      addSums(months.get(month.key)!, month);
      addSums(totals, month);
    }
  } else {
    // Both lists are in day order: walk them side by side.
    let i = 0;
    for (const day of await totalsByDay(db, range)) {
      while (day.day > periods[i]!.to) i++;
      addSums(periods[i]!.sums, day);
      addSums(totals, day);
    }
  }
  const rows = periods.map((p) => ({ key: p.key, label: p.key, ...withProfit(p.sums) }));
  return { rows, totals: withProfit(totals) };
}

/** Labelled rows of a dimension, in the order the sums come. */
export async function labelledRows(
  db: Kysely<Database>,
  dim: PnlDim,
  sums: KeyedSums[],
): Promise<PnlRow[]> {
  const labels = await labelsFor(
    db,
    dim,
    sums.map((s) => s.key),
  );
  return sums.map(({ key, ...s }) => ({ key, label: labels.get(key)!, ...withProfit(s) }));
}

/** The workspace totals of a range (the 'total' dimension). */
export async function rangeTotals(db: Kysely<Database>, range: DateRange): Promise<Figures> {
  const totals = zeroSums();
  for (const s of await sumsByKey(db, 'total', range)) addSums(totals, s);
  return withProfit(totals);
}

/**
 * Builds the P&L report. `input` is what `pnlInput` parses (figures.pnl validates it; a direct
 * caller such as the CLI should parse with `pnlInput` first).
 */
export async function pnlReport(db: Kysely<Database>, input: PnlInput): Promise<PnlReport> {
  const { currency } = await requireSettings(db);
  const range = { from: input.from, to: input.to };
  const head = { currency, from: input.from, to: input.to, by: input.by };
  if (isTime(input.by)) return { ...head, ...(await timeRows(db, input.by, range)) };

  const sums = (await sumsByKey(db, input.by, range)).sort(byRevenue);
  return {
    ...head,
    rows: await labelledRows(db, input.by, sums),
    totals: await rangeTotals(db, range),
  };
}
