// Issue 3 measures: recording a paid order that pays three beneficiaries, and the commission
// statement of the agent with the largest team, each against raw better-sqlite3.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import { createCore, type Core } from '../../core/api/dispatcher';
import { freshId } from '../../core/api/context';
import { applyRate } from '../../core/money';
import { emit, emitError, median, sample } from './report';
import { dashboardRange } from './measures';

/**
 * Per order: `order.create` (confirmed: stock moves, cost captured) then `order.markPaid`
 * (payment, P&L rollup, three commission entries), through the core. Measured on a fresh
 * store so the cached bench store is not changed. The baseline writes the same rows by hand
 * with prepared statements in one transaction per order: order, line, stock movement and
 * product caches, payment, three commission entries, and the 'total' rollup row.
 */
export async function measurePaidOrder(n: number): Promise<void> {
  const target = '<= 1';
  const measure = 'order.paid.threeBeneficiaries';
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-bench-order-'));
  try {
    const store = openStore(join(dir, 'orders.sqlite'));
    const core = createCore({ store });
    await core.invoke('workspace.init', { name: '基准' });
    const product = await core.invoke('product.create', {
      sku: 'B1',
      name: '赣南脐橙',
      category: '水果',
      retailPrice: 5990,
    });
    await core.invoke('purchase.record', {
      receivedOn: '2026-01-01',
      lines: [{ productId: product.id, quantity: 100_000, unitCost: 3000 }],
    });
    await core.invoke('plan.create', {
      name: '标准',
      effectiveFrom: '2026-01-01',
      base: 'net',
      rates: [1000, 300, 100],
    });
    const top = await core.invoke('agent.create', { name: '总代甲', tier: 'general' });
    const mid = await core.invoke('agent.create', {
      name: '一级乙',
      tier: 'level1',
      uplineId: top.id,
    });
    const seller = await core.invoke('agent.create', {
      name: '二级丙',
      tier: 'level2',
      uplineId: mid.id,
    });
    const buyer = await core.invoke('customer.create', { name: '张三', ownerAgentId: seller.id });
    const recordPaidOrder = async () => {
      const order = await core.invoke('order.create', {
        customerId: buyer.id,
        agentId: seller.id,
        orderedOn: '2026-03-01',
        lines: [{ productId: product.id, quantity: 2 }],
      });
      await core.invoke('order.markPaid', {
        orderId: order.id,
        paidOn: '2026-03-01',
        method: 'wechat',
      });
    };
    const viaCore = await sample(recordPaidOrder, n);
    const entries = store.sqlite.prepare('SELECT count(*) FROM commission_entries').pluck().get();
    if (entries !== (n + 5) * 3)
      throw new Error(`expected ${(n + 5) * 3} commission entries, found ${entries}`);
    const viaRaw = await sample(
      rawPaidOrder(store.sqlite, product.id, buyer.id, [seller.id, mid.id, top.id]),
      n,
    );
    await store.close();
    emit({ measure, unit: 'ms', median: median(viaCore), baseline: median(viaRaw), target, n });
  } catch (err) {
    emitError(measure, 'ms', target, err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawPaidOrder(
  db: Database.Database,
  productId: string,
  customerId: string,
  agents: string[],
) {
  const at = '2026-03-01T00:00:00.000Z';
  const plan = db.prepare('SELECT id FROM commission_plans LIMIT 1').pluck().get() as string;
  const insOrder =
    db.prepare(`INSERT INTO orders (id, order_no, customer_id, agent_id, status, ordered_on,
    paid_on, goods_total, total_due, paid_total, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'paid', '2026-03-01', '2026-03-01', 11980, 11980, 11980, ?, ?)`);
  const insLine =
    db.prepare(`INSERT INTO order_lines (id, order_id, line_no, product_id, sku, product_name,
    category, quantity, unit_price, net_amount, unit_cost, cost) VALUES (?, ?, 1, ?, 'B1', '赣南脐橙', '水果', 2, 5990, 11980, 3000, 6000)`);
  const insMove =
    db.prepare(`INSERT INTO stock_movements (id, product_id, kind, quantity, unit_cost, occurred_on,
    order_id, order_line_id, created_at) VALUES (?, ?, 'sale', -2, 3000, '2026-03-01', ?, ?, ?)`);
  const updProduct = db.prepare('UPDATE products SET on_hand = on_hand - 2 WHERE id = ?');
  const insPayment =
    db.prepare(`INSERT INTO payments (id, order_id, amount, method, paid_on, created_at)
    VALUES (?, ?, 11980, 'wechat', '2026-03-01', ?)`);
  const insEntry =
    db.prepare(`INSERT INTO commission_entries (id, kind, source_id, order_id, order_line_id,
    agent_id, level, credited_agent_id, plan_id, base_amount, rate_bp, amount, accrued_on, created_at)
    VALUES (?, 'accrual', ?, ?, ?, ?, ?, ?, ?, 11980, ?, ?, '2026-03-01', ?)`);
  const upsertTotal =
    db.prepare(`INSERT INTO pnl_daily (dim, day, key, revenue, cogs, commissions, orders)
    VALUES ('total', '2026-03-01', '', 11980, 6000, 1677, 1)
    ON CONFLICT (dim, day, key) DO UPDATE SET revenue = revenue + 11980, cogs = cogs + 6000,
      commissions = commissions + 1677, orders = orders + 1`);
  const rates = [1000, 300, 100];
  let k = 0;
  return db.transaction(() => {
    const orderId = freshId();
    const lineId = freshId();
    insOrder.run(orderId, `RAW-${k++}-${orderId}`, customerId, agents[0], at, at);
    insLine.run(lineId, orderId, productId);
    insMove.run(freshId(), productId, orderId, lineId, at);
    updProduct.run(productId);
    insPayment.run(freshId(), orderId, at);
    agents.forEach((agent, level) =>
      insEntry.run(
        freshId(),
        orderId,
        orderId,
        lineId,
        agent,
        level,
        agents[0],
        plan,
        rates[level],
        applyRate(11980, rates[level]!),
        at,
      ),
    );
    upsertTotal.run();
  });
}

/**
 * The agent with the largest team: its commission report for the 24 months (by level and
 * status), through the core; the baseline is the same sums by level and status by hand, read
 * the same way (the commission rollup of migration 5, then the settled entries).
 */
export async function measureTopAgentStatement(
  core: Core,
  raw: Database.Database,
  endDay: string,
  n: number,
) {
  const target = '<= 50';
  const measure = 'commission.statement.topAgent';
  try {
    const top = raw
      .prepare(
        'SELECT ancestor AS id, count(*) AS team FROM agent_closure GROUP BY ancestor ORDER BY team DESC LIMIT 1',
      )
      .get() as { id: string; team: number } | undefined;
    if (!top) throw new Error('the bench store has no agents');
    const range = dashboardRange(endDay);
    const viaCore = await sample(
      () => core.invoke('commission.report', { ...range, agentId: top.id, asOf: endDay }),
      n,
    );
    const window = raw
      .prepare("SELECT value FROM settings WHERE key = 'workspace.refund_window_days'")
      .pluck()
      .get();
    // By hand, the same design: the agent's rows of the commission rollup (payable when the
    // order's completion day is window days before asOf), then the entries in its settlements
    // moved out of their bucket, and the carried clawbacks.
    const cutoff = raw.prepare("SELECT date(?, '-' || ? || ' days')").pluck();
    const rolled = raw.prepare(`
      SELECT level, sum(amount),
             sum(CASE WHEN completed_on <> '' AND completed_on <= ? THEN amount ELSE 0 END)
        FROM commission_daily WHERE agent_id = ? AND accrued_on BETWEEN ? AND ? GROUP BY level`);
    const settled = raw.prepare(`
      SELECT e.level, s.status, o.status = 'completed' AND o.completed_on <= ?, sum(e.amount)
        FROM settlements s JOIN settlement_entries se ON se.settlement_id = s.id
        JOIN commission_entries e ON e.id = se.entry_id
        LEFT JOIN orders o ON o.id = e.order_id
       WHERE s.agent_id = ? AND e.accrued_on BETWEEN ? AND ? GROUP BY 1, 2, 3`);
    const carried = raw.prepare(`
      SELECT r.level, sum(r.amount)
        FROM settlements s JOIN settlement_entries se ON se.settlement_id = s.id
        JOIN commission_entries r ON r.reverses_id = se.entry_id
        LEFT JOIN orders o ON o.id = r.order_id
       WHERE s.agent_id = ? AND s.status = 'paid' AND r.accrued_on BETWEEN ? AND ?
         AND NOT EXISTS (SELECT 1 FROM settlement_entries x WHERE x.entry_id = r.id)
         AND NOT coalesce(o.status = 'completed' AND o.completed_on <= ?, 0)
       GROUP BY 1`);
    const viaRaw = await sample(() => {
      const day = cutoff.get(endDay, window);
      rolled.all(day, top.id, range.from, range.to);
      settled.all(day, top.id, range.from, range.to);
      carried.all(top.id, range.from, range.to, day);
    }, n);
    emit({
      measure: `${measure}.team${top.team}`,
      unit: 'ms',
      median: median(viaCore),
      baseline: median(viaRaw),
      target,
      n,
    });
  } catch (err) {
    emitError(measure, 'ms', target, err);
  }
}
