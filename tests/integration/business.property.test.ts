// The business as a whole, through the API contract only: random sequences of everyday
// operations (orders, payments, fees, cancellations, refunds, purchases, stock adjustments,
// expenses, other income), then the invariants of DOMAIN.md are checked against the store.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { DIMENSION_BREAKDOWNS, TIME_BREAKDOWNS } from '../../core/figures/report';

const FROM = '2026-01-01';
const TO = '2026-03-31';
const BYS = [...TIME_BREAKDOWNS, ...DIMENSION_BREAKDOWNS];
const FIELDS = [
  'revenue',
  'cogs',
  'grossProfit',
  'fees',
  'commissions',
  'otherIncome',
  'netProfit',
] as const;

let biz: TestBusiness | undefined;
afterEach(async () => {
  await biz?.close();
  biz = undefined;
});

const dayArb = fc.integer({ min: 0, max: 89 }).map((n) => {
  const d = new Date(Date.UTC(2026, 0, 1 + n));
  return d.toISOString().slice(0, 10);
});

// Orders and full refunds weigh more, so every run reaches paid and refunded orders.
const opArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('order' as const),
      customer: fc.nat(3), // 3 = no customer
      lines: fc.array(
        fc.record({
          product: fc.nat(2),
          quantity: fc.integer({ min: 1, max: 5 }),
          discount: fc.nat(300),
        }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      orderDiscount: fc.nat(500),
      shipping: fc.nat(1500),
      fee: fc.nat(200),
      pay: fc.boolean(),
      day: dayArb,
    }),
  },
  fc.record({ op: fc.constant('pay' as const), pick: fc.nat(), day: dayArb }),
  fc.record({
    op: fc.constant('fee' as const),
    pick: fc.nat(),
    amount: fc.integer({ min: 1, max: 900 }),
  }),
  fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant('refund' as const),
    pick: fc.nat(),
    line: fc.nat(),
    quantity: fc.integer({ min: 0, max: 3 }),
    restock: fc.boolean(),
    day: dayArb,
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('fullRefund' as const),
      pick: fc.nat(),
      restock: fc.boolean(),
      day: dayArb,
    }),
  },
  fc.record({
    op: fc.constant('purchase' as const),
    product: fc.nat(2),
    quantity: fc.integer({ min: 1, max: 20 }),
    unitCost: fc.integer({ min: 100, max: 3000 }),
    day: dayArb,
  }),
  fc.record({
    op: fc.constant('damage' as const),
    product: fc.nat(2),
    quantity: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    op: fc.constant('expense' as const),
    amount: fc.integer({ min: 1, max: 50_000 }),
    day: dayArb,
    reverse: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('income' as const),
    amount: fc.integer({ min: 1, max: 50_000 }),
    day: dayArb,
  }),
);

interface World {
  products: string[];
  customers: string[];
  orders: string[];
}

async function setUp(b: TestBusiness): Promise<World> {
  const api = b.core;
  const g1 = await api.invoke('group.create', { platform: 'wechat', name: '阳光小区团购1群' });
  const g2 = await api.invoke('group.create', { platform: 'qq', name: '宝妈水果群' });
  const products: string[] = [];
  for (const [i, category] of ['水果', '茶叶', '水果'].entries()) {
    const p = await api.invoke('product.create', {
      sku: `P${i}`,
      name: `商品${i}`,
      category,
      retailPrice: 1990 + i * 1000,
    });
    products.push(p.id);
  }
  await api.invoke('purchase.record', {
    receivedOn: '2026-01-01',
    lines: products.map((productId, i) => ({ productId, quantity: 30, unitCost: 800 + i * 300 })),
  });
  const customers: string[] = [];
  for (const [i, name] of ['张三', '李四', '王五'].entries()) {
    const c = await api.invoke('customer.create', { name, phone: `1380013800${i}` });
    customers.push(c.id);
  }
  await api.invoke('group.addMembers', {
    groupId: g1.id,
    customerIds: [customers[0]!, customers[1]!],
    joinedOn: '2025-12-01',
  });
  await api.invoke('group.addMembers', {
    groupId: g2.id,
    customerIds: [customers[2]!],
    joinedOn: '2025-12-01',
  });
  return { products, customers, orders: [] };
}

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

async function apply(b: TestBusiness, w: World, op: Op): Promise<void> {
  const api = b.core;
  const pick = (n: number) => (w.orders.length ? w.orders[n % w.orders.length]! : undefined);
  // Operations that the business rules refuse (paying a cancelled order, refunding more than
  // was sold...) are part of the sequence: they must fail cleanly and change nothing.
  switch (op.op) {
    case 'order': {
      const r = await api.call('order.create', {
        customerId: op.customer < 3 ? w.customers[op.customer] : null,
        orderedOn: op.day,
        lines: op.lines.map((l) => ({
          productId: w.products[l.product],
          quantity: l.quantity,
          lineDiscount: l.discount,
        })),
        orderDiscount: op.orderDiscount,
        shippingCharged: op.shipping,
        fees: op.fee > 0 ? [{ kind: 'payment', amount: op.fee }] : [],
      });
      if (r.ok) {
        const id = (r.value as { id: string }).id;
        w.orders.push(id);
        if (op.pay)
          await api.call('order.markPaid', { orderId: id, paidOn: op.day, method: 'wechat' });
      }
      return;
    }
    case 'pay': {
      const id = pick(op.pick);
      if (id) await api.call('order.markPaid', { orderId: id, paidOn: op.day, method: 'alipay' });
      return;
    }
    case 'fee': {
      const id = pick(op.pick);
      if (id) await api.call('order.addFee', { orderId: id, kind: 'platform', amount: op.amount });
      return;
    }
    case 'cancel': {
      const id = pick(op.pick);
      if (id) await api.call('order.cancel', { id, reason: 'test' });
      return;
    }
    case 'refund': {
      const id = pick(op.pick);
      if (!id) return;
      const order = (await api.invoke('order.get', { id })) as { lines: { id: string }[] };
      const line = order.lines[op.line % order.lines.length]!;
      await api.call('refund.create', {
        orderId: id,
        refundedOn: op.day,
        lines: [
          { lineId: line.id, quantity: op.quantity, ...(op.quantity === 0 ? { amount: 100 } : {}) },
        ],
        restock: op.restock,
      });
      return;
    }
    case 'fullRefund': {
      const id = pick(op.pick);
      if (id)
        await api.call('refund.full', { orderId: id, restock: op.restock, refundedOn: op.day });
      return;
    }
    case 'purchase':
      await api.invoke('purchase.record', {
        receivedOn: op.day,
        lines: [
          { productId: w.products[op.product]!, quantity: op.quantity, unitCost: op.unitCost },
        ],
      });
      return;
    case 'damage':
      await api.invoke('stock.adjust', {
        productId: w.products[op.product]!,
        kind: 'damage',
        quantity: op.quantity,
      });
      return;
    case 'expense': {
      const e = await api.invoke('expense.record', {
        category: 'ads',
        amount: op.amount,
        spentOn: op.day,
      });
      if (op.reverse) await api.invoke('expense.reverse', { id: e.id });
      return;
    }
    case 'income':
      await api.invoke('income.record', {
        kind: 'training',
        amount: op.amount,
        receivedOn: op.day,
      });
      return;
  }
}

/** Totals computed straight from the source tables, without the view or the rollup. */
function independentTotals(b: TestBusiness) {
  const one = (q: string) =>
    (b.store.sqlite.prepare(q).pluck().get(FROM, TO) as number | null) ?? 0;
  const sales = one(
    `SELECT sum(l.net_amount) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.paid_on BETWEEN ? AND ?`,
  );
  const shipping = one(`SELECT sum(shipping_charged) FROM orders WHERE paid_on BETWEEN ? AND ?`);
  const refunded = one(`SELECT sum(amount) FROM refunds WHERE refunded_on BETWEEN ? AND ?`);
  const cost = one(
    `SELECT sum(l.cost) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.paid_on BETWEEN ? AND ?`,
  );
  const costBack = one(
    `SELECT sum(rl.cost_reversed) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id WHERE r.refunded_on BETWEEN ? AND ?`,
  );
  const orderFees = one(
    `SELECT sum(f.amount) FROM order_fees f JOIN orders o ON o.id = f.order_id WHERE o.paid_on BETWEEN ? AND ?`,
  );
  const expenses = one(`SELECT sum(amount) FROM expenses WHERE spent_on BETWEEN ? AND ?`);
  const income = one(`SELECT sum(amount) FROM other_income WHERE received_on BETWEEN ? AND ?`);
  const orders = one(`SELECT count(*) FROM orders WHERE paid_on BETWEEN ? AND ?`);
  const revenue = sales + shipping - refunded;
  const cogs = cost - costBack;
  const fees = orderFees + expenses;
  return {
    revenue,
    cogs,
    fees,
    otherIncome: income,
    netProfit: revenue - cogs - fees + income,
    orders,
  };
}

describe('the business through the API (property)', () => {
  it('keeps stock, money and every breakdown consistent on random operation sequences', async () => {
    // Guards against a vacuous pass: the sequences must actually reach paid orders and full refunds.
    const seen = { paid: 0, fullyRefunded: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), async (ops) => {
        await biz?.close();
        biz = await newBusiness({ clock: testClock('2026-03-31T12:00:00+08:00') });
        const w = await setUp(biz);
        for (const op of ops) await apply(biz, w, op);
        const db = biz.store.sqlite;

        // On hand = sum of movements, for every product.
        const drift = db
          .prepare(
            `SELECT p.sku, p.on_hand, coalesce(sum(m.quantity), 0) AS moved FROM products p
               LEFT JOIN stock_movements m ON m.product_id = p.id GROUP BY p.id HAVING p.on_hand <> moved`,
          )
          .all();
        expect(drift).toEqual([]);

        // Every order's discount allocation sums exactly to the whole.
        const unbalanced = db
          .prepare(
            `SELECT o.order_no FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id
              HAVING sum(l.order_discount_share) <> o.order_discount OR sum(l.net_amount) <> o.goods_total
                  OR o.total_due <> o.goods_total + o.shipping_charged`,
          )
          .all();
        expect(unbalanced).toEqual([]);

        // The rollup equals a recomputation from scratch.
        const verify = await biz.core.invoke('figures.verify', {});
        expect(verify.differences).toEqual([]);
        expect(verify.ok).toBe(true);

        // Every breakdown foots to the same totals, and those equal the source tables.
        const expected = independentTotals(biz);
        for (const by of BYS) {
          const report = await biz.core.invoke('figures.pnl', { from: FROM, to: TO, by });
          for (const f of FIELDS) {
            const summed = report.rows.reduce((s, r) => s + r[f], 0);
            expect(summed, `${by}.${f}`).toBe(report.totals[f]);
          }
          for (const r of [...report.rows, report.totals]) {
            expect(r.grossProfit).toBe(r.revenue - r.cogs);
            expect(r.netProfit).toBe(r.grossProfit - r.fees - r.commissions + r.otherIncome);
          }
          expect(report.totals.revenue, by).toBe(expected.revenue);
          expect(report.totals.cogs, by).toBe(expected.cogs);
          expect(report.totals.fees, by).toBe(expected.fees);
          expect(report.totals.otherIncome, by).toBe(expected.otherIncome);
          expect(report.totals.netProfit, by).toBe(expected.netProfit);
          expect(report.totals.orders, by).toBe(expected.orders);
        }

        // A fully refunded order (every line, with restock) nets revenue and COGS to zero.
        const full = db
          .prepare(
            `SELECT o.id FROM orders o WHERE o.paid_on IS NOT NULL AND o.refunded_total = o.paid_total
               AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND
                 (SELECT coalesce(sum(rl.quantity), 0) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
                   WHERE rl.order_line_id = l.id AND r.restock = 1) < l.quantity)`,
          )
          .pluck()
          .all() as string[];
        seen.paid += expected.orders;
        seen.fullyRefunded += full.length;
        for (const id of full) {
          const net = db
            .prepare(
              `SELECT sum(revenue) AS revenue, sum(cogs) AS cogs FROM pnl_contributions
                WHERE (source_kind = 'order' AND source_id = ?)
                   OR (source_kind = 'refund' AND source_id IN (SELECT id FROM refunds WHERE order_id = ?))`,
            )
            .get(id, id);
          expect(net, `order ${id}`).toEqual({ revenue: 0, cogs: 0 });
        }
      }),
      { numRuns: 25 },
    );
    expect(seen.paid).toBeGreaterThan(25);
    expect(seen.fullyRefunded).toBeGreaterThan(0);
  });
});
