import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import type { MethodInput } from '../../core/api/define';
import type { Methods } from '../../core/api/contract';
import { expectRefused, insertOrder } from '../support/customers-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const create = (input: MethodInput<Methods['customer.create']>) =>
  biz.core.invoke('customer.create', input);

describe('customer.create', () => {
  it('creates a customer with tags, addresses and consent, normalising the phone', async () => {
    biz = await newBusiness();
    const c = await biz.core.invoke('customer.create', {
      name: '  张三丰 ',
      phone: '+86 138-1234 5678',
      wechatId: '  zsf_wx ',
      source: '朋友介绍',
      notes: '喜欢红茶',
      marketingConsent: true,
      externalRef: 'crm-1',
      tags: ['VIP', '老客户', 'VIP'],
      addresses: [
        { recipient: '张三丰', detail: '文三路100号', region: '浙江省杭州市西湖区' },
        { recipient: '张三丰', detail: '公司', label: '公司' },
      ],
    });
    expect(c).toMatchObject({
      name: '张三丰',
      phone: '13812345678',
      wechatId: 'zsf_wx',
      source: '朋友介绍',
      notes: '喜欢红茶',
      marketingConsent: true,
      consentAt: '2026-03-15T02:00:00.000Z',
      externalRef: 'crm-1',
      tags: ['VIP', '老客户'],
      deletedAt: null,
      erasedAt: null,
    });
    expect(c.addresses.map((a) => a.isDefault)).toEqual([true, false]);
    const row = await biz.store.db
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.name_pinyin).toBe('zhangsanfeng');
    expect(row.name_initials).toBe('zsf');
  });

  it('keeps a foreign phone number with its + and leaves optional fields empty', async () => {
    biz = await newBusiness();
    const c = await biz.core.invoke('customer.create', { name: 'Anna', phone: '+44 20 7946 0958' });
    expect(c).toMatchObject({
      phone: '+442079460958',
      wechatId: null,
      marketingConsent: false,
      consentAt: null,
      tags: [],
    });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: '李四', phone: '12ab' }, 'phone'],
    [{ name: '李四', phone: '1234' }, 'phone'],
    [{ name: '李四', phone: '1'.repeat(21) }, 'phone'],
    [{ name: '李四', tags: ['ok', ''] }, 'tags.1'],
    [{ name: '李四', addresses: [{ recipient: '李四', detail: '' }] }, 'addresses.0.detail'],
    [
      { name: '李四', addresses: [{ recipient: '李四', detail: 'x', phone: 'abc' }] },
      'addresses.0.phone',
    ],
    [{ name: 'x'.repeat(101) }, 'name'],
  ])('refuses bad input %j naming %s', async (input, path) => {
    biz = await newBusiness();
    await expectRefused(biz, 'customer.create', input, 'VALIDATION', path);
  });

  it('refuses a taken external ref with CONFLICT naming it', async () => {
    biz = await newBusiness();
    await create({ name: '甲', externalRef: 'X1' });
    const err = await expectRefused(
      biz,
      'customer.create',
      { name: '乙', externalRef: 'X1' },
      'CONFLICT',
      'externalRef',
    );
    expect(err.message).toContain('X1');
  });
});

describe('customer.update', () => {
  it('changes only the given fields, clears with null, and keeps search in step', async () => {
    biz = await newBusiness();
    const c = await biz.core.invoke('customer.create', {
      name: '王小明',
      phone: '13900001111',
      notes: '备注',
    });
    const u = await biz.core.invoke('customer.update', { id: c.id, name: '李小红', notes: null });
    expect(u).toMatchObject({ name: '李小红', phone: '13900001111', notes: null });
    expect(await biz.core.invoke('customer.search', { query: 'wxm' })).toEqual([]);
    expect((await biz.core.invoke('customer.search', { query: 'lxh' })).map((h) => h.id)).toEqual([
      c.id,
    ]);
    const byPhone = await biz.core.invoke('customer.update', { id: c.id, phone: '13700002222' });
    expect(byPhone.phone).toBe('13700002222');
    expect(await biz.core.invoke('customer.search', { query: '1111' })).toEqual([]);
    expect((await biz.core.invoke('customer.search', { query: '2222' })).map((h) => h.id)).toEqual([
      c.id,
    ]);
  });

  it('refuses unknown ids, bad fields, taken refs, and deleted customers, changing nothing', async () => {
    biz = await newBusiness();
    const a = await create({ name: '甲', externalRef: 'R1' });
    const b = await create({ name: '乙' });
    await expectRefused(biz, 'customer.update', { id: 'nope', name: 'x' }, 'NOT_FOUND');
    await expectRefused(biz, 'customer.update', { id: b.id, phone: '--' }, 'VALIDATION', 'phone');
    await expectRefused(biz, 'customer.update', { id: b.id, name: '' }, 'VALIDATION', 'name');
    await expectRefused(
      biz,
      'customer.update',
      { id: b.id, externalRef: 'R1' },
      'CONFLICT',
      'externalRef',
    );
    // Its own ref is not a conflict.
    await biz.core.invoke('customer.update', { id: a.id, externalRef: 'R1' });
    await biz.core.invoke('customer.delete', { id: b.id });
    const err = await expectRefused(
      biz,
      'customer.update',
      { id: b.id, name: '丙' },
      'INVALID_STATE',
    );
    expect(err.message).toContain('deleted');
  });
});

describe('customer.delete', () => {
  it('hides the customer from lists and search but get still shows them', async () => {
    biz = await newBusiness();
    const c = await create({ name: '赵六', phone: '13655556666' });
    await create({ name: '赵七' });
    const d = await biz.core.invoke('customer.delete', { id: c.id });
    expect(d.deletedAt).toBe('2026-03-15T02:00:00.000Z');
    expect((await biz.core.invoke('customer.search', { query: '赵' })).map((h) => h.name)).toEqual([
      '赵七',
    ]);
    expect((await biz.core.invoke('customer.search', { query: '6666' })).length).toBe(0);
    const list = await biz.core.invoke('customer.list', {});
    expect(list.total).toBe(1);
    expect((await biz.core.invoke('customer.get', { id: c.id })).deletedAt).not.toBeNull();
    await expectRefused(biz, 'customer.delete', { id: c.id }, 'INVALID_STATE');
    await expectRefused(biz, 'customer.delete', { id: 'missing' }, 'NOT_FOUND');
    await expectRefused(biz, 'customer.delete', {}, 'VALIDATION', 'id');
  });
});

describe('customer.get', () => {
  it('shows tags, addresses (default first), current groups and the order summary', async () => {
    biz = await newBusiness();
    const c = await create({ name: '钱七', tags: ['b', 'a'] });
    await biz.core.invoke('customer.addAddress', {
      customerId: c.id,
      recipient: '钱七',
      detail: '一号',
    });
    const second = await biz.core.invoke('customer.addAddress', {
      customerId: c.id,
      recipient: '钱七',
      detail: '二号',
      isDefault: true,
    });
    const g1 = await biz.core.invoke('group.create', { platform: 'wechat', name: '宝妈群' });
    const g2 = await biz.core.invoke('group.create', { platform: 'qq', name: '老乡群' });
    await biz.core.invoke('group.addMembers', {
      groupId: g1.id,
      customerIds: [c.id],
      joinedOn: '2026-01-01',
    });
    await biz.core.invoke('group.addMembers', {
      groupId: g2.id,
      customerIds: [c.id],
      joinedOn: '2026-01-02',
    });
    await biz.core.invoke('group.removeMember', {
      groupId: g2.id,
      customerId: c.id,
      leftOn: '2026-02-01',
    });

    const empty = await biz.core.invoke('customer.get', { id: c.id });
    expect(empty.orders).toEqual({ paidCount: 0, netSpent: 0, lastPaidOn: null });

    await insertOrder(biz, { customerId: c.id, paidOn: '2026-03-01', totalDue: 10_000 });
    await insertOrder(biz, {
      customerId: c.id,
      paidOn: '2026-03-05',
      totalDue: 5_000,
      refundedTotal: 1_000,
    });
    await insertOrder(biz, { customerId: c.id, paidOn: null, totalDue: 9_999 }); // not paid
    await insertOrder(biz, {
      customerId: c.id,
      status: 'cancelled',
      paidOn: '2026-03-07',
      totalDue: 3_000,
      refundedTotal: 3_000,
    });
    const p = await biz.core.invoke('customer.get', { id: c.id });
    expect(p.tags).toEqual(['a', 'b']);
    expect(p.addresses.map((a) => [a.id, a.isDefault])).toEqual([
      [second.id, true],
      [expect.any(String), false],
    ]);
    expect(p.groups).toEqual([
      { groupId: g1.id, name: '宝妈群', platform: 'wechat', joinedOn: '2026-01-01', leftOn: null },
    ]);
    expect(p.orders).toEqual({ paidCount: 2, netSpent: 14_000, lastPaidOn: '2026-03-07' });
  });

  it('refuses an unknown id with NOT_FOUND naming it', async () => {
    biz = await newBusiness();
    const r = await biz.core.call('customer.get', { id: 'ghost' });
    expect(!r.ok && r.error).toMatchObject({
      code: 'NOT_FOUND',
      details: { what: 'customer', id: 'ghost' },
    });
  });
});

describe('customer.list', () => {
  it('filters by query, tag, group and consent, sorted by pinyin, paged with a total', async () => {
    biz = await newBusiness();
    const zhang = await create({ name: '张三', tags: ['VIP'], marketingConsent: true });
    const an = await create({ name: '安娜', tags: ['VIP'] });
    const li = await create({ name: '李四', phone: '13812340000' });
    const g = await biz.core.invoke('group.create', { platform: 'wechat', name: '群' });
    await biz.core.invoke('group.addMembers', { groupId: g.id, customerIds: [zhang.id, li.id] });

    const all = await biz.core.invoke('customer.list', {});
    expect(all.rows.map((r) => r.name)).toEqual(['安娜', '李四', '张三']);
    expect(all.total).toBe(3);
    const page2 = await biz.core.invoke('customer.list', { limit: 1, offset: 1 });
    expect(page2).toMatchObject({ total: 3, rows: [{ id: li.id }] });
    expect((await biz.core.invoke('customer.list', { tag: 'VIP' })).rows.map((r) => r.id)).toEqual([
      an.id,
      zhang.id,
    ]);
    expect((await biz.core.invoke('customer.list', { groupId: g.id })).total).toBe(2);
    expect(
      (await biz.core.invoke('customer.list', { consent: true })).rows.map((r) => r.id),
    ).toEqual([zhang.id]);
    expect((await biz.core.invoke('customer.list', { consent: false })).total).toBe(2);
    expect((await biz.core.invoke('customer.list', { query: 'zs' })).rows.map((r) => r.id)).toEqual(
      [zhang.id],
    );
    expect((await biz.core.invoke('customer.list', { query: '0000', tag: 'VIP' })).total).toBe(0);
    expect((await biz.core.invoke('customer.list', { query: '!!!' })).total).toBe(0);
    expect((await biz.core.invoke('customer.list', { query: '  ' })).total).toBe(3);
    await biz.core.invoke('group.removeMember', { groupId: g.id, customerId: li.id });
    expect(
      (await biz.core.invoke('customer.list', { groupId: g.id })).rows.map((r) => r.id),
    ).toEqual([zhang.id]);
    expect(all.rows.find((r) => r.id === zhang.id)?.tags).toEqual(['VIP']);
  });

  it('refuses a bad page with the field named', async () => {
    biz = await newBusiness();
    await expectRefused(biz, 'customer.list', { limit: 0 }, 'VALIDATION', 'limit');
    await expectRefused(biz, 'customer.list', { offset: -1 }, 'VALIDATION', 'offset');
    await expectRefused(biz, 'customer.list', { consent: 'yes' }, 'VALIDATION', 'consent');
  });
});

describe('addresses', () => {
  it('keeps exactly one default while addresses are added, changed and removed', async () => {
    biz = await newBusiness();
    const c = await create({ name: '孙八' });
    const a = await biz.core.invoke('customer.addAddress', {
      customerId: c.id,
      recipient: '孙八',
      detail: 'A',
    });
    expect(a.isDefault).toBe(true);
    const b = await biz.core.invoke('customer.addAddress', {
      customerId: c.id,
      recipient: '孙八',
      detail: 'B',
      phone: '139 0000 1111',
    });
    expect(b).toMatchObject({ isDefault: false, phone: '13900001111' });
    const b2 = await biz.core.invoke('customer.updateAddress', {
      id: b.id,
      isDefault: true,
      detail: 'B2',
      label: '家',
    });
    expect(b2).toMatchObject({ isDefault: true, detail: 'B2', label: '家', recipient: '孙八' });
    let p = await biz.core.invoke('customer.get', { id: c.id });
    expect(p.addresses.filter((x) => x.isDefault).map((x) => x.id)).toEqual([b.id]);

    await expectRefused(
      biz,
      'customer.updateAddress',
      { id: b.id, isDefault: false },
      'INVALID_STATE',
    );
    const left = await biz.core.invoke('customer.removeAddress', { id: b.id });
    expect(left.addresses.map((x) => [x.id, x.isDefault])).toEqual([[a.id, true]]);
    p = await biz.core.invoke('customer.get', { id: c.id });
    expect(p.addresses.map((x) => x.id)).toEqual([a.id]);
    await expectRefused(biz, 'customer.removeAddress', { id: b.id }, 'NOT_FOUND');
    const none = await biz.core.invoke('customer.removeAddress', { id: a.id });
    expect(none.addresses).toEqual([]);
  });

  it('refuses bad address input and unknown or deleted customers', async () => {
    biz = await newBusiness();
    const c = await create({ name: '周九' });
    const a = await biz.core.invoke('customer.addAddress', {
      customerId: c.id,
      recipient: '周九',
      detail: 'A',
    });
    await expectRefused(
      biz,
      'customer.addAddress',
      { customerId: c.id, recipient: '', detail: 'x' },
      'VALIDATION',
      'recipient',
    );
    await expectRefused(
      biz,
      'customer.addAddress',
      { customerId: 'ghost', recipient: 'x', detail: 'x' },
      'NOT_FOUND',
    );
    await expectRefused(
      biz,
      'customer.updateAddress',
      { id: a.id, phone: 'call me' },
      'VALIDATION',
      'phone',
    );
    await expectRefused(biz, 'customer.updateAddress', { id: 'ghost', detail: 'x' }, 'NOT_FOUND');
    await biz.core.invoke('customer.delete', { id: c.id });
    await expectRefused(
      biz,
      'customer.addAddress',
      { customerId: c.id, recipient: 'x', detail: 'x' },
      'INVALID_STATE',
    );
    await expectRefused(biz, 'customer.updateAddress', { id: a.id, detail: 'y' }, 'INVALID_STATE');
    await expectRefused(biz, 'customer.removeAddress', { id: a.id }, 'INVALID_STATE');
  });
});

describe('tags and consent', () => {
  it('replaces tags, and filters by them', async () => {
    biz = await newBusiness();
    const c = await create({ name: '吴十', tags: ['old'] });
    const t = await biz.core.invoke('customer.setTags', { id: c.id, tags: ['新客', 'VIP', 'VIP'] });
    expect(t.tags).toEqual(['VIP', '新客']);
    expect((await biz.core.invoke('customer.list', { tag: 'old' })).total).toBe(0);
    expect((await biz.core.invoke('customer.search', { query: '吴十' }))[0]?.tags).toEqual([
      'VIP',
      '新客',
    ]);
    expect((await biz.core.invoke('customer.setTags', { id: c.id, tags: [] })).tags).toEqual([]);
    await expectRefused(
      biz,
      'customer.setTags',
      { id: c.id, tags: ['x'.repeat(31)] },
      'VALIDATION',
      'tags.0',
    );
    await expectRefused(biz, 'customer.setTags', { id: 'ghost', tags: [] }, 'NOT_FOUND');
  });

  it('records consent and when it was last decided', async () => {
    const clock = testClock('2026-03-15T10:00:00+08:00');
    biz = await newBusiness({ clock });
    const c = await create({ name: '郑一' });
    expect(c.consentAt).toBeNull();
    const yes = await biz.core.invoke('customer.setConsent', { id: c.id, consent: true });
    expect(yes).toMatchObject({ marketingConsent: true, consentAt: '2026-03-15T02:00:00.000Z' });
    clock.set('2026-03-20T10:00:00+08:00');
    const again = await biz.core.invoke('customer.setConsent', { id: c.id, consent: true });
    expect(again.consentAt).toBe('2026-03-15T02:00:00.000Z');
    const no = await biz.core.invoke('customer.setConsent', { id: c.id, consent: false });
    expect(no).toMatchObject({ marketingConsent: false, consentAt: '2026-03-20T02:00:00.000Z' });
    await expectRefused(
      biz,
      'customer.setConsent',
      { id: c.id, consent: 1 },
      'VALIDATION',
      'consent',
    );
    await expectRefused(biz, 'customer.setConsent', { id: 'ghost', consent: true }, 'NOT_FOUND');
  });
});
