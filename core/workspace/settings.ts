// Workspace settings (name, currency, refund window) kept in the settings table.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { currency, type Currency } from '../money';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { Clock } from '../api/context';
import { prepared } from '../../db/prepared';
import { machineTimeZone } from '../shared/days';

export interface WorkspaceSettings {
  id: string;
  name: string;
  currency: string;
  refundWindowDays: number;
  /**
   * The business's time zone (IANA), where "today" and the day of a time are counted; null:
   * follow the machine's (timeZoneInUse says which that is).
   */
  timeZone: string | null;
  createdAt: string;
}

const KEYS = {
  id: 'workspace.id',
  name: 'workspace.name',
  currency: 'workspace.currency',
  refundWindowDays: 'workspace.refund_window_days',
  timeZone: 'workspace.time_zone',
  createdAt: 'workspace.created_at',
} as const;

export async function readSettings(db: Kysely<Database>): Promise<WorkspaceSettings | null> {
  const rows = await db.selectFrom('settings').selectAll().execute();
  const map = new Map(rows.map((r) => [r.key, r.value]));
  const id = map.get(KEYS.id);
  if (!id) return null;
  return {
    id,
    name: map.get(KEYS.name) ?? '',
    currency: map.get(KEYS.currency) ?? 'CNY',
    refundWindowDays: Number(map.get(KEYS.refundWindowDays) ?? 7),
    timeZone: map.get(KEYS.timeZone) || null,
    createdAt: map.get(KEYS.createdAt) ?? '',
  };
}

export async function requireSettings(db: Kysely<Database>): Promise<WorkspaceSettings> {
  const s = await readSettings(db);
  if (!s) {
    throw new AppError(
      'INVALID_STATE',
      'This store has no business yet: run `qundesk --store FILE init` (or workspace.init) first.',
    );
  }
  return s;
}

/** The workspace currency (amount decimals for parsing and formatting). */
export async function workspaceCurrency(db: Kysely<Database>): Promise<Currency> {
  return currency((await requireSettings(db)).currency);
}

export async function writeSettings(
  db: Kysely<Database>,
  values: Partial<WorkspaceSettings>,
): Promise<void> {
  for (const [k, key] of Object.entries(KEYS) as [keyof WorkspaceSettings, string][]) {
    const v = values[k];
    if (v === undefined) continue;
    if (v === null) {
      await db.deleteFrom('settings').where('key', '=', key).execute();
      continue;
    }
    await db
      .insertInto('settings')
      .values({ key, value: String(v) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(v) }))
      .execute();
  }
}

/** The business's own time zone setting, or undefined (follow the machine's). */
export function businessTimeZone(sqlite: BetterSqlite3.Database): string | undefined {
  const zone = prepared(sqlite, 'SELECT value FROM settings WHERE key = ?')
    .pluck()
    .get(KEYS.timeZone) as string | undefined;
  return zone || undefined;
}

/** The time zone days are counted in: the business's, else the machine's. */
export const timeZoneInUse = (sqlite: BetterSqlite3.Database): string =>
  businessTimeZone(sqlite) ?? machineTimeZone();

/**
 * The clock a store's core runs on: `base`'s instants, with days counted in the business's time
 * zone (read from the settings at each use, so a change applies at once). A clock that already
 * names its zone or a fixed offset (a replayed mutation, tests) is kept as it is.
 */
export function businessClock(sqlite: BetterSqlite3.Database, base: Clock): Clock {
  if (base.timeZone !== undefined || base.utcOffsetMinutes !== undefined) return base;
  return {
    now: () => base.now(),
    get timeZone() {
      return businessTimeZone(sqlite);
    },
  };
}
