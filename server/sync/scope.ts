// Who may see a row: '*' (the shared catalog and rules), 'owner' (the owner's books), or the
// agent it belongs to; an agent device sees the rows of every agent in its subtree. Computed
// on the server's mirror, where the parent rows are at hand.
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';
import type { Row } from '../../core/sync/tables';

export const EVERYONE = '*';
export const OWNER = 'owner';

const SHARED = new Set([
  'settings',
  'products',
  'product_tier_prices',
  'commission_plans',
  'commission_plan_rates',
]);

/** Tables whose scope comes from a parent row: parent table, the column naming it. */
const PARENT: Record<string, [string, string]> = {
  customer_tags: ['customers', 'customer_id'],
  customer_addresses: ['customers', 'customer_id'],
  group_members: ['customers', 'customer_id'],
  order_lines: ['orders', 'order_id'],
  order_fees: ['orders', 'order_id'],
  payments: ['orders', 'order_id'],
  refunds: ['orders', 'order_id'],
  refund_lines: ['refunds', 'refund_id'],
  settlement_entries: ['settlements', 'settlement_id'],
};

/** The column naming the agent a row belongs to. */
const AGENT_COLUMN: Record<string, string> = {
  customers: 'owner_agent_id',
  customer_groups: 'owner_agent_id',
  orders: 'agent_id',
  agents: 'id',
  agent_closure: 'ancestor',
  agent_moves: 'agent_id',
  commission_entries: 'agent_id',
  settlements: 'agent_id',
};

/** Children to re-scope when a parent's scope changes: child table -> the column naming it. */
export const CHILDREN: Record<string, [string, string][]> = {};
for (const [child, [parent, column]] of Object.entries(PARENT))
  (CHILDREN[parent] ??= []).push([child, column]);

export function scopeOf(sqlite: BetterSqlite3.Database, tbl: string, row: Row): string {
  if (SHARED.has(tbl)) return EVERYONE;
  const parent = PARENT[tbl];
  if (parent) {
    const [ptbl, column] = parent;
    // Only the column the parent's own scope comes from (its agent, or its parent).
    const read = PARENT[ptbl]?.[1] ?? AGENT_COLUMN[ptbl] ?? 'id';
    const prow = prepared(sqlite, `SELECT ${read} FROM ${ptbl} WHERE id = ?`).get(row[column]) as
      Row | undefined;
    return prow ? scopeOf(sqlite, ptbl, prow) : OWNER;
  }
  const column = AGENT_COLUMN[tbl];
  if (column === undefined) return OWNER;
  const agent = row[column];
  return typeof agent === 'string' && agent !== '' ? agent : OWNER;
}
