// Checks that a generated demo store keeps every rule the services keep: stock equals its
// ledger, the average cost replays, order money adds up, refunds stay within what was sold,
// the P&L rollup equals a from-scratch rebuild, and no foreign key dangles.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { rebuildPnl } from '../../db/pnl';
import { nextAverageCost } from '../../core/stock/ledger';
import { rateFor, type RateOverride } from '../../core/commissions/plans';
import { applyRate, mulDivRoundHalfUp } from '../../core/money';
import type { RateScope } from '../../db/schema';

const COSTED_INBOUND = new Set(['opening', 'purchase', 'refund_restock', 'sale_cancel']);

/** Problems found, as readable lines (empty = all rules hold). */
export function demoInvariantProblems(sqlite: BetterSqlite3.Database): string[] {
  const problems: string[] = [];
  const rows = <T>(sql: string): T[] => sqlite.prepare(sql).all() as T[];
  const expectNone = (what: string, sql: string) => {
    const found = rows<Record<string, unknown>>(sql);
    if (found.length > 0)
      problems.push(`${what}: ${found.length} rows, e.g. ${JSON.stringify(found[0])}`);
  };

  // Issue 14: the demo writes straight through prepared statements, so the rules the services
  // enforce (dates in order, agents that exist) are checked on what it wrote.
  expectNone(
    'payments dated before their order day',
    `SELECT p.id, p.paid_on, o.ordered_on FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE p.paid_on < o.ordered_on`,
  );
  expectNone(
    'refunds dated before their order was paid',
    `SELECT r.id, r.refunded_on, o.paid_on FROM refunds r JOIN orders o ON o.id = r.order_id
       WHERE r.refunded_on < coalesce(o.paid_on, o.ordered_on)`,
  );
  expectNone(
    'agent ids naming no agent',
    `SELECT 'orders' AS tbl, agent_id AS id FROM orders
       WHERE agent_id IS NOT NULL AND agent_id NOT IN (SELECT id FROM agents)
     UNION ALL SELECT 'customers', owner_agent_id FROM customers
       WHERE owner_agent_id IS NOT NULL AND owner_agent_id NOT IN (SELECT id FROM agents)
     UNION ALL SELECT 'customer_groups', owner_agent_id FROM customer_groups
       WHERE owner_agent_id IS NOT NULL AND owner_agent_id NOT IN (SELECT id FROM agents)
     UNION ALL SELECT 'other_income', agent_id FROM other_income
       WHERE agent_id IS NOT NULL AND agent_id NOT IN (SELECT id FROM agents)`,
  );

  expectNone(
    'on_hand differs from the sum of movements',
    `SELECT p.sku, p.on_hand, coalesce(sum(m.quantity), 0) AS moved FROM products p
       LEFT JOIN stock_movements m ON m.product_id = p.id GROUP BY p.id HAVING p.on_hand <> moved`,
  );

  // Replay the ledger in the order it was written.
  const state = new Map<string, { onHand: number; avg: number }>();
  const movements = rows<{ product_id: string; kind: string; quantity: number; unit_cost: number }>(
    'SELECT product_id, kind, quantity, unit_cost FROM stock_movements ORDER BY rowid',
  );
  let capturedWrong = 0;
  for (const m of movements) {
    const s = state.get(m.product_id) ?? { onHand: 0, avg: 0 };
    if (m.quantity > 0 && COSTED_INBOUND.has(m.kind)) {
      s.avg = nextAverageCost(s.onHand, s.avg, m.quantity, m.unit_cost);
    } else if (m.unit_cost !== s.avg) {
      capturedWrong++;
    }
    s.onHand += m.quantity;
    state.set(m.product_id, s);
  }
  if (capturedWrong > 0)
    problems.push(`${capturedWrong} outbound movements not booked at the average`);
  for (const p of rows<{ id: string; sku: string; avg_cost: number }>(
    'SELECT id, sku, avg_cost FROM products',
  )) {
    const replayed = state.get(p.id)?.avg ?? 0;
    if (replayed !== p.avg_cost)
      problems.push(`${p.sku}: avg_cost ${p.avg_cost}, replay gives ${replayed}`);
  }
  expectNone(
    'sale lines whose cost is not quantity x captured unit cost, or not the sale movement cost',
    `SELECT l.id FROM order_lines l JOIN stock_movements m ON m.order_line_id = l.id AND m.kind = 'sale'
      WHERE l.cost <> l.quantity * l.unit_cost OR m.unit_cost <> l.unit_cost OR m.quantity <> -l.quantity`,
  );
  expectNone(
    'line net amounts that do not follow from price and discounts',
    `SELECT id FROM order_lines
      WHERE net_amount <> quantity * unit_price - line_discount - order_discount_share OR net_amount < 0`,
  );
  expectNone(
    'orders whose lines do not add up',
    `SELECT o.order_no FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id
      HAVING sum(l.net_amount) <> o.goods_total OR sum(l.order_discount_share) <> o.order_discount
          OR o.total_due <> o.goods_total + o.shipping_charged`,
  );
  expectNone(
    'orders without lines',
    `SELECT order_no FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines WHERE order_id = o.id)`,
  );
  expectNone(
    'paid_total differs from the payments',
    `SELECT o.order_no FROM orders o LEFT JOIN payments p ON p.order_id = o.id GROUP BY o.id
      HAVING o.paid_total <> coalesce(sum(p.amount), 0)`,
  );
  expectNone(
    'paid orders not paid in full, or unpaid orders with a paid day',
    `SELECT order_no, status FROM orders
      WHERE (paid_on IS NOT NULL) <> (paid_total = total_due AND paid_total > 0)
         OR (status IN ('paid', 'shipped', 'completed') AND paid_on IS NULL)
         OR (status IN ('draft', 'confirmed') AND paid_on IS NOT NULL)`,
  );
  expectNone(
    'confirmed orders without their sale movements (or drafts with some)',
    `SELECT o.order_no FROM orders o JOIN order_lines l ON l.order_id = o.id
       LEFT JOIN stock_movements m ON m.order_line_id = l.id AND m.kind = 'sale'
      GROUP BY o.id HAVING (o.status = 'draft') = (count(m.id) > 0)`,
  );
  expectNone(
    'refunded more than the line was sold for (amount, units or cost)',
    `SELECT l.id FROM order_lines l JOIN refund_lines rl ON rl.order_line_id = l.id
      GROUP BY l.id HAVING sum(rl.amount) > l.net_amount OR sum(rl.quantity) > l.quantity
          OR sum(rl.cost_reversed) > l.cost`,
  );
  expectNone(
    'refund amount is not its lines plus shipping',
    `SELECT r.id FROM refunds r LEFT JOIN refund_lines rl ON rl.refund_id = r.id
      GROUP BY r.id HAVING r.amount <> coalesce(sum(rl.amount), 0) + r.shipping_amount`,
  );
  expectNone(
    'refunded_total differs from the refunds, or exceeds what was paid',
    `SELECT o.order_no FROM orders o LEFT JOIN refunds r ON r.order_id = o.id GROUP BY o.id
      HAVING o.refunded_total <> coalesce(sum(r.amount), 0) OR o.refunded_total > o.paid_total
          OR coalesce(sum(r.shipping_amount), 0) > o.shipping_charged`,
  );
  expectNone(
    'refunds of unpaid orders or before the paid day',
    `SELECT r.id FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.paid_on IS NULL OR r.refunded_on < o.paid_on`,
  );
  expectNone(
    'restocked refund lines without a restock movement of the same units',
    `SELECT rl.id FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
       LEFT JOIN stock_movements m ON m.refund_id = r.id AND m.order_line_id = rl.order_line_id
      WHERE r.restock = 1 AND rl.quantity > 0 AND (m.quantity IS NULL OR m.quantity <> rl.quantity)`,
  );
  expectNone(
    'cancelled confirmed orders whose stock did not come back',
    `SELECT o.order_no FROM orders o JOIN order_lines l ON l.order_id = o.id
       LEFT JOIN stock_movements m ON m.order_line_id = l.id AND m.kind = 'sale_cancel'
      WHERE o.status = 'cancelled' AND o.paid_on IS NULL AND o.confirmed_at IS NOT NULL AND m.id IS NULL`,
  );
  expectNone(
    'failed campaigns with orders still standing',
    `SELECT o.order_no FROM orders o JOIN campaigns c ON c.id = o.campaign_id
      WHERE c.outcome = 'failed' AND o.status <> 'cancelled' AND o.refunded_total <> o.paid_total`,
  );
  expectNone(
    'order_fees of unpaid orders',
    `SELECT f.id FROM order_fees f JOIN orders o ON o.id = f.order_id WHERE o.paid_on IS NULL`,
  );
  expectNone(
    'customers missing from search',
    'SELECT id FROM customers WHERE rowid NOT IN (SELECT rowid FROM customer_search)',
  );
  expectNone(
    'search rows without a customer',
    'SELECT rowid FROM customer_search WHERE rowid NOT IN (SELECT rowid FROM customers)',
  );

  const fk = sqlite.pragma('foreign_key_check') as unknown[];
  if (fk.length > 0)
    problems.push(`foreign_key_check: ${fk.length} rows, e.g. ${JSON.stringify(fk[0])}`);
  const integrity = sqlite.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);

  problems.push(...agentProblems(sqlite));
  problems.push(...rollupProblems(sqlite));
  return problems;
}

/**
 * The agent tree and the commission ledger: the closure equals the upline pointers, every
 * agent has its own buyer record, and the ledger equals a recomputation with the real rateFor
 * and applyRate from the plan, the tree and the order lines (per order line, agent and level,
 * accruals less the cumulative reversals of the line's refunds); wholesale orders earn
 * nothing; the entries add up to the P&L's commissions.
 */
export function agentProblems(sqlite: BetterSqlite3.Database): string[] {
  const problems: string[] = [];
  const rows = <T>(sql: string): T[] => sqlite.prepare(sql).all() as T[];
  const agents = new Map(
    rows<{ id: string; upline_id: string | null; tier: string; customer_id: string | null }>(
      'SELECT id, upline_id, tier, customer_id FROM agents',
    ).map((a) => [a.id, a]),
  );
  const closure = new Set(
    rows<{ ancestor: string; descendant: string; depth: number }>(
      'SELECT ancestor, descendant, depth FROM agent_closure',
    ).map((c) => `${c.ancestor}>${c.descendant}@${c.depth}`),
  );
  const uplines = new Map<string, { id: string; tier: string }[]>();
  let pairs = 0;
  for (const a of agents.values()) {
    const chain: { id: string; tier: string }[] = [];
    for (let x: string | null = a.id; x !== null; x = agents.get(x)?.upline_id ?? null) {
      const depth = chain.length;
      if (depth > 5) {
        problems.push(`agent ${a.id} is deeper than six levels`);
        break;
      }
      chain.push({ id: x, tier: agents.get(x)!.tier });
      if (!closure.has(`${x}>${a.id}@${depth}`)) problems.push(`closure misses ${x} > ${a.id}`);
      pairs++;
    }
    uplines.set(a.id, chain.slice(0, 3));
  }
  if (pairs !== closure.size)
    problems.push(`closure has ${closure.size} rows, the upline pointers give ${pairs}`);
  const agentCustomers = new Set([...agents.values()].map((a) => a.customer_id));
  if (agentCustomers.size !== agents.size || agentCustomers.has(null))
    problems.push('agents without their own buyer record');

  const planRows = rows<{ id: string; direct_bp: number; level1_bp: number; level2_bp: number }>(
    'SELECT id, direct_bp, level1_bp, level2_bp, base FROM commission_plans',
  );
  const overrides = rows<{ scope: RateScope; scope_key: string; level: number; rate_bp: number }>(
    'SELECT scope, scope_key, level, rate_bp FROM commission_plan_rates',
  ).map((o): RateOverride => ({
    scope: o.scope,
    key: o.scope_key,
    level: o.level,
    rateBp: o.rate_bp,
  }));
  const plan = planRows[0];
  if (planRows.length !== 1 || !plan) {
    problems.push(`${planRows.length} commission plans, expected one`);
    return problems;
  }
  const rates: [number, number, number] = [plan.direct_bp, plan.level1_bp, plan.level2_bp];

  const refunded = new Map(
    rows<{ order_line_id: string; amount: number }>(
      'SELECT order_line_id, sum(amount) amount FROM refund_lines GROUP BY order_line_id',
    ).map((r) => [r.order_line_id, r.amount]),
  );
  const expected = new Map<string, number>();
  const lines = rows<{
    id: string;
    product_id: string;
    category: string;
    net_amount: number;
    agent_id: string;
    customer_id: string | null;
    is_wholesale: number;
  }>(
    `SELECT l.id, l.product_id, l.category, l.net_amount, o.agent_id, o.customer_id, o.is_wholesale
       FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.paid_on IS NOT NULL AND o.agent_id IS NOT NULL`,
  );
  for (const l of lines) {
    if (l.is_wholesale === 1 || agentCustomers.has(l.customer_id)) continue;
    const chain = uplines.get(l.agent_id) ?? [];
    chain.forEach((b, level) => {
      const rate = rateFor({ rates }, overrides, {
        level,
        productId: l.product_id,
        category: l.category,
        beneficiaryTier: b.tier,
      });
      if (rate <= 0) return;
      const amount = applyRate(l.net_amount, rate);
      const back =
        l.net_amount > 0
          ? mulDivRoundHalfUp(amount, Math.min(refunded.get(l.id) ?? 0, l.net_amount), l.net_amount)
          : 0;
      expected.set(`${l.id}/${b.id}/${level}`, amount - back);
    });
  }
  const actual = new Map(
    rows<{ order_line_id: string; agent_id: string; level: number; amount: number }>(
      `SELECT order_line_id, agent_id, level, sum(amount) amount FROM commission_entries
        GROUP BY order_line_id, agent_id, level`,
    ).map((e) => [`${e.order_line_id}/${e.agent_id}/${e.level}`, e.amount]),
  );
  let wrong = 0;
  let example = '';
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    if (expected.get(key) !== actual.get(key)) {
      wrong++;
      example ||= `${key}: ledger ${actual.get(key)}, recomputed ${expected.get(key)}`;
    }
  }
  if (wrong > 0)
    problems.push(`${wrong} (line, agent, level) commission totals differ, e.g. ${example}`);
  const expectNone = (what: string, sql: string) => {
    const found = rows<Record<string, unknown>>(sql);
    if (found.length > 0)
      problems.push(`${what}: ${found.length} rows, e.g. ${JSON.stringify(found[0])}`);
  };
  expectNone(
    'commission entries of wholesale orders',
    `SELECT e.id FROM commission_entries e JOIN orders o ON o.id = e.order_id
      WHERE o.is_wholesale = 1 OR o.customer_id IN (SELECT customer_id FROM agents)`,
  );
  expectNone(
    'wholesale orders not by an agent',
    `SELECT id FROM orders WHERE is_wholesale = 1
        AND customer_id NOT IN (SELECT customer_id FROM agents WHERE customer_id IS NOT NULL)`,
  );
  expectNone(
    'accruals not on the paid day, or reversals not on the refund day',
    `SELECT e.id FROM commission_entries e JOIN orders o ON o.id = e.order_id
       LEFT JOIN refunds r ON r.id = e.refund_id
      WHERE (e.kind = 'accrual' AND (e.accrued_on <> o.paid_on OR e.source_id <> o.id
                                     OR e.credited_agent_id <> o.agent_id))
         OR (e.kind = 'reversal' AND (e.accrued_on <> r.refunded_on OR e.source_id <> r.id))`,
  );
  expectNone(
    'orders credited to an agent before it joined',
    `SELECT o.id FROM orders o JOIN agents a ON a.id = o.agent_id WHERE o.ordered_on < a.joined_on`,
  );
  const ledger = sqlite
    .prepare('SELECT coalesce(sum(amount), 0) FROM commission_entries')
    .pluck()
    .get();
  const pnl = sqlite
    .prepare("SELECT coalesce(sum(commissions), 0) FROM pnl_daily WHERE dim = 'total'")
    .pluck()
    .get();
  if (ledger !== pnl) problems.push(`commission entries add up to ${ledger}, the P&L to ${pnl}`);
  return problems;
}

/** Recomputes pnl_daily (and pnl_monthly) from scratch in a copy and compares. */
function rollupProblems(sqlite: BetterSqlite3.Database): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-demo-rollup-'));
  try {
    const file = join(dir, 'copy.sqlite');
    sqlite.prepare('VACUUM INTO ?').run(file);
    const copy = new Database(file);
    try {
      rebuildPnl(copy);
      const problems: string[] = [];
      for (const [table, order] of [
        ['pnl_daily', 'dim, day, key'],
        ['pnl_monthly', 'dim, month, key'],
      ] as const) {
        const sql = `SELECT * FROM ${table} ORDER BY ${order}`;
        const stored = sqlite.prepare(sql).all() as Record<string, unknown>[];
        const rebuilt = copy.prepare(sql).all() as Record<string, unknown>[];
        if (stored.length !== rebuilt.length) {
          problems.push(
            `${table}: ${stored.length} rows stored, ${rebuilt.length} after a rebuild`,
          );
        }
        const n = Math.min(stored.length, rebuilt.length);
        for (let i = 0; i < n; i++) {
          if (JSON.stringify(stored[i]) !== JSON.stringify(rebuilt[i])) {
            problems.push(
              `${table} differs from a rebuild: ${JSON.stringify(stored[i])} vs ${JSON.stringify(rebuilt[i])}`,
            );
            break;
          }
        }
      }
      return problems;
    } finally {
      copy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Row counts and money totals that two runs with the same seed must share. */
export function demoFingerprint(sqlite: BetterSqlite3.Database): Record<string, unknown> {
  const one = (sql: string) => sqlite.prepare(sql).get();
  const tables = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'customer_search_%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  return {
    counts: Object.fromEntries(
      tables.map((t) => [t, sqlite.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()]),
    ),
    orders: one(
      'SELECT sum(goods_total) g, sum(total_due) d, sum(paid_total) p, sum(refunded_total) r FROM orders',
    ),
    stock: one('SELECT sum(on_hand) h, sum(avg_cost) a FROM products'),
    pnl: one(
      "SELECT sum(revenue) r, sum(cogs) c, sum(fees) f, sum(commissions) k, sum(other_income) i, sum(orders) o FROM pnl_daily WHERE dim = 'total'",
    ),
    ids: one('SELECT min(id) lo, max(id) hi FROM orders'),
  };
}
