// The synced tables and the generic row operations sync needs on them: a row's key, its JSON
// image, upsert and delete by key. One list for the device, the server's mirror and the wire.
import type BetterSqlite3 from 'better-sqlite3';
import { SYNCED_TABLES_V4 } from '../../db/migrations/004_sync';

export type Row = Record<string, unknown>;

export interface TableSpec {
  name: string;
  pk: string[];
  columns: string[];
}

export const SYNCED_TABLES: readonly TableSpec[] = Object.entries(SYNCED_TABLES_V4).map(
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

export function rowOps(sqlite: BetterSqlite3.Database): RowOps {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = sqlite.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    get(spec, key) {
      return stmt(
        `SELECT ${spec.columns.join(', ')} FROM ${spec.name} WHERE ${keyWhere(spec)}`,
      ).get(...keyValues(spec, key)) as Row | undefined;
    },
    upsert(spec, row) {
      const nonKey = spec.columns.filter((c) => !spec.pk.includes(c));
      const sql =
        `INSERT INTO ${spec.name} (${spec.columns.join(', ')}) VALUES (${spec.columns.map(() => '?').join(', ')}) ` +
        (nonKey.length === 0
          ? `ON CONFLICT (${spec.pk.join(', ')}) DO NOTHING`
          : `ON CONFLICT (${spec.pk.join(', ')}) DO UPDATE SET ${nonKey.map((c) => `${c} = excluded.${c}`).join(', ')}`);
      stmt(sql).run(...spec.columns.map((c) => (row[c] === undefined ? null : row[c])));
    },
    remove(spec, key) {
      stmt(`DELETE FROM ${spec.name} WHERE ${keyWhere(spec)}`).run(...keyValues(spec, key));
    },
    all(spec) {
      return stmt(
        `SELECT ${spec.columns.join(', ')} FROM ${spec.name} ORDER BY ${spec.pk.join(', ')}`,
      ).all() as Row[];
    },
  };
}
