// Customer figures: buyers, repeat buyers, repurchase rate and RFM segments on a small known set.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import * as fx from '../support/figures-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const Q1 = { from: '2026-01-01', to: '2026-03-31' };

/**
 * In Q1 2026 (recency counted to 03-31):
 *   A: 3 orders (03-01, 03-15, 03-30) of 100.00   -> recency 1,  frequency 3, monetary 300.00
 *   B: 1 order 03-31 of 20.00                      -> recency 0,  frequency 1, monetary 20.00
 *   C: 2 orders (01-10, 01-20) of 80.00            -> recency 70, frequency 2, monetary 160.00
 *   D: 1 order 01-05 of 10.00                      -> recency 85, frequency 1, monetary 10.00
 *   E: 1 order 02-15 of 50.00, refunded 03-01      -> recency 44, frequency 1, monetary 0
 *   F: ordered in December, refunded 02-01: no paid order in Q1, not a buyer
 *   and an order without a customer (not a buyer either).
 */
async function knownSet() {
  const p = await fx.product(biz, { name: '土鸡蛋', sku: 'EGG' });
  const ids: Record<string, string> = {};
  for (const n of ['A', 'B', 'C', 'D', 'E', 'F']) ids[n] = await fx.customer(biz, `客户${n}`);
  const buy = (who: string | null, paidOn: string, price: number) =>
    fx.order(biz, {
      paidOn,
      customerId: who && ids[who]!,
      lines: [{ productId: p, quantity: 1, unitPrice: price, unitCost: 100 }],
    });
  for (const d of ['2026-03-01', '2026-03-15', '2026-03-30']) await buy('A', d, 10000);
  await buy('B', '2026-03-31', 2000);
  await buy('C', '2026-01-10', 8000);
  await buy('C', '2026-01-20', 8000);
  await buy('D', '2026-01-05', 1000);
  const e = await buy('E', '2026-02-15', 5000);
  await fx.refund(biz, {
    orderId: e.orderId,
    refundedOn: '2026-03-01',
    lines: [{ lineId: e.lineIds[0]!, quantity: 1, amount: 5000, costReversed: 100 }],
  });
  const f = await buy('F', '2025-12-20', 3000);
  await fx.refund(biz, {
    orderId: f.orderId,
    refundedOn: '2026-02-01',
    lines: [{ lineId: f.lineIds[0]!, quantity: 1, amount: 3000, costReversed: 100 }],
  });
  await buy(null, '2026-02-02', 999);
  return ids;
}

describe('figures.customers', () => {
  let ids: Record<string, string>;
  beforeEach(async () => {
    biz = await newBusiness();
    ids = await knownSet();
  });

  it('counts buyers and repeat buyers, and segments them by RFM', async () => {
    const r = await biz.core.invoke('figures.customers', Q1);
    expect(r).toMatchObject({ ...Q1, customers: 5, repeatCustomers: 2, repurchaseRate: 4000 });
    expect(r.rows).toBeUndefined();
    // Scores (mid-rank quintiles): R A4 B5 C2 D1 E3; F A5 C4, the one-order customers 2;
    // M A5 C4 B3 D2 E1. FM = mean of F and M rounded half up.
    expect(r.segments).toEqual([
      { segment: 'champions', label: '重要价值客户', customers: 1, revenue: 30000 }, // A: R4 FM5
      { segment: 'loyal', label: '忠诚客户', customers: 0, revenue: 0 },
      { segment: 'potential', label: '潜力客户', customers: 1, revenue: 2000 }, // B: R5 FM3
      { segment: 'new', label: '新客户', customers: 0, revenue: 0 },
      { segment: 'at_risk', label: '流失预警客户', customers: 1, revenue: 16000 }, // C: R2 FM4
      { segment: 'hibernating', label: '沉睡客户', customers: 1, revenue: 0 }, // E: R3 FM2
      { segment: 'lost', label: '流失客户', customers: 1, revenue: 1000 }, // D: R1 FM2
    ]);
  });

  it('lists customers a page at a time, by revenue, with their scores', async () => {
    const all = await biz.core.invoke('figures.customers', { ...Q1, rows: { limit: 50 } });
    expect(
      all.rows!.map((c) => [
        c.name,
        c.recencyDays,
        c.frequency,
        c.monetary,
        c.r,
        c.f,
        c.m,
        c.segment,
      ]),
    ).toEqual([
      ['客户A', 1, 3, 30000, 4, 5, 5, 'champions'],
      ['客户C', 70, 2, 16000, 2, 4, 4, 'at_risk'],
      ['客户B', 0, 1, 2000, 5, 2, 3, 'potential'],
      ['客户D', 85, 1, 1000, 1, 2, 2, 'lost'],
      ['客户E', 44, 1, 0, 3, 2, 1, 'hibernating'],
    ]);
    expect(all.rows![0]).toMatchObject({
      customerId: ids.A,
      lastPaidOn: '2026-03-30',
      label: '重要价值客户',
    });
    const page = await biz.core.invoke('figures.customers', {
      ...Q1,
      rows: { limit: 2, offset: 1 },
    });
    expect(page.rows!.map((c) => c.name)).toEqual(['客户C', '客户B']);
    expect(page.customers).toBe(5);
  });

  it('a shorter range sees only what happened in it', async () => {
    const march = await biz.core.invoke('figures.customers', {
      from: '2026-03-01',
      to: '2026-03-31',
      rows: {},
    });
    // A (3 orders) and B; E's refund lands in March but E paid nothing in March.
    expect(march).toMatchObject({ customers: 2, repeatCustomers: 1, repurchaseRate: 5000 });
    expect(march.rows!.map((c) => [c.name, c.frequency, c.monetary])).toEqual([
      ['客户A', 3, 30000],
      ['客户B', 1, 2000],
    ]);
  });

  it('nobody bought: zero rate and empty segments', async () => {
    const r = await biz.core.invoke('figures.customers', {
      from: '2024-01-01',
      to: '2024-12-31',
      rows: {},
    });
    expect(r).toMatchObject({ customers: 0, repeatCustomers: 0, repurchaseRate: 0, rows: [] });
    expect(r.segments.every((s) => s.customers === 0 && s.revenue === 0)).toBe(true);
  });
});

describe('repurchase rate rounding', () => {
  it('is basis points rounded half up (1 of 3 -> 3333, 2 of 3 -> 6667)', async () => {
    biz = await newBusiness();
    const p = await fx.product(biz, { name: '蜂蜜', sku: 'HONEY' });
    const c = [
      await fx.customer(biz, '甲'),
      await fx.customer(biz, '乙'),
      await fx.customer(biz, '丙'),
    ];
    const buy = (customerId: string, paidOn: string) =>
      fx.order(biz, {
        paidOn,
        customerId,
        lines: [{ productId: p, quantity: 1, unitPrice: 100, unitCost: 0 }],
      });
    await buy(c[0]!, '2026-03-01');
    await buy(c[0]!, '2026-03-02');
    await buy(c[1]!, '2026-03-01');
    await buy(c[2]!, '2026-03-01');
    const one = await biz.core.invoke('figures.customers', {
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(one.repurchaseRate).toBe(3333);
    await buy(c[1]!, '2026-03-05');
    const two = await biz.core.invoke('figures.customers', {
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(two.repurchaseRate).toBe(6667);
  });
});
