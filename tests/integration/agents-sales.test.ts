// An agent runs its own sales: it records and keeps the customers of its team (itself and its
// downline), sells to them credited to itself or its downline, takes payments and cancels, and
// reads only its team's customers, orders and groups. Scope comes from the caller (ctx.actor),
// never from the input; a refusal is FORBIDDEN naming the field and changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import { createCore, type Core } from '../../core/api/dispatcher';
import { applyRate } from '../../core/money';

let biz: TestBusiness;
let asB: Core;
const ids: Record<string, string> = {};

beforeEach(async () => {
  biz = await newBusiness();
  const core = biz.core;
  await core.invoke('plan.create', {
    name: '标准',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates: [1000, 300, 100],
  });
  ids.a = (await core.invoke('agent.create', { name: 'A', tier: 'general' })).id;
  ids.b = (await core.invoke('agent.create', { name: 'B', tier: 'level1', uplineId: ids.a })).id;
  ids.c = (await core.invoke('agent.create', { name: 'C', tier: 'level2', uplineId: ids.b })).id;
  ids.x = (await core.invoke('agent.create', { name: 'X', tier: 'general' })).id;
  ids.p = (await core.invoke('product.create', { sku: 'P1', name: '脐橙', retailPrice: 1000 })).id;
  await core.invoke('purchase.record', {
    lines: [{ productId: ids.p, quantity: 50, unitCost: 400 }],
  });
  for (const [key, owner] of [
    ['custA', ids.a],
    ['custB', ids.b],
    ['custC', ids.c],
    ['custX', ids.x],
    ['custOwn', null],
  ] as const)
    ids[key] = (await core.invoke('customer.create', { name: key, ownerAgentId: owner })).id;
  ids.groupB = (
    await core.invoke('group.create', { platform: 'wechat', name: 'B群', ownerAgentId: ids.b })
  ).id;
  ids.groupX = (
    await core.invoke('group.create', { platform: 'wechat', name: 'X群', ownerAgentId: ids.x })
  ).id;
  await core.invoke('group.addMembers', {
    groupId: ids.groupB,
    customerIds: [ids.custB!, ids.custX!],
  });
  for (const [key, cust, agent] of [
    ['orderC', ids.custC, ids.c],
    ['orderX', ids.custX, ids.x],
    ['orderOwn', ids.custOwn, null],
  ] as const) {
    ids[key] = (
      await core.invoke('order.create', {
        customerId: cust,
        agentId: agent,
        lines: [{ productId: ids.p, quantity: 1 }],
      })
    ).id;
  }
  asB = createCore({
    store: biz.store,
    clock: { now: () => new Date('2026-03-15T10:00:00+08:00') },
    actor: { role: 'agent', agentId: ids.b },
  });
});

afterEach(async () => biz?.close());

/** A refusal: FORBIDDEN (or the given code), naming `path`, leaving the store as it was. */
async function refused(
  core: Core,
  method: string,
  input: unknown,
  path: string,
  code = 'FORBIDDEN',
) {
  const before = biz.snapshot();
  const r = await core.call(method, input);
  expect(r.ok, `${method} ${JSON.stringify(input)} should have been refused`).toBe(false);
  if (r.ok) return;
  expect(r.error.code, r.error.message).toBe(code);
  expect(
    r.error.details?.issues?.map((i) => i.path),
    r.error.message,
  ).toContain(path);
  expect(r.error.message).toContain(path);
  expect(biz.snapshot()).toEqual(before);
}

describe('an agent records customers of its own team', () => {
  it('a new customer is its own unless it names someone of its downline', async () => {
    const mine = await asB.invoke('customer.create', {
      name: '新客',
      phone: '13800000009',
      addresses: [{ recipient: '新客', detail: '某路1号' }],
      tags: ['vip'],
    });
    expect(mine.ownerAgentId).toBe(ids.b);
    expect(mine.addresses).toHaveLength(1);
    // null collapses to "not given": still its own (a customer of nobody would leave its device).
    expect(
      (await asB.invoke('customer.create', { name: '空', ownerAgentId: null })).ownerAgentId,
    ).toBe(ids.b);
    const forC = await asB.invoke('customer.create', { name: '下线的客', ownerAgentId: ids.c });
    expect(forC.ownerAgentId).toBe(ids.c);
    await refused(
      asB,
      'customer.create',
      { name: '上线的客', ownerAgentId: ids.a },
      'ownerAgentId',
    );
    await refused(
      asB,
      'customer.create',
      { name: '别人的客', ownerAgentId: ids.x },
      'ownerAgentId',
    );
    // A taken external ref is refused without naming the other agent's customer.
    await biz.core.invoke('customer.update', { id: ids.custX!, externalRef: 'EXT-1' });
    for (const [m, input] of [
      ['customer.create', { name: '重号', externalRef: 'EXT-1' }],
      ['customer.update', { id: mine.id, externalRef: 'EXT-1' }],
    ] as const) {
      const r = await asB.call(m, input);
      expect(!r.ok && r.error.code, m).toBe('CONFLICT');
      expect(JSON.stringify(r)).not.toContain(ids.custX);
      expect(JSON.stringify(r)).not.toContain('custX');
    }
    const r = await biz.core.call('customer.create', { name: '重号', externalRef: 'EXT-1' });
    expect(!r.ok && r.error.message).toContain('custX');
  });

  it('updates, tags and addresses only its team’s customers, and cannot hand them out of it', async () => {
    const updated = await asB.invoke('customer.update', { id: ids.custC!, notes: '常客' });
    expect(updated.notes).toBe('常客');
    expect(
      (await asB.invoke('customer.update', { id: ids.custC!, ownerAgentId: ids.b })).ownerAgentId,
    ).toBe(ids.b);
    await asB.invoke('customer.setTags', { id: ids.custB!, tags: ['老客'] });
    await asB.invoke('customer.setConsent', { id: ids.custB!, consent: true });
    const address = await asB.invoke('customer.addAddress', {
      customerId: ids.custB!,
      recipient: '乙',
      detail: '某路2号',
    });
    await asB.invoke('customer.updateAddress', { id: address.id, region: '广东' });

    for (const id of [ids.custA, ids.custX, ids.custOwn])
      await refused(asB, 'customer.update', { id, notes: '改' }, 'id');
    await refused(asB, 'customer.update', { id: ids.custB, ownerAgentId: ids.x }, 'ownerAgentId');
    await refused(asB, 'customer.update', { id: ids.custB, ownerAgentId: null }, 'ownerAgentId');
    await refused(asB, 'customer.setTags', { id: ids.custX, tags: ['x'] }, 'id');
    await refused(asB, 'customer.setConsent', { id: ids.custX, consent: true }, 'id');
    await refused(
      asB,
      'customer.addAddress',
      { customerId: ids.custX, recipient: 'x', detail: 'x' },
      'customerId',
    );
    const xAddress = await biz.core.invoke('customer.addAddress', {
      customerId: ids.custX!,
      recipient: 'x',
      detail: 'x路',
    });
    await refused(asB, 'customer.updateAddress', { id: xAddress.id, detail: '改' }, 'id');
    await refused(asB, 'customer.removeAddress', { id: xAddress.id }, 'id');
    // Deleting, erasing and exporting personal data stay with the owner.
    for (const m of ['customer.delete', 'customer.erase', 'customer.exportPersonalData']) {
      const r = await asB.call(m, { id: ids.custB });
      expect(!r.ok && r.error.code, m).toBe('FORBIDDEN');
    }
  });

  it('reads, lists and searches only its team’s customers', async () => {
    expect((await asB.invoke('customer.get', { id: ids.custC! })).name).toBe('custC');
    await refused(asB, 'customer.get', { id: ids.custX }, 'id');
    await refused(asB, 'customer.get', { id: ids.custA }, 'id');
    const list = await asB.invoke('customer.list', {});
    expect(list.rows.map((c) => c.name).sort()).toEqual(['custB', 'custC']);
    expect(list.total).toBe(2);
    expect(
      (await asB.invoke('customer.list', { ownerAgentId: ids.c })).rows.map((c) => c.name),
    ).toEqual(['custC']);
    await refused(asB, 'customer.list', { ownerAgentId: ids.x }, 'ownerAgentId');
    const hits = await asB.invoke('customer.search', { query: 'cust' });
    expect(hits.map((h) => h.name).sort()).toEqual(['custB', 'custC']);
    // The profile shows the agent's part: its team's groups and the sales credited to its team.
    await biz.core.invoke('group.addMembers', { groupId: ids.groupX!, customerIds: [ids.custB!] });
    for (const agentId of [ids.b!, ids.x!]) {
      const o = await biz.core.invoke('order.create', {
        customerId: ids.custB!,
        agentId,
        lines: [{ productId: ids.p!, quantity: 1 }],
      });
      await biz.core.invoke('order.markPaid', { orderId: o.id });
    }
    const seenByB = await asB.invoke('customer.get', { id: ids.custB! });
    expect(seenByB.groups.map((g) => g.name)).toEqual(['B群']);
    expect(seenByB.orders).toMatchObject({ paidCount: 1, netSpent: 1000 });
    const seenByOwner = await biz.core.invoke('customer.get', { id: ids.custB! });
    expect(seenByOwner.groups.map((g) => g.name).sort()).toEqual(['B群', 'X群']);
    expect(seenByOwner.orders).toMatchObject({ paidCount: 2, netSpent: 2000 });
    // The owner still sees everyone.
    expect((await biz.core.invoke('customer.list', {})).total).toBeGreaterThanOrEqual(5);
  });
});

describe('an agent sells to its team’s customers, credited to its team', () => {
  it('an order defaults to the agent itself; commissions go to it and its uplines', async () => {
    const order = await asB.invoke('order.create', {
      customerId: ids.custC!,
      lines: [{ productId: ids.p!, quantity: 3 }],
    });
    expect(order.agentId).toBe(ids.b);
    expect(order.status).toBe('confirmed');
    const half = await asB.invoke('order.recordPayment', {
      orderId: order.id,
      amount: 1000,
      method: 'wechat',
    });
    expect(half.status).toBe('confirmed');
    const paid = await asB.invoke('order.markPaid', { orderId: order.id, method: 'cash' });
    expect(paid.status).toBe('paid');
    const entries = biz.store.sqlite
      .prepare(
        "SELECT agent_id, level, base_amount, rate_bp, amount FROM commission_entries WHERE order_id = ? AND kind = 'accrual' ORDER BY level",
      )
      .all(order.id) as {
      agent_id: string;
      level: number;
      base_amount: number;
      rate_bp: number;
      amount: number;
    }[];
    expect(entries.map((e) => [e.agent_id, e.level, e.rate_bp])).toEqual([
      [ids.b, 0, 1000],
      [ids.a, 1, 300],
    ]);
    for (const e of entries) {
      expect(e.base_amount).toBe(3000);
      expect(e.amount).toBe(applyRate(3000, e.rate_bp));
    }
  });

  it('credits someone of its downline, sells to nobody in particular, uses its own groups', async () => {
    const forC = await asB.invoke('order.create', {
      customerId: ids.custB!,
      agentId: ids.c!,
      groupId: ids.groupB!,
      lines: [{ productId: ids.p!, quantity: 1 }],
    });
    expect(forC).toMatchObject({ agentId: ids.c, groupId: ids.groupB });
    const walkIn = await asB.invoke('order.create', {
      lines: [{ productId: ids.p!, quantity: 1 }],
    });
    expect(walkIn.agentId).toBe(ids.b);
    const cancelled = await asB.invoke('order.cancel', { id: walkIn.id, reason: '不要了' });
    expect(cancelled.status).toBe('cancelled');
    const draft = await asB.invoke('order.create', {
      customerId: ids.custB!,
      status: 'draft',
      lines: [{ productId: ids.p!, quantity: 1 }],
    });
    // A new customer on the draft keeps the credited agent (not the customer's owner).
    const edited = await asB.invoke('order.update', {
      id: draft.id,
      customerId: ids.custC!,
      lines: [{ productId: ids.p!, quantity: 2 }],
    });
    expect(edited.agentId).toBe(ids.b);
    expect((await asB.invoke('order.confirm', { id: draft.id })).status).toBe('confirmed');
  });

  it('refuses customers, agents and groups outside its team, naming the field', async () => {
    const line = [{ productId: ids.p, quantity: 1 }];
    await refused(asB, 'order.create', { customerId: ids.custX, lines: line }, 'customerId');
    await refused(asB, 'order.create', { customerId: ids.custOwn, lines: line }, 'customerId');
    await refused(asB, 'order.create', { customerId: ids.custA, lines: line }, 'customerId');
    await refused(
      asB,
      'order.create',
      { customerId: ids.custB, agentId: ids.x, lines: line },
      'agentId',
    );
    await refused(
      asB,
      'order.create',
      { customerId: ids.custB, agentId: ids.a, lines: line },
      'agentId',
    );
    await refused(
      asB,
      'order.create',
      { customerId: ids.custB, agentId: null, lines: line },
      'agentId',
    );
    await refused(
      asB,
      'order.create',
      { customerId: ids.custB, groupId: ids.groupX, lines: line },
      'groupId',
    );
    const draft = await asB.invoke('order.create', {
      customerId: ids.custB!,
      status: 'draft',
      lines: [{ productId: ids.p!, quantity: 1 }],
    });
    await refused(asB, 'order.update', { id: draft.id, agentId: ids.x }, 'agentId');
    await refused(asB, 'order.update', { id: draft.id, customerId: ids.custX }, 'customerId');
  });

  it('acts on and reads only the orders of its team', async () => {
    expect((await asB.invoke('order.get', { id: ids.orderC! })).agentId).toBe(ids.c);
    expect((await asB.invoke('order.markPaid', { orderId: ids.orderC! })).status).toBe('paid');
    for (const id of [ids.orderX, ids.orderOwn]) {
      await refused(asB, 'order.get', { id }, 'id');
      await refused(asB, 'order.markPaid', { orderId: id }, 'orderId');
      await refused(
        asB,
        'order.recordPayment',
        { orderId: id, amount: 100, method: 'cash' },
        'orderId',
      );
      await refused(asB, 'order.cancel', { id }, 'id');
      await refused(asB, 'refund.list', { orderId: id }, 'orderId');
    }
    const list = await asB.invoke('order.list', {});
    expect(list.rows.map((o) => o.id)).toEqual([ids.orderC]);
    expect(list.total).toBe(1);
    // Refunds, fees, shipping and the catalog's changes stay with the owner.
    for (const [m, input] of [
      ['refund.full', { orderId: ids.orderC, restock: false }],
      ['order.addFee', { orderId: ids.orderC, kind: 'other', amount: 100 }],
      ['order.ship', { id: ids.orderC }],
      ['product.update', { id: ids.p, retailPrice: 1 }],
      ['plan.create', { name: 'x', effectiveFrom: '2026-01-01', base: 'net', rates: [10000] }],
    ] as const) {
      const r = await asB.call(m, input);
      expect(!r.ok && r.error.code, m).toBe('FORBIDDEN');
    }
  });

  it('reads the catalog and its team’s groups', async () => {
    expect((await asB.invoke('product.get', { id: ids.p! })).sku).toBe('P1');
    expect((await asB.invoke('product.list', {})).rows.map((p) => p.sku)).toEqual(['P1']);
    await asB.invoke('product.categories', {});
    const groups = await asB.invoke('group.list', {});
    expect(groups.rows.map((g) => g.name)).toEqual(['B群']);
    const group = await asB.invoke('group.get', { id: ids.groupB! });
    // Its members as the agent sees them: the customers of its team only.
    expect(group.members.map((m) => m.id)).toEqual([ids.custB]);
    await refused(asB, 'group.get', { id: ids.groupX }, 'id');
    const r = await asB.call('group.create', { platform: 'wechat', name: '新群' });
    expect(!r.ok && r.error.code).toBe('FORBIDDEN');
  });

  it('a caller marked agent without an agent id may do nothing', async () => {
    const nobody = createCore({ store: biz.store, actor: { role: 'agent' } });
    for (const [m, input] of [
      ['customer.create', { name: 'x' }],
      ['customer.list', {}],
      ['order.list', {}],
      ['order.create', { lines: [{ productId: ids.p, quantity: 1 }] }],
    ] as const) {
      const r = await nobody.call(m, input);
      expect(!r.ok && r.error.code, m).toBe('FORBIDDEN');
    }
  });
});
