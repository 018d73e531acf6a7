// Days checked against each other and against today (issue 14): a payment dated 2000-01-01 or
// 2099-01-01 on an order of 2026-12-07, a full refund dated 2000-01-01 (the P&L for 2000 then
// showed revenue -28.90 with 0 orders), orders dated 0000-01-01 and 9999-12-31 were all stored.
// The clock is fixed (2026-12-07, Shanghai evening): the window is from 2016-12-07 to 2027-12-07.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addCustomer, addGroup, addProduct, expectFailure } from '../support/order-fixtures';
import { addAgent } from '../support/agent-fixtures';
import { writeCsv } from '../support/imports-fixtures';

let biz: TestBusiness;
let product: string;

beforeEach(async () => {
  biz = await newBusiness({ clock: testClock('2026-12-07T20:00:00+08:00') });
  product = await addProduct(biz, { retailPrice: 2890, stock: { quantity: 100, unitCost: 1000 } });
});
afterEach(() => biz.close());

const line = () => [{ productId: product, quantity: 1 }];

async function order(orderedOn = '2026-12-07') {
  return biz.core.invoke('order.create', { orderedOn, lines: line() });
}

/** The call is refused as VALIDATION naming `path`, its message says `says`, nothing changed. */
async function refused(method: string, input: unknown, path: string, says: string | RegExp) {
  const before = biz.snapshot();
  const r = await biz.core.call(method, input);
  expectFailure(r, 'VALIDATION', path);
  if (!r.ok) {
    const issue = r.error.details!.issues!.find((i) => i.path === path)!;
    expect(issue.message).toMatch(says);
  }
  expect(biz.snapshot()).toEqual(before);
}

describe('money on an order is dated from the order day to tomorrow', () => {
  it('refuses payments before the order day or after tomorrow, and takes the edges', async () => {
    const o = await order();
    for (const [paidOn, says] of [
      ['2000-01-01', 'must be on or after the order day 2026-12-07'],
      ['2026-12-06', 'must be on or after the order day 2026-12-07'],
      ['2099-01-01', 'must be on or before 2026-12-08'],
      ['2026-12-09', 'must be on or before 2026-12-08'],
    ] as const) {
      await refused(
        'order.recordPayment',
        { orderId: o.id, amount: 100, method: 'cash', paidOn },
        'paidOn',
        says,
      );
      await refused('order.markPaid', { orderId: o.id, paidOn }, 'paidOn', says);
    }
    await biz.core.invoke('order.recordPayment', {
      orderId: o.id,
      amount: 100,
      method: 'cash',
      paidOn: '2026-12-07',
    });
    const paid = await biz.core.invoke('order.markPaid', { orderId: o.id, paidOn: '2026-12-08' });
    expect(paid.paidOn).toBe('2026-12-08');
  });

  it('refuses refunds before the paid day or in the future; the P&L of 2000 stays empty', async () => {
    const o = await order('2026-12-01');
    await biz.core.invoke('order.markPaid', { orderId: o.id, paidOn: '2026-12-03' });
    const lineId = (await biz.core.invoke('order.get', { id: o.id })).lines[0]!.id;
    for (const [refundedOn, says] of [
      ['2000-01-01', 'must be on or after the paid day 2026-12-03'],
      ['2026-12-02', 'must be on or after the paid day 2026-12-03'],
      ['2099-01-01', 'must be on or before 2026-12-08'],
    ] as const) {
      await refused(
        'refund.full',
        { orderId: o.id, restock: true, refundedOn },
        'refundedOn',
        says,
      );
      await refused(
        'refund.create',
        { orderId: o.id, restock: false, refundedOn, lines: [{ lineId, quantity: 1 }] },
        'refundedOn',
        says,
      );
    }
    const pnl2000 = await biz.core.invoke('figures.pnl', { from: '2000-01-01', to: '2000-12-31' });
    expect(JSON.stringify(pnl2000)).not.toContain('-2890');
    const r = await biz.core.invoke('refund.full', {
      orderId: o.id,
      restock: true,
      refundedOn: '2026-12-03',
    });
    expect(r.amount).toBe(2890);
  });

  it('a campaign join paid before its join day is refused naming pay.paidOn', async () => {
    const campaign = await biz.core.invoke('campaign.create', {
      name: '年货团',
      startsOn: '2026-12-05',
      endsOn: '2026-12-10',
      products: [{ productId: product, groupPrice: 2000 }],
    });
    await refused(
      'campaign.join',
      {
        campaignId: campaign.id,
        customerId: await addCustomer(biz),
        joinedOn: '2026-12-06',
        lines: line(),
        pay: { method: 'wechat', paidOn: '2026-12-05' },
      },
      'pay.paidOn',
      'must be on or after the order day 2026-12-06',
    );
  });
});

describe('business days lie within 10 years before and 1 year after today', () => {
  const outside = /use a day from 2016-12-07 to 2027-12-07/;

  it('refuses order days far in the past or future, and takes the edges', async () => {
    for (const orderedOn of ['0000-01-01', '9999-12-31', '2016-12-06', '2027-12-08']) {
      const before = biz.snapshot();
      const r = await biz.core.call('order.create', { orderedOn, lines: line() });
      expectFailure(r, 'VALIDATION', 'orderedOn');
      expect(biz.snapshot()).toEqual(before);
    }
    await refused('order.create', { orderedOn: '2000-01-01', lines: line() }, 'orderedOn', outside);
    expect((await order('2016-12-07')).orderedOn).toBe('2016-12-07');
    expect((await order('2027-12-07')).orderedOn).toBe('2027-12-07');
    const draft = await biz.core.invoke('order.create', { status: 'draft', lines: line() });
    await refused('order.update', { id: draft.id, orderedOn: '2030-01-01' }, 'orderedOn', outside);
  });

  it('refuses every other kind of business day outside the window', async () => {
    const agent = await addAgent(biz);
    const group = await addGroup(biz);
    const customer = await addCustomer(biz);
    const far = '2000-01-01';
    const cases: [string, Record<string, unknown>, string][] = [
      ['expense.record', { category: 'ads', amount: 100, spentOn: far }, 'spentOn'],
      ['income.record', { kind: 'training', amount: 100, receivedOn: far }, 'receivedOn'],
      [
        'campaign.create',
        {
          name: '团',
          startsOn: far,
          endsOn: '2026-12-10',
          products: [{ productId: product, groupPrice: 1 }],
        },
        'startsOn',
      ],
      [
        'campaign.create',
        {
          name: '团',
          startsOn: '2026-12-07',
          endsOn: '2030-01-01',
          products: [{ productId: product, groupPrice: 1 }],
        },
        'endsOn',
      ],
      ['agent.create', { name: '甲', tier: 'general', joinedOn: far }, 'joinedOn'],
      ['agent.move', { id: agent, uplineId: null, movedOn: far }, 'movedOn'],
      ['group.addMembers', { groupId: group, customerIds: [customer], joinedOn: far }, 'joinedOn'],
      [
        'purchase.record',
        { receivedOn: far, lines: [{ productId: product, quantity: 1, unitCost: 1 }] },
        'receivedOn',
      ],
      [
        'stock.adjust',
        { productId: product, kind: 'loss', quantity: 1, occurredOn: far },
        'occurredOn',
      ],
      [
        'stock.stocktake',
        { countedOn: far, lines: [{ productId: product, counted: 1 }] },
        'countedOn',
      ],
      [
        'plan.create',
        { name: '方案', effectiveFrom: far, base: 'net', rates: [1000] },
        'effectiveFrom',
      ],
      ['settlement.generate', { agentId: agent, periodTo: '2030-01-01' }, 'periodTo'],
    ];
    for (const [method, input, path] of cases) await refused(method, input, path, outside);
  });

  it('the window follows the settings dates.years_back / dates.years_ahead', async () => {
    const w = await biz.core.invoke('workspace.update', { dateYearsBack: 30, dateYearsAhead: 2 });
    expect(w).toMatchObject({ dateYearsBack: 30, dateYearsAhead: 2 });
    expect((await order('2000-01-01')).orderedOn).toBe('2000-01-01');
    expect((await order('2028-12-07')).orderedOn).toBe('2028-12-07');
    await refused(
      'order.create',
      { orderedOn: '1996-12-06', lines: line() },
      'orderedOn',
      /use a day from 1996-12-07 to 2028-12-07/,
    );
    expect(
      (
        await biz.core.invoke('expense.record', {
          category: 'ads',
          amount: 1,
          spentOn: '1999-05-01',
        })
      ).spentOn,
    ).toBe('1999-05-01');
  });

  it('report ranges are not business days: a P&L of 1990 or 2090 is still answered', async () => {
    for (const [from, to] of [
      ['1990-01-01', '1990-12-31'],
      ['2090-01-01', '2090-12-31'],
    ]) {
      const r = await biz.core.call('figures.pnl', { from, to });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
  });
});

describe('order imports', () => {
  it('report an order day outside the window and a paid day before the order day by row and column', async () => {
    const file = writeCsv(biz.dir, 'old.csv', [
      ['order_no', 'ordered_at', 'paid_at', 'status', 'sku', 'quantity', 'unit_price'],
      ['H-1', '2020-05-01', '2020-05-02', 'paid', 'A', '1', '10'],
      ['H-2', '2000-01-01', '2000-01-01', 'paid', 'A', '1', '10'],
      ['H-3', '2026-12-01', '2026-11-30', 'paid', 'A', '1', '10'],
      ['H-4', '2026-12-01', '2099-01-01', 'paid', 'A', '1', '10'],
    ]);
    const before = biz.snapshot();
    const r = await biz.core.invoke('import.run', { kind: 'orders', file });
    expect(r.inserted).toBe(0);
    expect(r.errors).toEqual([
      { row: 3, column: 'ordered_at', reason: expect.stringMatching(outsideText) },
      { row: 4, column: 'paid_at', reason: expect.stringContaining('order day 2026-12-01') },
      { row: 5, column: 'paid_at', reason: expect.stringContaining('on or before 2026-12-08') },
    ]);
    expect(biz.snapshot()).toEqual(before);
  });
});

const outsideText = /use a day from 2016-12-07 to 2027-12-07/;
