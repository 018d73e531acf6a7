// Migration 6: an order's completion day. FROZEN once released.
//
// orders.completed_on is the business day ('YYYY-MM-DD', in the business's time zone) on which
// the order was completed; NULL while it is not. The services write it with completed_at
// (today(ctx): a replayed mutation counts it in the recording device's calendar). It starts the
// commission refund window; before this migration that was the UTC day of completed_at, which
// made a commission payable a day early for an order completed before 08:00 in China.
//
// Backfill: completed_on = date(completed_at, 'localtime'), the day in this process's time zone
// when the migration runs, which is the business's zone unless the business set another one
// (workspace.time_zone; SQLite knows no IANA zones, and a migration is SQL only). Limit: a
// business whose zone setting differs from the machine's gets its earlier completions counted
// in the machine's zone; orders completed after the update are counted in the business's.
// Orders laid down by sync from row images written before this migration (no completed_on key)
// get the same day when they arrive (core/sync/tables.ts).
//
// Then, as 004 requires of a migration adding a column to a synced table, the orders sync
// capture triggers are recreated with the new column (the capture code and column lists are
// copied here, frozen), and the commission rollup triggers (migration 5) are recreated to
// follow orders.completed_on instead of date(completed_at); commission_daily is rebuilt from
// the ledger. The invariant of migration 5 holds with:
//   completed_on = orders.completed_on when the order exists and is completed, else ''.
import { SYNCED_TABLES_V4 } from './004_sync';

const ordersV4 = SYNCED_TABLES_V4.orders!;
const at = ordersV4[1].indexOf('completed_at');

/** Synced tables from this migration on: orders gain completed_on (after completed_at). */
export const SYNCED_TABLES_V6: Record<string, [string[], string[]]> = {
  ...SYNCED_TABLES_V4,
  orders: [
    ordersV4[0],
    [...ordersV4[1].slice(0, at + 1), 'completed_on', ...ordersV4[1].slice(at + 1)],
  ],
};

// --- The sync capture triggers, as migration 4 writes them (frozen copy). ---

const keyExpr = (alias: 'NEW' | 'OLD', pk: string[]): string =>
  pk.length === 1
    ? `${alias}.${pk[0]}`
    : `json_array(${pk.map((c) => `${alias}.${c}`).join(', ')})`;

const CAPTURING = '(SELECT seq FROM sync_capture WHERE id = 1) IS NOT NULL';
const SEQ = '(SELECT seq FROM sync_capture WHERE id = 1)';

function captureTriggers(table: string, pk: string[], cols: string[]): string {
  const image = `json_object(${[...pk, ...cols].map((c) => `'${c}', OLD.${c}`).join(', ')})`;
  const insertUndo = (key: string, before: string) =>
    `INSERT OR IGNORE INTO sync_undo (seq, tbl, pk, before) VALUES (${SEQ}, '${table}', ${key}, ${before});`;
  return `
DROP TRIGGER sync_${table}_i;
DROP TRIGGER sync_${table}_u;
DROP TRIGGER sync_${table}_d;
CREATE TRIGGER sync_${table}_i AFTER INSERT ON ${table} WHEN ${CAPTURING} BEGIN
  ${insertUndo(keyExpr('NEW', pk), 'NULL')}
END;
CREATE TRIGGER sync_${table}_u AFTER UPDATE ON ${table} WHEN ${CAPTURING} BEGIN
  ${insertUndo(keyExpr('OLD', pk), image)}
  INSERT OR IGNORE INTO sync_undo (seq, tbl, pk, before)
    SELECT ${SEQ}, '${table}', ${keyExpr('NEW', pk)}, NULL
     WHERE ${keyExpr('NEW', pk)} IS NOT ${keyExpr('OLD', pk)};
END;
CREATE TRIGGER sync_${table}_d AFTER DELETE ON ${table} WHEN ${CAPTURING} BEGIN
  ${insertUndo(keyExpr('OLD', pk), image)}
END;`;
}

// --- The commission rollup triggers of migration 5, on the stored completion day. ---

const completedOn = (o: string) =>
  `coalesce(CASE WHEN ${o}.status = 'completed' THEN ${o}.completed_on END, '')`;

const COLUMNS = '(agent_id, accrued_on, level, completed_on, amount)';
const ADD =
  'ON CONFLICT (agent_id, accrued_on, level, completed_on) DO UPDATE SET amount = amount + excluded.amount';

/** Adds (sign +) or takes out (sign -) one entry row (NEW or OLD). */
const entryRow = (row: 'NEW' | 'OLD', sign: '' | '-') => `
  INSERT INTO commission_daily ${COLUMNS}
  VALUES (${row}.agent_id, ${row}.accrued_on, ${row}.level,
          coalesce((SELECT ${completedOn('o')} FROM orders o WHERE o.id = ${row}.order_id), ''),
          ${sign}${row}.amount)
  ${ADD};`;

/** Moves the entries of order `id` from completion day `from` to `to`. */
const moveOrder = (id: string, from: string, to: string) => `
  INSERT INTO commission_daily ${COLUMNS}
  SELECT e.agent_id, e.accrued_on, e.level, ${from}, -sum(e.amount)
    FROM commission_entries e WHERE e.order_id = ${id} GROUP BY 1, 2, 3
  ${ADD};
  INSERT INTO commission_daily ${COLUMNS}
  SELECT e.agent_id, e.accrued_on, e.level, ${to}, sum(e.amount)
    FROM commission_entries e WHERE e.order_id = ${id} GROUP BY 1, 2, 3
  ${ADD};`;

/** The rollup recomputed from the ledger (this migration's fill, and figures checks). */
export const COMMISSION_DAILY_SELECT_V6 = `
  SELECT e.agent_id, e.accrued_on, e.level, ${completedOn('o')}, sum(e.amount)
    FROM commission_entries e LEFT JOIN orders o ON o.id = e.order_id
   GROUP BY 1, 2, 3, 4`;

export const sql = `
DROP TRIGGER commission_daily_entry_i;
DROP TRIGGER commission_daily_entry_d;
DROP TRIGGER commission_daily_entry_u;
DROP TRIGGER commission_daily_order_i;
DROP TRIGGER commission_daily_order_d;
DROP TRIGGER commission_daily_order_u;

ALTER TABLE orders ADD COLUMN completed_on TEXT;
UPDATE orders SET completed_on = date(completed_at, 'localtime') WHERE completed_at IS NOT NULL;
${captureTriggers('orders', SYNCED_TABLES_V6.orders![0], SYNCED_TABLES_V6.orders![1])}

DELETE FROM commission_daily;
INSERT INTO commission_daily ${COLUMNS} ${COMMISSION_DAILY_SELECT_V6};

CREATE TRIGGER commission_daily_entry_i AFTER INSERT ON commission_entries BEGIN
  ${entryRow('NEW', '')}
END;
CREATE TRIGGER commission_daily_entry_d AFTER DELETE ON commission_entries BEGIN
  ${entryRow('OLD', '-')}
END;
CREATE TRIGGER commission_daily_entry_u AFTER UPDATE ON commission_entries BEGIN
  ${entryRow('OLD', '-')}
  ${entryRow('NEW', '')}
END;

CREATE TRIGGER commission_daily_order_i AFTER INSERT ON orders
  WHEN ${completedOn('NEW')} <> '' BEGIN
  ${moveOrder('NEW.id', "''", completedOn('NEW'))}
END;
CREATE TRIGGER commission_daily_order_d AFTER DELETE ON orders
  WHEN ${completedOn('OLD')} <> '' BEGIN
  ${moveOrder('OLD.id', completedOn('OLD'), "''")}
END;
CREATE TRIGGER commission_daily_order_u AFTER UPDATE OF id, status, completed_on ON orders
  WHEN ${completedOn('OLD')} <> ${completedOn('NEW')} OR OLD.id <> NEW.id BEGIN
  ${moveOrder('OLD.id', completedOn('OLD'), "''")}
  ${moveOrder('NEW.id', "''", completedOn('NEW'))}
END;
`;
