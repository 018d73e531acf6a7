import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import {
  addCustomer,
  addGroup,
  addProduct,
  expectFailure,
  joinGroup,
  pnl,
  pnlMatchesRebuild,
  product,
} from '../support/order-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

async function setup(min = 2) {
  const group = await addGroup(biz, '小区团购群');
  const fruit = await addProduct(biz, {
    retailPrice: 3000,
    stock: { quantity: 50, unitCost: 1200 },
  });
  const milk = await addProduct(biz, { retailPrice: 800, stock: { quantity: 50, unitCost: 300 } });
  const other = await addProduct(biz, { retailPrice: 100 });
  const campaign = await biz.core.invoke('campaign.create', {
    name: '周末水果团',
    groupId: group,
    startsOn: '2026-03-14',
    endsOn: '2026-03-20',
    minParticipants: min,
    products: [
      { productId: fruit, groupPrice: 2500, perBuyerLimit: 3, stockCap: 5 },
      { productId: milk, groupPrice: 600 },
    ],
    note: '满2人成团',
  });
  return { group, fruit, milk, other, campaign };
}

describe('campaign.create, update, get, list', () => {
  it('creates an open campaign and shows its products, caps and participants', async () => {
    biz = await newBusiness();
    const { group, fruit, milk, campaign } = await setup();
    expect(campaign.status).toBe('open');
    expect(campaign.groupId).toBe(group);
    expect(campaign.participantCount).toBe(0);
    const byProduct = Object.fromEntries(campaign.products.map((p) => [p.productId, p]));
    expect(byProduct[fruit]).toMatchObject({
      groupPrice: 2500,
      perBuyerLimit: 3,
      stockCap: 5,
      soldQuantity: 0,
      remainingCap: 5,
    });
    expect(byProduct[milk]).toMatchObject({
      groupPrice: 600,
      perBuyerLimit: null,
      stockCap: null,
      remainingCap: null,
    });

    const updated = await biz.core.invoke('campaign.update', {
      id: campaign.id,
      name: '周末水果团 (加长)',
      endsOn: '2026-03-22',
      minParticipants: 3,
      note: null,
    });
    expect(updated.name).toBe('周末水果团 (加长)');
    expect(updated.endsOn).toBe('2026-03-22');
    expect(updated.minParticipants).toBe(3);
    expect(updated.note).toBeNull();
    expect(updated.products).toHaveLength(2);

    const list = await biz.core.invoke('campaign.list', {});
    expect(list.rows.map((r) => r.id)).toEqual([campaign.id]);
    expect((await biz.core.invoke('campaign.list', { status: 'failed' })).rows).toEqual([]);
    expectFailure(await biz.core.call('campaign.list', { status: 'gone' }), 'VALIDATION', 'status');
    expectFailure(await biz.core.call('campaign.get', { id: 'ghost' }), 'NOT_FOUND');
  });

  it('refuses bad campaigns, naming the field, and changes nothing', async () => {
    biz = await newBusiness();
    const p = await addProduct(biz);
    const good = {
      name: '团',
      startsOn: '2026-03-14',
      endsOn: '2026-03-20',
      minParticipants: 1,
      products: [{ productId: p, groupPrice: 100 }],
    };
    const before = biz.snapshot();
    const cases: [object, string, string][] = [
      [{ endsOn: '2026-03-13' }, 'VALIDATION', 'endsOn'],
      [{ name: ' ' }, 'VALIDATION', 'name'],
      [{ minParticipants: 0 }, 'VALIDATION', 'minParticipants'],
      [{ products: [] }, 'VALIDATION', 'products'],
      [
        {
          products: [
            { productId: p, groupPrice: 100 },
            { productId: p, groupPrice: 90 },
          ],
        },
        'VALIDATION',
        'products.1.productId',
      ],
      [
        { products: [{ productId: p, groupPrice: 100, stockCap: 0 }] },
        'VALIDATION',
        'products.0.stockCap',
      ],
      [{ products: [{ productId: p, groupPrice: -1 }] }, 'VALIDATION', 'products.0.groupPrice'],
      [{ products: [{ productId: 'ghost', groupPrice: 1 }] }, 'NOT_FOUND', 'products.0.productId'],
      [{ groupId: 'ghost' }, 'NOT_FOUND', 'groupId'],
    ];
    for (const [change, code, path] of cases) {
      expectFailure(await biz.core.call('campaign.create', { ...good, ...change }), code, path);
    }
    expect(biz.snapshot()).toEqual(before);
  });

  it('keeps sold products and caps honest on update, and refuses updates once decided', async () => {
    biz = await newBusiness();
    const { fruit, milk, campaign } = await setup(1);
    const c = await addCustomer(biz);
    await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: c,
      lines: [{ productId: fruit, quantity: 3 }],
    });
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('campaign.update', {
        id: campaign.id,
        products: [{ productId: milk, groupPrice: 500 }],
      }),
      'VALIDATION',
      'products',
    );
    expectFailure(
      await biz.core.call('campaign.update', {
        id: campaign.id,
        products: [{ productId: fruit, groupPrice: 2500, stockCap: 2 }],
      }),
      'VALIDATION',
      'products.0.stockCap',
    );
    expectFailure(
      await biz.core.call('campaign.update', { id: campaign.id, startsOn: '2026-03-21' }),
      'VALIDATION',
      'startsOn',
    );
    expectFailure(await biz.core.call('campaign.update', { id: 'ghost', name: 'x' }), 'NOT_FOUND');
    expect(biz.snapshot()).toEqual(before);

    const changed = await biz.core.invoke('campaign.update', {
      id: campaign.id,
      products: [{ productId: fruit, groupPrice: 2200, stockCap: 3 }],
    });
    expect(changed.products).toMatchObject([
      { productId: fruit, groupPrice: 2200, soldQuantity: 3, remainingCap: 0 },
    ]);
    // The order already taken keeps its price.
    expect(changed.orders[0]!.goodsTotal).toBe(7500);

    await biz.core.invoke('campaign.decide', { id: campaign.id });
    const decided = biz.snapshot();
    expectFailure(
      await biz.core.call('campaign.update', { id: campaign.id, name: 'x' }),
      'INVALID_STATE',
    );
    expect(biz.snapshot()).toEqual(decided);
  });
});

describe('campaign.join', () => {
  it('creates a confirmed campaign order at the group price in the campaign group, optionally paid', async () => {
    biz = await newBusiness();
    const { group, fruit, milk, campaign } = await setup();
    const ownGroup = await addGroup(biz, '自己的群');
    const c = await addCustomer(biz, { ownerAgentId: 'agent-1' });
    await joinGroup(biz, ownGroup, c, '2026-01-01');
    const o = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: c,
      joinedOn: '2026-03-16',
      lines: [
        { productId: fruit, quantity: 1 },
        { productId: milk, quantity: 2 },
        { productId: fruit, quantity: 1 },
      ],
      pay: { method: 'wechat', paidOn: '2026-03-16' },
    });
    expect(o.status).toBe('paid');
    expect(o.source).toBe('campaign');
    expect(o.campaignId).toBe(campaign.id);
    expect(o.groupId).toBe(group);
    expect(o.agentId).toBe('agent-1');
    expect(o.orderedOn).toBe('2026-03-16');
    expect(o.lines.map((l) => [l.unitPrice, l.quantity])).toEqual([
      [2500, 1],
      [600, 2],
      [2500, 1],
    ]);
    expect(o.totalDue).toBe(6200);
    expect(o.paidOn).toBe('2026-03-16');
    expect(product(biz, fruit).onHand).toBe(48);
    expect(pnl(biz, { campaignId: campaign.id }).revenue).toBe(6200);

    const unpaid = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: c,
      lines: [{ productId: milk, quantity: 1 }],
    });
    expect(unpaid.status).toBe('confirmed');
    expect(unpaid.orderedOn).toBe('2026-03-15');

    const backdated = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: await addCustomer(biz, { name: '李四' }),
      joinedOn: '2026-03-14',
      lines: [{ productId: milk, quantity: 1 }],
      pay: { method: 'cash' },
    });
    expect(backdated.paidOn).toBe('2026-03-14');

    const got = await biz.core.invoke('campaign.get', { id: campaign.id });
    expect(got.participantCount).toBe(2);
    expect(got.participants).toEqual([
      { customerId: c, customerName: '张三', orderCount: 2, quantity: 5 },
      { customerId: backdated.customerId, customerName: '李四', orderCount: 1, quantity: 1 },
    ]);
    expect(got.orders.map((x) => x.id).sort()).toEqual([o.id, unpaid.id, backdated.id].sort());
    expect(got.products.find((p) => p.productId === fruit)).toMatchObject({
      soldQuantity: 2,
      remainingCap: 3,
    });
  });

  it('enforces products, per-buyer limits and stock caps, naming the line, and changes nothing', async () => {
    biz = await newBusiness();
    const { fruit, milk, other, campaign } = await setup();
    const a = await addCustomer(biz, { name: 'A' });
    const b = await addCustomer(biz, { name: 'B' });
    await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: a,
      lines: [{ productId: fruit, quantity: 2 }],
    });
    const cancelled = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: b,
      lines: [{ productId: fruit, quantity: 1 }],
    });
    await biz.core.invoke('order.cancel', { id: cancelled.id });
    const before = biz.snapshot();
    const join = (customerId: string, lines: object[]) =>
      biz.core.call('campaign.join', { campaignId: campaign.id, customerId, lines });
    expectFailure(
      await join(a, [
        { productId: milk, quantity: 1 },
        { productId: other, quantity: 1 },
      ]),
      'VALIDATION',
      'lines.1.productId',
    );
    // A has 2 of the limit of 3.
    expectFailure(
      await join(a, [{ productId: fruit, quantity: 2 }]),
      'VALIDATION',
      'lines.0.quantity',
    );
    expectFailure(
      await join(a, [
        { productId: fruit, quantity: 1 },
        { productId: fruit, quantity: 1 },
      ]),
      'VALIDATION',
      'lines.1.quantity',
    );
    // Cap 5, 2 sold (the cancelled order does not count): B may take 3, not 4.
    expectFailure(
      await join(b, [
        { productId: fruit, quantity: 3 },
        { productId: fruit, quantity: 1 },
      ]),
      'VALIDATION',
      'lines.1.quantity',
    );
    expectFailure(
      await join(b, [{ productId: fruit, quantity: 0 }]),
      'VALIDATION',
      'lines.0.quantity',
    );
    expectFailure(
      await join('ghost', [{ productId: fruit, quantity: 1 }]),
      'NOT_FOUND',
      'customerId',
    );
    expectFailure(
      await biz.core.call('campaign.join', {
        campaignId: 'ghost',
        customerId: a,
        lines: [{ productId: fruit, quantity: 1 }],
      }),
      'NOT_FOUND',
    );
    expectFailure(
      await biz.core.call('campaign.join', {
        campaignId: campaign.id,
        customerId: a,
        joinedOn: '2026-03-21',
        lines: [{ productId: milk, quantity: 1 }],
      }),
      'INVALID_STATE',
    );
    expectFailure(
      await biz.core.call('campaign.join', {
        campaignId: campaign.id,
        customerId: a,
        joinedOn: '2026-03-13',
        lines: [{ productId: milk, quantity: 1 }],
      }),
      'INVALID_STATE',
    );
    expect(biz.snapshot()).toEqual(before);

    const ok = await join(b, [{ productId: fruit, quantity: 3 }]);
    expect(ok.ok).toBe(true);
    const c = await addCustomer(biz, { name: 'C' });
    expectFailure(
      await join(c, [{ productId: fruit, quantity: 1 }]),
      'VALIDATION',
      'lines.0.quantity',
    );
  });
});

describe('campaign.decide and close', () => {
  it('succeeds with enough participants; an explicit success below the minimum is refused', async () => {
    biz = await newBusiness();
    const { fruit, campaign } = await setup(2);
    const a = await addCustomer(biz, { name: 'A' });
    await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: a,
      lines: [{ productId: fruit, quantity: 1 }],
    });
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('campaign.decide', { id: campaign.id, outcome: 'succeeded' }),
      'INVALID_STATE',
    );
    expectFailure(
      await biz.core.call('campaign.decide', { id: campaign.id, outcome: 'maybe' }),
      'VALIDATION',
      'outcome',
    );
    expectFailure(await biz.core.call('campaign.close', { id: campaign.id }), 'INVALID_STATE');
    expectFailure(await biz.core.call('campaign.decide', { id: 'ghost' }), 'NOT_FOUND');
    expect(biz.snapshot()).toEqual(before);

    const b = await addCustomer(biz, { name: 'B' });
    await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: b,
      lines: [{ productId: fruit, quantity: 1 }],
    });
    const decided = await biz.core.invoke('campaign.decide', { id: campaign.id });
    expect(decided.outcome).toBe('succeeded');
    expect(decided.participants).toBe(2);
    expect(decided.cancelledOrderIds).toEqual([]);
    expect(decided.campaign.status).toBe('succeeded');
    expect(decided.campaign.decidedAt).not.toBeNull();
    // Orders stay as they were.
    expect(decided.campaign.orders.map((o) => o.status)).toEqual(['confirmed', 'confirmed']);

    const afterDecide = biz.snapshot();
    expectFailure(await biz.core.call('campaign.decide', { id: campaign.id }), 'INVALID_STATE');
    expectFailure(
      await biz.core.call('campaign.join', {
        campaignId: campaign.id,
        customerId: a,
        lines: [{ productId: fruit, quantity: 1 }],
      }),
      'INVALID_STATE',
    );
    expect(biz.snapshot()).toEqual(afterDecide);

    const closed = await biz.core.invoke('campaign.close', { id: campaign.id });
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    expectFailure(await biz.core.call('campaign.close', { id: campaign.id }), 'INVALID_STATE');
    expect((await biz.core.invoke('campaign.list', { status: 'closed' })).rows).toHaveLength(1);
  });

  it('a failed campaign cancels unpaid orders and fully refunds paid ones with restock', async () => {
    const clock = testClock();
    biz = await newBusiness({ clock });
    const { fruit, milk, campaign } = await setup(5);
    const stock = { fruit: product(biz, fruit).onHand, milk: product(biz, milk).onHand };
    const people = await Promise.all(
      ['A', 'B', 'C', 'D'].map((name) => addCustomer(biz, { name })),
    );
    const unpaid = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: people[0]!,
      lines: [{ productId: fruit, quantity: 2 }],
    });
    const paid = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: people[1]!,
      lines: [
        { productId: fruit, quantity: 1 },
        { productId: milk, quantity: 4 },
      ],
      shippingCharged: 500,
      pay: { method: 'alipay' },
    });
    const shipped = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: people[2]!,
      lines: [{ productId: milk, quantity: 1 }],
      pay: { method: 'cash' },
    });
    await biz.core.invoke('order.ship', { id: shipped.id });
    await biz.core.invoke('refund.create', {
      orderId: shipped.id,
      lines: [{ lineId: shipped.lines[0]!.id, quantity: 0, amount: 100 }],
      restock: false,
    });
    const partPaid = await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: people[3]!,
      lines: [{ productId: milk, quantity: 2 }],
    });
    await biz.core.invoke('order.recordPayment', {
      orderId: partPaid.id,
      amount: 500,
      method: 'wechat',
    });
    expect(pnl(biz, { campaignId: campaign.id }).revenue).toBe(2500 + 2400 + 500 + 600 - 100);

    clock.set('2026-03-21T10:00:00+08:00'); // decided (and refunded) on its day
    const decided = await biz.core.invoke('campaign.decide', {
      id: campaign.id,
      decidedOn: '2026-03-21',
    });
    expect(decided.outcome).toBe('failed');
    expect(decided.participants).toBe(4);
    expect(decided.cancelledOrderIds.sort()).toEqual([unpaid.id, partPaid.id].sort());
    expect(decided.refundedOrderIds.sort()).toEqual([paid.id, shipped.id].sort());

    const statuses = Object.fromEntries(decided.campaign.orders.map((o) => [o.id, o.status]));
    expect(statuses[unpaid.id]).toBe('cancelled');
    expect(statuses[partPaid.id]).toBe('cancelled');
    const paidAfter = await biz.core.invoke('order.get', { id: paid.id });
    expect(paidAfter.refundedTotal).toBe(paidAfter.totalDue);
    expect(paidAfter.refunds[0]!.refundedOn).toBe('2026-03-21');
    const shippedAfter = await biz.core.invoke('order.get', { id: shipped.id });
    expect(shippedAfter.refundedTotal).toBe(600);
    const partPaidAfter = await biz.core.invoke('order.get', { id: partPaid.id });
    expect(partPaidAfter.refundedTotal).toBe(500);

    // Every unit is back, and the campaign's revenue and COGS net to zero.
    expect(product(biz, fruit).onHand).toBe(stock.fruit);
    expect(product(biz, milk).onHand).toBe(stock.milk);
    const figures = pnl(biz, { campaignId: campaign.id });
    expect([figures.revenue, figures.cogs]).toEqual([0, 0]);
    expect(decided.campaign.participantCount).toBe(2);
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);

    expect((await biz.core.invoke('campaign.close', { id: campaign.id })).status).toBe('closed');
  });

  it('an explicit failure is allowed even with enough participants', async () => {
    biz = await newBusiness();
    const { milk, campaign } = await setup(1);
    const a = await addCustomer(biz);
    await biz.core.invoke('campaign.join', {
      campaignId: campaign.id,
      customerId: a,
      lines: [{ productId: milk, quantity: 1 }],
    });
    const decided = await biz.core.invoke('campaign.decide', {
      id: campaign.id,
      outcome: 'failed',
    });
    expect(decided.outcome).toBe('failed');
    expect(decided.cancelledOrderIds).toHaveLength(1);
  });
});

describe('campaign ROI (figures.campaigns)', () => {
  it('is (gross profit - costs) / costs from the campaign rows of the P&L', async () => {
    const biz = await newBusiness();
    try {
      const product = await biz.core.invoke('product.create', {
        sku: 'ROI',
        name: '荔枝',
        retailPrice: 3000,
      });
      await biz.core.invoke('purchase.record', {
        receivedOn: '2026-03-01',
        lines: [{ productId: product.id, quantity: 10, unitCost: 1000 }],
      });
      const buyer = await biz.core.invoke('customer.create', { name: '赵六' });
      const campaign = await biz.core.invoke('campaign.create', {
        name: '荔枝接龙',
        startsOn: '2026-03-10',
        endsOn: '2026-03-20',
        minParticipants: 1,
        products: [{ productId: product.id, groupPrice: 2500 }],
      });
      await biz.core.invoke('campaign.join', {
        campaignId: campaign.id,
        customerId: buyer.id,
        joinedOn: '2026-03-12',
        lines: [{ productId: product.id, quantity: 4 }],
        pay: { method: 'wechat', paidOn: '2026-03-12' },
      });
      await biz.core.invoke('expense.record', {
        category: 'ads',
        amount: 1500,
        spentOn: '2026-03-11',
        campaignId: campaign.id,
      });
      const r = await biz.core.invoke('figures.campaigns', {
        from: '2026-03-01',
        to: '2026-03-31',
      });
      // Revenue 4 x 25.00 = 100.00, COGS 40.00, gross 60.00, costs 15.00: ROI = 45 / 15 = 300%.
      expect(r.rows).toEqual([
        expect.objectContaining({
          key: campaign.id,
          label: '荔枝接龙',
          revenue: 10000,
          cogs: 4000,
          grossProfit: 6000,
          costs: 1500,
          roiBp: 30000,
          orders: 1,
        }),
      ]);
    } finally {
      await biz.close();
    }
  });
});
