import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import { expectRefused, insertOrder } from '../support/customers-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

/** A customer with everything personal filled in, two orders, two groups (one left). */
async function fullCustomer() {
  const c = await biz.core.invoke('customer.create', {
    name: '陈小美',
    phone: '13866667777',
    wechatId: 'xiaomei88',
    source: '小红书',
    notes: '住在公司附近',
    marketingConsent: true,
    externalRef: 'crm-77',
    tags: ['VIP'],
    addresses: [
      {
        recipient: '陈小美',
        phone: '13866667777',
        region: '浙江省杭州市西湖区',
        detail: '文三路1号',
      },
    ],
  });
  const removed = await biz.core.invoke('customer.addAddress', {
    customerId: c.id,
    recipient: '陈小美',
    detail: '旧地址',
  });
  await biz.core.invoke('customer.removeAddress', { id: removed.id });
  const g1 = await biz.core.invoke('group.create', { platform: 'wechat', name: '美妆群' });
  const g2 = await biz.core.invoke('group.create', { platform: 'douyin', name: '粉丝' });
  await biz.core.invoke('group.addMembers', {
    groupId: g1.id,
    customerIds: [c.id],
    joinedOn: '2026-01-01',
  });
  await biz.core.invoke('group.addMembers', {
    groupId: g2.id,
    customerIds: [c.id],
    joinedOn: '2026-01-05',
  });
  await biz.core.invoke('group.removeMember', {
    groupId: g2.id,
    customerId: c.id,
    leftOn: '2026-02-01',
  });
  const o1 = await insertOrder(biz, {
    customerId: c.id,
    orderNo: 'A001',
    orderedOn: '2026-02-01',
    totalDue: 8_800,
    shippingAddress: '陈小美 13866667777 浙江省杭州市西湖区文三路1号',
  });
  const o2 = await insertOrder(biz, {
    customerId: c.id,
    orderNo: 'A002',
    orderedOn: '2026-02-10',
    totalDue: 1_200,
    refundedTotal: 200,
    shippingAddress: '陈小美 13866667777 浙江省杭州市西湖区文三路1号',
  });
  return { c, g1, g2, orderIds: [o1, o2] };
}

describe('customer.exportPersonalData', () => {
  it('returns everything held about the person and logs the export', async () => {
    biz = await newBusiness();
    const { c, g1, g2 } = await fullCustomer();
    const other = await biz.core.invoke('customer.create', { name: '别人' });
    await insertOrder(biz, { customerId: other.id, orderNo: 'B001' });

    const data = await biz.core.invoke('customer.exportPersonalData', { id: c.id });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data); // JSON-able as it is
    expect(data.customer).toMatchObject({
      id: c.id,
      name: '陈小美',
      phone: '13866667777',
      wechatId: 'xiaomei88',
      source: '小红书',
      notes: '住在公司附近',
      marketingConsent: true,
      externalRef: 'crm-77',
    });
    expect(data.tags).toEqual(['VIP']);
    expect(data.addresses.map((a) => a.detail)).toEqual(['文三路1号']);
    expect(data.groups.map((g) => [g.groupId, g.leftOn])).toEqual([
      [g1.id, null],
      [g2.id, '2026-02-01'],
    ]);
    expect(data.orders).toEqual([
      expect.objectContaining({
        orderNo: 'A001',
        orderedOn: '2026-02-01',
        paidOn: '2026-02-01',
        totalDue: 8_800,
      }),
      expect.objectContaining({ orderNo: 'A002', totalDue: 1_200, refundedTotal: 200 }),
    ]);
    expect(data.exportedAt).toBe('2026-03-15T02:00:00.000Z');
    const log = await biz.store.db.selectFrom('personal_data_log').selectAll().execute();
    expect(log).toEqual([expect.objectContaining({ action: 'export', subject: c.id })]);
  });

  it('refuses an unknown customer and logs nothing', async () => {
    biz = await newBusiness();
    await expectRefused(biz, 'customer.exportPersonalData', { id: 'ghost' }, 'NOT_FOUND');
    await expectRefused(biz, 'customer.exportPersonalData', { id: '' }, 'VALIDATION', 'id');
  });
});

describe('customer.erase', () => {
  it('anonymises in place, keeps order figures and memberships, and logs it', async () => {
    biz = await newBusiness();
    const { c, g1, orderIds } = await fullCustomer();
    const ordersBefore = await biz.store.db
      .selectFrom('orders')
      .select([
        'id',
        'total_due',
        'paid_total',
        'refunded_total',
        'paid_on',
        'status',
        'customer_id',
      ])
      .orderBy('id')
      .execute();
    const summaryBefore = (await biz.core.invoke('customer.get', { id: c.id })).orders;

    const erased = await biz.core.invoke('customer.erase', { id: c.id, reason: '客户要求注销' });
    expect(erased).toMatchObject({
      id: c.id,
      name: `已注销客户${c.id.slice(-6)}`,
      phone: null,
      wechatId: null,
      notes: null,
      source: null,
      externalRef: null,
      marketingConsent: false,
      consentAt: null,
      tags: [],
      erasedAt: '2026-03-15T02:00:00.000Z',
    });

    const row = await biz.store.db
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect([row.name_pinyin, row.name_initials]).toEqual(['', '']);
    const addresses = await biz.store.db
      .selectFrom('customer_addresses')
      .selectAll()
      .where('customer_id', '=', c.id)
      .execute();
    expect(addresses).toHaveLength(2);
    for (const a of addresses) {
      expect(a).toMatchObject({
        recipient: '',
        phone: null,
        detail: '',
        region: null,
        label: null,
        is_default: 0,
      });
      expect(a.deleted_at).not.toBeNull();
    }
    expect(await biz.store.db.selectFrom('customer_tags').selectAll().execute()).toEqual([]);

    const orders = await biz.store.db
      .selectFrom('orders')
      .selectAll()
      .where('id', 'in', orderIds)
      .execute();
    expect(orders.map((o) => o.shipping_address)).toEqual([null, null]);
    const ordersAfter = await biz.store.db
      .selectFrom('orders')
      .select([
        'id',
        'total_due',
        'paid_total',
        'refunded_total',
        'paid_on',
        'status',
        'customer_id',
      ])
      .orderBy('id')
      .execute();
    expect(ordersAfter).toEqual(ordersBefore);

    const profile = await biz.core.invoke('customer.get', { id: c.id });
    expect(profile.orders).toEqual(summaryBefore);
    expect(profile.addresses).toEqual([]);
    const group = await biz.core.invoke('group.get', { id: g1.id });
    expect(group.members).toEqual([
      { id: c.id, name: erased.name, phone: null, joinedOn: '2026-01-01' },
    ]);

    const log = await biz.store.db.selectFrom('personal_data_log').selectAll().execute();
    expect(log).toEqual([
      expect.objectContaining({ action: 'erase', subject: c.id, detail: '客户要求注销' }),
    ]);

    // Nothing personal is left anywhere in the store.
    const dump = JSON.stringify(biz.snapshot());
    for (const secret of [
      '陈小美',
      '13866667777',
      'xiaomei88',
      '住在公司附近',
      '文三路',
      'crm-77',
      'chenxiaomei',
    ]) {
      expect(dump).not.toContain(secret);
    }
    // Not even in the search index's own tables, where FTS5 keeps deleted terms until a merge.
    const shadow = biz.store.sqlite
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'customer_search_%'",
      )
      .pluck()
      .all() as string[];
    expect(shadow.length).toBeGreaterThan(0);
    for (const table of shadow) {
      const bytes = Buffer.concat(
        biz.store.sqlite
          .prepare(`SELECT * FROM "${table}"`)
          .raw()
          .all()
          .flat()
          .map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)))),
      );
      for (const secret of ['陈小美', '13866667777', 'xiaomei88', 'chenxiaomei']) {
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${table}`).toBe(false);
      }
    }
    expect((await biz.core.invoke('customer.exportPersonalData', { id: c.id })).customer.name).toBe(
      erased.name,
    );
  });

  it('refuses to erase twice, and refuses edits of an erased customer', async () => {
    biz = await newBusiness();
    const c = await biz.core.invoke('customer.create', { name: '韩梅梅', phone: '13700001111' });
    await biz.core.invoke('customer.erase', { id: c.id });
    const err = await expectRefused(biz, 'customer.erase', { id: c.id }, 'INVALID_STATE');
    expect(err.message).toContain('already erased');
    await expectRefused(biz, 'customer.update', { id: c.id, name: '韩梅梅' }, 'INVALID_STATE');
    await expectRefused(biz, 'customer.setTags', { id: c.id, tags: ['x'] }, 'INVALID_STATE');
    await expectRefused(biz, 'customer.setConsent', { id: c.id, consent: true }, 'INVALID_STATE');
    await expectRefused(
      biz,
      'customer.addAddress',
      { customerId: c.id, recipient: 'x', detail: 'y' },
      'INVALID_STATE',
    );
    await expectRefused(biz, 'customer.delete', { id: c.id }, 'INVALID_STATE');
    await expectRefused(biz, 'customer.erase', { id: 'ghost' }, 'NOT_FOUND');
    await expectRefused(
      biz,
      'customer.erase',
      { id: c.id, reason: 'x'.repeat(501) },
      'VALIDATION',
      'reason',
    );
  });

  it('erases a customer who was deleted first', async () => {
    biz = await newBusiness();
    const c = await biz.core.invoke('customer.create', { name: '李雷', phone: '13700002222' });
    await biz.core.invoke('customer.delete', { id: c.id });
    const erased = await biz.core.invoke('customer.erase', { id: c.id });
    expect(erased.phone).toBeNull();
    expect(erased.deletedAt).not.toBeNull();
  });

  it('frees the external ref of an erased customer for reuse', async () => {
    biz = await newBusiness();
    const c = await biz.core.invoke('customer.create', { name: '甲', externalRef: 'E1' });
    await biz.core.invoke('customer.erase', { id: c.id });
    expect(
      (await biz.core.invoke('customer.create', { name: '乙', externalRef: 'E1' })).externalRef,
    ).toBe('E1');
  });
});
