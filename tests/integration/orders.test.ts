import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addAgent } from '../support/agent-fixtures';
import {
  addCustomer,
  addGroup,
  addProduct,
  expectFailure,
  joinGroup,
  movementSum,
  pnl,
  pnlMatchesRebuild,
  product,
  receiveStock,
} from '../support/order-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const movements = (orderId: string) =>
  biz.store.sqlite
    .prepare(
      'SELECT kind, quantity, unit_cost AS unitCost, product_id AS productId FROM stock_movements WHERE order_id = ? ORDER BY created_at, id',
    )
    .all(orderId) as { kind: string; quantity: number; unitCost: number; productId: string }[];

describe('order.create', () => {
  it('captures group, agent, product facts and unit cost; the same product may be on two lines', async () => {
    biz = await newBusiness();
    const tea = await addProduct(biz, {
      sku: 'TEA-1',
      name: '红茶',
      category: '茶叶',
      retailPrice: 2500,
      stock: { quantity: 10, unitCost: 1000 },
    });
    const older = await addGroup(biz, '老群');
    const newer = await addGroup(biz, '新群');
    const left = await addGroup(biz, '已退群');
    const customer = await addCustomer(biz, { ownerAgentId: 'agent-7' });
    await joinGroup(biz, older, customer, '2025-01-01');
    await joinGroup(biz, newer, customer, '2025-06-01');
    await joinGroup(biz, left, customer, '2025-09-01', '2025-10-01');

    const o = await biz.core.invoke('order.create', {
      customerId: customer,
      lines: [
        { productId: tea, quantity: 2 },
        { productId: tea, quantity: 1, unitPrice: 2000 },
      ],
    });
    expect(o.status).toBe('confirmed');
    expect(o.orderNo).toBe('QD20260315-0001');
    expect(o.orderedOn).toBe('2026-03-15');
    expect(o.groupId).toBe(newer);
    expect(o.agentId).toBe('agent-7');
    expect(
      o.lines.map((l) => [l.sku, l.productName, l.category, l.unitPrice, l.netAmount]),
    ).toEqual([
      ['TEA-1', '红茶', '茶叶', 2500, 5000],
      ['TEA-1', '红茶', '茶叶', 2000, 2000],
    ]);
    expect(o.lines.map((l) => [l.unitCost, l.cost])).toEqual([
      [1000, 2000],
      [1000, 1000],
    ]);
    expect(o.goodsTotal).toBe(7000);
    expect(o.totalDue).toBe(7000);
    expect(o.balanceDue).toBe(7000);
    expect(movements(o.id)).toEqual([
      { kind: 'sale', quantity: -2, unitCost: 1000, productId: tea },
      { kind: 'sale', quantity: -1, unitCost: 1000, productId: tea },
    ]);
    expect(product(biz, tea).onHand).toBe(7);

    // Later edits of the product and the customer do not rewrite the order.
    biz.store.sqlite
      .prepare("UPDATE products SET name = '新名字', category = 'x' WHERE id = ?")
      .run(tea);
    biz.store.sqlite
      .prepare("UPDATE customers SET owner_agent_id = 'agent-9' WHERE id = ?")
      .run(customer);
    const again = await biz.core.invoke('order.get', { id: o.id });
    expect(again.agentId).toBe('agent-7');
    expect(again.lines[0]!.productName).toBe('红茶');

    const second = await biz.core.invoke('order.create', {
      customerId: customer,
      groupId: older,
      agentId: null,
      lines: [{ productId: tea, quantity: 1 }],
    });
    expect(second.orderNo).toBe('QD20260315-0002');
    expect(second.groupId).toBe(older);
    expect(second.agentId).toBeNull();
    expect(second.customerName).toBe('张三');
  });

  it('splits the order discount over lines by largest remainder and allows negative stock', async () => {
    biz = await newBusiness();
    const a = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 1, unitCost: 300 } });
    const b = await addProduct(biz, { retailPrice: 700 });
    const o = await biz.core.invoke('order.create', {
      lines: [
        { productId: a, quantity: 3, lineDiscount: 100 }, // 2900
        { productId: b, quantity: 1 }, // 700
        { productId: a, quantity: 1, unitPrice: 333 }, // 333
      ],
      orderDiscount: 1000,
      shippingCharged: 800,
    });
    const shares = o.lines.map((l) => l.orderDiscountShare);
    // 1000 x 2900/3933 = 737.3, x 700/3933 = 177.98, x 333/3933 = 84.67 -> 737, 178, 85
    expect(shares).toEqual([737, 178, 85]);
    expect(o.lines.map((l) => l.netAmount)).toEqual([2163, 522, 248]);
    expect(o.goodsTotal).toBe(2933);
    expect(o.lines.reduce((s, l) => s + l.netAmount, 0)).toBe(o.goodsTotal);
    expect(o.totalDue).toBe(3733);
    expect(product(biz, a).onHand).toBe(-3);
    expect(product(biz, b).onHand).toBe(-1);
    expect(movementSum(biz, a)).toBe(-3);
    expect(o.customerId).toBeNull();
    expect(o.groupId).toBeNull();
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 500, stock: { quantity: 5, unitCost: 100 } });
    const before = biz.snapshot();
    const line = { productId: p, quantity: 2 };
    expectFailure(
      await biz.core.call('order.create', { lines: [line], orderDiscount: 1001 }),
      'VALIDATION',
      'orderDiscount',
    );
    expectFailure(
      await biz.core.call('order.create', {
        lines: [line, { productId: p, quantity: 1, lineDiscount: 501 }],
      }),
      'VALIDATION',
      'lines.1.lineDiscount',
    );
    expectFailure(
      await biz.core.call('order.create', { lines: [line, { productId: p, quantity: 0 }] }),
      'VALIDATION',
      'lines.1.quantity',
    );
    expectFailure(
      await biz.core.call('order.create', { lines: [{ productId: p, quantity: 1.5 }] }),
      'VALIDATION',
      'lines.0.quantity',
    );
    expectFailure(
      await biz.core.call('order.create', { lines: [{ ...line, unitPrice: 9.9 }] }),
      'VALIDATION',
      'lines.0.unitPrice',
    );
    expectFailure(await biz.core.call('order.create', { lines: [] }), 'VALIDATION', 'lines');
    expectFailure(
      await biz.core.call('order.create', { lines: [line], orderedOn: '2026-02-30' }),
      'VALIDATION',
      'orderedOn',
    );
    expectFailure(
      await biz.core.call('order.create', { lines: [line], status: 'paid' }),
      'VALIDATION',
      'status',
    );
    expectFailure(
      await biz.core.call('order.create', { lines: [line, { productId: 'nope', quantity: 1 }] }),
      'NOT_FOUND',
      'lines.1.productId',
    );
    expectFailure(
      await biz.core.call('order.create', { customerId: 'nobody', lines: [line] }),
      'NOT_FOUND',
      'customerId',
    );
    expectFailure(
      await biz.core.call('order.create', { groupId: 'nogroup', lines: [line] }),
      'NOT_FOUND',
      'groupId',
    );
    expectFailure(
      await biz.core.call('order.create', {
        lines: [line],
        fees: [{ kind: 'tax', amount: 10 }],
      }),
      'VALIDATION',
      'fees.0.kind',
    );
    expect(biz.snapshot()).toEqual(before);
  });

  it('numbers orders per order day and skips numbers already taken by imports', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz);
    const first = await biz.core.invoke('order.create', {
      orderedOn: '2026-01-02',
      lines: [{ productId: p, quantity: 1 }],
    });
    expect(first.orderNo).toBe('QD20260102-0001');
    // An imported history that happens to use the same shape.
    const now = '2026-01-01T00:00:00.000Z';
    await biz.store.db
      .insertInto('orders')
      .values({
        id: 'imported-1',
        order_no: 'QD20260102-0041',
        status: 'completed',
        ordered_on: '2026-01-02',
        source: 'import',
        customer_id: null,
        group_id: null,
        agent_id: null,
        campaign_id: null,
        paid_on: null,
        confirmed_at: null,
        shipped_at: null,
        completed_at: null,
        completed_on: null,
        cancelled_at: null,
        cancel_reason: null,
        shipping_address: null,
        note: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const next = await biz.core.invoke('order.create', {
      orderedOn: '2026-01-02',
      lines: [{ productId: p, quantity: 1 }],
    });
    expect(next.orderNo).toBe('QD20260102-0042');
    const other = await biz.core.invoke('order.create', {
      orderedOn: '2026-01-03',
      lines: [{ productId: p, quantity: 1 }],
    });
    expect(other.orderNo).toBe('QD20260103-0001');
  });
});

describe('drafts: order.update and order.confirm', () => {
  it('edits a draft without moving stock, then confirms at the average cost of that moment', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 400 } });
    const q = await addProduct(biz, { retailPrice: 200 });
    const g = await addGroup(biz);
    const c1 = await addCustomer(biz, { name: '李四', ownerAgentId: 'a1' });
    const c2 = await addCustomer(biz, { name: '王五', ownerAgentId: 'a2' });
    await joinGroup(biz, g, c2, '2026-01-01');

    const draft = await biz.core.invoke('order.create', {
      customerId: c1,
      status: 'draft',
      lines: [{ productId: p, quantity: 2 }],
      note: '先留着',
      shippingAddress: '上海市徐汇区 1 号',
    });
    expect(draft.status).toBe('draft');
    expect(movements(draft.id)).toEqual([]);
    expect(draft.lines[0]!.unitCost).toBe(0);

    const edited = await biz.core.invoke('order.update', {
      id: draft.id,
      customerId: c2,
      lines: [
        { productId: p, quantity: 3 },
        { productId: q, quantity: 5 },
      ],
      orderDiscount: 100,
      shippingCharged: 600,
      note: null,
    });
    expect(edited.customerId).toBe(c2);
    expect(edited.groupId).toBe(g);
    expect(edited.agentId).toBe('a2');
    expect(edited.note).toBeNull();
    expect(edited.shippingAddress).toBe('上海市徐汇区 1 号');
    expect(edited.goodsTotal).toBe(3900);
    expect(edited.totalDue).toBe(4500);
    expect(edited.orderNo).toBe(draft.orderNo);

    const discounted = await biz.core.invoke('order.update', { id: draft.id, orderDiscount: 0 });
    expect(discounted.goodsTotal).toBe(4000);
    expect(discounted.lines.map((l) => l.quantity)).toEqual([3, 5]);
    expect(discounted.agentId).toBe('a2');
    const a9 = await addAgent(biz);
    const regrouped = await biz.core.invoke('order.update', {
      id: draft.id,
      groupId: null,
      agentId: a9,
    });
    expect([regrouped.customerId, regrouped.groupId, regrouped.agentId]).toEqual([c2, null, a9]);

    // More stock arrives at a higher cost before the draft is confirmed.
    await receiveStock(biz, p, 10, 600);
    const confirmed = await biz.core.invoke('order.confirm', { id: draft.id });
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.confirmedAt).not.toBeNull();
    expect(confirmed.lines.map((l) => [l.unitCost, l.cost])).toEqual([
      [500, 1500],
      [0, 0],
    ]);
    expect(product(biz, p).onHand).toBe(17);
    expect(product(biz, q).onHand).toBe(-5);

    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('order.update', { id: draft.id, note: 'x' }),
      'INVALID_STATE',
    );
    expectFailure(await biz.core.call('order.confirm', { id: draft.id }), 'INVALID_STATE');
    expectFailure(await biz.core.call('order.update', { id: 'nope', note: 'x' }), 'NOT_FOUND');
    expectFailure(await biz.core.call('order.confirm', { id: 'nope' }), 'NOT_FOUND');
    expect(biz.snapshot()).toEqual(before);
  });

  it('refuses a bad draft update, naming the field, and changes nothing', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 1000 });
    const draft = await biz.core.invoke('order.create', {
      status: 'draft',
      lines: [{ productId: p, quantity: 1 }],
    });
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('order.update', { id: draft.id, orderDiscount: 1001 }),
      'VALIDATION',
      'orderDiscount',
    );
    expectFailure(
      await biz.core.call('order.update', {
        id: draft.id,
        lines: [
          { productId: p, quantity: 1 },
          { productId: 'ghost', quantity: 1 },
        ],
      }),
      'NOT_FOUND',
      'lines.1.productId',
    );
    expectFailure(
      await biz.core.call('order.update', { id: draft.id, shippingCharged: -1 }),
      'VALIDATION',
      'shippingCharged',
    );
    expectFailure(
      await biz.core.call('order.update', { id: draft.id, customerId: 'ghost' }),
      'NOT_FOUND',
      'customerId',
    );
    expectFailure(
      await biz.core.call('order.update', { id: draft.id, groupId: 'ghost' }),
      'NOT_FOUND',
      'groupId',
    );
    expect(biz.snapshot()).toEqual(before);
  });
});

describe('payments', () => {
  it('takes payments in parts; the last one makes the order paid on its day and recognises it once', async () => {
    const clock = testClock();
    biz = await newBusiness({ clock });
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 400 } });
    const o = await biz.core.invoke('order.create', {
      lines: [{ productId: p, quantity: 3 }],
      shippingCharged: 500,
      fees: [{ kind: 'payment', amount: 18 }],
    });
    const part = await biz.core.invoke('order.recordPayment', {
      orderId: o.id,
      amount: 1500,
      method: 'wechat',
      paidOn: '2026-03-16',
      reference: 'wx-1',
    });
    expect(part.status).toBe('confirmed');
    expect(part.paidTotal).toBe(1500);
    expect(part.balanceDue).toBe(2000);
    expect(pnl(biz)).toEqual({ revenue: 0, cogs: 0, fees: 0, orders: 0 });

    const before = biz.snapshot();
    const over = await biz.core.call('order.recordPayment', {
      orderId: o.id,
      amount: 2001,
      method: 'cash',
    });
    expectFailure(over, 'VALIDATION', 'amount');
    expect(!over.ok && over.error.message).toContain('¥20.00');
    expectFailure(
      await biz.core.call('order.recordPayment', { orderId: o.id, amount: 0, method: 'cash' }),
      'VALIDATION',
      'amount',
    );
    expectFailure(
      await biz.core.call('order.recordPayment', { orderId: o.id, amount: 10, method: 'paypal' }),
      'VALIDATION',
      'method',
    );
    expectFailure(
      await biz.core.call('order.recordPayment', { orderId: 'ghost', amount: 10, method: 'cash' }),
      'NOT_FOUND',
    );
    expect(biz.snapshot()).toEqual(before);

    // The rest arrives two days later (a payment is never dated after tomorrow).
    clock.set('2026-03-17T10:00:00+08:00');
    const paid = await biz.core.invoke('order.recordPayment', {
      orderId: o.id,
      amount: 2000,
      method: 'alipay',
      paidOn: '2026-03-17',
    });
    expect(paid.status).toBe('paid');
    expect(paid.paidOn).toBe('2026-03-17');
    expect(paid.balanceDue).toBe(0);
    expect(paid.payments.map((x) => [x.amount, x.method, x.paidOn])).toEqual([
      [1500, 'wechat', '2026-03-16'],
      [2000, 'alipay', '2026-03-17'],
    ]);
    expect(pnl(biz, { day: '2026-03-17' })).toEqual({
      revenue: 3500,
      cogs: 1200,
      fees: 18,
      orders: 1,
    });
    expect(pnl(biz)).toEqual({ revenue: 3500, cogs: 1200, fees: 18, orders: 1 });

    const after = biz.snapshot();
    expectFailure(
      await biz.core.call('order.recordPayment', { orderId: o.id, amount: 1, method: 'cash' }),
      'INVALID_STATE',
    );
    expectFailure(await biz.core.call('order.markPaid', { orderId: o.id }), 'INVALID_STATE');
    expect(biz.snapshot()).toEqual(after);
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
  });

  it('a payment on a draft confirms it first; markPaid pays the whole balance, even a zero one', async () => {
    const clock = testClock();
    biz = await newBusiness({ clock });
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 400 } });
    const draft = await biz.core.invoke('order.create', {
      status: 'draft',
      lines: [{ productId: p, quantity: 2 }],
    });
    const partly = await biz.core.invoke('order.recordPayment', {
      orderId: draft.id,
      amount: 500,
      method: 'cash',
    });
    expect(partly.status).toBe('confirmed');
    expect(product(biz, p).onHand).toBe(8);
    expect(partly.lines[0]!.cost).toBe(800);

    const paid = await biz.core.invoke('order.markPaid', { orderId: draft.id, method: 'bank' });
    expect(paid.status).toBe('paid');
    expect(paid.paidOn).toBe('2026-03-15');
    expect(paid.payments.map((x) => [x.amount, x.method])).toEqual([
      [500, 'cash'],
      [1500, 'bank'],
    ]);

    const free = await biz.core.invoke('order.create', {
      status: 'draft',
      lines: [{ productId: p, quantity: 1, unitPrice: 0 }],
    });
    clock.set('2026-03-20T10:00:00+08:00');
    const freePaid = await biz.core.invoke('order.markPaid', {
      orderId: free.id,
      paidOn: '2026-03-20',
    });
    expect(freePaid.status).toBe('paid');
    expect(freePaid.payments).toEqual([]);
    expect(freePaid.lines[0]!.cost).toBe(400);
    expect(pnl(biz)).toEqual({ revenue: 2000, cogs: 1200, fees: 0, orders: 2 });
    expectFailure(
      await biz.core.call('order.markPaid', { orderId: free.id, paidOn: 'tomorrow' }),
      'VALIDATION',
      'paidOn',
    );
  });
});

describe('fees', () => {
  it('adds fees before and after payment (each recognised once, on the paid day) and removes only unpaid ones', async () => {
    const clock = testClock();
    biz = await newBusiness({ clock });
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 5, unitCost: 100 } });
    const o = await biz.core.invoke('order.create', { lines: [{ productId: p, quantity: 1 }] });
    const withFee = await biz.core.invoke('order.addFee', {
      orderId: o.id,
      kind: 'platform',
      amount: 50,
      note: '平台抽成',
    });
    const mistake = await biz.core.invoke('order.addFee', {
      orderId: o.id,
      kind: 'other',
      amount: 7,
    });
    expect(mistake.fees.map((f) => [f.kind, f.amount])).toEqual([
      ['platform', 50],
      ['other', 7],
    ]);
    expect(withFee.fees[0]!.note).toBe('平台抽成');
    const removed = await biz.core.invoke('order.removeFee', {
      orderId: o.id,
      feeId: mistake.fees[1]!.id,
    });
    expect(removed.fees.map((f) => f.kind)).toEqual(['platform']);
    expect(pnl(biz).fees).toBe(0);

    await biz.core.invoke('order.markPaid', { orderId: o.id, paidOn: '2026-03-15' });
    expect(pnl(biz, { day: '2026-03-15' }).fees).toBe(50);

    clock.set('2026-03-20T10:00:00+08:00');
    const later = await biz.core.invoke('order.addFee', {
      orderId: o.id,
      kind: 'shipping',
      amount: 120,
    });
    // Recognised on the order's paid day, not the day it was entered.
    expect(pnl(biz, { day: '2026-03-15' })).toEqual({
      revenue: 1000,
      cogs: 100,
      fees: 170,
      orders: 1,
    });
    expect(pnl(biz, { day: '2026-03-20' }).fees).toBe(0);
    const feeRow = biz.store.sqlite
      .prepare("SELECT fees FROM pnl_daily WHERE dim = 'fee' AND key = 'order:shipping'")
      .pluck()
      .get();
    expect(feeRow).toBe(120);

    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('order.removeFee', { orderId: o.id, feeId: later.fees[1]!.id }),
      'INVALID_STATE',
    );
    expectFailure(
      await biz.core.call('order.removeFee', { orderId: o.id, feeId: 'ghost' }),
      'NOT_FOUND',
      'feeId',
    );
    expectFailure(
      await biz.core.call('order.addFee', { orderId: o.id, kind: 'tips', amount: 5 }),
      'VALIDATION',
      'kind',
    );
    expectFailure(
      await biz.core.call('order.addFee', { orderId: o.id, kind: 'other', amount: 0 }),
      'VALIDATION',
      'amount',
    );
    expectFailure(
      await biz.core.call('order.addFee', { orderId: 'ghost', kind: 'other', amount: 5 }),
      'NOT_FOUND',
    );
    const cancelled = await biz.core.invoke('order.create', {
      lines: [{ productId: p, quantity: 1 }],
    });
    await biz.core.invoke('order.cancel', { id: cancelled.id });
    const afterCancel = biz.snapshot();
    expectFailure(
      await biz.core.call('order.addFee', { orderId: cancelled.id, kind: 'other', amount: 5 }),
      'INVALID_STATE',
    );
    expect(biz.snapshot()).toEqual(afterCancel);
    expect(before.pnl_daily).toEqual(afterCancel.pnl_daily);
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
  });
});

describe('ship, complete, cancel', () => {
  it('ships and completes paid orders only', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { stock: { quantity: 5, unitCost: 100 } });
    const o = await biz.core.invoke('order.create', { lines: [{ productId: p, quantity: 1 }] });
    const before = biz.snapshot();
    expectFailure(await biz.core.call('order.ship', { id: o.id }), 'INVALID_STATE');
    expectFailure(await biz.core.call('order.complete', { id: o.id }), 'INVALID_STATE');
    expectFailure(await biz.core.call('order.ship', { id: 'ghost' }), 'NOT_FOUND');
    expectFailure(await biz.core.call('order.complete', { id: '' }), 'VALIDATION', 'id');
    expect(biz.snapshot()).toEqual(before);
    await biz.core.invoke('order.markPaid', { orderId: o.id });
    const shipped = await biz.core.invoke('order.ship', { id: o.id });
    expect(shipped.status).toBe('shipped');
    expect(shipped.shippedAt).not.toBeNull();
    expectFailure(await biz.core.call('order.ship', { id: o.id }), 'INVALID_STATE');
    const done = await biz.core.invoke('order.complete', { id: o.id });
    expect(done.status).toBe('completed');
    expect(done.completedAt).not.toBeNull();
    expectFailure(await biz.core.call('order.complete', { id: o.id }), 'INVALID_STATE');

    const other = await biz.core.invoke('order.create', { lines: [{ productId: p, quantity: 1 }] });
    await biz.core.invoke('order.markPaid', { orderId: other.id });
    expect((await biz.core.invoke('order.complete', { id: other.id })).status).toBe('completed');
  });

  it('cancels drafts and confirmed orders (stock comes back at the captured cost), never paid ones', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 400 } });
    const draft = await biz.core.invoke('order.create', {
      status: 'draft',
      lines: [{ productId: p, quantity: 2 }],
    });
    const cancelledDraft = await biz.core.invoke('order.cancel', {
      id: draft.id,
      reason: '不要了',
    });
    expect(cancelledDraft.status).toBe('cancelled');
    expect(cancelledDraft.cancelReason).toBe('不要了');
    expect(cancelledDraft.balanceDue).toBe(0);
    expect(movements(draft.id)).toEqual([]);

    const confirmed = await biz.core.invoke('order.create', {
      lines: [
        { productId: p, quantity: 3 },
        { productId: p, quantity: 1 },
      ],
    });
    expect(product(biz, p).onHand).toBe(6);
    await receiveStock(biz, p, 6, 800); // average moves to 600 while the order waits
    const cancelled = await biz.core.invoke('order.cancel', { id: confirmed.id });
    expect(cancelled.status).toBe('cancelled');
    // (12 x 600 + 3 x 400) / 15 = 560, then (15 x 560 + 1 x 400) / 16 = 550
    expect(product(biz, p)).toEqual({ onHand: 16, avgCost: 550 });
    expect(movements(confirmed.id).map((m) => [m.kind, m.quantity, m.unitCost])).toEqual([
      ['sale', -3, 400],
      ['sale', -1, 400],
      ['sale_cancel', 3, 400],
      ['sale_cancel', 1, 400],
    ]);
    expect(movementSum(biz, p)).toBe(16);

    const paid = await biz.core.invoke('order.create', { lines: [{ productId: p, quantity: 1 }] });
    await biz.core.invoke('order.markPaid', { orderId: paid.id });
    const before = biz.snapshot();
    const refused = await biz.core.call('order.cancel', { id: paid.id });
    expectFailure(refused, 'INVALID_STATE');
    expect(!refused.ok && refused.error.message).toContain('refund it instead');
    expectFailure(await biz.core.call('order.cancel', { id: confirmed.id }), 'INVALID_STATE');
    expectFailure(await biz.core.call('order.cancel', { id: 'ghost' }), 'NOT_FOUND');
    expect(biz.snapshot()).toEqual(before);
  });

  it('cancelling a part-paid order returns the part payment as a refund with no lines', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 400 } });
    const o = await biz.core.invoke('order.create', { lines: [{ productId: p, quantity: 2 }] });
    await biz.core.invoke('order.recordPayment', { orderId: o.id, amount: 300, method: 'wechat' });
    const cancelled = await biz.core.invoke('order.cancel', { id: o.id });
    expect(cancelled.refundedTotal).toBe(300);
    expect(cancelled.refunds.map((r) => [r.amount, r.lines.length, r.restock])).toEqual([
      [300, 0, false],
    ]);
    expect(product(biz, p).onHand).toBe(10);
    expect(pnl(biz)).toEqual({ revenue: 0, cogs: 0, fees: 0, orders: 0 });
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
  });
});

describe('order.get and order.list', () => {
  it('lists by status, customer, day range and order number, with paging and a total', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 100 });
    const c = await addCustomer(biz, { name: '赵六' });
    const made = [];
    for (const [day, customerId] of [
      ['2026-03-01', c],
      ['2026-03-02', null],
      ['2026-03-02', c],
      ['2026-03-05', null],
    ] as const) {
      made.push(
        await biz.core.invoke('order.create', {
          orderedOn: day,
          customerId,
          lines: [{ productId: p, quantity: 1 }],
        }),
      );
    }
    await biz.core.invoke('order.cancel', { id: made[3]!.id });
    const all = await biz.core.invoke('order.list', {});
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => r.orderNo)).toEqual([
      'QD20260305-0001',
      'QD20260302-0002',
      'QD20260302-0001',
      'QD20260301-0001',
    ]);
    const page2 = await biz.core.invoke('order.list', { limit: 2, offset: 2 });
    expect(page2.total).toBe(4);
    expect(page2.rows.map((r) => r.orderNo)).toEqual(['QD20260302-0001', 'QD20260301-0001']);
    const mine = await biz.core.invoke('order.list', { customerId: c });
    expect(mine.rows.map((r) => r.customerName)).toEqual(['赵六', '赵六']);
    expect((await biz.core.invoke('order.list', { status: 'cancelled' })).total).toBe(1);
    expect(
      (await biz.core.invoke('order.list', { from: '2026-03-02', to: '2026-03-02' })).total,
    ).toBe(2);
    expect((await biz.core.invoke('order.list', { query: '0302-' })).total).toBe(2);
    expect((await biz.core.invoke('order.list', { query: '%' })).total).toBe(0);
    expect((await biz.core.invoke('order.list', { campaignId: 'none' })).total).toBe(0);
    expectFailure(await biz.core.call('order.list', { limit: 0 }), 'VALIDATION', 'limit');
    expectFailure(await biz.core.call('order.list', { status: 'lost' }), 'VALIDATION', 'status');
    expectFailure(await biz.core.call('order.list', { from: '2026-3-1' }), 'VALIDATION', 'from');
    expectFailure(await biz.core.call('order.get', { id: 'ghost' }), 'NOT_FOUND');
  });
});
