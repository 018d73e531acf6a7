// Migration 3: agents (the downline tree and its closure), commission plans, the commission
// ledger, settlements; the P&L view gains commissions. FROZEN once released.
//
// Compliance by construction (禁止传销条例 Art. 7): a plan pays the credited agent a direct
// rate plus at most two upline levels, so levels are 0..2 in the schema itself, and nothing
// pays for recruiting: entries exist only for order lines.
export const sql = `
CREATE TABLE agent_tiers (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  rank INTEGER NOT NULL UNIQUE
) STRICT;
INSERT INTO agent_tiers (code, name, rank) VALUES
  ('general', '总代', 1), ('level1', '一级代理', 2), ('level2', '二级代理', 3);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT,
  wechat_id TEXT,
  tier TEXT NOT NULL REFERENCES agent_tiers(code),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'left')),
  joined_on TEXT NOT NULL,
  upline_id TEXT REFERENCES agents(id),
  -- The agent as a buyer: orders whose customer is this record are wholesale orders.
  customer_id TEXT UNIQUE REFERENCES customers(id),
  notes TEXT,
  external_ref TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,
  CHECK (upline_id IS NULL OR upline_id <> id)
) STRICT;
CREATE INDEX agents_upline ON agents(upline_id);

-- Every (ancestor, descendant) pair of the current tree, itself included at depth 0, so
-- "everyone under X" is one indexed range.
CREATE TABLE agent_closure (
  ancestor TEXT NOT NULL REFERENCES agents(id),
  descendant TEXT NOT NULL REFERENCES agents(id),
  depth INTEGER NOT NULL CHECK (depth >= 0),
  PRIMARY KEY (ancestor, descendant)
) STRICT, WITHOUT ROWID;
CREATE INDEX agent_closure_descendant ON agent_closure(descendant, depth);

-- History of the tree: who moved from which upline to which, and when. Past commissions keep
-- the uplines they were paid to (they are in the ledger); this says why the tree changed.
CREATE TABLE agent_moves (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  from_upline_id TEXT REFERENCES agents(id),
  to_upline_id TEXT REFERENCES agents(id),
  moved_on TEXT NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX agent_moves_agent ON agent_moves(agent_id, moved_on);

CREATE TABLE commission_plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  -- Exclusive end; NULL = open-ended.
  effective_to TEXT,
  base TEXT NOT NULL CHECK (base IN ('net', 'margin')),
  direct_bp INTEGER NOT NULL CHECK (direct_bp BETWEEN 0 AND 10000),
  level1_bp INTEGER NOT NULL DEFAULT 0 CHECK (level1_bp BETWEEN 0 AND 10000),
  level2_bp INTEGER NOT NULL DEFAULT 0 CHECK (level2_bp BETWEEN 0 AND 10000),
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (effective_to IS NULL OR effective_to > effective_from)
) STRICT;
CREATE INDEX commission_plans_effective ON commission_plans(effective_from);

-- Overrides of a plan's rate for one level: per beneficiary tier, per product category, per
-- product. The most specific wins: product, then category, then tier, then the plan's rate.
CREATE TABLE commission_plan_rates (
  plan_id TEXT NOT NULL REFERENCES commission_plans(id),
  scope TEXT NOT NULL CHECK (scope IN ('tier', 'category', 'product')),
  scope_key TEXT NOT NULL,
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),
  rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  PRIMARY KEY (plan_id, scope, scope_key, level)
) STRICT, WITHOUT ROWID;

-- The commission ledger: one accrual per order line per beneficiary when the order is paid,
-- with the plan and tree in force then; a refund writes reversals (negative) in proportion.
-- Never edited: pending / payable / settled is derived (order completed + refund window;
-- settlement_entries).
CREATE TABLE commission_entries (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('accrual', 'reversal')),
  -- The P&L source: the order for accruals, the refund for reversals.
  source_id TEXT NOT NULL,
  order_id TEXT NOT NULL REFERENCES orders(id),
  order_line_id TEXT NOT NULL REFERENCES order_lines(id),
  refund_id TEXT REFERENCES refunds(id),
  reverses_id TEXT REFERENCES commission_entries(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),
  credited_agent_id TEXT NOT NULL REFERENCES agents(id),
  plan_id TEXT NOT NULL REFERENCES commission_plans(id),
  base_amount INTEGER NOT NULL,
  rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  amount INTEGER NOT NULL,
  accrued_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CHECK ((kind = 'accrual') = (refund_id IS NULL)),
  CHECK ((kind = 'accrual') = (reverses_id IS NULL))
) STRICT;
CREATE INDEX commission_entries_agent ON commission_entries(agent_id, accrued_on);
CREATE INDEX commission_entries_source ON commission_entries(source_id);
CREATE INDEX commission_entries_order ON commission_entries(order_id);
CREATE INDEX commission_entries_reverses ON commission_entries(reverses_id);

CREATE TABLE settlements (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  total INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'paid')),
  paid_on TEXT,
  method TEXT,
  reference TEXT,
  paid_by TEXT,
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX settlements_agent ON settlements(agent_id, period_to);

-- Which settlement an entry is in (at most one). A draft may be discarded (its rows deleted);
-- once the settlement is paid its rows are frozen.
CREATE TABLE settlement_entries (
  entry_id TEXT PRIMARY KEY REFERENCES commission_entries(id),
  settlement_id TEXT NOT NULL REFERENCES settlements(id)
) STRICT, WITHOUT ROWID;
CREATE INDEX settlement_entries_settlement ON settlement_entries(settlement_id);

CREATE TRIGGER agent_moves_append_only_u BEFORE UPDATE ON agent_moves BEGIN SELECT RAISE(ABORT, 'agent_moves is append-only'); END;
CREATE TRIGGER agent_moves_append_only_d BEFORE DELETE ON agent_moves BEGIN SELECT RAISE(ABORT, 'agent_moves is append-only'); END;
CREATE TRIGGER commission_entries_append_only_u BEFORE UPDATE ON commission_entries BEGIN SELECT RAISE(ABORT, 'commission_entries is append-only'); END;
CREATE TRIGGER commission_entries_append_only_d BEFORE DELETE ON commission_entries BEGIN SELECT RAISE(ABORT, 'commission_entries is append-only'); END;
CREATE TRIGGER settlement_entries_frozen_d BEFORE DELETE ON settlement_entries
  WHEN (SELECT status FROM settlements WHERE id = OLD.settlement_id) = 'paid'
  BEGIN SELECT RAISE(ABORT, 'entries of a paid settlement cannot be removed'); END;
CREATE TRIGGER settlement_entries_frozen_u BEFORE UPDATE ON settlement_entries
  BEGIN SELECT RAISE(ABORT, 'settlement entries are not edited: discard the draft instead'); END;
CREATE TRIGGER settlements_paid_frozen BEFORE UPDATE ON settlements
  WHEN OLD.status = 'paid'
  BEGIN SELECT RAISE(ABORT, 'a paid settlement is final'); END;

DROP VIEW pnl_contributions;
CREATE VIEW pnl_contributions AS
  -- Sale lines: net amount and captured cost, on the day the order was paid.
  SELECT 'order' AS source_kind, o.id AS source_id, o.paid_on AS day,
         l.product_id AS product_id, l.category AS category, o.group_id AS group_id,
         o.agent_id AS agent_id, o.campaign_id AS campaign_id, o.customer_id AS customer_id,
         NULL AS fee_key, o.id AS order_id,
         l.net_amount AS revenue, l.cost AS cogs, 0 AS fees, 0 AS commissions, 0 AS other_income
    FROM orders o JOIN order_lines l ON l.order_id = o.id
   WHERE o.paid_on IS NOT NULL
  UNION ALL
  -- Shipping charged to the customer is revenue of the order, attributed to no product.
  SELECT 'order', o.id, o.paid_on, NULL, NULL, o.group_id, o.agent_id, o.campaign_id, o.customer_id,
         NULL, o.id, o.shipping_charged, 0, 0, 0, 0
    FROM orders o
   WHERE o.paid_on IS NOT NULL AND o.shipping_charged <> 0
  UNION ALL
  -- Order fee lines (platform, payment, shipping cost, packaging, other): each fee is its own
  -- source, so a fee added after payment is recognised on the order's paid day without
  -- re-adding the order. It does not count the order again (order_id NULL).
  SELECT 'order_fee', f.id, o.paid_on, NULL, NULL, o.group_id, o.agent_id, o.campaign_id, o.customer_id,
         'order:' || f.kind, NULL, 0, 0, f.amount, 0, 0
    FROM orders o JOIN order_fees f ON f.order_id = o.id
   WHERE o.paid_on IS NOT NULL
  UNION ALL
  -- Refunded line amounts, and the captured cost of what was restocked, on the refund's day.
  SELECT 'refund', r.id, r.refunded_on, l.product_id, l.category, o.group_id, o.agent_id,
         o.campaign_id, o.customer_id, NULL, NULL, -rl.amount, -rl.cost_reversed, 0, 0, 0
    FROM refunds r
    JOIN refund_lines rl ON rl.refund_id = r.id
    JOIN order_lines l ON l.id = rl.order_line_id
    JOIN orders o ON o.id = r.order_id
  UNION ALL
  SELECT 'refund', r.id, r.refunded_on, NULL, NULL, o.group_id, o.agent_id, o.campaign_id,
         o.customer_id, NULL, NULL, -r.shipping_amount, 0, 0, 0, 0
    FROM refunds r JOIN orders o ON o.id = r.order_id
   WHERE r.shipping_amount <> 0
  UNION ALL
  SELECT 'expense', e.id, e.spent_on, NULL, NULL, NULL, NULL, e.campaign_id, NULL,
         'expense:' || e.category, NULL, 0, 0, e.amount, 0, 0
    FROM expenses e
  UNION ALL
  SELECT 'income', i.id, i.received_on, NULL, NULL, NULL, i.agent_id, NULL, i.customer_id,
         NULL, NULL, 0, 0, 0, 0, i.amount
    FROM other_income i
  UNION ALL
  -- Commission entries (accruals on the paid day, reversals on the refund day), attributed to the
  -- order's line and keys; the agent key stays the agent credited with the sale.
  SELECT 'commission', e.source_id, e.accrued_on, l.product_id, l.category, o.group_id, o.agent_id,
         o.campaign_id, o.customer_id, NULL, NULL, 0, 0, 0, e.amount, 0
    FROM commission_entries e
    JOIN order_lines l ON l.id = e.order_line_id
    JOIN orders o ON o.id = e.order_id;
`;
