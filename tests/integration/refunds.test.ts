import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import {
  addCustomer,
  addProduct,
  expectFailure,
  movementSum,
  pnl,
  pnlMatchesRebuild,
  product,
} from '../support/order-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

/** Revenue and COGS in pnl_daily attributed to one customer (= one order in these tests). */
function customerFigures(customerId: string) {
  return biz.store.sqlite
    .prepare(
      "SELECT coalesce(sum(revenue), 0) AS revenue, coalesce(sum(cogs), 0) AS cogs FROM pnl_daily WHERE dim = 'customer' AND key = ?",
    )
    .get(customerId) as { revenue: number; cogs: number };
}

async function paidOrder(
  opts: { quantity?: number; price?: number; cost?: number; shipping?: number } = {},
) {
  const p = await addProduct(biz, {
    retailPrice: opts.price ?? 1000,
    stock: { quantity: 20, unitCost: opts.cost ?? 333 },
  });
  const c = await addCustomer(biz);
  const o = await biz.core.invoke('order.create', {
    customerId: c,
    lines: [{ productId: p, quantity: opts.quantity ?? 3 }],
    shippingCharged: opts.shipping ?? 0,
  });
  await biz.core.invoke('order.markPaid', { orderId: o.id, paidOn: '2026-03-15' });
  return { order: o, productId: p, customerId: c, lineId: o.lines[0]!.id };
}

describe('refund.create', () => {
  it('partial refunds of a line sum exactly to its net amount and, with restock, its cost', async () => {
    const clock = testClock();
    biz = await newBusiness({ clock });
    const { order, productId, customerId, lineId } = await paidOrder({
      quantity: 3,
      price: 1000,
      cost: 333,
    });
    expect(order.lines[0]!.cost).toBe(999);
    const parts = [];
    for (let i = 0; i < 3; i++) {
      clock.set(`2026-03-1${6 + i}T10:00:00+08:00`); // each refund recorded on its day
      parts.push(
        await biz.core.invoke('refund.create', {
          orderId: order.id,
          lines: [{ lineId, quantity: 1 }],
          restock: true,
          refundedOn: `2026-03-1${6 + i}`,
        }),
      );
    }
    expect(parts.map((r) => r.lines[0]!.amount)).toEqual([1000, 1000, 1000]);
    expect(parts.map((r) => r.lines[0]!.costReversed)).toEqual([333, 333, 333]);
    expect(customerFigures(customerId)).toEqual({ revenue: 0, cogs: 0 });
    expect(product(biz, productId).onHand).toBe(20);

    const got = await biz.core.invoke('order.get', { id: order.id });
    expect(got.refundedTotal).toBe(3000);
    expect(got.lines[0]!.refundedQuantity).toBe(3);
    expect(got.lines[0]!.refundedAmount).toBe(3000);
  });

  it('uses the cumulative rounding rule so uneven parts still add up', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 250 } });
    const c = await addCustomer(biz);
    const o = await biz.core.invoke('order.create', {
      customerId: c,
      lines: [{ productId: p, quantity: 3 }],
      orderDiscount: 1000, // net 2000 over 3 units: 666.67 each
    });
    await biz.core.invoke('order.markPaid', { orderId: o.id });
    const lineId = o.lines[0]!.id;
    const amounts: number[] = [];
    const costs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await biz.core.invoke('refund.create', {
        orderId: o.id,
        lines: [{ lineId, quantity: 1 }],
        restock: true,
      });
      amounts.push(r.lines[0]!.amount);
      costs.push(r.lines[0]!.costReversed);
    }
    // round(2000/3)=667, round(4000/3)=1333 -> 666, then 2000 - 1333 = 667.
    expect(amounts).toEqual([667, 666, 667]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(costs.reduce((a, b) => a + b, 0)).toBe(750);
    expect(customerFigures(c)).toEqual({ revenue: 0, cogs: 0 });
  });

  it('without restock: revenue goes down, stock and COGS stay; a quantity-0 amount is a price adjustment', async () => {
    biz = await newBusiness();
    const { order, productId, lineId } = await paidOrder({
      quantity: 4,
      price: 500,
      cost: 200,
      shipping: 600,
    });
    const before = pnl(biz);
    expect(before).toEqual({ revenue: 2600, cogs: 800, fees: 0, orders: 1 });

    const damaged = await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 1 }],
      restock: false,
      reason: '破损',
    });
    expect(damaged.amount).toBe(500);
    expect(damaged.lines[0]!.costReversed).toBe(0);
    expect(damaged.restock).toBe(false);
    expect(damaged.reason).toBe('破损');
    expect(product(biz, productId).onHand).toBe(16);
    expect(pnl(biz)).toEqual({ revenue: 2100, cogs: 800, fees: 0, orders: 1 });

    const adjust = await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 0, amount: 120 }],
      shippingAmount: 100,
      restock: true, // nothing to put back for a price adjustment
    });
    expect(adjust.amount).toBe(220);
    expect(adjust.shippingAmount).toBe(100);
    expect(adjust.lines[0]!.costReversed).toBe(0);
    expect(product(biz, productId).onHand).toBe(16);
    expect(pnl(biz)).toEqual({ revenue: 1880, cogs: 800, fees: 0, orders: 1 });

    // With restock: units come back at the captured unit cost and COGS goes down.
    const back = await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 2 }],
      restock: true,
    });
    // cumulative: round(2000 x 3/4) - 620 = 880
    expect(back.lines[0]!.amount).toBe(880);
    expect(back.lines[0]!.costReversed).toBe(400);
    expect(product(biz, productId)).toEqual({ onHand: 18, avgCost: 200 });
    expect(movementSum(biz, productId)).toBe(18);
    const restock = biz.store.sqlite
      .prepare(
        "SELECT quantity, unit_cost AS unitCost, refund_id AS refundId FROM stock_movements WHERE kind = 'refund_restock'",
      )
      .all();
    expect(restock).toEqual([{ quantity: 2, unitCost: 200, refundId: back.id }]);
    expect(pnl(biz)).toEqual({ revenue: 1000, cogs: 400, fees: 0, orders: 1 });

    const list = await biz.core.invoke('refund.list', { orderId: order.id });
    expect(list.rows.map((r) => r.amount)).toEqual([500, 220, 880]);
    const got = await biz.core.invoke('order.get', { id: order.id });
    expect(got.refundedTotal).toBe(1600);
    expect(got.shippingRefunded).toBe(100);
    expect(got.lines[0]!.refundedQuantity).toBe(3);
    expect(got.lines[0]!.refundedAmount).toBe(1500);
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
  });

  it('refuses refunds beyond what is left, naming the field, and changes nothing', async () => {
    biz = await newBusiness();
    const { order, lineId } = await paidOrder({ quantity: 2, price: 1000, shipping: 500 });
    await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 1 }],
      shippingAmount: 200,
      restock: false,
    });
    const other = await paidOrder();
    const before = biz.snapshot();
    const cases: [unknown, string, string?][] = [
      [{ lines: [{ lineId, quantity: 2 }] }, 'VALIDATION', 'lines.0.quantity'],
      [{ lines: [{ lineId, quantity: 0, amount: 1001 }] }, 'VALIDATION', 'lines.0.amount'],
      [{ lines: [{ lineId, quantity: 1, amount: 1001 }] }, 'VALIDATION', 'lines.0.amount'],
      [{ lines: [{ lineId, quantity: 0 }] }, 'VALIDATION', 'lines.0.amount'],
      [{ lines: [{ lineId, quantity: 0, amount: 0 }] }, 'VALIDATION', 'lines.0.amount'],
      [{ lines: [{ lineId, quantity: -1 }] }, 'VALIDATION', 'lines.0.quantity'],
      [{ lines: [{ lineId, quantity: 1, amount: 1.5 }] }, 'VALIDATION', 'lines.0.amount'],
      [{ lines: [], shippingAmount: 301 }, 'VALIDATION', 'shippingAmount'],
      [{ lines: [] }, 'VALIDATION', 'lines'],
      [{ lines: [{ lineId: other.lineId, quantity: 1 }] }, 'VALIDATION', 'lines.0.lineId'],
      [
        {
          lines: [
            { lineId, quantity: 0, amount: 1 },
            { lineId, quantity: 0, amount: 1 },
          ],
        },
        'VALIDATION',
        'lines.1.lineId',
      ],
      [{ lines: [{ lineId, quantity: 1 }], refundedOn: '2026-13-01' }, 'VALIDATION', 'refundedOn'],
    ];
    for (const [input, code, path] of cases) {
      expectFailure(
        await biz.core.call('refund.create', {
          orderId: order.id,
          restock: true,
          ...(input as object),
        }),
        code,
        path,
      );
    }
    expectFailure(
      await biz.core.call('refund.create', { orderId: order.id, lines: [] }),
      'VALIDATION',
      'restock',
    );
    expectFailure(
      await biz.core.call('refund.create', { orderId: 'ghost', restock: false, lines: [] }),
      'NOT_FOUND',
    );
    expectFailure(await biz.core.call('refund.list', { orderId: 'ghost' }), 'NOT_FOUND');
    expect(biz.snapshot()).toEqual(before);
  });

  it('refuses refunds of unpaid and cancelled orders', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz, { stock: { quantity: 5, unitCost: 100 } });
    const unpaid = await biz.core.invoke('order.create', {
      lines: [{ productId: p, quantity: 1 }],
    });
    const cancelled = await biz.core.invoke('order.create', {
      lines: [{ productId: p, quantity: 1 }],
    });
    await biz.core.invoke('order.cancel', { id: cancelled.id });
    const before = biz.snapshot();
    for (const o of [unpaid, cancelled]) {
      expectFailure(
        await biz.core.call('refund.create', {
          orderId: o.id,
          lines: [{ lineId: o.lines[0]!.id, quantity: 1 }],
          restock: true,
        }),
        'INVALID_STATE',
      );
      expectFailure(
        await biz.core.call('refund.full', { orderId: o.id, restock: true }),
        'INVALID_STATE',
      );
    }
    expect(biz.snapshot()).toEqual(before);
  });
});

describe('refund.full', () => {
  it('after a full refund with restock the order nets to zero revenue and COGS in pnl_daily', async () => {
    const clock = testClock();
    biz = await newBusiness({ clock });
    const a = await addProduct(biz, { retailPrice: 1999, stock: { quantity: 10, unitCost: 777 } });
    const b = await addProduct(biz, { retailPrice: 350, stock: { quantity: 10, unitCost: 123 } });
    const c = await addCustomer(biz);
    const o = await biz.core.invoke('order.create', {
      customerId: c,
      lines: [
        { productId: a, quantity: 3, lineDiscount: 7 },
        { productId: b, quantity: 7 },
        { productId: a, quantity: 1 },
      ],
      orderDiscount: 1001,
      shippingCharged: 800,
      fees: [{ kind: 'packaging', amount: 90 }],
    });
    await biz.core.invoke('order.markPaid', { orderId: o.id, paidOn: '2026-03-15' });
    expect(customerFigures(c)).toEqual({ revenue: o.totalDue, cogs: 4 * 777 + 7 * 123 });

    // Part refunded first (one unit of line 1 with restock, a price adjustment on line 2).
    await biz.core.invoke('refund.create', {
      orderId: o.id,
      lines: [
        { lineId: o.lines[0]!.id, quantity: 1 },
        { lineId: o.lines[1]!.id, quantity: 0, amount: 55 },
      ],
      restock: true,
      refundedOn: '2026-03-16',
    });
    clock.set('2026-03-18T10:00:00+08:00');
    const full = await biz.core.invoke('refund.full', {
      orderId: o.id,
      restock: true,
      reason: '全退',
    });
    expect(full.refundedOn).toBe('2026-03-18');
    expect(full.shippingAmount).toBe(800);

    expect(customerFigures(c)).toEqual({ revenue: 0, cogs: 0 });
    expect(product(biz, a).onHand).toBe(10);
    expect(product(biz, b).onHand).toBe(10);
    const got = await biz.core.invoke('order.get', { id: o.id });
    expect(got.refundedTotal).toBe(got.totalDue);
    expect(got.lines.map((l) => l.refundedAmount)).toEqual(got.lines.map((l) => l.netAmount));
    expect(got.lines.map((l) => l.refundedQuantity)).toEqual(got.lines.map((l) => l.quantity));
    // The fee was a real cost: it stays.
    expect(pnl(biz).fees).toBe(90);

    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('refund.full', { orderId: o.id, restock: true }),
      'INVALID_STATE',
    );
    expectFailure(await biz.core.call('refund.full', { orderId: o.id }), 'VALIDATION', 'restock');
    expectFailure(
      await biz.core.call('refund.full', { orderId: 'ghost', restock: true }),
      'NOT_FOUND',
    );
    expect(biz.snapshot()).toEqual(before);
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
  });

  it('a full refund without restock leaves COGS and stock as sold', async () => {
    biz = await newBusiness();
    const { order, productId, customerId } = await paidOrder({
      quantity: 2,
      price: 800,
      cost: 300,
    });
    await biz.core.invoke('order.ship', { id: order.id });
    const r = await biz.core.invoke('refund.full', { orderId: order.id, restock: false });
    expect(r.amount).toBe(1600);
    expect(r.restock).toBe(false);
    expect(customerFigures(customerId)).toEqual({ revenue: 0, cogs: 600 });
    expect(product(biz, productId).onHand).toBe(18);
  });
});
