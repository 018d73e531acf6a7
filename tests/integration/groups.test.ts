import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';
import { addAgent } from '../support/agent-fixtures';
import { expectRefused } from '../support/customers-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const customer = async (name: string, phone?: string) =>
  biz.core.invoke('customer.create', phone ? { name, phone } : { name });

describe('group.create / update / delete', () => {
  it('creates, changes only the given fields, and soft-deletes', async () => {
    biz = await newBusiness();
    const agent = await addAgent(biz);
    const g = await biz.core.invoke('group.create', {
      platform: 'wechat',
      name: ' 宝妈团购1群 ',
      notes: '每周三开团',
      externalRef: 'wx-1',
      ownerAgentId: agent,
    });
    expect(g).toMatchObject({
      platform: 'wechat',
      name: '宝妈团购1群',
      notes: '每周三开团',
      externalRef: 'wx-1',
      ownerAgentId: agent,
      deletedAt: null,
    });
    const u = await biz.core.invoke('group.update', { id: g.id, platform: 'qq', notes: null });
    expect(u).toMatchObject({
      platform: 'qq',
      name: '宝妈团购1群',
      notes: null,
      externalRef: 'wx-1',
    });
    const d = await biz.core.invoke('group.delete', { id: g.id });
    expect(d.deletedAt).toBe('2026-03-15T02:00:00.000Z');
    expect((await biz.core.invoke('group.list', {})).rows).toEqual([]);
    expect((await biz.core.invoke('group.get', { id: g.id })).deletedAt).not.toBeNull();
    await expectRefused(biz, 'group.delete', { id: g.id }, 'INVALID_STATE');
    await expectRefused(biz, 'group.update', { id: g.id, name: 'x' }, 'INVALID_STATE');
  });

  it('refuses bad input, unknown ids and taken external refs without changing anything', async () => {
    biz = await newBusiness();
    const g = await biz.core.invoke('group.create', {
      platform: 'qq',
      name: 'A',
      externalRef: 'R',
    });
    await expectRefused(
      biz,
      'group.create',
      { platform: 'weibo', name: 'x' },
      'VALIDATION',
      'platform',
    );
    await expectRefused(biz, 'group.create', { platform: 'qq', name: '' }, 'VALIDATION', 'name');
    await expectRefused(
      biz,
      'group.create',
      { platform: 'qq', name: 'B', externalRef: 'R' },
      'CONFLICT',
      'externalRef',
    );
    const b = await biz.core.invoke('group.create', { platform: 'qq', name: 'B' });
    await expectRefused(
      biz,
      'group.update',
      { id: b.id, externalRef: 'R' },
      'CONFLICT',
      'externalRef',
    );
    await expectRefused(biz, 'group.update', { id: b.id, name: '  ' }, 'VALIDATION', 'name');
    await expectRefused(biz, 'group.update', { id: 'ghost', name: 'x' }, 'NOT_FOUND');
    await expectRefused(biz, 'group.delete', { id: 'ghost' }, 'NOT_FOUND');
    await expectRefused(biz, 'group.get', { id: 'ghost' }, 'NOT_FOUND');
    expect(
      (await biz.core.invoke('group.update', { id: g.id, externalRef: 'R' })).externalRef,
    ).toBe('R');
  });
});

describe('members', () => {
  it('adds, keeps, removes and re-adds members; get and list show current members only', async () => {
    biz = await newBusiness();
    const g = await biz.core.invoke('group.create', { platform: 'wechat', name: '群' });
    const a = await customer('张三', '13800000001');
    const b = await customer('李四');
    const c = await customer('王五');

    const first = await biz.core.invoke('group.addMembers', {
      groupId: g.id,
      customerIds: [a.id, b.id, a.id],
      joinedOn: '2026-01-10',
    });
    expect(first).toEqual({
      groupId: g.id,
      added: [a.id, b.id],
      rejoined: [],
      alreadyMembers: [],
      activeMemberCount: 2,
    });

    const left = await biz.core.invoke('group.removeMember', {
      groupId: g.id,
      customerId: b.id,
      leftOn: '2026-02-01',
    });
    expect(left).toEqual({
      groupId: g.id,
      customerId: b.id,
      joinedOn: '2026-01-10',
      leftOn: '2026-02-01',
    });
    const again = await biz.core.invoke('group.addMembers', {
      groupId: g.id,
      customerIds: [a.id, b.id, c.id],
    });
    expect(again).toMatchObject({
      added: [c.id],
      rejoined: [b.id],
      alreadyMembers: [a.id],
      activeMemberCount: 3,
    });

    const got = await biz.core.invoke('group.get', { id: g.id });
    expect(got.members).toEqual([
      { id: a.id, name: '张三', phone: '13800000001', joinedOn: '2026-01-10' },
      { id: b.id, name: '李四', phone: null, joinedOn: '2026-03-15' },
      { id: c.id, name: '王五', phone: null, joinedOn: '2026-03-15' },
    ]);
    const memberRow = await biz.store.db
      .selectFrom('group_members')
      .selectAll()
      .where('customer_id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(memberRow.left_on).toBeNull();

    // A deleted customer leaves member lists and counts; the membership row stays.
    await biz.core.invoke('customer.delete', { id: c.id });
    expect((await biz.core.invoke('group.get', { id: g.id })).activeMemberCount).toBe(2);
    expect((await biz.core.invoke('group.list', {})).rows[0]?.activeMemberCount).toBe(2);

    // The same customer can be in many groups.
    const g2 = await biz.core.invoke('group.create', { platform: 'offline', name: '小区' });
    await biz.core.invoke('group.addMembers', { groupId: g2.id, customerIds: [a.id] });
    expect(
      (await biz.core.invoke('customer.get', { id: a.id })).groups.map((x) => x.groupId),
    ).toEqual([g.id, g2.id]);
  });

  it('adds nobody when one customer id is unknown, naming it', async () => {
    biz = await newBusiness();
    const g = await biz.core.invoke('group.create', { platform: 'wechat', name: '群' });
    const a = await customer('张三');
    const err = await expectRefused(
      biz,
      'group.addMembers',
      { groupId: g.id, customerIds: [a.id, 'ghost'] },
      'NOT_FOUND',
      'customerIds.1',
    );
    expect(err.details).toMatchObject({ what: 'customer', id: 'ghost' });
    expect(err.message).toContain('ghost');
  });

  it('refuses bad member input, deleted customers and deleted groups', async () => {
    biz = await newBusiness();
    const g = await biz.core.invoke('group.create', { platform: 'wechat', name: '群' });
    const a = await customer('张三');
    const gone = await customer('已删');
    await biz.core.invoke('customer.delete', { id: gone.id });
    await expectRefused(
      biz,
      'group.addMembers',
      { groupId: g.id, customerIds: [] },
      'VALIDATION',
      'customerIds',
    );
    await expectRefused(
      biz,
      'group.addMembers',
      { groupId: g.id, customerIds: [a.id], joinedOn: '2026-02-30' },
      'VALIDATION',
      'joinedOn',
    );
    await expectRefused(
      biz,
      'group.addMembers',
      { groupId: g.id, customerIds: [a.id, ''] },
      'VALIDATION',
      'customerIds.1',
    );
    await expectRefused(
      biz,
      'group.addMembers',
      { groupId: 'ghost', customerIds: [a.id] },
      'NOT_FOUND',
    );
    await expectRefused(
      biz,
      'group.addMembers',
      { groupId: g.id, customerIds: [a.id, gone.id] },
      'INVALID_STATE',
      'customerIds.1',
    );

    await expectRefused(
      biz,
      'group.removeMember',
      { groupId: g.id, customerId: a.id },
      'INVALID_STATE',
    );
    await biz.core.invoke('group.addMembers', {
      groupId: g.id,
      customerIds: [a.id],
      joinedOn: '2026-03-01',
    });
    await expectRefused(
      biz,
      'group.removeMember',
      { groupId: g.id, customerId: a.id, leftOn: '2026-02-01' },
      'VALIDATION',
      'leftOn',
    );
    await expectRefused(
      biz,
      'group.removeMember',
      { groupId: g.id, customerId: 'ghost' },
      'NOT_FOUND',
    );
    await biz.core.invoke('group.removeMember', { groupId: g.id, customerId: a.id });
    const twice = await expectRefused(
      biz,
      'group.removeMember',
      { groupId: g.id, customerId: a.id },
      'INVALID_STATE',
    );
    expect(twice.message).toContain('already left');

    await biz.core.invoke('group.delete', { id: g.id });
    await expectRefused(
      biz,
      'group.addMembers',
      { groupId: g.id, customerIds: [a.id] },
      'INVALID_STATE',
    );
  });

  it('property: the active count always equals the members added minus those removed', async () => {
    biz = await newBusiness();
    const g = await biz.core.invoke('group.create', { platform: 'qq', name: '群' });
    const people: string[] = [];
    for (const n of ['甲', '乙', '丙', '丁', '戊']) people.push((await customer(n)).id);
    const inGroup = new Set<string>();
    const op = fc.record({ add: fc.boolean(), who: fc.subarray(people, { minLength: 1 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 8 }), async (ops) => {
        for (const { add, who } of ops) {
          if (add) {
            await biz.core.invoke('group.addMembers', { groupId: g.id, customerIds: who });
            who.forEach((w) => inGroup.add(w));
          } else {
            for (const w of who) {
              const r = await biz.core.call('group.removeMember', { groupId: g.id, customerId: w });
              expect(r.ok).toBe(inGroup.has(w));
              inGroup.delete(w);
            }
          }
          const got = await biz.core.invoke('group.get', { id: g.id });
          expect(new Set(got.members.map((m) => m.id))).toEqual(inGroup);
          expect(got.activeMemberCount).toBe(inGroup.size);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('group.list', () => {
  it('filters by platform and name (wildcards taken literally), with member counts', async () => {
    biz = await newBusiness();
    const wx = await biz.core.invoke('group.create', {
      platform: 'wechat',
      name: '宝妈100%好评群',
    });
    await biz.core.invoke('group.create', { platform: 'qq', name: '宝妈QQ群' });
    await biz.core.invoke('group.create', { platform: 'xiaohongshu', name: '粉丝_群' });
    const a = await customer('张三');
    await biz.core.invoke('group.addMembers', { groupId: wx.id, customerIds: [a.id] });

    const all = await biz.core.invoke('group.list', {});
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => [r.name, r.activeMemberCount])).toEqual([
      ['宝妈QQ群', 0],
      ['宝妈100%好评群', 1],
      ['粉丝_群', 0],
    ]);
    expect(
      (await biz.core.invoke('group.list', { platform: 'wechat' })).rows.map((r) => r.id),
    ).toEqual([wx.id]);
    expect((await biz.core.invoke('group.list', { query: '宝妈' })).total).toBe(2);
    expect((await biz.core.invoke('group.list', { query: '100%' })).total).toBe(1);
    expect((await biz.core.invoke('group.list', { query: '%' })).total).toBe(1);
    expect((await biz.core.invoke('group.list', { query: '_' })).total).toBe(1);
    expect(
      (await biz.core.invoke('group.list', { limit: 1, offset: 1 })).rows.map((r) => r.name),
    ).toEqual(['宝妈100%好评群']);
    await expectRefused(biz, 'group.list', { platform: 'tiktok' }, 'VALIDATION', 'platform');
  });
});
