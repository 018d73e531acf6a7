// The figures on a small worked example, checked by hand: every breakdown, the dashboard, the
// unattributed rows, labels, and the rebuild/verify tools.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import * as fx from '../support/figures-fixtures';
import type { PnlRow } from '../../core/figures/report';
import { createCore } from '../../core/api/dispatcher';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const MARCH = { from: '2026-03-01', to: '2026-03-31' };

interface Example {
  orange: string;
  rice: string;
  zhang: string;
  li: string;
  mums: string;
  fruitQQ: string;
  jielong: string;
}

/**
 * March 2026:
 *   O1 03-02 张三, 宝妈群, agent A1, 脐橙接龙: 2 x 59.90 orange (cost 30.00) + rice 88.00 - 8.00
 *      (cost 50.00) + 10.00 shipping; fees platform 1.20, payment 0.78
 *   O2 03-10 李四, QQ水果群: 1 orange 59.90 (cost 30.00); fee payment 0.36
 *   O3 03-10 张三, 宝妈群, A1: 3 rice x 88.00 (cost 50.00); fee shipping 12.00
 *   O4 confirmed, never paid: 10 oranges (not in the figures)
 *   R1 03-12 refund of O1: 1 orange 59.90 restocked (cost 30.00) + 5.00 shipping
 *   E1 03-05 ads 50.00 for 脐橙接龙; E2 03-20 rent 200.00, reversed on 03-21
 *   I1 03-15 training fee 100.00 from A1
 *   O5 04-01 李四: 1 orange (April, outside the range)
 */
async function workedExample(): Promise<Example> {
  const orange = await fx.product(biz, { name: '赣南脐橙', sku: 'ORANGE-5KG', category: '水果' });
  const rice = await fx.product(biz, { name: '五常大米', sku: 'RICE-10', category: '粮油' });
  const zhang = await fx.customer(biz, '张三');
  const li = await fx.customer(biz, '李四');
  const mums = await fx.group(biz, '宝妈团购1群');
  const fruitQQ = await fx.group(biz, 'QQ水果群');
  const jielong = await fx.campaign(biz, '脐橙接龙');
  const orangeLine = { productId: orange, category: '水果', unitPrice: 5990, unitCost: 3000 };
  const riceLine = { productId: rice, category: '粮油', unitPrice: 8800, unitCost: 5000 };

  const o1 = await fx.order(biz, {
    paidOn: '2026-03-02',
    customerId: zhang,
    groupId: mums,
    agentId: 'A1',
    campaignId: jielong,
    shipping: 1000,
    lines: [
      { ...orangeLine, quantity: 2 },
      { ...riceLine, quantity: 1, lineDiscount: 800 },
    ],
    fees: [
      { kind: 'platform', amount: 120 },
      { kind: 'payment', amount: 78 },
    ],
  });
  await fx.order(biz, {
    paidOn: '2026-03-10',
    customerId: li,
    groupId: fruitQQ,
    lines: [{ ...orangeLine, quantity: 1 }],
    fees: [{ kind: 'payment', amount: 36 }],
  });
  await fx.order(biz, {
    paidOn: '2026-03-10',
    customerId: zhang,
    groupId: mums,
    agentId: 'A1',
    lines: [{ ...riceLine, quantity: 3 }],
    fees: [{ kind: 'shipping', amount: 1200 }],
  });
  await fx.order(biz, { paidOn: null, customerId: li, lines: [{ ...orangeLine, quantity: 10 }] });
  await fx.refund(biz, {
    orderId: o1.orderId,
    refundedOn: '2026-03-12',
    lines: [{ lineId: o1.lineIds[0]!, quantity: 1, amount: 5990, costReversed: 3000 }],
    shipping: 500,
  });
  await fx.expense(biz, {
    category: 'ads',
    amount: 5000,
    spentOn: '2026-03-05',
    campaignId: jielong,
  });
  const rent = await fx.expense(biz, { category: 'rent', amount: 20000, spentOn: '2026-03-20' });
  await fx.expense(biz, {
    category: 'rent',
    amount: -20000,
    spentOn: '2026-03-21',
    reversesId: rent,
  });
  await fx.income(biz, {
    kind: 'training',
    amount: 10000,
    receivedOn: '2026-03-15',
    agentId: 'A1',
  });
  await fx.order(biz, {
    paidOn: '2026-04-01',
    customerId: li,
    lines: [{ ...orangeLine, quantity: 1 }],
  });
  return { orange, rice, zhang, li, mums, fruitQQ, jielong };
}

/** The figures of a row as [revenue, cogs, fees, commissions, otherIncome, orders]. */
const f = (r: PnlRow | undefined) =>
  r && [r.revenue, r.cogs, r.fees, r.commissions, r.otherIncome, r.orders];

const MONEY = [
  'revenue',
  'cogs',
  'grossProfit',
  'fees',
  'commissions',
  'otherIncome',
  'netProfit',
] as const;

function expectFooting(rows: PnlRow[], totals: Record<(typeof MONEY)[number], number>) {
  for (const field of MONEY) {
    expect(
      rows.reduce((s, r) => s + r[field], 0),
      field,
    ).toBe(totals[field]);
  }
  for (const r of rows) {
    expect(r.grossProfit).toBe(r.revenue - r.cogs);
    expect(r.netProfit).toBe(r.grossProfit - r.fees - r.commissions + r.otherIncome);
  }
}

describe('figures.pnl on the worked example', () => {
  let ex: Example;
  beforeEach(async () => {
    biz = await newBusiness();
    ex = await workedExample();
  });

  it('totals: revenue, COGS, fees, other income and net profit by hand', async () => {
    const r = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'month' });
    // revenue 209.80 + 59.90 + 264.00 - 64.90 refunded; COGS 110 + 30 + 150 - 30 restocked;
    // fees 1.98 + 0.36 + 12.00 + 50.00 ads + 200.00 - 200.00 rent.
    expect(r.totals).toEqual({
      revenue: 46880,
      cogs: 26000,
      grossProfit: 20880,
      fees: 6434,
      commissions: 0,
      otherIncome: 10000,
      netProfit: 24446,
      orders: 3,
    });
    expect(r).toMatchObject({ currency: 'CNY', from: MARCH.from, to: MARCH.to, by: 'month' });
    expect(r.rows).toEqual([{ key: '2026-03', label: '2026-03', ...r.totals }]);
  });

  it('by product: name (sku) labels, revenue order, shipping and costs unattributed', async () => {
    const r = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'product' });
    expect(r.rows.map((x) => [x.key, x.label])).toEqual([
      [ex.rice, '五常大米 (RICE-10)'],
      [ex.orange, '赣南脐橙 (ORANGE-5KG)'],
      ['', '(unattributed)'],
    ]);
    expect(r.rows.map(f)).toEqual([
      [34400, 20000, 0, 0, 0, 2],
      [11980, 6000, 0, 0, 0, 2],
      [500, 0, 6434, 0, 10000, 1],
    ]);
    expectFooting(r.rows, r.totals);
  });

  it('by category, group, agent, campaign and customer', async () => {
    const rows = async (by: 'category' | 'group' | 'agent' | 'campaign' | 'customer') => {
      const r = await biz.core.invoke('figures.pnl', { ...MARCH, by });
      expectFooting(r.rows, r.totals);
      return r.rows.map((x) => [x.label, ...f(x)!]);
    };
    expect(await rows('category')).toEqual([
      ['粮油', 34400, 20000, 0, 0, 0, 2],
      ['水果', 11980, 6000, 0, 0, 0, 2],
      ['(unattributed)', 500, 0, 6434, 0, 10000, 1],
    ]);
    expect(await rows('group')).toEqual([
      ['宝妈团购1群', 40890, 23000, 1398, 0, 0, 2],
      ['QQ水果群', 5990, 3000, 36, 0, 0, 1],
      ['(unattributed)', 0, 0, 5000, 0, 10000, 0],
    ]);
    expect(await rows('agent')).toEqual([
      ['A1', 40890, 23000, 1398, 0, 10000, 2],
      ['(unattributed)', 5990, 3000, 5036, 0, 0, 1],
    ]);
    expect(await rows('campaign')).toEqual([
      ['脐橙接龙', 14490, 8000, 5198, 0, 0, 1],
      ['(unattributed)', 32390, 18000, 1236, 0, 10000, 2],
    ]);
    expect(await rows('customer')).toEqual([
      ['张三', 40890, 23000, 1398, 0, 0, 2],
      ['李四', 5990, 3000, 36, 0, 0, 1],
      ['(unattributed)', 0, 0, 5000, 0, 10000, 0],
    ]);
  });

  it('by fee: one row per fee kind, a reversed expense drops out, sales sit in the unattributed row', async () => {
    const r = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'fee' });
    expect(r.rows.map((x) => [x.key, x.label, ...f(x)!])).toEqual([
      ['expense:ads', 'expense:ads', 0, 0, 5000, 0, 0, 0],
      ['order:payment', 'order:payment', 0, 0, 114, 0, 0, 0],
      ['order:platform', 'order:platform', 0, 0, 120, 0, 0, 0],
      ['order:shipping', 'order:shipping', 0, 0, 1200, 0, 0, 0],
      ['', '(unattributed)', 46880, 26000, 0, 0, 10000, 3],
    ]);
    expectFooting(r.rows, r.totals);
  });

  it('by day and week list every period of the range, zero ones included, in order', async () => {
    const days = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'day' });
    expect(days.rows).toHaveLength(31);
    expect(days.rows[0]!.key).toBe('2026-03-01');
    expect(days.rows[30]!.key).toBe('2026-03-31');
    expect(f(days.rows[0])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(f(days.rows.find((d) => d.key === '2026-03-10'))).toEqual([32390, 18000, 1236, 0, 0, 2]);
    expectFooting(days.rows, days.totals);
    expect(days.rows.reduce((s, r) => s + r.orders, 0)).toBe(3);

    const weeks = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'week' });
    // 2026-03-01 is a Sunday: the last day of ISO week 9; 03-30 and 03-31 open week 14.
    expect(weeks.rows.map((w) => [w.key, ...f(w)!])).toEqual([
      ['2026-W09', 0, 0, 0, 0, 0, 0],
      ['2026-W10', 20980, 11000, 5198, 0, 0, 1],
      ['2026-W11', 25900, 15000, 1236, 0, 10000, 2],
      ['2026-W12', 0, 0, 0, 0, 0, 0],
      ['2026-W13', 0, 0, 0, 0, 0, 0],
      ['2026-W14', 0, 0, 0, 0, 0, 0],
    ]);
    expectFooting(weeks.rows, weeks.totals);
    expect(weeks.totals).toEqual(days.totals);
  });

  it('a range cut inside months reads the same figures as day by day', async () => {
    const range = { from: '2026-03-10', to: '2026-04-01' };
    const days = await biz.core.invoke('figures.pnl', { ...range, by: 'day' });
    const products = await biz.core.invoke('figures.pnl', { ...range, by: 'product' });
    expect(products.totals).toEqual(days.totals);
    expectFooting(products.rows, days.totals);
    expect(products.totals.revenue).toBe(5990 + 26400 - 6490 + 5990);
  });

  it('an empty range has zero totals and no dimension rows', async () => {
    const range = { from: '2025-01-01', to: '2025-01-31' };
    const r = await biz.core.invoke('figures.pnl', { ...range, by: 'group' });
    expect(r.rows).toEqual([]);
    expect(Object.values(r.totals).every((v) => v === 0)).toBe(true);
    const months = await biz.core.invoke('figures.pnl', { ...range, by: 'month' });
    expect(months.rows.map((m) => m.key)).toEqual(['2025-01']);
  });
});

describe('figures.dashboard', () => {
  it('totals, monthly trend, top products and groups, fee breakdown', async () => {
    biz = await newBusiness();
    const ex = await workedExample();
    const d = await biz.core.invoke('figures.dashboard', { from: '2026-02-01', to: '2026-04-30' });
    const pnl = await biz.core.invoke('figures.pnl', {
      from: '2026-02-01',
      to: '2026-04-30',
      by: 'month',
    });
    expect(d.totals).toEqual(pnl.totals);
    expect(d.trend).toEqual(pnl.rows);
    expect(d.trend.map((m) => [m.key, m.revenue])).toEqual([
      ['2026-02', 0],
      ['2026-03', 46880],
      ['2026-04', 5990],
    ]);
    expect(d.topProducts.map((p) => [p.key, p.label, p.revenue])).toEqual([
      [ex.rice, '五常大米 (RICE-10)', 34400],
      [ex.orange, '赣南脐橙 (ORANGE-5KG)', 17970],
    ]);
    expect(d.topGroups.map((g) => [g.label, g.revenue])).toEqual([
      ['宝妈团购1群', 40890],
      ['QQ水果群', 5990],
    ]);
    expect(d.feeBreakdown.map((x) => [x.key, x.fees])).toEqual([
      ['expense:ads', 5000],
      ['order:shipping', 1200],
      ['order:platform', 120],
      ['order:payment', 114],
    ]);
    expect(d.commissionsTotal).toBe(0);
    expect(d.currency).toBe('CNY');
  });

  it('keeps only the first 10 products by revenue', async () => {
    biz = await newBusiness();
    const lines = [];
    for (let i = 1; i <= 12; i++) {
      const id = await fx.product(biz, { name: `货品${i}`, sku: `P${String(i).padStart(2, '0')}` });
      lines.push({ productId: id, quantity: 1, unitPrice: i * 100, unitCost: 0 });
    }
    await fx.order(biz, { paidOn: '2026-03-03', shipping: 5000, lines });
    const d = await biz.core.invoke('figures.dashboard', MARCH);
    expect(d.topProducts.map((p) => p.label)).toEqual(
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3].map((i) => `货品${i} (P${String(i).padStart(2, '0')})`),
    );
  });
});

describe('labels', () => {
  it('erased customers show their anonymised name; renamed products their current name', async () => {
    biz = await newBusiness();
    const gone = await fx.customer(biz, '已注销用户', { erased: true });
    const p = await fx.product(biz, { name: '旧名字', sku: 'S1' });
    await fx.order(biz, {
      paidOn: '2026-03-03',
      customerId: gone,
      lines: [{ productId: p, quantity: 1, unitPrice: 100, unitCost: 0 }],
    });
    await biz.store.db
      .updateTable('products')
      .set({ name: '新名字' })
      .where('id', '=', p)
      .execute();
    const byCustomer = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'customer' });
    expect(byCustomer.rows.map((r) => r.label)).toEqual(['已注销用户']);
    const byProduct = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'product' });
    expect(byProduct.rows.map((r) => r.label)).toEqual(['新名字 (S1)']);
  });
});

describe('week and month bucketing across year ends', () => {
  beforeEach(async () => {
    biz = await newBusiness();
    const p = await fx.product(biz, { name: '年货', sku: 'NY' });
    for (const [paidOn, price] of [
      ['2025-12-28', 1],
      ['2025-12-29', 10],
      ['2026-01-04', 100],
      ['2026-01-05', 1000],
      ['2026-12-31', 10000],
      ['2027-01-01', 100000],
      ['2027-01-04', 1000000],
    ] as const) {
      await fx.order(biz, {
        paidOn,
        lines: [{ productId: p, quantity: 1, unitPrice: price, unitCost: 0 }],
      });
    }
  });

  it('2025-12-29 is in ISO week 2026-W01; 2027-01-01 in 2026-W53', async () => {
    const weeks = await biz.core.invoke('figures.pnl', {
      from: '2025-12-27',
      to: '2026-01-05',
      by: 'week',
    });
    expect(weeks.rows.map((w) => [w.key, w.revenue])).toEqual([
      ['2025-W52', 1],
      ['2026-W01', 110],
      ['2026-W02', 1000],
    ]);
    const late = await biz.core.invoke('figures.pnl', {
      from: '2026-12-28',
      to: '2027-01-04',
      by: 'week',
    });
    expect(late.rows.map((w) => [w.key, w.revenue])).toEqual([
      ['2026-W53', 110000],
      ['2027-W01', 1000000],
    ]);
  });

  it('months split at the calendar year', async () => {
    const months = await biz.core.invoke('figures.pnl', {
      from: '2025-12-27',
      to: '2026-01-05',
      by: 'month',
    });
    expect(months.rows.map((m) => [m.key, m.revenue, m.orders])).toEqual([
      ['2025-12', 11, 2],
      ['2026-01', 1100, 2],
    ]);
    expect(months.totals.revenue).toBe(1111);
  });
});

describe('validation', () => {
  beforeEach(async () => {
    biz = await newBusiness();
  });

  const cases: [string, string, Record<string, unknown>, string][] = [
    ['figures.pnl', 'from after to', { from: '2026-03-02', to: '2026-03-01', by: 'day' }, 'to'],
    ['figures.pnl', 'over 10 years', { from: '2016-01-01', to: '2026-01-01', by: 'month' }, 'to'],
    [
      'figures.pnl',
      'unknown breakdown',
      { from: '2026-03-01', to: '2026-03-31', by: 'year' },
      'by',
    ],
    ['figures.pnl', 'not a real date', { from: '2026-02-30', to: '2026-03-31' }, 'from'],
    ['figures.pnl', 'missing to', { from: '2026-02-01' }, 'to'],
    ['figures.dashboard', 'from after to', { from: '2026-03-02', to: '2026-03-01' }, 'to'],
    ['figures.customers', 'from after to', { from: '2026-03-02', to: '2026-03-01' }, 'to'],
    ['figures.customers', 'page size 0', { ...MARCH, rows: { limit: 0 } }, 'rows.limit'],
  ];
  for (const [name, what, input, path] of cases) {
    it(`${name}: ${what} names ${path}`, async () => {
      const before = biz.snapshot();
      const r = await biz.core.call(name, input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('VALIDATION');
        expect(r.error.details?.issues?.map((i) => i.path)).toEqual([path]);
      }
      expect(biz.snapshot()).toEqual(before);
    });
  }

  it('needs a business, and is for the owner only (agents see their own subtree, not the workspace)', async () => {
    const empty = await newBusiness({ init: false });
    try {
      const r = await empty.core.call('figures.pnl', { ...MARCH, by: 'month' });
      expect(!r.ok && r.error.code).toBe('INVALID_STATE');
    } finally {
      await empty.close();
    }
    const agent = createCore({ store: biz.store, actor: { role: 'agent', agentId: 'A1' } });
    for (const name of [
      'figures.pnl',
      'figures.dashboard',
      'figures.customers',
      'figures.rebuild',
    ]) {
      const r = await agent.call(name, MARCH);
      expect(!r.ok && r.error.code, name).toBe('FORBIDDEN');
    }
  });

  it('accepts exactly 10 years', async () => {
    const r = await biz.core.invoke('figures.pnl', {
      from: '2016-01-01',
      to: '2025-12-31',
      by: 'month',
    });
    expect(r.rows).toHaveLength(120);
  });
});

describe('figures.rebuild and figures.verify', () => {
  beforeEach(async () => {
    biz = await newBusiness();
    await workedExample();
  });

  it('the incremental rollup matches a recomputation', async () => {
    const v = await biz.core.invoke('figures.verify', {});
    expect(v).toMatchObject({ ok: true, differenceCount: 0, differences: [] });
    expect(v.rowsCompared).toBeGreaterThan(0);
  });

  it('verify names a tampered figure without changing anything; rebuild repairs it', async () => {
    const before = await biz.core.invoke('figures.pnl', { ...MARCH, by: 'group' });
    biz.store.sqlite
      .prepare(
        "UPDATE pnl_daily SET revenue = revenue + 7 WHERE dim = 'product' AND day = '2026-03-10' AND key <> ''",
      )
      .run();
    const snapshot = biz.snapshot();
    const v = await biz.core.invoke('figures.verify', {});
    expect(v.ok).toBe(false);
    expect(v.differences).toHaveLength(2);
    expect(v.differences[0]).toMatchObject({
      table: 'pnl_daily',
      dim: 'product',
      day: '2026-03-10',
      field: 'revenue',
    });
    expect(v.differences[0]!.rollup - v.differences[0]!.recomputed).toBe(7);
    expect(biz.snapshot()).toEqual(snapshot);

    const rebuilt = await biz.core.invoke('figures.rebuild', {});
    const rows = biz.store.sqlite.prepare('SELECT count(*) FROM pnl_daily').pluck().get();
    expect(rebuilt.rowsWritten).toBe(rows);
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
    expect(await biz.core.invoke('figures.pnl', { ...MARCH, by: 'group' })).toEqual(before);
  });

  it('verify catches a month total out of step with its days', async () => {
    biz.store.sqlite
      .prepare("UPDATE pnl_monthly SET fees = fees + 1 WHERE dim = 'fee' AND key = 'expense:ads'")
      .run();
    const v = await biz.core.invoke('figures.verify', {});
    expect(v.differences).toEqual([
      {
        table: 'pnl_monthly',
        dim: 'fee',
        day: '2026-03',
        key: 'expense:ads',
        field: 'fees',
        rollup: 5001,
        recomputed: 5000,
      },
    ]);
  });

  it('pnl_monthly follows any write to pnl_daily (moved and deleted rows too)', async () => {
    const db = biz.store.sqlite;
    db.prepare(
      "UPDATE pnl_daily SET key = 'moved', day = '2026-04-02' WHERE dim = 'customer' AND day = '2026-03-10' AND key = (SELECT max(key) FROM pnl_daily WHERE dim = 'customer' AND day = '2026-03-10')",
    ).run();
    db.prepare("DELETE FROM pnl_daily WHERE dim = 'fee' AND key = 'order:platform'").run();
    const v = await biz.core.invoke('figures.verify', {});
    expect(v.ok).toBe(false);
    // The daily rows now disagree with the sources, but every month still sums its days.
    expect(v.differences.filter((d) => d.table === 'pnl_monthly')).toEqual([]);
    const moved = db
      .prepare(
        "SELECT revenue FROM pnl_monthly WHERE dim = 'customer' AND month = '2026-04' AND key = 'moved'",
      )
      .pluck()
      .get();
    expect(moved).toBeGreaterThan(0);
  });

  it('lists at most 20 differences and counts them all', async () => {
    biz.store.sqlite.prepare('UPDATE pnl_daily SET orders = orders + 1').run();
    const v = await biz.core.invoke('figures.verify', {});
    const rows = biz.store.sqlite.prepare('SELECT count(*) FROM pnl_daily').pluck().get();
    expect(v.differenceCount).toBe(rows);
    expect(v.differences).toHaveLength(20);
  });
});
