// The first upload, the device's side: a store that already held a business when it joined a
// brand-new workspace sends every synced row (imports and demo data included: no mutation made
// them) to /v1/sync/seed, table by table in SYNCED_TABLES order (parents first), a page at a
// time, before it pushes anything. The outbox up to `seed_seq` (the last mutation recorded
// before the upload began) is covered by the rows and dropped once the upload is done.
//
// The rows sent are the store as it was when the upload began, even when the user keeps
// working meanwhile: a mutation recorded since is captured (sync_undo, the device being
// signed in), so a row it touched is sent as its first image before that mutation (none: the
// row did not exist yet), and a row it deleted is still sent. Those mutations stay in the
// outbox and are pushed once the upload is done.
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';
import { rowKey, SYNCED_TABLES, type Row, type TableSpec } from './tables';

/** Where the upload stands: the table (index in SYNCED_TABLES) and the last key sent in it. */
export interface UploadPosition {
  table: number;
  /** The key columns' values of the last row sent; null: the table has not begun. */
  after: unknown[] | null;
}

export interface UploadRow {
  t: string;
  k: string;
  d: Row;
}

export interface UploadPage {
  rows: UploadRow[];
  /** Where the next page begins; null: this page is the last. */
  next: UploadPosition | null;
}

/**
 * The rows of a table as they were before the first mutation after `seedSeq` touched them
 * (key -> image; null: the row did not exist).
 */
function imagesBefore(
  sqlite: BetterSqlite3.Database,
  tbl: string,
  seedSeq: number,
): Map<string, Row | null> {
  const rows = prepared(
    sqlite,
    `SELECT u.pk, u.before FROM sync_undo u
      WHERE u.tbl = ? AND u.seq = (
        SELECT min(v.seq) FROM sync_undo v WHERE v.tbl = u.tbl AND v.pk = u.pk AND v.seq > ?)`,
  ).all(tbl, seedSeq) as { pk: string; before: string | null }[];
  return new Map(rows.map((r) => [r.pk, r.before === null ? null : (JSON.parse(r.before) as Row)]));
}

function pageSql(spec: TableSpec, first: boolean): string {
  const keys = spec.pk.join(', ');
  return (
    `SELECT ${spec.columns.join(', ')} FROM ${spec.name}` +
    (first ? '' : ` WHERE (${keys}) > (${spec.pk.map(() => '?').join(', ')})`) +
    ` ORDER BY ${keys} LIMIT ?`
  );
}

/** The next page of the upload from `at`: at most maxRows rows, about maxBytes of JSON. */
export function readUploadPage(
  sqlite: BetterSqlite3.Database,
  at: UploadPosition,
  seedSeq: number,
  maxRows: number,
  maxBytes: number,
): UploadPage {
  const rows: UploadRow[] = [];
  let bytes = 0;
  let table = at.table;
  let after = at.after;
  while (table < SYNCED_TABLES.length) {
    if (rows.length >= maxRows || bytes >= maxBytes) return { rows, next: { table, after } };
    const spec = SYNCED_TABLES[table]!;
    const changed = imagesBefore(sqlite, spec.name, seedSeq);
    const want = maxRows - rows.length;
    const got = prepared(sqlite, pageSql(spec, after === null)).all(
      ...(after ?? []),
      want,
    ) as Row[];
    let full = false;
    for (const r of got) {
      const k = rowKey(spec, r);
      after = spec.pk.map((c) => r[c]);
      const d = changed.has(k) ? changed.get(k)! : r;
      if (d !== null) {
        rows.push({ t: spec.name, k, d });
        bytes += Buffer.byteLength(JSON.stringify(d)) + Buffer.byteLength(k) + 32;
      }
      if (bytes >= maxBytes) {
        full = true;
        break;
      }
    }
    if (full || got.length === want) continue; // more of this table, on this page or the next
    // The table is done: the rows deleted since the upload began go too.
    const exists = prepared(
      sqlite,
      `SELECT 1 FROM ${spec.name} WHERE ${spec.pk.map((c) => `${c} = ?`).join(' AND ')}`,
    );
    for (const [k, d] of changed) {
      if (d === null || exists.get(...spec.pk.map((c) => d[c])) !== undefined) continue;
      rows.push({ t: spec.name, k, d });
      bytes += Buffer.byteLength(JSON.stringify(d)) + Buffer.byteLength(k) + 32;
    }
    table += 1;
    after = null;
  }
  return { rows, next: null };
}
