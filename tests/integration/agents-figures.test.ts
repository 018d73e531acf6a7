import { afterEach, describe, expect, it } from 'vitest';
import { freshId } from '../../core/api/context';
import { newBusiness, type TestBusiness } from '../support/store';
import { expectRefused } from '../support/customers-fixtures';
import { order, product, refund } from '../support/figures-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const T = '2026-01-01T00:00:00.000Z';

const agent = (name: string, uplineId?: string) =>
  biz.core.invoke('agent.create', { name, tier: 'level1', ...(uplineId ? { uplineId } : {}) });

async function plan(): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('commission_plans')
    .values({
      id,
      name: 'P',
      effective_from: '2025-01-01',
      effective_to: null,
      base: 'net',
      direct_bp: 1000,
      level1_bp: 300,
      level2_bp: 100,
      note: null,
      created_at: T,
      updated_at: T,
    })
    .execute();
  return id;
}

async function entry(e: {
  planId: string;
  orderId: string;
  lineId: string;
  agentId: string;
  creditedAgentId: string;
  level: number;
  amount: number;
  accruedOn: string;
  reverses?: { id: string; refundId: string };
}): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('commission_entries')
    .values({
      id,
      kind: e.reverses ? 'reversal' : 'accrual',
      source_id: e.reverses ? e.reverses.refundId : e.orderId,
      order_id: e.orderId,
      order_line_id: e.lineId,
      refund_id: e.reverses?.refundId ?? null,
      reverses_id: e.reverses?.id ?? null,
      agent_id: e.agentId,
      level: e.level,
      credited_agent_id: e.creditedAgentId,
      plan_id: e.planId,
      base_amount: 0,
      rate_bp: 0,
      amount: e.amount,
      accrued_on: e.accruedOn,
      created_at: T,
    })
    .execute();
  return id;
}

describe('agent.figures and agent.top', () => {
  it('own and team sales from the rollup, commissions by level net of reversals', async () => {
    biz = await newBusiness();
    const top = await agent('总代');
    const mid = await agent('一级', top.id);
    const leaf = await agent('二级', mid.id);
    const other = await agent('别人');
    const p = await product(biz, { name: '面膜', sku: 'M1' });
    const line = (unitPrice: number, quantity = 1) => ({
      productId: p,
      quantity,
      unitPrice,
      unitCost: 100,
    });

    const o1 = await order(biz, {
      paidOn: '2026-02-03',
      agentId: leaf.id,
      lines: [line(10_000)],
      shipping: 500,
    });
    await order(biz, { paidOn: '2026-02-10', agentId: mid.id, lines: [line(5_000, 2)] });
    await order(biz, { paidOn: '2026-02-11', agentId: top.id, lines: [line(3_000)] });
    await order(biz, { paidOn: '2026-02-12', agentId: other.id, lines: [line(50_000)] });
    // Outside the range, and unpaid: not counted.
    await order(biz, { paidOn: '2026-04-01', agentId: leaf.id, lines: [line(99_900)] });
    await order(biz, { paidOn: null, agentId: leaf.id, lines: [line(77_700)] });
    const r1 = await refund(biz, {
      orderId: o1.orderId,
      refundedOn: '2026-02-20',
      lines: [{ lineId: o1.lineIds[0]!, quantity: 1, amount: 2_000, costReversed: 0 }],
    });

    const planId = await plan();
    const base = { planId, orderId: o1.orderId, lineId: o1.lineIds[0]!, creditedAgentId: leaf.id };
    await entry({ ...base, agentId: leaf.id, level: 0, amount: 1_000, accruedOn: '2026-02-03' });
    await entry({ ...base, agentId: mid.id, level: 1, amount: 300, accruedOn: '2026-02-03' });
    const e2 = await entry({
      ...base,
      agentId: top.id,
      level: 2,
      amount: 100,
      accruedOn: '2026-02-03',
    });
    await entry({
      ...base,
      agentId: top.id,
      level: 2,
      amount: -20,
      accruedOn: '2026-02-20',
      reverses: { id: e2, refundId: r1 },
    });
    // Outside the range.
    await entry({ ...base, agentId: top.id, level: 2, amount: 7, accruedOn: '2026-03-02' });

    const range = { from: '2026-02-01', to: '2026-02-28' };
    const f = await biz.core.invoke('agent.figures', { id: top.id, ...range });
    expect(f).toEqual({
      agentId: top.id,
      ...range,
      ownSales: { revenue: 3_000, orders: 1 },
      // 10,000 + 500 shipping - 2,000 refunded; 10,000; 3,000.
      teamSales: { revenue: 8_500 + 10_000 + 3_000, orders: 3, agents: 3 },
      commissions: {
        byLevel: [
          { level: 0, accrued: 0, reversed: 0, net: 0 },
          { level: 1, accrued: 0, reversed: 0, net: 0 },
          { level: 2, accrued: 100, reversed: -20, net: 80 },
        ],
        total: 80,
      },
      // Nothing completed or settled yet: all pending, as of the range end.
      balances: { pending: 80, payable: 0, inDraft: 0, settled: 0, asOf: '2026-02-28' },
    });
    const fl = await biz.core.invoke('agent.figures', { id: leaf.id, ...range });
    expect(fl.ownSales).toEqual({ revenue: 8_500, orders: 1 });
    expect(fl.teamSales).toEqual({ revenue: 8_500, orders: 1, agents: 1 });
    expect(fl.commissions.total).toBe(1_000);

    // Own sales foot to the P&L report by agent.
    const pnl = await biz.core.invoke('figures.pnl', { ...range, by: 'agent' });
    const row = pnl.rows.find((r) => r.key === leaf.id)!;
    expect(row).toMatchObject({ label: '二级', revenue: 8_500, orders: 1 });

    const own = await biz.core.invoke('agent.top', { ...range, by: 'own', limit: 2 });
    expect(own.rows).toEqual([
      { agentId: other.id, name: '别人', revenue: 50_000, orders: 1 },
      { agentId: mid.id, name: '一级', revenue: 10_000, orders: 1 },
    ]);
    const team = await biz.core.invoke('agent.top', { ...range, by: 'team', limit: 10 });
    expect(team.rows.map((r) => [r.name, r.revenue, r.orders])).toEqual([
      ['别人', 50_000, 1],
      ['总代', 21_500, 3],
      ['一级', 18_500, 2],
      ['二级', 8_500, 1],
    ]);

    // After a move the team is the current subtree.
    await biz.core.invoke('agent.move', { id: mid.id, uplineId: other.id });
    const after = await biz.core.invoke('agent.figures', { id: other.id, ...range });
    expect(after.teamSales).toEqual({ revenue: 68_500, orders: 3, agents: 3 });
  });

  it('refuses bad ranges and unknown agents', async () => {
    biz = await newBusiness();
    const a = await agent('A');
    await expectRefused(
      biz,
      'agent.figures',
      { id: a.id, from: '2026-02-01', to: '2026-01-01' },
      'VALIDATION',
      'to',
    );
    await expectRefused(
      biz,
      'agent.figures',
      { id: 'ghost', from: '2026-01-01', to: '2026-01-31' },
      'NOT_FOUND',
    );
    await expectRefused(
      biz,
      'agent.top',
      { from: '2026-01-01', to: '2026-01-31', by: 'all' },
      'VALIDATION',
      'by',
    );
    await expectRefused(
      biz,
      'agent.top',
      { from: '2026-01-01', to: '2026-01-31', limit: 0 },
      'VALIDATION',
      'limit',
    );
  });
});
