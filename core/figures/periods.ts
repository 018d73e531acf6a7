// Report periods: the date range every figure is asked for, the day/ISO week/month a day falls
// in, and how a range splits into whole months (read from pnl_monthly) and loose days (read
// from pnl_daily).
import { z } from 'zod';
import {
  addDays,
  addMonths,
  addYears,
  format,
  getISOWeek,
  getISOWeekYear,
  lastDayOfMonth,
  parseISO,
  startOfISOWeek,
} from 'date-fns';
import { day } from '../shared/schemas';

/** The longest range a report covers; longer asks are almost always a typo in a year. */
export const MAX_RANGE_YEARS = 10;

/** A report's days, both inclusive: 'YYYY-MM-DD'. */
export interface DateRange {
  from: string;
  to: string;
}

/** {from, to} plus the given fields, with `to` checked against `from`. */
export function withDateRange<S extends z.ZodRawShape>(shape: S) {
  return z.object({ from: day, to: day, ...shape }).superRefine((input, issue) => {
    const { from, to } = input as DateRange;
    // A malformed day is already reported on its own field.
    if (!day.safeParse(from).success || !day.safeParse(to).success) return;
    if (to < from) {
      issue.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be on or after from (${from})`,
      });
    } else if (to >= toDay(addYears(parseISO(from), MAX_RANGE_YEARS))) {
      issue.addIssue({
        code: 'custom',
        path: ['to'],
        message: `a report covers at most ${MAX_RANGE_YEARS} years: pick a to before ${toDay(addYears(parseISO(from), MAX_RANGE_YEARS))}`,
      });
    }
  });
}

export type TimeGrain = 'day' | 'week' | 'month';

const toDay = (d: Date): string => format(d, 'yyyy-MM-dd');

/** The ISO week of a day, e.g. '2026-W01' for 2025-12-29 (weeks start on Monday). */
export function isoWeekOf(dayText: string): string {
  const d = parseISO(dayText);
  return `${getISOWeekYear(d)}-W${String(getISOWeek(d)).padStart(2, '0')}`;
}

/** The period a day falls in: the day itself, its ISO week, or its month 'YYYY-MM'. */
export function periodOf(grain: TimeGrain, dayText: string): string {
  if (grain === 'day') return dayText;
  if (grain === 'month') return dayText.slice(0, 7);
  return isoWeekOf(dayText);
}

/** A period of a report, cut to the report's range: its key and the days of it in range. */
export interface Period {
  key: string;
  from: string;
  to: string;
}

/**
 * Every period touched by the range, in order, each with its first and last day in range (a
 * week cut by from/to still counts once, under its ISO week). One step per period, not per day.
 */
export function periodsOf(grain: TimeGrain, range: DateRange): Period[] {
  const periods: Period[] = [];
  for (let start = parseISO(range.from), from = range.from; from <= range.to;) {
    const end =
      grain === 'day'
        ? start
        : grain === 'week'
          ? addDays(startOfISOWeek(start), 6)
          : lastDayOfMonth(start);
    const endDay = toDay(end);
    periods.push({ key: periodOf(grain, from), from, to: endDay < range.to ? endDay : range.to });
    start = addDays(end, 1);
    from = toDay(start);
  }
  return periods;
}

/** Whole days from one calendar day to another (UTC midnights: no daylight-saving hour). */
export const daysBetween = (from: string, to: string): number =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

const nextMonth = (month: string): string =>
  format(addMonths(parseISO(`${month}-01`), 1), 'yyyy-MM');
const previousMonth = (month: string): string =>
  format(addMonths(parseISO(`${month}-01`), -1), 'yyyy-MM');
const lastDayOf = (month: string): string => toDay(lastDayOfMonth(parseISO(`${month}-01`)));

/** A slice of a range: loose days [from, to], or whole months [from, to] ('YYYY-MM'). */
export type RangePart = { days: DateRange } | { months: DateRange };

/**
 * Splits a range into the whole months inside it and the loose days at either end, so a
 * breakdown reads one pnl_monthly row per key and month and only the edges from pnl_daily.
 * The parts cover every day of the range exactly once.
 */
export function splitByMonth(range: DateRange): RangePart[] {
  const fromMonth = range.from.slice(0, 7);
  const toMonth = range.to.slice(0, 7);
  const startsOnFirst = range.from.endsWith('-01');
  const endsOnLast = range.to === lastDayOf(toMonth);
  if (fromMonth === toMonth && !(startsOnFirst && endsOnLast)) return [{ days: range }];

  const parts: RangePart[] = [];
  const firstWhole = startsOnFirst ? fromMonth : nextMonth(fromMonth);
  const lastWhole = endsOnLast ? toMonth : previousMonth(toMonth);
  if (!startsOnFirst) parts.push({ days: { from: range.from, to: lastDayOf(fromMonth) } });
  if (firstWhole <= lastWhole) parts.push({ months: { from: firstWhole, to: lastWhole } });
  if (!endsOnLast) parts.push({ days: { from: `${toMonth}-01`, to: range.to } });
  return parts;
}
