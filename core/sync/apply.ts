// Laying rows down on a store: the server's rows on a device (pull), a device's provisional
// rows taken back (rebase), the server's rows on its mirror (catch-up). The P&L rollup and
// the customer search index are kept in step: the P&L contributions of every source a change
// touches are taken out before and added back after, by the same SQL the services use.
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';
import { ADD_SOURCE_SQL, type PnlSourceKind } from '../../db/pnl';
import { searchTerms } from '../customers/search';
import { rowOps, tableSpec, type Row } from './tables';

export interface RowChange {
  tbl: string;
  pk: string;
  /** The row as it must be; null: the row must not exist. */
  row: Row | null;
}

function negate(sql: string): string {
  const out = sql.replaceAll('sum(c.', '-sum(c.').replace('count(DISTINCT', '-count(DISTINCT');
  if (out.split('-sum(c.').length !== 6 || !out.includes('-count(DISTINCT'))
    throw new Error('sync: the P&L source SQL changed shape; update core/sync/apply.ts');
  return out;
}
const SUB_SOURCE_SQL = negate(ADD_SOURCE_SQL);

type Source = `${PnlSourceKind}\u0000${string}`;

/** The P&L sources whose contributions depend on this row. */
function sourcesOf(sqlite: BetterSqlite3.Database, tbl: string, row: Row, out: Set<Source>): void {
  const add = (kind: PnlSourceKind, id: unknown) => {
    if (typeof id === 'string') out.add(`${kind}\u0000${id}`);
  };
  const ofOrder = (orderId: unknown) => {
    add('order', orderId);
    for (const r of prepared(sqlite, 'SELECT id FROM order_fees WHERE order_id = ?')
      .pluck()
      .all(orderId))
      add('order_fee', r);
    for (const r of prepared(sqlite, 'SELECT id FROM refunds WHERE order_id = ?')
      .pluck()
      .all(orderId))
      add('refund', r);
    for (const r of prepared(
      sqlite,
      'SELECT DISTINCT source_id FROM commission_entries WHERE order_id = ?',
    )
      .pluck()
      .all(orderId))
      add('commission', r);
  };
  switch (tbl) {
    case 'orders':
      ofOrder(row.id);
      break;
    case 'order_lines':
      ofOrder(row.order_id);
      break;
    case 'order_fees':
      add('order_fee', row.id);
      break;
    case 'refunds':
      add('refund', row.id);
      break;
    case 'refund_lines':
      add('refund', row.refund_id);
      break;
    case 'expenses':
      add('expense', row.id);
      break;
    case 'other_income':
      add('income', row.id);
      break;
    case 'commission_entries':
      add('commission', row.source_id);
      break;
  }
}

export interface ApplyOptions {
  /** Keep pnl_daily in step (devices; the server's mirror does not need it). */
  pnl: boolean;
  /** Keep customer_search in step. */
  search: boolean;
}

/**
 * Applies the changes in order inside the caller's transaction. The caller sets
 * sync_capture.applying (ledger rows may be replaced) and turns foreign keys off or defers
 * them (rows arrive in version order, not parent-first; an agent holds a partial tree).
 */
export function applyRowChanges(
  sqlite: BetterSqlite3.Database,
  changes: readonly RowChange[],
  options: ApplyOptions,
): void {
  if (changes.length === 0) return;
  const ops = rowOps(sqlite);
  const sources = new Set<Source>();
  if (options.pnl) {
    for (const c of changes) {
      const spec = tableSpec(c.tbl);
      if (!spec) continue;
      const old = ops.get(spec, c.pk);
      if (old) sourcesOf(sqlite, c.tbl, old, sources);
      if (c.row) sourcesOf(sqlite, c.tbl, c.row, sources);
    }
    const sub = prepared(sqlite, SUB_SOURCE_SQL);
    for (const s of sources) sub.run(...s.split('\u0000'));
  }
  const customers = new Set<string>();
  for (const c of changes) {
    const spec = tableSpec(c.tbl);
    if (!spec) throw new Error(`sync: ${c.tbl} is not a synced table`);
    if (options.search && c.tbl === 'customers') {
      // The search index is keyed by the customer's rowid: drop the old terms while it exists.
      const rowid = prepared(sqlite, 'SELECT rowid FROM customers WHERE id = ?').pluck().get(c.pk);
      if (rowid !== undefined)
        prepared(sqlite, 'DELETE FROM customer_search WHERE rowid = ?').run(rowid);
      customers.add(c.pk);
    }
    if (c.row === null) ops.remove(spec, c.pk);
    else ops.upsert(spec, c.row);
  }
  if (options.pnl) {
    const add = prepared(sqlite, ADD_SOURCE_SQL);
    for (const s of sources) add.run(...s.split('\u0000'));
  }
  for (const id of customers) {
    const c = prepared(
      sqlite,
      'SELECT rowid, name, phone, wechat_id, deleted_at, erased_at FROM customers WHERE id = ?',
    ).get(id) as
      | {
          rowid: number;
          name: string;
          phone: string | null;
          wechat_id: string | null;
          deleted_at: string | null;
          erased_at: string | null;
        }
      | undefined;
    if (!c || c.deleted_at !== null || c.erased_at !== null) continue;
    prepared(sqlite, 'INSERT INTO customer_search (rowid, terms) VALUES (?, ?)').run(
      c.rowid,
      searchTerms({ name: c.name, phone: c.phone, wechatId: c.wechat_id }),
    );
  }
}
