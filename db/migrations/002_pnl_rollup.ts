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

-- The same rollup per calendar month ('YYYY-MM'), so a breakdown over two years reads 24 rows per
-- key instead of 730. Triggers keep it in step with every write to pnl_daily (incremental adds
-- and rebuilds alike), so nothing else has to remember it.
CREATE TABLE pnl_monthly (
  dim TEXT NOT NULL,
  month TEXT NOT NULL,
  key TEXT NOT NULL,
  revenue INTEGER NOT NULL DEFAULT 0,
  cogs INTEGER NOT NULL DEFAULT 0,
  fees INTEGER NOT NULL DEFAULT 0,
  commissions INTEGER NOT NULL DEFAULT 0,
  other_income INTEGER NOT NULL DEFAULT 0,
  orders INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, month, key)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER pnl_daily_monthly_i AFTER INSERT ON pnl_daily BEGIN
  INSERT INTO pnl_monthly (dim, month, key, revenue, cogs, fees, commissions, other_income, orders)
  VALUES (NEW.dim, substr(NEW.day, 1, 7), NEW.key, NEW.revenue, NEW.cogs, NEW.fees,
          NEW.commissions, NEW.other_income, NEW.orders)
  ON CONFLICT (dim, month, key) DO UPDATE SET
    revenue = revenue + excluded.revenue, cogs = cogs + excluded.cogs, fees = fees + excluded.fees,
    commissions = commissions + excluded.commissions,
    other_income = other_income + excluded.other_income, orders = orders + excluded.orders;
END;
-- The rollup only ever adds to a row in place (same dim, day and key): add the difference.
CREATE TRIGGER pnl_daily_monthly_u AFTER UPDATE ON pnl_daily
  WHEN NEW.dim = OLD.dim AND substr(NEW.day, 1, 7) = substr(OLD.day, 1, 7) AND NEW.key = OLD.key
BEGIN
  INSERT INTO pnl_monthly (dim, month, key, revenue, cogs, fees, commissions, other_income, orders)
  VALUES (NEW.dim, substr(NEW.day, 1, 7), NEW.key, NEW.revenue - OLD.revenue, NEW.cogs - OLD.cogs,
          NEW.fees - OLD.fees, NEW.commissions - OLD.commissions,
          NEW.other_income - OLD.other_income, NEW.orders - OLD.orders)
  ON CONFLICT (dim, month, key) DO UPDATE SET
    revenue = revenue + excluded.revenue, cogs = cogs + excluded.cogs, fees = fees + excluded.fees,
    commissions = commissions + excluded.commissions,
    other_income = other_income + excluded.other_income, orders = orders + excluded.orders;
END;
-- A row moved to another dim, key or month (repairs only): out of the old month, into the new.
CREATE TRIGGER pnl_daily_monthly_moved AFTER UPDATE ON pnl_daily
  WHEN NOT (NEW.dim = OLD.dim AND substr(NEW.day, 1, 7) = substr(OLD.day, 1, 7) AND NEW.key = OLD.key)
BEGIN
  UPDATE pnl_monthly SET
    revenue = revenue - OLD.revenue, cogs = cogs - OLD.cogs, fees = fees - OLD.fees,
    commissions = commissions - OLD.commissions, other_income = other_income - OLD.other_income,
    orders = orders - OLD.orders
  WHERE dim = OLD.dim AND month = substr(OLD.day, 1, 7) AND key = OLD.key;
  INSERT INTO pnl_monthly (dim, month, key, revenue, cogs, fees, commissions, other_income, orders)
  VALUES (NEW.dim, substr(NEW.day, 1, 7), NEW.key, NEW.revenue, NEW.cogs, NEW.fees,
          NEW.commissions, NEW.other_income, NEW.orders)
  ON CONFLICT (dim, month, key) DO UPDATE SET
    revenue = revenue + excluded.revenue, cogs = cogs + excluded.cogs, fees = fees + excluded.fees,
    commissions = commissions + excluded.commissions,
    other_income = other_income + excluded.other_income, orders = orders + excluded.orders;
END;
CREATE TRIGGER pnl_daily_monthly_d AFTER DELETE ON pnl_daily BEGIN
  UPDATE pnl_monthly SET
    revenue = revenue - OLD.revenue, cogs = cogs - OLD.cogs, fees = fees - OLD.fees,
    commissions = commissions - OLD.commissions, other_income = other_income - OLD.other_income,
    orders = orders - OLD.orders
  WHERE dim = OLD.dim AND month = substr(OLD.day, 1, 7) AND key = OLD.key;
END;

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
