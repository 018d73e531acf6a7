// Every id an input gives that names another record must exist in this business: a call naming
// a missing one is refused (NOT_FOUND or VALIDATION naming the field) and changes nothing.
// Issue 14: order.create with agentId "no-such" was stored, and paying it wrote no commission;
// customer.create with ownerAgentId "no-such-agent" likewise, and its later orders inherited it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import { addCustomer, addGroup, addProduct, expectFailure } from '../support/order-fixtures';
import { addAgent } from '../support/agent-fixtures';
import { insertCampaign } from '../support/catalog-fixtures';

const MISSING = 'no-such';

let biz: TestBusiness;
let product: string;
let customer: string;
let group: string;
let campaign: string;
let agent: string;

beforeEach(async () => {
  biz = await newBusiness();
  product = await addProduct(biz, { stock: { quantity: 50, unitCost: 400 } });
  customer = await addCustomer(biz);
  group = await addGroup(biz);
  campaign = await insertCampaign(biz);
  agent = await addAgent(biz);
});
afterEach(() => biz.close());

type Case = [string, string, () => Record<string, unknown>, string];

/** [method, what is missing, input, the field the refusal must name] */
const cases: Case[] = [
  ['order.create', 'agent', () => ({ agentId: MISSING, lines: line() }), 'agentId'],
  [
    'order.create',
    'agent (with a customer)',
    () => ({ customerId: customer, agentId: MISSING, lines: line() }),
    'agentId',
  ],
  ['order.create', 'customer', () => ({ customerId: MISSING, lines: line() }), 'customerId'],
  ['order.create', 'group', () => ({ groupId: MISSING, lines: line() }), 'groupId'],
  [
    'order.create',
    'product',
    () => ({ lines: [{ productId: MISSING, quantity: 1 }] }),
    'lines.0.productId',
  ],
  [
    'customer.create',
    'owner agent',
    () => ({ name: '李四', ownerAgentId: MISSING }),
    'ownerAgentId',
  ],
  [
    'customer.update',
    'owner agent',
    () => ({ id: customer, ownerAgentId: MISSING }),
    'ownerAgentId',
  ],
  [
    'group.create',
    'owner agent',
    () => ({ platform: 'wechat', name: '新群', ownerAgentId: MISSING }),
    'ownerAgentId',
  ],
  ['group.update', 'owner agent', () => ({ id: group, ownerAgentId: MISSING }), 'ownerAgentId'],
  [
    'group.addMembers',
    'customer',
    () => ({ groupId: group, customerIds: [MISSING] }),
    'customerIds.0',
  ],
  ['group.addMembers', 'group', () => ({ groupId: MISSING, customerIds: [customer] }), 'groupId'],
  [
    'customer.addAddress',
    'customer',
    () => ({ customerId: MISSING, recipient: '李四', detail: '某路1号' }),
    'customerId',
  ],
  [
    'income.record',
    'agent',
    () => ({ kind: 'franchise', amount: 10000, agentId: MISSING }),
    'agentId',
  ],
  [
    'income.record',
    'customer',
    () => ({ kind: 'franchise', amount: 10000, customerId: MISSING }),
    'customerId',
  ],
  [
    'expense.record',
    'campaign',
    () => ({ category: 'ads', amount: 500, campaignId: MISSING }),
    'campaignId',
  ],
  [
    'product.create',
    'supplier',
    () => ({ sku: 'NEW-1', name: '新品', retailPrice: 100, supplierId: MISSING }),
    'supplierId',
  ],
  ['product.update', 'supplier', () => ({ id: product, supplierId: MISSING }), 'supplierId'],
  [
    'purchase.record',
    'supplier',
    () => ({ supplierId: MISSING, lines: [{ productId: product, quantity: 1, unitCost: 100 }] }),
    'supplierId',
  ],
  [
    'purchase.record',
    'product',
    () => ({ lines: [{ productId: MISSING, quantity: 1, unitCost: 100 }] }),
    'lines.0.productId',
  ],
  [
    'stock.adjust',
    'product',
    () => ({ productId: MISSING, kind: 'loss', quantity: 1 }),
    'productId',
  ],
  [
    'stock.stocktake',
    'product',
    () => ({ lines: [{ productId: MISSING, counted: 1 }] }),
    'lines.0.productId',
  ],
  [
    'campaign.create',
    'group',
    () => ({
      name: '团',
      groupId: MISSING,
      startsOn: '2026-03-15',
      endsOn: '2026-03-20',
      products: [{ productId: product, groupPrice: 800 }],
    }),
    'groupId',
  ],
  [
    'campaign.create',
    'product',
    () => ({
      name: '团',
      startsOn: '2026-03-15',
      endsOn: '2026-03-20',
      products: [{ productId: MISSING, groupPrice: 800 }],
    }),
    'products.0.productId',
  ],
  [
    'campaign.join',
    'customer',
    () => ({
      campaignId: campaign,
      customerId: MISSING,
      lines: [{ productId: product, quantity: 1 }],
    }),
    'customerId',
  ],
  [
    'campaign.join',
    'campaign',
    () => ({
      campaignId: MISSING,
      customerId: customer,
      lines: [{ productId: product, quantity: 1 }],
    }),
    'campaignId',
  ],
  [
    'agent.create',
    'upline',
    () => ({ name: '王五', tier: 'level1', uplineId: MISSING }),
    'uplineId',
  ],
  [
    'agent.create',
    'customer',
    () => ({ name: '王五', tier: 'level1', customerId: MISSING }),
    'customerId',
  ],
  ['agent.move', 'upline', () => ({ id: agent, uplineId: MISSING }), 'uplineId'],
  [
    'plan.create',
    'product of an override',
    () => ({
      name: '方案',
      effectiveFrom: '2026-03-01',
      base: 'net',
      rates: [1000],
      overrides: [{ scope: 'product', key: MISSING, level: 0, rateBp: 500 }],
    }),
    'overrides.0.key',
  ],
  ['settlement.generate', 'agent', () => ({ agentId: MISSING, periodTo: '2026-03-14' }), 'agentId'],
  ['sync.invite', 'agent', () => ({ agentId: MISSING }), 'agentId'],
];

const line = () => [{ productId: product, quantity: 1 }];

describe('a call naming a record that does not exist is refused and changes nothing', () => {
  it.each(cases)('%s with a missing %s', async (method, _what, input, path) => {
    const before = biz.snapshot();
    const r = await biz.core.call(method, input());
    expect(r.ok, JSON.stringify(r)).toBe(false);
    if (r.ok) return;
    expect(['NOT_FOUND', 'VALIDATION'], JSON.stringify(r.error)).toContain(r.error.code);
    expect(
      r.error.details?.issues?.map((i) => i.path),
      JSON.stringify(r.error),
    ).toContain(path);
    expect(biz.snapshot()).toEqual(before);
  });
});

describe('agent references', () => {
  it('order.update refuses a missing agent on a draft', async () => {
    const o = await biz.core.invoke('order.create', { status: 'draft', lines: line() });
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('order.update', { id: o.id, agentId: MISSING }),
      'NOT_FOUND',
      'agentId',
    );
    expect(biz.snapshot()).toEqual(before);
  });

  it('a deleted agent is not credited with new orders or given customers', async () => {
    await biz.core.invoke('agent.delete', { id: agent });
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('order.create', { agentId: agent, lines: line() }),
      'INVALID_STATE',
      'agentId',
    );
    expectFailure(
      await biz.core.call('customer.create', { name: '李四', ownerAgentId: agent }),
      'INVALID_STATE',
      'ownerAgentId',
    );
    expect(biz.snapshot()).toEqual(before);
  });

  it('an existing agent is still credited, and its customers orders inherit it', async () => {
    const c = await biz.core.invoke('customer.create', { name: '李四', ownerAgentId: agent });
    const o = await biz.core.invoke('order.create', { customerId: c.id, lines: line() });
    expect(o.agentId).toBe(agent);
    const i = await biz.core.invoke('income.record', {
      kind: 'franchise',
      amount: 10000,
      agentId: agent,
    });
    expect(i.agentId).toBe(agent);
  });
});
