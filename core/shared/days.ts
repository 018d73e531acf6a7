// Business days: the one definition of a calendar day in QunDesk.
//
// A day ('YYYY-MM-DD') is plain text checked as a calendar, never a `Date` in this process's
// time zone: a `Date` made from a day is local midnight, and turning it back into text through
// UTC (toISOString) moves it to the day before anywhere east of Greenwich, which refused every
// date typed in China. Day arithmetic runs on UTC dates (@date-fns/utc), so it gives the same
// answer in every zone. "Today" and the day an instant falls on follow the business's time zone
// (a setting, defaulting to the machine's), through @date-fns/tz.
import { addDays as addDaysTo, addYears as addYearsTo, format, parseISO } from 'date-fns';
import { TZDate, tz, tzOffset } from '@date-fns/tz';
import { utc } from '@date-fns/utc';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The number of days in month m (1-12) of year y. */
export const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** True when s is 'YYYY-MM-DD' and names a day of the calendar (2026-02-29 does not). */
export function isCalendarDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** The day y-m-d as 'YYYY-MM-DD', or null when the calendar has no such day. */
export function dayOf(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return y <= 9999 && isCalendarDay(s) ? s : null;
}

/** A day as a UTC date (midnight UTC), for date-fns arithmetic that no zone can shift. */
export const utcDate = (day: string): Date => parseISO(day, { in: utc });

/** The 'YYYY-MM-DD' of a date made by utcDate (or any date-fns result in UTC). */
export const formatDay = (d: Date): string => format(d, 'yyyy-MM-dd', { in: utc });

/** The day n days after (n < 0: before) a day. */
export const addDays = (day: string, n: number): string =>
  formatDay(addDaysTo(utcDate(day), n, { in: utc }));

/** The day n years after a day (29 February falls on 28 February in a common year). */
export const addYears = (day: string, n: number): string =>
  formatDay(addYearsTo(utcDate(day), n, { in: utc }));

/** Whole days from `from` to `to` (negative when to is before from). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / 86_400_000);

/** This machine's time zone, e.g. 'Asia/Shanghai' (the business's, unless it set another). */
export const machineTimeZone = (): string =>
  Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** True when the runtime knows the IANA time zone name. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$|^UTC$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Where days are counted: an IANA zone, or a fixed offset from UTC in minutes (replays). */
export interface DayZone {
  timeZone?: string | undefined;
  utcOffsetMinutes?: number | undefined;
}

/** The offset from UTC in minutes of a zone at an instant (UTC+8: 480). */
export function utcOffsetAt(instant: Date | number, zone: DayZone = {}): number {
  if (zone.utcOffsetMinutes !== undefined) return zone.utcOffsetMinutes;
  const at = typeof instant === 'number' ? new Date(instant) : instant;
  return zone.timeZone === undefined ? -at.getTimezoneOffset() : tzOffset(zone.timeZone, at);
}

/**
 * The day an instant falls on in a zone: a fixed offset when given (a mutation replayed in the
 * device's calendar), else the time zone, else this process's zone.
 */
export function dayAt(instant: Date | number | string, zone: DayZone = {}): string {
  const at = instant instanceof Date ? instant : new Date(instant);
  if (zone.utcOffsetMinutes !== undefined)
    return new Date(at.getTime() + zone.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  if (zone.timeZone !== undefined) return format(at, 'yyyy-MM-dd', { in: tz(zone.timeZone) });
  return format(at, 'yyyy-MM-dd');
}

/** The instant a day begins in a zone, as ISO-8601 UTC text (to compare with stored times). */
export function startOfDayAt(day: string, zone: DayZone = {}): string {
  const [y, m, d] = [
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)) - 1,
    Number(day.slice(8, 10)),
  ];
  if (zone.utcOffsetMinutes !== undefined)
    return new Date(Date.UTC(y, m, d) - zone.utcOffsetMinutes * 60_000).toISOString();
  const start =
    zone.timeZone !== undefined ? new TZDate(y, m, d, zone.timeZone) : new Date(y, m, d);
  return new Date(start.getTime()).toISOString();
}
