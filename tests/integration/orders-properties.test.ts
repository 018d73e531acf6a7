// Property: any sequence of order, payment, cancel, fee and refund calls (valid or not) keeps
// the books straight: stock caches equal the ledger, lines sum to the order, refunds never
// exceed what was sold, and the incremental P&L rollup equals a rebuild from scratch.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addProduct, pnlMatchesRebuild, receiveStock } from '../support/order-fixtures';

const PRICES = [1000, 2500, 99];
const DAYS = ['2026-03-15', '2026-03-16', '2026-03-17'] as const;
const day = fc.constantFrom(...DAYS);
const ref = fc.nat(99);

const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('create' as const),
      lines: fc.array(
        fc.record({
          p: fc.nat(2),
          quantity: fc.integer({ min: 1, max: 5 }),
          unitPrice: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
          discountPct: fc.integer({ min: 0, max: 30 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      // Percent of the goods; above 100 the order is refused (that path is exercised too).
      orderDiscountPct: fc.integer({ min: 0, max: 105 }),
      shipping: fc.integer({ min: 0, max: 800 }),
      draft: fc.boolean(),
      day,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('confirm' as const), o: ref }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('pay' as const),
      o: ref,
      pct: fc.integer({ min: 1, max: 100 }),
      day,
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('markPaid' as const), o: ref, day }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), o: ref }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('fee' as const),
      o: ref,
      amount: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('refund' as const),
      o: ref,
      line: fc.nat(2),
      quantity: fc.nat(3),
      amount: fc.option(fc.nat(2000), { nil: undefined, freq: 2 }),
      shipping: fc.nat(300),
      restock: fc.boolean(),
      day,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('full' as const), o: ref, restock: fc.boolean(), day }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('receive' as const),
      p: fc.nat(2),
      quantity: fc.integer({ min: 1, max: 10 }),
      unitCost: fc.integer({ min: 0, max: 2000 }),
    }),
  },
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function play(biz: TestBusiness, products: string[], ops: Op[]) {
  const orders: { id: string; lineIds: string[] }[] = [];
  const pick = (o: number) => (orders.length ? orders[o % orders.length]! : null);
  for (const step of ops) {
    let r;
    switch (step.t) {
      case 'create':
        {
          const lines = step.lines.map((l) => {
            const price = l.unitPrice ?? PRICES[l.p]!;
            return {
              productId: products[l.p]!,
              quantity: l.quantity,
              unitPrice: l.unitPrice,
              lineDiscount: Math.floor((l.quantity * price * l.discountPct) / 100),
            };
          });
          const goods = lines.reduce(
            (s, l, i) =>
              s + l.quantity * (l.unitPrice ?? PRICES[step.lines[i]!.p]!) - l.lineDiscount,
            0,
          );
          r = await biz.core.call('order.create', {
            status: step.draft ? 'draft' : 'confirmed',
            orderedOn: step.day,
            lines,
            orderDiscount: Math.floor((goods * step.orderDiscountPct) / 100),
            shippingCharged: step.shipping,
          });
        }
        if (r.ok) {
          const v = r.value as { id: string; lines: { id: string }[] };
          orders.push({ id: v.id, lineIds: v.lines.map((l) => l.id) });
        }
        break;
      case 'receive':
        await receiveStock(biz, products[step.p]!, step.quantity, step.unitCost);
        continue;
      default: {
        const o = pick(step.o);
        if (!o) continue;
        if (step.t === 'confirm') r = await biz.core.call('order.confirm', { id: o.id });
        else if (step.t === 'cancel') r = await biz.core.call('order.cancel', { id: o.id });
        else if (step.t === 'markPaid')
          r = await biz.core.call('order.markPaid', { orderId: o.id, paidOn: step.day });
        else if (step.t === 'fee')
          r = await biz.core.call('order.addFee', {
            orderId: o.id,
            kind: 'platform',
            amount: step.amount,
          });
        else if (step.t === 'full') {
          r = await biz.core.call('refund.full', {
            orderId: o.id,
            restock: step.restock,
            refundedOn: step.day,
          });
        } else if (step.t === 'pay') {
          const got = await biz.core.invoke('order.get', { id: o.id });
          const amount = Math.max(1, Math.ceil((got.balanceDue * step.pct) / 100));
          r = await biz.core.call('order.recordPayment', {
            orderId: o.id,
            amount,
            method: 'wechat',
            paidOn: step.day,
          });
        } else {
          r = await biz.core.call('refund.create', {
            orderId: o.id,
            refundedOn: step.day,
            restock: step.restock,
            shippingAmount: step.shipping,
            lines: [
              {
                lineId: o.lineIds[step.line % o.lineIds.length],
                quantity: step.quantity,
                amount: step.amount,
              },
            ],
          });
        }
      }
    }
    // Refusals are fine (the sequence is random); a crash or a store-level refusal is not.
    if (r && !r.ok)
      expect(['VALIDATION', 'INVALID_STATE'], r.error.message).toContain(r.error.code);
  }
}

function checkBooks(biz: TestBusiness) {
  const db = biz.store.sqlite;
  const stock = db
    .prepare(
      `SELECT p.id, p.on_hand AS onHand, coalesce((SELECT sum(quantity) FROM stock_movements m WHERE m.product_id = p.id), 0) AS moved
         FROM products p`,
    )
    .all() as { onHand: number; moved: number }[];
  for (const s of stock) expect(s.onHand).toBe(s.moved);

  const orders = db
    .prepare(
      `SELECT o.id, o.goods_total AS goods, o.shipping_charged AS shipping, o.total_due AS due,
              o.paid_total AS paid, o.refunded_total AS refunded, o.status, o.paid_on AS paidOn,
              (SELECT sum(net_amount) FROM order_lines l WHERE l.order_id = o.id) AS net,
              (SELECT coalesce(sum(amount), 0) FROM refunds r WHERE r.order_id = o.id) AS refundRows,
              (SELECT coalesce(sum(shipping_amount), 0) FROM refunds r WHERE r.order_id = o.id) AS shippingBack
         FROM orders o`,
    )
    .all() as Record<string, number | string | null>[];
  for (const o of orders) {
    expect(o.net).toBe(o.goods);
    expect(o.due).toBe((o.goods as number) + (o.shipping as number));
    expect(o.paid as number).toBeLessThanOrEqual(o.due as number);
    expect(o.refunded).toBe(o.refundRows);
    expect(o.refunded as number).toBeLessThanOrEqual(o.paid as number);
    expect(o.shippingBack as number).toBeLessThanOrEqual(o.shipping as number);
    expect(o.paidOn !== null).toBe(['paid', 'shipped', 'completed'].includes(o.status as string));
  }

  const lines = db
    .prepare(
      `SELECT l.quantity, l.net_amount AS net, l.cost,
              coalesce(sum(rl.quantity), 0) AS qtyBack, coalesce(sum(rl.amount), 0) AS amountBack,
              coalesce(sum(rl.cost_reversed), 0) AS costBack
         FROM order_lines l LEFT JOIN refund_lines rl ON rl.order_line_id = l.id
        GROUP BY l.id`,
    )
    .all() as Record<string, number>[];
  for (const l of lines) {
    expect(l.qtyBack!).toBeLessThanOrEqual(l.quantity!);
    expect(l.amountBack!).toBeLessThanOrEqual(l.net!);
    expect(l.costBack!).toBeLessThanOrEqual(l.cost!);
    expect(l.net!).toBeGreaterThanOrEqual(0);
  }

  const { kept, rebuilt } = pnlMatchesRebuild(biz);
  expect(kept).toEqual(rebuilt);
}

describe('order books under random sequences', () => {
  it('keep stock, totals, refund limits and the P&L rollup consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const biz = await newBusiness({ clock: testClock('2026-03-17T10:00:00+08:00') });
        try {
          const products = [
            await addProduct(biz, {
              retailPrice: PRICES[0],
              stock: { quantity: 5, unitCost: 333 },
            }),
            await addProduct(biz, {
              retailPrice: PRICES[1],
              stock: { quantity: 2, unitCost: 1200 },
            }),
            await addProduct(biz, { retailPrice: PRICES[2] }),
          ];
          await play(biz, products, ops);
          checkBooks(biz);
        } finally {
          await biz.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a full refund with restock returns every order to zero revenue and COGS', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 20 }), async (ops) => {
        const biz = await newBusiness({ clock: testClock('2026-03-17T10:00:00+08:00') });
        try {
          const products = [
            await addProduct(biz, {
              retailPrice: PRICES[0],
              stock: { quantity: 5, unitCost: 333 },
            }),
            await addProduct(biz, {
              retailPrice: PRICES[1],
              stock: { quantity: 2, unitCost: 1200 },
            }),
            await addProduct(biz, { retailPrice: PRICES[2] }),
          ];
          // Only restocking refunds, so everything that is refunded in full has its cost back.
          await play(
            biz,
            products,
            ops.map((o) => ('restock' in o ? { ...o, restock: true } : o)),
          );
          const paid = biz.store.sqlite
            .prepare("SELECT id FROM orders WHERE status IN ('paid', 'shipped', 'completed')")
            .pluck()
            .all() as string[];
          for (const id of paid) {
            const r = await biz.core.call('refund.full', { orderId: id, restock: true });
            if (!r.ok) expect(r.error.code).toBe('INVALID_STATE'); // already fully refunded
          }
          const totals = biz.store.sqlite
            .prepare(
              "SELECT coalesce(sum(revenue), 0) AS revenue, coalesce(sum(cogs), 0) AS cogs FROM pnl_daily WHERE dim = 'total'",
            )
            .get();
          expect(totals).toEqual({ revenue: 0, cogs: 0 });
          checkBooks(biz);
        } finally {
          await biz.close();
        }
      }),
      { numRuns: 15 },
    );
  });
});
