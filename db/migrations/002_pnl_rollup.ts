// Migration 2: the P&L figures. FROZEN once released.
//
// pnl_contributions is the ONE definition of the figures (DOMAIN.md "Figures"): every row is an
// amount recognised on a day, with the keys it belongs to. pnl_daily is its rollup per
// (dimension, key, day); services add a source's contributions in the same transaction that
// records it, and figures.rebuild recomputes it from scratch. An empty key means
// "unattributed", so every breakdown sums exactly to the totals.
export const sql = `
CREATE TABLE pnl_dims (dim TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT INTO pnl_dims (dim) VALUES
  ('total'), ('product'), ('category'), ('group'), ('agent'), ('campaign'), ('customer'), ('fee');

CREATE TABLE pnl_daily (
  dim TEXT NOT NULL,
  day TEXT NOT NULL,
  key TEXT NOT NULL,
  revenue INTEGER NOT NULL DEFAULT 0,
  cogs INTEGER NOT NULL DEFAULT 0,
  fees INTEGER NOT NULL DEFAULT 0,
  commissions INTEGER NOT NULL DEFAULT 0,
  other_income INTEGER NOT NULL DEFAULT 0,
  orders INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, day, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX pnl_daily_key ON pnl_daily(dim, key, day);

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
    FROM other_income i;
`;
