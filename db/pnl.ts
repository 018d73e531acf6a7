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

/** The key of each dimension in a contribution row ('' = unattributed). */
const DIM_KEYS = {
  total: "''",
  product: "coalesce(c.product_id, '')",
  category: "coalesce(c.category, '')",
  group: "coalesce(c.group_id, '')",
  agent: "coalesce(c.agent_id, '')",
  campaign: "coalesce(c.campaign_id, '')",
  customer: "coalesce(c.customer_id, '')",
  fee: "coalesce(c.fee_key, '')",
} as const;

const KEY = `CASE d.dim ${Object.entries(DIM_KEYS)
  .map(([dim, key]) => `WHEN '${dim}' THEN ${key}`)
  .join(' ')} END`;

const SUMS = `sum(c.revenue), sum(c.cogs), sum(c.fees), sum(c.commissions), sum(c.other_income),
         count(DISTINCT c.order_id)`;

const SELECT = (where: string) => `
  SELECT d.dim, c.day, ${KEY} AS key, ${SUMS}
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
 * SQL that adds an order that has just become paid (bind: order id): its lines and shipping
 * ('order') and its commission accruals ('commission'), both keyed by the order id, in one pass
 * over the view. The same figures as ADD_SOURCE_SQL for the two sources one after the other.
 */
export const ADD_PAID_ORDER_SQL = `
INSERT INTO pnl_daily ${COLUMNS}
${SELECT("c.source_kind IN ('order', 'commission') AND c.source_id = ?")}
ON CONFLICT (dim, day, key) DO UPDATE SET
  revenue = revenue + excluded.revenue,
  cogs = cogs + excluded.cogs,
  fees = fees + excluded.fees,
  commissions = commissions + excluded.commissions,
  other_income = other_income + excluded.other_income,
  orders = orders + excluded.orders`;

/**
 * Statements that write the rollup of every source into `table` (pnl_daily, or a TEMP copy with
 * the same columns that figures.verify compares against the live rollup). Same figures as
 * ADD_SOURCE_SQL for every source, but the view is read once into a TEMP table and grouped one
 * dimension at a time, which is about twice as fast on a large store as grouping the view
 * crossed with every dimension at once.
 */
export const recomputePnlSql = (table: string): string[] => [
  'DROP TABLE IF EXISTS temp.pnl_all_contributions',
  'CREATE TEMP TABLE pnl_all_contributions AS SELECT * FROM pnl_contributions',
  ...Object.entries(DIM_KEYS).map(
    ([dim, key]) =>
      `INSERT INTO ${table} ${COLUMNS}
       SELECT '${dim}', c.day, ${key} AS key, ${SUMS}
         FROM temp.pnl_all_contributions c GROUP BY 2, 3`,
  ),
  'DROP TABLE temp.pnl_all_contributions',
];

/** The triggers that keep pnl_monthly in step with pnl_daily row by row (migration 2). */
export const PNL_DAILY_TRIGGERS_SQL =
  "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pnl_daily' ORDER BY name";

/**
 * Statements that recompute the whole rollup from the source tables, given the pnl_daily
 * triggers (PNL_DAILY_TRIGGERS_SQL): the triggers are dropped while pnl_daily is refilled and
 * pnl_monthly is then summed from it in one pass (the same figures the triggers would add row
 * by row, in about half the time), and put back. Run them in one transaction.
 */
export function rebuildPnlSql(triggers: readonly { name: string; sql: string }[]): string[] {
  return [
    ...triggers.map((t) => `DROP TRIGGER ${t.name}`),
    'DELETE FROM pnl_monthly',
    'DELETE FROM pnl_daily',
    ...recomputePnlSql('pnl_daily'),
    `INSERT INTO pnl_monthly ${MONTH_COLUMNS}
     SELECT dim, substr(day, 1, 7), key, sum(revenue), sum(cogs), sum(fees), sum(commissions),
            sum(other_income), sum(orders)
       FROM pnl_daily GROUP BY 1, 2, 3`,
    ...triggers.map((t) => t.sql),
  ];
}

const MONTH_COLUMNS = '(dim, month, key, revenue, cogs, fees, commissions, other_income, orders)';

/** Recomputes the whole rollup from the source tables. */
export function rebuildPnl(sqlite: BetterSqlite3.Database): void {
  sqlite.transaction(() => {
    const triggers = sqlite.prepare(PNL_DAILY_TRIGGERS_SQL).all() as {
      name: string;
      sql: string;
    }[];
    for (const statement of rebuildPnlSql(triggers)) sqlite.exec(statement);
  })();
}
