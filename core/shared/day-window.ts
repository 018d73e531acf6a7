// Which calendar days the books accept. A business day being recorded (an order day, an
// expense day, a campaign day, an agent's joined day, ...) lies in the business's date window:
// by default from 10 years before today to 1 year after it (settings dates.years_back and
// dates.years_ahead widen it, e.g. to import older history). Money that moves on an order
// (payments, refunds) is dated on or after the order's day and at most one day after today
// (slack for a seller a time zone ahead of the device's clock).
//
// Days are 'YYYY-MM-DD' text: they compare in calendar order as text; day arithmetic is the
// business-day module's (core/shared/days.ts), on UTC dates only.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { today, type Ctx } from '../api/context';
import { AppError } from '../api/errors';
import { addDays, addYears } from './days';

/** Default reach of the date window around today, in years. */
export const DEFAULT_YEARS_BACK = 10;
export const DEFAULT_YEARS_AHEAD = 1;
export const SETTING_YEARS_BACK = 'dates.years_back';
export const SETTING_YEARS_AHEAD = 'dates.years_ahead';
/** Money on an order may be dated this many days after today. */
export const FUTURE_SLACK_DAYS = 1;

export interface DayWindow {
  /** First and last day accepted, inclusive. */
  from: string;
  to: string;
  today: string;
  yearsBack: number;
  yearsAhead: number;
}

/** Reads a whole number of years from the settings, or the default when unset or unusable. */
function years(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** The business's date window as of the ctx clock's today. */
export async function dayWindow(db: Kysely<Database>, ctx: Pick<Ctx, 'clock'>): Promise<DayWindow> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', [SETTING_YEARS_BACK, SETTING_YEARS_AHEAD])
    .execute();
  const map = new Map(rows.map((r) => [r.key, r.value]));
  const yearsBack = years(map.get(SETTING_YEARS_BACK), DEFAULT_YEARS_BACK);
  const yearsAhead = years(map.get(SETTING_YEARS_AHEAD), DEFAULT_YEARS_AHEAD);
  const t = today(ctx);
  return {
    from: addYears(t, -yearsBack),
    to: addYears(t, yearsAhead),
    today: t,
    yearsBack,
    yearsAhead,
  };
}

const refuse = (path: string, message: string, details: Record<string, unknown>): AppError =>
  new AppError('VALIDATION', `${path}: ${message}`, {
    ...details,
    issues: [{ path, message }],
  });

/**
 * Refuses (VALIDATION naming `path`) a business day outside the window. `window` may be given
 * by callers that check many days in one call (imports).
 */
export async function assertBusinessDay(
  db: Kysely<Database>,
  ctx: Pick<Ctx, 'clock'>,
  day: string,
  path: string,
  window?: DayWindow,
): Promise<void> {
  const w = window ?? (await dayWindow(db, ctx));
  if (day >= w.from && day <= w.to) return;
  throw refuse(
    path,
    `${day} is outside the dates this business accepts: use a day from ${w.from} to ${w.to} ` +
      `(${w.yearsBack} years before and ${w.yearsAhead} year(s) after today, ${w.today}; ` +
      `the settings ${SETTING_YEARS_BACK} and ${SETTING_YEARS_AHEAD} widen it)`,
    { day, from: w.from, to: w.to },
  );
}

/**
 * Refuses (VALIDATION naming `path`) money on an order dated before `notBefore` (the order's
 * day, or its paid day for a refund: `what` names it) or more than a day after today.
 */
export function assertOrderMoneyDay(
  ctx: Pick<Ctx, 'clock'>,
  day: string,
  path: string,
  notBefore: { day: string; what: string },
): void {
  if (day < notBefore.day) {
    throw refuse(
      path,
      `${day} is too early: must be on or after the ${notBefore.what} ${notBefore.day}`,
      {
        day,
        from: notBefore.day,
      },
    );
  }
  const latest = addDays(today(ctx), FUTURE_SLACK_DAYS);
  if (day > latest) {
    throw refuse(
      path,
      `${day} is in the future: must be on or before ${latest} (today plus one day); record it on the day it happens`,
      { day, to: latest },
    );
  }
}

/** assertBusinessDay for each given day (undefined or null: not given, nothing to check). */
export async function assertBusinessDays(
  db: Kysely<Database>,
  ctx: Pick<Ctx, 'clock'>,
  days: Record<string, string | null | undefined>,
): Promise<void> {
  const given = Object.entries(days).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (given.length === 0) return;
  const w = await dayWindow(db, ctx);
  for (const [path, d] of given) await assertBusinessDay(db, ctx, d, path, w);
}
