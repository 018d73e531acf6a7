// The synced tables and the generic row operations sync needs on them: a row's key, its JSON
// image, upsert and delete by key. One list for the device, the server's mirror and the wire.
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';
import { SYNCED_TABLES_V6 } from '../../db/migrations/006_completion_day';
import { dayAt } from '../shared/days';

export type Row = Record<string, unknown>;

export interface TableSpec {
  name: string;
  pk: string[];
  columns: string[];
}

export const SYNCED_TABLES: readonly TableSpec[] = Object.entries(SYNCED_TABLES_V6).map(
  ([name, [pk, cols]]) => ({ name, pk, columns: [...pk, ...cols] }),
);

const byName = new Map(SYNCED_TABLES.map((t) => [t.name, t]));

export function tableSpec(name: string): TableSpec | undefined {
  return byName.get(name);
}

/** Append-only ledgers: a row never changes once written (apply inserts or ignores). */
export const APPEND_ONLY = new Set([
  'stock_movements',
  'payments',
  'refunds',
  'refund_lines',
  'expenses',
  'other_income',
  'agent_moves',
  'commission_entries',
]);

/** The row key as sync_undo stores it: the key column, or a JSON array of the key columns. */
export function rowKey(spec: TableSpec, row: Row): string {
  if (spec.pk.length === 1) return String(row[spec.pk[0]!]);
  return JSON.stringify(spec.pk.map((c) => row[c]));
}

function keyValues(spec: TableSpec, key: string): unknown[] {
  if (spec.pk.length === 1) return [key];
  const parsed = JSON.parse(key) as unknown[];
  if (!Array.isArray(parsed) || parsed.length !== spec.pk.length)
    throw new Error(`bad key for ${spec.name}: ${key}`);
  return parsed;
}

const keyWhere = (spec: TableSpec) => spec.pk.map((c) => `${c} = ?`).join(' AND ');

/** Prepared statements per table, per connection. */
export interface RowOps {
  get(spec: TableSpec, key: string): Row | undefined;
  upsert(spec: TableSpec, row: Row): void;
  remove(spec: TableSpec, key: string): void;
  all(spec: TableSpec): Row[];
}

interface TableSql {
  get: string;
  upsert: string;
  remove: string;
  all: string;
}

const sqlByTable = new Map<string, TableSql>();

/** The statements' text per table, built once. */
function tableSql(spec: TableSpec): TableSql {
  let t = sqlByTable.get(spec.name);
  if (t) return t;
  const cols = spec.columns.join(', ');
  const nonKey = spec.columns.filter((c) => !spec.pk.includes(c));
  t = {
    get: `SELECT ${cols} FROM ${spec.name} WHERE ${keyWhere(spec)}`,
    upsert:
      `INSERT INTO ${spec.name} (${cols}) VALUES (${spec.columns.map(() => '?').join(', ')}) ` +
      (nonKey.length === 0
        ? `ON CONFLICT (${spec.pk.join(', ')}) DO NOTHING`
        : `ON CONFLICT (${spec.pk.join(', ')}) DO UPDATE SET ${nonKey.map((c) => `${c} = excluded.${c}`).join(', ')}`),
    remove: `DELETE FROM ${spec.name} WHERE ${keyWhere(spec)}`,
    all: `SELECT ${cols} FROM ${spec.name} ORDER BY ${spec.pk.join(', ')}`,
  };
  sqlByTable.set(spec.name, t);
  return t;
}

/**
 * An order's image written before migration 6 (by an older server or device: a stored server
 * row, an older device's first upload, an undo image taken before the update) has no
 * completed_on. It gets the day migration 6 gives such orders: the day of completed_at in the
 * business's time zone when the store has that setting, else in this process's zone.
 */
function withCompletionDay(sqlite: BetterSqlite3.Database, row: Row): Row {
  if (row.completed_on !== undefined) return row;
  const at = row.completed_at;
  if (typeof at !== 'string') return { ...row, completed_on: null };
  const zone = prepared(sqlite, "SELECT value FROM settings WHERE key = 'workspace.time_zone'")
    .pluck()
    .get() as string | undefined;
  return { ...row, completed_on: dayAt(at, zone ? { timeZone: zone } : {}) };
}

export function rowOps(sqlite: BetterSqlite3.Database): RowOps {
  return {
    get(spec, key) {
      return prepared(sqlite, tableSql(spec).get).get(...keyValues(spec, key)) as Row | undefined;
    },
    upsert(spec, image) {
      const row = spec.name === 'orders' ? withCompletionDay(sqlite, image) : image;
      prepared(sqlite, tableSql(spec).upsert).run(
        ...spec.columns.map((c) => (row[c] === undefined ? null : row[c])),
      );
    },
    remove(spec, key) {
      prepared(sqlite, tableSql(spec).remove).run(...keyValues(spec, key));
    },
    all(spec) {
      return prepared(sqlite, tableSql(spec).all).all() as Row[];
    },
  };
}
