import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import {
  addCustomer,
  addProduct,
  expectFailure,
  pnlMatchesRebuild,
} from '../support/order-fixtures';
import {
  addAgent,
  addChain,
  agentCustomer,
  entries,
  paidSale,
  pnlCommissions,
} from '../support/agent-fixtures';
import { rateFor, type RateOverride } from '../../core/commissions/plans';
import { freshId } from '../../core/api/context';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const plan = (rates: number[], extra: Record<string, unknown> = {}) =>
  biz.core.invoke('plan.create', {
    name: '标准方案',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates,
    ...extra,
  });

describe('rateFor', () => {
  const overrides: RateOverride[] = [
    { scope: 'tier', key: 'level1', level: 0, rateBp: 700 },
    { scope: 'category', key: '美妆', level: 0, rateBp: 1500 },
    { scope: 'product', key: 'P1', level: 0, rateBp: 2000 },
    { scope: 'category', key: '美妆', level: 1, rateBp: 400 },
  ];
  const p = { rates: [1000, 300, 100] as [number, number, number] };
  const q = { level: 0, productId: 'P9', category: '零食', beneficiaryTier: 'level2' };

  it('takes the most specific rate: product, then category, then tier, then the plan', () => {
    expect(
      rateFor(p, overrides, { ...q, productId: 'P1', category: '美妆', beneficiaryTier: 'level1' }),
    ).toBe(2000);
    expect(rateFor(p, overrides, { ...q, category: '美妆', beneficiaryTier: 'level1' })).toBe(1500);
    expect(rateFor(p, overrides, { ...q, beneficiaryTier: 'level1' })).toBe(700);
    expect(rateFor(p, overrides, q)).toBe(1000);
  });

  it('matches overrides of the same level only', () => {
    expect(rateFor(p, overrides, { ...q, level: 1, productId: 'P1' })).toBe(300);
    expect(rateFor(p, overrides, { ...q, level: 1, category: '美妆' })).toBe(400);
    expect(rateFor(p, overrides, { ...q, level: 2, category: '美妆' })).toBe(100);
  });
});

describe('plan.create', () => {
  it('refuses more than two upline levels, citing 禁止传销条例 第七条, and writes nothing', async () => {
    biz = await newBusiness();
    const before = biz.snapshot();
    const r = await biz.core.call('plan.create', {
      name: '四级方案',
      effectiveFrom: '2026-01-01',
      base: 'net',
      rates: [1000, 300, 200, 100],
    });
    expectFailure(r, 'VALIDATION', 'rates');
    if (!r.ok) {
      const issue = r.error.details!.issues!.find((i) => i.path === 'rates')!;
      expect(issue.message).toContain('禁止传销条例');
      expect(issue.message).toContain('at most two upline levels');
    }
    expect(biz.snapshot()).toEqual(before);
  });

  it('refuses an override level beyond 2 and a bad rate with their field paths', async () => {
    biz = await newBusiness();
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('plan.create', {
        name: 'x',
        effectiveFrom: '2026-01-01',
        base: 'net',
        rates: [1000],
        overrides: [{ scope: 'category', key: '零食', level: 3, rateBp: 100 }],
      }),
      'VALIDATION',
      'overrides.0.level',
    );
    expectFailure(
      await biz.core.call('plan.create', {
        name: 'x',
        effectiveFrom: '2026-01-01',
        base: 'net',
        rates: [1000, 10_001],
      }),
      'VALIDATION',
      'rates.1',
    );
    expect(biz.snapshot()).toEqual(before);
  });

  it('ends the plan in force on the new plan start and refuses a plan starting on or before it', async () => {
    biz = await newBusiness();
    const first = await plan([1000]);
    const second = await biz.core.invoke('plan.create', {
      name: '春季方案',
      effectiveFrom: '2026-03-10',
      base: 'margin',
      rates: [500, 200],
    });
    expect((await biz.core.invoke('plan.get', { id: first.id })).effectiveTo).toBe('2026-03-10');
    expect(second.effectiveTo).toBeNull();
    expect((await biz.core.invoke('plan.inForce', { on: '2026-03-09' }))?.id).toBe(first.id);
    expect((await biz.core.invoke('plan.inForce', { on: '2026-03-10' }))?.id).toBe(second.id);
    expect(await biz.core.invoke('plan.inForce', { on: '2025-12-31' })).toBeNull();
    expect((await biz.core.invoke('plan.list', {})).map((p) => p.id)).toEqual([
      first.id,
      second.id,
    ]);

    const before = biz.snapshot();
    for (const effectiveFrom of ['2026-03-10', '2026-02-01']) {
      expectFailure(
        await biz.core.call('plan.create', { name: 'x', effectiveFrom, base: 'net', rates: [1] }),
        'INVALID_STATE',
      );
    }
    expect(biz.snapshot()).toEqual(before);
  });
});

describe('commission accruals', () => {
  it('writes one entry per line per beneficiary (direct + two uplines), rounded half-up once', async () => {
    biz = await newBusiness();
    const [top, a, b, c] = await addChain(biz, 4);
    await plan([1000, 300, 150]);
    const p = await addProduct(biz, { retailPrice: 1005, stock: { quantity: 10, unitCost: 400 } });
    const order = await paidSale(biz, c!, [{ productId: p, quantity: 1 }], '2026-03-15');
    const rows = entries(biz, order.id);
    expect(rows.map((e) => [e.agent_id, e.level, e.base_amount, e.rate_bp, e.amount])).toEqual([
      [c, 0, 1005, 1000, 101], // 100.5 -> 101
      [b, 1, 1005, 300, 30], // 30.15 -> 30
      [a, 2, 1005, 150, 15], // 15.075 -> 15
    ]);
    expect(rows.every((e) => e.kind === 'accrual' && e.accrued_on === '2026-03-15')).toBe(true);
    expect(rows.some((e) => e.agent_id === top)).toBe(false);
    expect(pnlCommissions(biz)).toBe(146);
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
    const listed = await biz.core.invoke('commission.entries', { orderId: order.id, limit: 10 });
    expect(listed.map((e) => e.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('uses the plan in force on the paid day, with margin base and overrides', async () => {
    biz = await newBusiness();
    const [a, b] = await addChain(biz, 2);
    await plan([1000]);
    await biz.core.invoke('plan.create', {
      name: '春季方案',
      effectiveFrom: '2026-03-10',
      base: 'margin',
      rates: [500, 200],
      overrides: [
        { scope: 'category', key: '美妆', level: 0, rateBp: 1500 },
        { scope: 'tier', key: 'general', level: 1, rateBp: 0 },
      ],
    });
    const snack = await addProduct(biz, {
      retailPrice: 1000,
      stock: { quantity: 10, unitCost: 600 },
    });
    const beauty = await addProduct(biz, {
      retailPrice: 2000,
      category: '美妆',
      stock: { quantity: 10, unitCost: 2500 },
    });
    const before = await paidSale(biz, b!, [{ productId: snack, quantity: 2 }], '2026-03-09');
    expect(
      entries(biz, before.id).map((e) => [e.agent_id, e.base_amount, e.rate_bp, e.amount]),
    ).toEqual([[b, 2000, 1000, 200]]);
    const after = await paidSale(
      biz,
      b!,
      [
        { productId: snack, quantity: 2 },
        { productId: beauty, quantity: 1 },
      ],
      '2026-03-10',
    );
    // Snack: margin 2000 - 1200 = 800 at 5%; the upline is a 'general' tier: 0, so nothing.
    // Beauty: margin 2000 - 2500 < 0 -> base 0 (never below 0).
    expect(
      entries(biz, after.id).map((e) => [e.agent_id, e.level, e.base_amount, e.rate_bp, e.amount]),
    ).toEqual([
      [b, 0, 800, 500, 40],
      [b, 0, 0, 1500, 0],
    ]);
    expect(a).toBeDefined();
  });

  it('writes nothing for wholesale orders, unpaid or cancelled orders, no agent or no plan', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 50, unitCost: 300 } });
    const [a] = await addChain(biz, 1);
    const buyer = await addAgent(biz, { uplineId: a!, withCustomer: true });
    // No plan yet.
    await paidSale(biz, buyer, [{ productId: p, quantity: 1 }], '2025-12-01');
    await plan([1000, 500]);
    // The agent buying for itself (its own customer record), credited to itself or to none.
    const own = await agentCustomer(biz, buyer);
    const self = await paidSale(biz, buyer, [{ productId: p, quantity: 2 }], '2026-03-15', own);
    // Recorded as wholesale when the order is created.
    expect(
      biz.store.sqlite.prepare('SELECT is_wholesale FROM orders WHERE id = ?').pluck().get(self.id),
    ).toBe(1);
    await paidSale(biz, a!, [{ productId: p, quantity: 2 }], '2026-03-15', own);
    // Flagged wholesale.
    const flagged = await biz.core.invoke('order.create', {
      customerId: await addCustomer(biz),
      agentId: buyer,
      lines: [{ productId: p, quantity: 1 }],
    });
    biz.store.sqlite.prepare('UPDATE orders SET is_wholesale = 1 WHERE id = ?').run(flagged.id);
    await biz.core.invoke('order.markPaid', { orderId: flagged.id, paidOn: '2026-03-15' });
    // No agent.
    await paidSale(biz, null, [{ productId: p, quantity: 1 }], '2026-03-15');
    // Cancelled unpaid.
    const unpaid = await biz.core.invoke('order.create', {
      customerId: await addCustomer(biz),
      agentId: buyer,
      lines: [{ productId: p, quantity: 1 }],
      status: 'confirmed',
    });
    await biz.core.invoke('order.cancel', { id: unpaid.id });
    expect(entries(biz)).toEqual([]);
    expect(pnlCommissions(biz)).toBe(0);
    // A real sale by the same agent does earn.
    await paidSale(biz, buyer, [{ productId: p, quantity: 1 }], '2026-03-15');
    expect(entries(biz).map((e) => [e.agent_id, e.amount])).toEqual([
      [buyer, 100],
      [a, 50],
    ]);
  });

  it('accrues imported paid orders', async () => {
    biz = await newBusiness();
    const [a] = await addChain(biz, 1);
    await plan([1000]);
    const p = await addProduct(biz);
    const { recordImportedOrder } = await import('../../core/orders/imported');
    const id = await biz.store.db.transaction().execute((trx) =>
      recordImportedOrder(
        trx,
        {
          db: biz.store.db,
          sqlite: biz.store.sqlite,
          clock: { now: () => new Date() },
          actor: { role: 'owner' },
          progress: () => {},
        },
        {
          orderNo: `IMP-${freshId().slice(-6)}`,
          orderedOn: '2026-02-01',
          paidOn: '2026-02-02',
          status: 'completed',
          customerId: null,
          groupId: null,
          agentId: a!,
          shippingCharged: 0,
          fees: [],
          lines: [{ productId: p, quantity: 1, unitPrice: 1234, netAmount: 1234, cost: 500 }],
          moveStock: false,
        },
      ),
    );
    expect(entries(biz, id.id).map((e) => [e.amount, e.accrued_on])).toEqual([[123, '2026-02-02']]);
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
  });
});

describe('commission reversals', () => {
  it('reverses refunds cumulatively so a full refund nets every beneficiary to zero', async () => {
    // Today is after the refunds below (a refund is never dated after tomorrow).
    biz = await newBusiness({ clock: testClock('2026-03-20T10:00:00+08:00') });
    const [a, b, c] = await addChain(biz, 3);
    await plan([1000, 300, 150]);
    const p = await addProduct(biz, { retailPrice: 1005, stock: { quantity: 10, unitCost: 400 } });
    const order = await paidSale(biz, c!, [{ productId: p, quantity: 3 }], '2026-03-15');
    const lineId = order.lines[0]!.id;
    // Net 3015: direct 301.5 -> 302, level1 90.45 -> 90, level2 45.225 -> 45.
    const r1 = await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 1 }],
      restock: false,
      refundedOn: '2026-03-16',
    });
    const part = entries(biz, order.id).filter((e) => e.refund_id === r1.id);
    // 1005 of 3015 refunded: 302/3 = 100.67 -> 101, 90/3 = 30, 45/3 = 15.
    expect(part.map((e) => [e.agent_id, e.amount, e.accrued_on])).toEqual([
      [c, -101, '2026-03-16'],
      [b, -30, '2026-03-16'],
      [a, -15, '2026-03-16'],
    ]);
    // A price adjustment (quantity 0) counts by its amount.
    await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 0, amount: 3 }],
      restock: false,
      refundedOn: '2026-03-17',
    });
    await biz.core.invoke('refund.full', {
      orderId: order.id,
      restock: false,
      refundedOn: '2026-03-18',
    });
    const net = new Map<string, number>();
    for (const e of entries(biz, order.id))
      net.set(e.agent_id, (net.get(e.agent_id) ?? 0) + e.amount);
    expect([...net.values()]).toEqual([0, 0, 0]);
    expect(pnlCommissions(biz)).toBe(0);
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
  });

  it('refuses edits and deletes of entries (append-only)', async () => {
    biz = await newBusiness();
    const [a] = await addChain(biz, 1);
    await plan([1000]);
    const p = await addProduct(biz);
    await paidSale(biz, a!, [{ productId: p, quantity: 1 }], '2026-03-15');
    expect(() => biz.store.sqlite.exec('UPDATE commission_entries SET amount = 1')).toThrow(
      /append-only/,
    );
    expect(() => biz.store.sqlite.exec('DELETE FROM commission_entries')).toThrow(/append-only/);
  });
});
