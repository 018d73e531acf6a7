// Report periods: the date range every figure is asked for, the day/ISO week/month a day falls
// in, and how a range splits into whole months (read from pnl_monthly) and loose days (read
// from pnl_daily).
import { z } from 'zod';
import {
  addMonths,
  format,
  getISOWeek,
  getISOWeekYear,
  lastDayOfMonth,
  startOfISOWeek,
} from 'date-fns';
import { utc } from '@date-fns/utc';
import { day } from '../shared/schemas';
import { addDays, addYears, formatDay, utcDate } from '../shared/days';

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
    } else if (to >= addYears(from, MAX_RANGE_YEARS)) {
      issue.addIssue({
        code: 'custom',
        path: ['to'],
        message: `a report covers at most ${MAX_RANGE_YEARS} years: pick a to before ${addYears(from, MAX_RANGE_YEARS)}`,
      });
    }
  });
}

export type TimeGrain = 'day' | 'week' | 'month';

/** The ISO week of a day, e.g. '2026-W01' for 2025-12-29 (weeks start on Monday). */
export function isoWeekOf(dayText: string): string {
  const d = utcDate(dayText);
  return `${getISOWeekYear(d, { in: utc })}-W${String(getISOWeek(d, { in: utc })).padStart(2, '0')}`;
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
  for (let from = range.from; from <= range.to;) {
    const endDay =
      grain === 'day'
        ? from
        : grain === 'week'
          ? addDays(formatDay(startOfISOWeek(utcDate(from), { in: utc })), 6)
          : formatDay(lastDayOfMonth(utcDate(from), { in: utc }));
    periods.push({ key: periodOf(grain, from), from, to: endDay < range.to ? endDay : range.to });
    from = addDays(endDay, 1);
  }
  return periods;
}

const monthsAfter = (month: string, n: number): string =>
  format(addMonths(utcDate(`${month}-01`), n, { in: utc }), 'yyyy-MM', { in: utc });
const nextMonth = (month: string): string => monthsAfter(month, 1);
const previousMonth = (month: string): string => monthsAfter(month, -1);
const lastDayOf = (month: string): string =>
  formatDay(lastDayOfMonth(utcDate(`${month}-01`), { in: utc }));

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
