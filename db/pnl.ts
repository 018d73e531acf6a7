// Maintains the pnl_daily rollup from the pnl_contributions view (migration 2).
// Both the incremental path (one source, in the transaction that records it) and the full
// rebuild run the same statement, so the two can never disagree about what a figure is.
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Sources of P&L contributions. 'order' is an order's lines and shipping (added once, when it
 * becomes paid); 'order_fee' is one fee line of a paid order (added when the order becomes paid,
 * or when the fee is recorded on an already-paid order).
 */
export type PnlSourceKind = 'order' | 'order_fee' | 'refund' | 'expense' | 'income' | 'commission';

const KEY = `CASE d.dim
    WHEN 'total' THEN ''
    WHEN 'product' THEN coalesce(c.product_id, '')
    WHEN 'category' THEN coalesce(c.category, '')
    WHEN 'group' THEN coalesce(c.group_id, '')
    WHEN 'agent' THEN coalesce(c.agent_id, '')
    WHEN 'campaign' THEN coalesce(c.campaign_id, '')
    WHEN 'customer' THEN coalesce(c.customer_id, '')
    WHEN 'fee' THEN coalesce(c.fee_key, '')
  END`;

const SELECT = (where: string) => `
  SELECT d.dim, c.day, ${KEY} AS key,
         sum(c.revenue), sum(c.cogs), sum(c.fees), sum(c.commissions), sum(c.other_income),
         count(DISTINCT c.order_id)
    FROM pnl_contributions c CROSS JOIN pnl_dims d
   WHERE ${where}
   GROUP BY 1, 2, 3`;

const COLUMNS = '(dim, day, key, revenue, cogs, fees, commissions, other_income, orders)';

/** SQL that adds the contributions of one source (bind: kind, id) to the rollup. */
export const ADD_SOURCE_SQL = `
INSERT INTO pnl_daily ${COLUMNS}
${SELECT('c.source_kind = ? AND c.source_id = ?')}
ON CONFLICT (dim, day, key) DO UPDATE SET
  revenue = revenue + excluded.revenue,
  cogs = cogs + excluded.cogs,
  fees = fees + excluded.fees,
  commissions = commissions + excluded.commissions,
  other_income = other_income + excluded.other_income,
  orders = orders + excluded.orders`;

/**
 * SQL that writes the rollup of every source into `table` (pnl_daily, or a TEMP copy with the
 * same columns that figures.verify compares against the live rollup).
 */
export const recomputePnlSql = (table: string): string =>
  `INSERT INTO ${table} ${COLUMNS} ${SELECT('1')}`;

/**
 * Statements that recompute the whole rollup from the source tables. pnl_monthly is emptied
 * first, so the delete trigger on pnl_daily has nothing to subtract from, and the insert
 * trigger then fills it again.
 */
export const REBUILD_PNL_SQL: readonly string[] = [
  'DELETE FROM pnl_monthly',
  'DELETE FROM pnl_daily',
  recomputePnlSql('pnl_daily'),
];

/** Recomputes the whole rollup from the source tables. */
export function rebuildPnl(sqlite: BetterSqlite3.Database): void {
  sqlite.transaction(() => {
    for (const statement of REBUILD_PNL_SQL) sqlite.exec(statement);
  })();
}
