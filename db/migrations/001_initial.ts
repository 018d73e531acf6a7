// Migration 1: the store for customers, groups, catalog, stock, orders, campaigns,
// expenses, other income and the P&L rollup. FROZEN once released: never edit, add a new file.
//
// Conventions: STRICT tables; TEXT ids (UUIDv7, made by the client); money in INTEGER minor
// units; rates in INTEGER basis points; calendar days as 'YYYY-MM-DD' (the day money is
// recognised, in the seller's own calendar); instants as ISO-8601 UTC text.
// Ledgers (stock movements, payments, refunds) refuse UPDATE and DELETE by trigger.
export const sql = `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT,
  wechat_id TEXT,
  source TEXT,
  notes TEXT,
  marketing_consent INTEGER NOT NULL DEFAULT 0 CHECK (marketing_consent IN (0, 1)),
  consent_at TEXT,
  owner_agent_id TEXT,
  external_ref TEXT UNIQUE,
  name_pinyin TEXT NOT NULL DEFAULT '',
  name_initials TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,
  erased_at TEXT
) STRICT;
CREATE INDEX customers_phone ON customers(phone);
CREATE INDEX customers_owner_agent ON customers(owner_agent_id);
-- Customer lists are sorted by pinyin (张 among the z's), a page at a time.
CREATE INDEX customers_name_pinyin ON customers(name_pinyin, name, id);

CREATE TABLE customer_tags (
  customer_id TEXT NOT NULL REFERENCES customers(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (customer_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags(tag, customer_id);

CREATE TABLE customer_addresses (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  label TEXT,
  recipient TEXT NOT NULL,
  phone TEXT,
  region TEXT,
  detail TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
) STRICT;
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);

-- Search terms per customer (name suffixes, pinyin, initials, phone, WeChat id), rowid = customers.rowid.
-- Every query is a prefix query on a term, so a name substring, a phone prefix, the last four
-- digits or pinyin initials (张三 -> zs) all hit the index.
CREATE VIRTUAL TABLE customer_search USING fts5(terms, prefix = '1 2 3', tokenize = 'unicode61');

CREATE TABLE customer_groups (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL CHECK (platform IN ('wechat', 'qq', 'xiaohongshu', 'douyin', 'offline', 'other')),
  name TEXT NOT NULL,
  owner_agent_id TEXT,
  notes TEXT,
  external_ref TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
) STRICT;

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES customer_groups(id),
  customer_id TEXT NOT NULL REFERENCES customers(id),
  joined_on TEXT NOT NULL,
  left_on TEXT,
  PRIMARY KEY (group_id, customer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_members_customer ON group_members(customer_id);

CREATE TABLE suppliers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  contact TEXT,
  phone TEXT,
  notes TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
) STRICT;

CREATE TABLE products (
  id TEXT PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '件',
  retail_price INTEGER NOT NULL CHECK (retail_price >= 0),
  group_price INTEGER CHECK (group_price >= 0),
  low_stock_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  supplier_id TEXT REFERENCES suppliers(id),
  -- Caches kept in the same transaction as each movement: on_hand = sum of movements,
  -- avg_cost = moving weighted average unit cost (minor units).
  on_hand INTEGER NOT NULL DEFAULT 0,
  avg_cost INTEGER NOT NULL DEFAULT 0 CHECK (avg_cost >= 0),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
) STRICT;
CREATE INDEX products_category ON products(category);

-- Agent tier prices (tiers arrive with the agents issue; the tier is its code).
CREATE TABLE product_tier_prices (
  product_id TEXT NOT NULL REFERENCES products(id),
  tier TEXT NOT NULL,
  price INTEGER NOT NULL CHECK (price >= 0),
  PRIMARY KEY (product_id, tier)
) STRICT, WITHOUT ROWID;

CREATE TABLE purchases (
  id TEXT PRIMARY KEY,
  supplier_id TEXT REFERENCES suppliers(id),
  received_on TEXT NOT NULL,
  reference TEXT,
  note TEXT,
  total_cost INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE purchase_lines (
  id TEXT PRIMARY KEY,
  purchase_id TEXT NOT NULL REFERENCES purchases(id),
  product_id TEXT NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_cost INTEGER NOT NULL CHECK (unit_cost >= 0),
  line_cost INTEGER NOT NULL CHECK (line_cost >= 0)
) STRICT;
CREATE INDEX purchase_lines_purchase ON purchase_lines(purchase_id);

CREATE TABLE stocktakes (
  id TEXT PRIMARY KEY,
  counted_on TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE stocktake_lines (
  stocktake_id TEXT NOT NULL REFERENCES stocktakes(id),
  product_id TEXT NOT NULL REFERENCES products(id),
  expected INTEGER NOT NULL,
  counted INTEGER NOT NULL,
  PRIMARY KEY (stocktake_id, product_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  group_id TEXT REFERENCES customer_groups(id),
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  min_participants INTEGER NOT NULL DEFAULT 1 CHECK (min_participants >= 1),
  status TEXT NOT NULL CHECK (status IN ('open', 'succeeded', 'failed', 'closed')),
  outcome TEXT CHECK (outcome IN ('succeeded', 'failed')),
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  decided_at TEXT,
  closed_at TEXT,
  CHECK (ends_on >= starts_on)
) STRICT;

CREATE TABLE campaign_products (
  campaign_id TEXT NOT NULL REFERENCES campaigns(id),
  product_id TEXT NOT NULL REFERENCES products(id),
  group_price INTEGER NOT NULL CHECK (group_price >= 0),
  per_buyer_limit INTEGER CHECK (per_buyer_limit > 0),
  stock_cap INTEGER CHECK (stock_cap > 0),
  PRIMARY KEY (campaign_id, product_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  order_no TEXT NOT NULL UNIQUE,
  customer_id TEXT REFERENCES customers(id),
  -- Captured as of the sale: later edits of the customer do not rewrite them.
  group_id TEXT REFERENCES customer_groups(id),
  agent_id TEXT,
  campaign_id TEXT REFERENCES campaigns(id),
  status TEXT NOT NULL CHECK (status IN ('draft', 'confirmed', 'paid', 'shipped', 'completed', 'cancelled')),
  ordered_on TEXT NOT NULL,
  paid_on TEXT,
  confirmed_at TEXT,
  shipped_at TEXT,
  completed_at TEXT,
  cancelled_at TEXT,
  cancel_reason TEXT,
  goods_total INTEGER NOT NULL DEFAULT 0,
  order_discount INTEGER NOT NULL DEFAULT 0 CHECK (order_discount >= 0),
  shipping_charged INTEGER NOT NULL DEFAULT 0 CHECK (shipping_charged >= 0),
  total_due INTEGER NOT NULL DEFAULT 0,
  paid_total INTEGER NOT NULL DEFAULT 0,
  refunded_total INTEGER NOT NULL DEFAULT 0,
  is_wholesale INTEGER NOT NULL DEFAULT 0 CHECK (is_wholesale IN (0, 1)),
  source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'campaign', 'demo')),
  shipping_address TEXT,
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX orders_paid_on ON orders(paid_on);
CREATE INDEX orders_customer ON orders(customer_id, paid_on);
CREATE INDEX orders_campaign ON orders(campaign_id, customer_id);
CREATE INDEX orders_status ON orders(status, ordered_on);

CREATE TABLE order_lines (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  line_no INTEGER NOT NULL,
  product_id TEXT NOT NULL REFERENCES products(id),
  sku TEXT NOT NULL,
  product_name TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  line_discount INTEGER NOT NULL DEFAULT 0 CHECK (line_discount >= 0),
  order_discount_share INTEGER NOT NULL DEFAULT 0 CHECK (order_discount_share >= 0),
  -- net_amount = quantity * unit_price - line_discount - order_discount_share
  net_amount INTEGER NOT NULL CHECK (net_amount >= 0),
  -- Cost captured at confirmation (moving average then) or given by an import.
  unit_cost INTEGER NOT NULL DEFAULT 0,
  cost INTEGER NOT NULL DEFAULT 0,
  UNIQUE (order_id, line_no)
) STRICT;
CREATE INDEX order_lines_product ON order_lines(product_id);

CREATE TABLE order_fees (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  kind TEXT NOT NULL CHECK (kind IN ('platform', 'payment', 'shipping', 'packaging', 'other')),
  amount INTEGER NOT NULL CHECK (amount >= 0),
  note TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX order_fees_order ON order_fees(order_id);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  method TEXT NOT NULL,
  paid_on TEXT NOT NULL,
  reference TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX payments_order ON payments(order_id);

CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  refunded_on TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  shipping_amount INTEGER NOT NULL DEFAULT 0 CHECK (shipping_amount >= 0),
  restock INTEGER NOT NULL CHECK (restock IN (0, 1)),
  reason TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX refunds_order ON refunds(order_id);

CREATE TABLE refund_lines (
  id TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL REFERENCES refunds(id),
  order_line_id TEXT NOT NULL REFERENCES order_lines(id),
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  amount INTEGER NOT NULL CHECK (amount >= 0),
  cost_reversed INTEGER NOT NULL DEFAULT 0 CHECK (cost_reversed >= 0)
) STRICT;
CREATE INDEX refund_lines_refund ON refund_lines(refund_id);
CREATE INDEX refund_lines_line ON refund_lines(order_line_id);

CREATE TABLE stock_movements (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES products(id),
  kind TEXT NOT NULL CHECK (kind IN ('opening', 'purchase', 'sale', 'sale_cancel', 'refund_restock', 'stocktake', 'damage', 'loss', 'transfer_out', 'adjustment')),
  quantity INTEGER NOT NULL CHECK (quantity <> 0),
  unit_cost INTEGER NOT NULL DEFAULT 0,
  occurred_on TEXT NOT NULL,
  order_id TEXT REFERENCES orders(id),
  order_line_id TEXT REFERENCES order_lines(id),
  purchase_id TEXT REFERENCES purchases(id),
  refund_id TEXT REFERENCES refunds(id),
  stocktake_id TEXT REFERENCES stocktakes(id),
  note TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX stock_movements_product ON stock_movements(product_id, occurred_on);

CREATE TABLE expenses (
  id TEXT PRIMARY KEY,
  category TEXT NOT NULL CHECK (category IN ('ads', 'samples', 'subscription', 'rent', 'salary', 'shipping', 'packaging', 'other')),
  -- A correction is a reversal row (negative amount, reverses_id set), never an edit.
  amount INTEGER NOT NULL CHECK (amount <> 0),
  spent_on TEXT NOT NULL,
  campaign_id TEXT REFERENCES campaigns(id),
  note TEXT,
  reverses_id TEXT UNIQUE REFERENCES expenses(id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX expenses_spent_on ON expenses(spent_on);

CREATE TABLE other_income (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('franchise', 'training', 'advertising', 'other')),
  amount INTEGER NOT NULL CHECK (amount <> 0),
  received_on TEXT NOT NULL,
  agent_id TEXT,
  customer_id TEXT REFERENCES customers(id),
  note TEXT,
  reverses_id TEXT UNIQUE REFERENCES other_income(id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX other_income_received_on ON other_income(received_on);

-- Exports of personal data are logged (PIPL).
CREATE TABLE personal_data_log (
  id TEXT PRIMARY KEY,
  action TEXT NOT NULL CHECK (action IN ('export', 'erase')),
  subject TEXT NOT NULL,
  detail TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- Append-only ledgers.
CREATE TRIGGER stock_movements_append_only_u BEFORE UPDATE ON stock_movements BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
CREATE TRIGGER stock_movements_append_only_d BEFORE DELETE ON stock_movements BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
CREATE TRIGGER payments_append_only_u BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END;
CREATE TRIGGER payments_append_only_d BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END;
CREATE TRIGGER refunds_append_only_u BEFORE UPDATE ON refunds BEGIN SELECT RAISE(ABORT, 'refunds is append-only'); END;
CREATE TRIGGER refunds_append_only_d BEFORE DELETE ON refunds BEGIN SELECT RAISE(ABORT, 'refunds is append-only'); END;
CREATE TRIGGER refund_lines_append_only_u BEFORE UPDATE ON refund_lines BEGIN SELECT RAISE(ABORT, 'refund_lines is append-only'); END;
CREATE TRIGGER refund_lines_append_only_d BEFORE DELETE ON refund_lines BEGIN SELECT RAISE(ABORT, 'refund_lines is append-only'); END;
CREATE TRIGGER expenses_append_only_u BEFORE UPDATE ON expenses BEGIN SELECT RAISE(ABORT, 'expenses is append-only'); END;
CREATE TRIGGER expenses_append_only_d BEFORE DELETE ON expenses BEGIN SELECT RAISE(ABORT, 'expenses is append-only'); END;
CREATE TRIGGER other_income_append_only_u BEFORE UPDATE ON other_income BEGIN SELECT RAISE(ABORT, 'other_income is append-only'); END;
CREATE TRIGGER other_income_append_only_d BEFORE DELETE ON other_income BEGIN SELECT RAISE(ABORT, 'other_income is append-only'); END;
`;
