// Migration 4: sync. FROZEN once released.
//
// - sync_outbox: every local mutation (contract method name + its raw input), written in the
//   transaction of the change, until the server has acknowledged it.
// - sync_undo: the row images a mutation replaced (first touch per row), written by triggers
//   while sync_capture.seq names the mutation being recorded. A device uses them to take its
//   provisional changes back before laying the server's rows down (rebase); the server uses the
//   keys to learn which rows a mutation changed.
// - sync_capture.applying: set while sync itself writes server rows, so the append-only and
//   frozen guards let the server's copy replace a provisional one.
// - sync_state (device id, cursor, clocks, tokens) and sync_log (rejected mutations, shown to
//   the user).
//
// The column lists below are frozen with this migration: a later migration that adds a column
// to a synced table must recreate that table's sync triggers.

/** Synced tables: name -> [primary key columns, other columns]. */
export const SYNCED_TABLES_V4: Record<string, [string[], string[]]> = {
  settings: [['key'], ['value']],
  customers: [
    ['id'],
    [
      'name',
      'phone',
      'wechat_id',
      'source',
      'notes',
      'marketing_consent',
      'consent_at',
      'owner_agent_id',
      'external_ref',
      'name_pinyin',
      'name_initials',
      'created_at',
      'updated_at',
      'deleted_at',
      'erased_at',
    ],
  ],
  customer_tags: [['customer_id', 'tag'], []],
  customer_addresses: [
    ['id'],
    [
      'customer_id',
      'label',
      'recipient',
      'phone',
      'region',
      'detail',
      'is_default',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
  ],
  customer_groups: [
    ['id'],
    [
      'platform',
      'name',
      'owner_agent_id',
      'notes',
      'external_ref',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
  ],
  group_members: [
    ['group_id', 'customer_id'],
    ['joined_on', 'left_on'],
  ],
  suppliers: [
    ['id'],
    ['name', 'contact', 'phone', 'notes', 'created_at', 'updated_at', 'deleted_at'],
  ],
  products: [
    ['id'],
    [
      'sku',
      'name',
      'category',
      'unit',
      'retail_price',
      'group_price',
      'low_stock_threshold',
      'active',
      'supplier_id',
      'on_hand',
      'avg_cost',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
  ],
  product_tier_prices: [['product_id', 'tier'], ['price']],
  purchases: [
    ['id'],
    ['supplier_id', 'received_on', 'reference', 'note', 'total_cost', 'created_at'],
  ],
  purchase_lines: [['id'], ['purchase_id', 'product_id', 'quantity', 'unit_cost', 'line_cost']],
  stocktakes: [['id'], ['counted_on', 'note', 'created_at']],
  stocktake_lines: [
    ['stocktake_id', 'product_id'],
    ['expected', 'counted'],
  ],
  campaigns: [
    ['id'],
    [
      'name',
      'group_id',
      'starts_on',
      'ends_on',
      'min_participants',
      'status',
      'outcome',
      'note',
      'created_at',
      'updated_at',
      'decided_at',
      'closed_at',
    ],
  ],
  campaign_products: [
    ['campaign_id', 'product_id'],
    ['group_price', 'per_buyer_limit', 'stock_cap'],
  ],
  orders: [
    ['id'],
    [
      'order_no',
      'customer_id',
      'group_id',
      'agent_id',
      'campaign_id',
      'status',
      'ordered_on',
      'paid_on',
      'confirmed_at',
      'shipped_at',
      'completed_at',
      'cancelled_at',
      'cancel_reason',
      'goods_total',
      'order_discount',
      'shipping_charged',
      'total_due',
      'paid_total',
      'refunded_total',
      'is_wholesale',
      'source',
      'shipping_address',
      'note',
      'created_at',
      'updated_at',
    ],
  ],
  order_lines: [
    ['id'],
    [
      'order_id',
      'line_no',
      'product_id',
      'sku',
      'product_name',
      'category',
      'quantity',
      'unit_price',
      'line_discount',
      'order_discount_share',
      'net_amount',
      'unit_cost',
      'cost',
    ],
  ],
  order_fees: [['id'], ['order_id', 'kind', 'amount', 'note', 'created_at']],
  payments: [['id'], ['order_id', 'amount', 'method', 'paid_on', 'reference', 'created_at']],
  refunds: [
    ['id'],
    ['order_id', 'refunded_on', 'amount', 'shipping_amount', 'restock', 'reason', 'created_at'],
  ],
  refund_lines: [['id'], ['refund_id', 'order_line_id', 'quantity', 'amount', 'cost_reversed']],
  stock_movements: [
    ['id'],
    [
      'product_id',
      'kind',
      'quantity',
      'unit_cost',
      'occurred_on',
      'order_id',
      'order_line_id',
      'purchase_id',
      'refund_id',
      'stocktake_id',
      'note',
      'created_at',
    ],
  ],
  expenses: [
    ['id'],
    ['category', 'amount', 'spent_on', 'campaign_id', 'note', 'reverses_id', 'created_at'],
  ],
  other_income: [
    ['id'],
    [
      'kind',
      'amount',
      'received_on',
      'agent_id',
      'customer_id',
      'note',
      'reverses_id',
      'created_at',
    ],
  ],
  personal_data_log: [['id'], ['action', 'subject', 'detail', 'created_at']],
  agents: [
    ['id'],
    [
      'name',
      'phone',
      'wechat_id',
      'tier',
      'status',
      'joined_on',
      'upline_id',
      'customer_id',
      'notes',
      'external_ref',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
  ],
  agent_closure: [['ancestor', 'descendant'], ['depth']],
  agent_moves: [
    ['id'],
    ['agent_id', 'from_upline_id', 'to_upline_id', 'moved_on', 'reason', 'created_at'],
  ],
  commission_plans: [
    ['id'],
    [
      'name',
      'effective_from',
      'effective_to',
      'base',
      'direct_bp',
      'level1_bp',
      'level2_bp',
      'note',
      'created_at',
      'updated_at',
    ],
  ],
  commission_plan_rates: [['plan_id', 'scope', 'scope_key', 'level'], ['rate_bp']],
  commission_entries: [
    ['id'],
    [
      'kind',
      'source_id',
      'order_id',
      'order_line_id',
      'refund_id',
      'reverses_id',
      'agent_id',
      'level',
      'credited_agent_id',
      'plan_id',
      'base_amount',
      'rate_bp',
      'amount',
      'accrued_on',
      'created_at',
    ],
  ],
  settlements: [
    ['id'],
    [
      'agent_id',
      'period_from',
      'period_to',
      'total',
      'status',
      'paid_on',
      'method',
      'reference',
      'paid_by',
      'note',
      'created_at',
      'updated_at',
    ],
  ],
  settlement_entries: [['entry_id'], ['settlement_id']],
};

/** The row key as text: the single key column, or a JSON array of the key columns. */
export function keyExpr(alias: 'NEW' | 'OLD', pk: string[]): string {
  return pk.length === 1
    ? `${alias}.${pk[0]}`
    : `json_array(${pk.map((c) => `${alias}.${c}`).join(', ')})`;
}

const CAPTURING = '(SELECT seq FROM sync_capture WHERE id = 1) IS NOT NULL';
const SEQ = '(SELECT seq FROM sync_capture WHERE id = 1)';
const NOT_APPLYING = '(SELECT applying FROM sync_capture WHERE id = 1) = 0';

function captureTriggers(table: string, pk: string[], cols: string[]): string {
  const image = `json_object(${[...pk, ...cols].map((c) => `'${c}', OLD.${c}`).join(', ')})`;
  const insertUndo = (key: string, before: string) =>
    `INSERT OR IGNORE INTO sync_undo (seq, tbl, pk, before) VALUES (${SEQ}, '${table}', ${key}, ${before});`;
  return `
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

const appendOnly = (table: string): string => `
DROP TRIGGER ${table}_append_only_u;
DROP TRIGGER ${table}_append_only_d;
CREATE TRIGGER ${table}_append_only_u BEFORE UPDATE ON ${table} WHEN ${NOT_APPLYING}
  BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
CREATE TRIGGER ${table}_append_only_d BEFORE DELETE ON ${table} WHEN ${NOT_APPLYING}
  BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

export const sql = `
CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE sync_outbox (
  -- Assigned from sync_state.last_seq, never reused (acknowledged rows are deleted).
  seq INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  hlc TEXT NOT NULL,
  -- The device's offset from UTC in minutes (the calendar day the server replays it in).
  tz INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE sync_capture (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER,
  applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1))
) STRICT;
INSERT INTO sync_capture (id, seq, applying) VALUES (1, NULL, 0);

CREATE TABLE sync_undo (
  seq INTEGER NOT NULL,
  tbl TEXT NOT NULL,
  pk TEXT NOT NULL,
  -- The row as it was before this mutation first touched it; NULL: it did not exist.
  before TEXT,
  PRIMARY KEY (seq, tbl, pk)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_undo_row ON sync_undo(tbl, pk);

CREATE TABLE sync_log (
  seq INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
${Object.entries(SYNCED_TABLES_V4)
  .map(([t, [pk, cols]]) => captureTriggers(t, pk, cols))
  .join('\n')}
${[
  'stock_movements',
  'payments',
  'refunds',
  'refund_lines',
  'expenses',
  'other_income',
  'agent_moves',
  'commission_entries',
]
  .map(appendOnly)
  .join('\n')}
DROP TRIGGER settlement_entries_frozen_d;
DROP TRIGGER settlement_entries_frozen_u;
DROP TRIGGER settlements_paid_frozen;
CREATE TRIGGER settlement_entries_frozen_d BEFORE DELETE ON settlement_entries
  WHEN ${NOT_APPLYING} AND (SELECT status FROM settlements WHERE id = OLD.settlement_id) = 'paid'
  BEGIN SELECT RAISE(ABORT, 'entries of a paid settlement cannot be removed'); END;
CREATE TRIGGER settlement_entries_frozen_u BEFORE UPDATE ON settlement_entries WHEN ${NOT_APPLYING}
  BEGIN SELECT RAISE(ABORT, 'settlement entries are not edited: discard the draft instead'); END;
CREATE TRIGGER settlements_paid_frozen BEFORE UPDATE ON settlements
  WHEN ${NOT_APPLYING} AND OLD.status = 'paid'
  BEGIN SELECT RAISE(ABORT, 'a paid settlement is final'); END;
`;
