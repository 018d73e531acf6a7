// Property: for random orders, fees, refunds, expenses and other income over random days, every
// breakdown foots to the totals, the totals equal sums taken straight from the source tables
// (not through the view), and the incremental rollup equals a recomputation.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';
import * as fx from '../support/figures-fixtures';
import type { ExpenseCategory, FeeKind, IncomeKind } from '../../db/schema';
import type { Figures, PnlRow } from '../../core/figures/report';

// 2025-12-15 .. 2026-02-15: across a year end and two month ends.
const START = Date.parse('2025-12-15T00:00:00Z');
const WINDOW = 63;
const dayAt = (offset: number) => new Date(START + offset * 86_400_000).toISOString().slice(0, 10);

const BREAKDOWNS = [
  'day',
  'week',
  'month',
  'product',
  'category',
  'group',
  'agent',
  'campaign',
  'customer',
  'fee',
] as const;
// An order touching two products counts once for each; one order has one group, agent...
const ORDERS_FOOT = new Set(['day', 'week', 'month', 'group', 'agent', 'campaign', 'customer']);
const MONEY = [
  'revenue',
  'cogs',
  'grossProfit',
  'fees',
  'commissions',
  'otherIncome',
  'netProfit',
] as const;

const offset = fc.integer({ min: 0, max: WINDOW - 1 });
const lineArb = fc.record({
  product: fc.integer({ min: 0, max: 2 }),
  quantity: fc.integer({ min: 1, max: 5 }),
  unitPrice: fc.integer({ min: 0, max: 10_000 }),
  unitCost: fc.integer({ min: 0, max: 6_000 }),
  discountPercent: fc.integer({ min: 0, max: 30 }),
});
const orderArb = fc.record({
  paidOn: fc.option(offset, { freq: 5, nil: null }),
  customer: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  group: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
  agent: fc.option(fc.constantFrom('A1', 'A2'), { nil: null }),
  campaign: fc.boolean(),
  shipping: fc.integer({ min: 0, max: 2_000 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
  fees: fc.array(
    fc.record({
      kind: fc.constantFrom<FeeKind>('platform', 'payment', 'shipping', 'packaging', 'other'),
      amount: fc.integer({ min: 0, max: 500 }),
    }),
    { maxLength: 2 },
  ),
  refund: fc.option(
    fc.record({
      afterDays: fc.integer({ min: 0, max: 20 }),
      percent: fc.integer({ min: 1, max: 100 }),
      shipping: fc.boolean(),
      restock: fc.boolean(),
    }),
    { nil: null },
  ),
});
const nonZero = fc.integer({ min: -5_000, max: 5_000 }).filter((n) => n !== 0);
const storyArb = fc.record({
  orders: fc.array(orderArb, { maxLength: 7 }),
  expenses: fc.array(
    fc.record({
      category: fc.constantFrom<ExpenseCategory>('ads', 'samples', 'rent', 'other'),
      amount: nonZero,
      day: offset,
      campaign: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  incomes: fc.array(
    fc.record({
      kind: fc.constantFrom<IncomeKind>('franchise', 'training', 'advertising', 'other'),
      amount: nonZero,
      day: offset,
      agent: fc.option(fc.constantFrom('A1', 'A3'), { nil: null }),
      customer: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    }),
    { maxLength: 2 },
  ),
  range: fc.tuple(
    fc.integer({ min: -3, max: WINDOW + 3 }),
    fc.integer({ min: -3, max: WINDOW + 3 }),
  ),
});
type Story = typeof storyArb extends fc.Arbitrary<infer S> ? S : never;

async function record(biz: TestBusiness, story: Story): Promise<void> {
  const products = [
    await fx.product(biz, { name: '脐橙', sku: 'A', category: '水果' }),
    await fx.product(biz, { name: '大米', sku: 'B', category: '粮油' }),
    await fx.product(biz, { name: '杂货', sku: 'C' }),
  ];
  const categories = ['水果', '粮油', ''];
  const customers = [
    await fx.customer(biz, '张三'),
    await fx.customer(biz, '李四'),
    await fx.customer(biz, '王五'),
  ];
  const groups = [await fx.group(biz, '一群'), await fx.group(biz, '二群')];
  const campaign = await fx.campaign(biz, '接龙');

  for (const o of story.orders) {
    const lines = o.lines.map((l) => ({
      productId: products[l.product]!,
      category: categories[l.product]!,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      unitCost: l.unitCost,
      lineDiscount: Math.floor((l.quantity * l.unitPrice * l.discountPercent) / 100),
    }));
    const paidOn = o.paidOn === null ? null : dayAt(o.paidOn);
    const recorded = await fx.order(biz, {
      paidOn,
      customerId: o.customer === null ? null : customers[o.customer]!,
      groupId: o.group === null ? null : groups[o.group]!,
      agentId: o.agent,
      campaignId: o.campaign ? campaign : null,
      shipping: o.shipping,
      lines,
      fees: o.fees,
    });
    if (o.refund && o.paidOn !== null) {
      const { percent, restock } = o.refund;
      await fx.refund(biz, {
        orderId: recorded.orderId,
        refundedOn: dayAt(o.paidOn + o.refund.afterDays),
        restock,
        shipping: o.refund.shipping ? Math.floor((o.shipping * percent) / 100) : 0,
        lines: lines.map((l, i) => {
          const quantity = Math.floor((l.quantity * percent) / 100);
          const net = l.quantity * l.unitPrice - l.lineDiscount;
          return {
            lineId: recorded.lineIds[i]!,
            quantity,
            amount: Math.floor((net * percent) / 100),
            costReversed: restock ? quantity * l.unitCost : 0,
          };
        }),
      });
    }
  }
  for (const e of story.expenses) {
    await fx.expense(biz, {
      category: e.category,
      amount: e.amount,
      spentOn: dayAt(e.day),
      campaignId: e.campaign ? campaign : null,
    });
  }
  for (const i of story.incomes) {
    await fx.income(biz, {
      kind: i.kind,
      amount: i.amount,
      receivedOn: dayAt(i.day),
      agentId: i.agent,
      customerId: i.customer === null ? null : customers[i.customer]!,
    });
  }
}

/** DOMAIN.md "Figures", straight from the source tables. */
function fromSources(biz: TestBusiness, from: string, to: string) {
  const one = (q: string) => biz.store.sqlite.prepare(q).pluck().get({ from, to }) as number;
  const paid = 'o.paid_on BETWEEN :from AND :to';
  const refunded = 'r.refunded_on BETWEEN :from AND :to';
  const lines = one(
    `SELECT coalesce(sum(l.net_amount), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE ${paid}`,
  );
  const shipping = one(`SELECT coalesce(sum(shipping_charged), 0) FROM orders o WHERE ${paid}`);
  const refundLines = one(
    `SELECT coalesce(sum(rl.amount), 0) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id WHERE ${refunded}`,
  );
  const refundShipping = one(
    `SELECT coalesce(sum(shipping_amount), 0) FROM refunds r WHERE ${refunded}`,
  );
  const cost = one(
    `SELECT coalesce(sum(l.cost), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE ${paid}`,
  );
  const costBack = one(
    `SELECT coalesce(sum(rl.cost_reversed), 0) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id WHERE ${refunded}`,
  );
  const orderFees = one(
    `SELECT coalesce(sum(f.amount), 0) FROM order_fees f JOIN orders o ON o.id = f.order_id WHERE ${paid}`,
  );
  const expenses = one(
    'SELECT coalesce(sum(amount), 0) FROM expenses WHERE spent_on BETWEEN :from AND :to',
  );
  const otherIncome = one(
    'SELECT coalesce(sum(amount), 0) FROM other_income WHERE received_on BETWEEN :from AND :to',
  );
  const orders = one(`SELECT count(*) FROM orders o WHERE ${paid}`);
  const revenue = lines + shipping - refundLines - refundShipping;
  const cogs = cost - costBack;
  const fees = orderFees + expenses;
  return {
    revenue,
    cogs,
    grossProfit: revenue - cogs,
    fees,
    commissions: 0,
    otherIncome,
    netProfit: revenue - cogs - fees + otherIncome,
    orders,
  } satisfies Figures;
}

function expectOrdered(rows: PnlRow[]) {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    expect(a.key, 'the unattributed row comes last').not.toBe('');
    if (b.key !== '') {
      expect(a.revenue > b.revenue || (a.revenue === b.revenue && a.key < b.key)).toBe(true);
    }
  }
}

describe('figures property', () => {
  it('every breakdown foots, totals match the sources, the rollup matches a recomputation', async () => {
    await fc.assert(
      fc.asyncProperty(storyArb, async (story) => {
        const biz = await newBusiness();
        try {
          await record(biz, story);
          const [a, b] = story.range;
          const from = dayAt(Math.min(a, b));
          const to = dayAt(Math.max(a, b));
          const expected = fromSources(biz, from, to);

          for (const by of BREAKDOWNS) {
            const r = await biz.core.invoke('figures.pnl', { from, to, by });
            expect(r.totals, by).toEqual(expected);
            for (const field of MONEY) {
              expect(
                r.rows.reduce((s, row) => s + row[field], 0),
                `${by} ${field}`,
              ).toBe(r.totals[field]);
            }
            const orders = r.rows.reduce((s, row) => s + row.orders, 0);
            if (ORDERS_FOOT.has(by)) expect(orders, `${by} orders`).toBe(r.totals.orders);
            else expect(orders).toBeGreaterThanOrEqual(by === 'fee' ? 0 : r.totals.orders);
            for (const row of r.rows) {
              expect(row.grossProfit).toBe(row.revenue - row.cogs);
              expect(row.netProfit).toBe(
                row.grossProfit - row.fees - row.commissions + row.otherIncome,
              );
              expect(Number.isSafeInteger(row.revenue)).toBe(true);
            }
            if (!['day', 'week', 'month'].includes(by)) expectOrdered(r.rows);
          }

          const dashboard = await biz.core.invoke('figures.dashboard', { from, to });
          expect(dashboard.totals).toEqual(expected);
          expect(dashboard.trend.reduce((s, m) => s + m.netProfit, 0)).toBe(expected.netProfit);

          const verified = await biz.core.invoke('figures.verify', {});
          expect(verified.differences).toEqual([]);
          expect(verified.ok).toBe(true);

          await biz.core.invoke('figures.rebuild', {});
          const rebuilt = await biz.core.invoke('figures.pnl', { from, to, by: 'customer' });
          expect(rebuilt.totals).toEqual(expected);
        } finally {
          await biz.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
