import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import { createCore } from '../../core/api/dispatcher';
import { expectRefused } from '../support/customers-fixtures';
import { downlineQuery, uplinesOf, agentOfCustomer } from '../../core/agents/agent';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const agent = (name: string, uplineId?: string | null, tier = 'level1') =>
  biz.core.invoke('agent.create', { name, tier, ...(uplineId ? { uplineId } : {}) } as never);

const closure = () =>
  biz.store.sqlite
    .prepare('SELECT ancestor, descendant, depth FROM agent_closure ORDER BY 1, 2')
    .all() as { ancestor: string; descendant: string; depth: number }[];

describe('agent.create / update / delete / get / list', () => {
  it('creates an agent with its buyer record and closure rows; updates; soft-deletes', async () => {
    biz = await newBusiness();
    const top = await biz.core.invoke('agent.create', {
      name: ' 王总 ',
      tier: 'general',
      phone: '138 0000 0001',
      wechatId: 'wang',
      joinedOn: '2025-01-02',
      externalRef: 'A-1',
    });
    expect(top).toMatchObject({
      name: '王总',
      tier: 'general',
      status: 'active',
      phone: '13800000001',
      joinedOn: '2025-01-02',
      uplineId: null,
      externalRef: 'A-1',
      deletedAt: null,
    });
    // A customer record was created for the agent as a buyer.
    const buyer = await biz.core.invoke('customer.get', { id: top.customerId! });
    expect(buyer).toMatchObject({ name: '王总', phone: '13800000001' });
    expect(await agentOfCustomer(biz.store.db, top.customerId!)).toBe(top.id);

    const c = await biz.core.invoke('customer.create', { name: '李四' });
    const mid = await biz.core.invoke('agent.create', {
      name: '李四',
      tier: 'level1',
      uplineId: top.id,
      customerId: c.id,
    });
    expect(mid.customerId).toBe(c.id);
    expect(mid.joinedOn).toBe('2026-03-15');
    const leaf = await agent('赵六', mid.id, 'level2');

    expect(closure()).toEqual(
      [
        { ancestor: top.id, descendant: top.id, depth: 0 },
        { ancestor: top.id, descendant: mid.id, depth: 1 },
        { ancestor: top.id, descendant: leaf.id, depth: 2 },
        { ancestor: mid.id, descendant: mid.id, depth: 0 },
        { ancestor: mid.id, descendant: leaf.id, depth: 1 },
        { ancestor: leaf.id, descendant: leaf.id, depth: 0 },
      ].sort((a, b) =>
        a.ancestor === b.ancestor
          ? a.descendant.localeCompare(b.descendant)
          : a.ancestor.localeCompare(b.ancestor),
      ),
    );

    expect(await biz.core.invoke('agent.get', { id: mid.id })).toMatchObject({
      upline: { id: top.id, name: '王总' },
      directDownline: 1,
      teamSize: 1,
      depth: 1,
    });
    expect(await biz.core.invoke('agent.get', { id: top.id })).toMatchObject({
      upline: null,
      directDownline: 1,
      teamSize: 2,
      depth: 0,
    });

    const u = await biz.core.invoke('agent.update', {
      id: leaf.id,
      status: 'suspended',
      tier: 'level1',
      notes: '暂停',
    });
    expect(u).toMatchObject({ status: 'suspended', tier: 'level1', notes: '暂停', name: '赵六' });
    // Renamed: its own buyer record follows, and search finds it by the new name; a customer
    // linked as the buyer record (李四's) keeps the name it has.
    const renamed = await biz.core.invoke('agent.update', { id: leaf.id, name: '钱七' });
    expect(renamed.name).toBe('钱七');
    const renamedBuyer = await biz.core.invoke('customer.get', { id: renamed.customerId! });
    expect(renamedBuyer.name).toBe('钱七');
    const found = await biz.core.invoke('customer.search', { query: '钱七' });
    expect(found.map((c) => c.id)).toContain(renamed.customerId);
    await biz.core.invoke('agent.update', { id: mid.id, name: '李四 (一级)' });
    expect((await biz.core.invoke('customer.get', { id: c.id })).name).toBe('李四');
    await biz.core.invoke('agent.update', { id: mid.id, name: '李四' });

    expect(await uplinesOf(biz.store.db, leaf.id)).toEqual([
      { agentId: leaf.id, level: 0, tier: 'level1', status: 'suspended' },
      { agentId: mid.id, level: 1, tier: 'level1', status: 'active' },
      { agentId: top.id, level: 2, tier: 'general', status: 'active' },
    ]);
    expect((await uplinesOf(biz.store.db, leaf.id, 1)).map((x) => x.agentId)).toEqual([
      leaf.id,
      mid.id,
    ]);

    // Lists: filters by text, tier, status, upline; paging with total.
    const all = await biz.core.invoke('agent.list', {});
    expect(all.total).toBe(3);
    expect((await biz.core.invoke('agent.list', { query: '13800' })).rows.map((r) => r.id)).toEqual(
      [top.id],
    );
    expect((await biz.core.invoke('agent.list', { tier: 'level1' })).total).toBe(2);
    expect((await biz.core.invoke('agent.list', { status: 'suspended' })).rows[0]?.id).toBe(
      leaf.id,
    );
    expect((await biz.core.invoke('agent.list', { uplineId: top.id })).rows[0]?.id).toBe(mid.id);
    const page = await biz.core.invoke('agent.list', { limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.rows).toHaveLength(1);

    // Delete: refused while a downline is under it, then allowed for the leaf.
    const e = await expectRefused(biz, 'agent.delete', { id: mid.id }, 'INVALID_STATE');
    expect(e.message).toContain('move its downline first');
    const d = await biz.core.invoke('agent.delete', { id: leaf.id });
    expect(d.deletedAt).not.toBeNull();
    expect((await biz.core.invoke('agent.list', {})).total).toBe(2);
    expect((await biz.core.invoke('agent.get', { id: mid.id })).teamSize).toBe(0);
    await expectRefused(biz, 'agent.delete', { id: leaf.id }, 'INVALID_STATE');
    await expectRefused(biz, 'agent.update', { id: leaf.id, name: 'x' }, 'INVALID_STATE');
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'level2', uplineId: leaf.id },
      'INVALID_STATE',
      'uplineId',
    );
    await biz.core.invoke('agent.delete', { id: mid.id });
  });

  it('refuses bad input, unknown ids and taken keys without changing anything', async () => {
    biz = await newBusiness();
    const a = await biz.core.invoke('agent.create', {
      name: 'A',
      tier: 'general',
      externalRef: 'R',
    });
    await expectRefused(biz, 'agent.create', { name: '', tier: 'general' }, 'VALIDATION', 'name');
    await expectRefused(biz, 'agent.create', { name: 'x', tier: 'boss' }, 'VALIDATION', 'tier');
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'general', phone: 'abc' },
      'VALIDATION',
      'phone',
    );
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'general', joinedOn: '2026-02-30' },
      'VALIDATION',
      'joinedOn',
    );
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'general', uplineId: 'ghost' },
      'NOT_FOUND',
      'uplineId',
    );
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'general', externalRef: 'R' },
      'CONFLICT',
      'externalRef',
    );
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'general', customerId: a.customerId },
      'CONFLICT',
      'customerId',
    );
    await expectRefused(
      biz,
      'agent.create',
      { name: 'x', tier: 'general', customerId: 'ghost' },
      'NOT_FOUND',
    );
    await expectRefused(biz, 'agent.update', { id: a.id, status: 'gone' }, 'VALIDATION', 'status');
    await expectRefused(biz, 'agent.update', { id: a.id, name: ' ' }, 'VALIDATION', 'name');
    await expectRefused(biz, 'agent.update', { id: 'ghost', name: 'x' }, 'NOT_FOUND');
    await expectRefused(biz, 'agent.get', { id: 'ghost' }, 'NOT_FOUND');
    await expectRefused(biz, 'agent.delete', { id: 'ghost' }, 'NOT_FOUND');
    await expectRefused(biz, 'agent.downline', { id: 'ghost' }, 'NOT_FOUND');
    await expectRefused(biz, 'agent.tree', { rootId: 'ghost' }, 'NOT_FOUND', 'rootId');
    await expectRefused(biz, 'agent.list', { tier: 'x' }, 'VALIDATION', 'tier');
  });
});

describe('agent.move, tree and downline', () => {
  it('moves a subtree, rewrites the closure, records the move, and refuses cycles', async () => {
    biz = await newBusiness();
    const a = await agent('A', null, 'general');
    const b = await agent('B', a.id);
    const c = await agent('C', b.id);
    const d = await agent('D', c.id);
    const x = await agent('X', null, 'general');

    // Cycles: under itself, under a child, under a deeper descendant.
    for (const target of [b.id, c.id, d.id]) {
      const e = await expectRefused(
        biz,
        'agent.move',
        { id: b.id, uplineId: target },
        'VALIDATION',
        'uplineId',
      );
      expect(e.message).toContain('cycle');
    }
    await expectRefused(biz, 'agent.move', { id: b.id, uplineId: a.id }, 'INVALID_STATE');
    await expectRefused(
      biz,
      'agent.move',
      { id: b.id, uplineId: 'ghost' },
      'NOT_FOUND',
      'uplineId',
    );
    await expectRefused(
      biz,
      'agent.move',
      { id: b.id, uplineId: x.id, movedOn: '2026-13-01' },
      'VALIDATION',
      'movedOn',
    );

    const moved = await biz.core.invoke('agent.move', {
      id: b.id,
      uplineId: x.id,
      movedOn: '2026-03-01',
      reason: '团队调整',
    });
    expect(moved).toMatchObject({
      uplineId: x.id,
      upline: { id: x.id, name: 'X' },
      depth: 1,
      teamSize: 2,
    });
    expect((await biz.core.invoke('agent.get', { id: d.id })).depth).toBe(3);
    expect((await biz.core.invoke('agent.downline', { id: x.id })).ids).toEqual([b.id, c.id, d.id]);
    expect((await biz.core.invoke('agent.downline', { id: a.id })).ids).toEqual([]);
    expect(
      (await biz.core.invoke('agent.downline', { id: x.id, includeSelf: true })).rows.map((r) => [
        r.name,
        r.depth,
      ]),
    ).toEqual([
      ['X', 0],
      ['B', 1],
      ['C', 2],
      ['D', 3],
    ]);

    // To the top, then back.
    await biz.core.invoke('agent.move', { id: c.id, uplineId: null });
    expect((await biz.core.invoke('agent.get', { id: c.id })).depth).toBe(0);
    expect((await biz.core.invoke('agent.downline', { id: x.id })).ids).toEqual([b.id]);
    await biz.core.invoke('agent.move', { id: c.id, uplineId: a.id, movedOn: '2026-03-20' });

    const moves = await biz.core.invoke('agent.moves', { id: b.id });
    expect(moves.rows).toEqual([
      expect.objectContaining({
        agentId: b.id,
        fromUplineId: a.id,
        toUplineId: x.id,
        movedOn: '2026-03-01',
        reason: '团队调整',
      }),
    ]);
    expect((await biz.core.invoke('agent.moves', { id: c.id })).rows).toMatchObject([
      { fromUplineId: b.id, toUplineId: null, movedOn: '2026-03-15' },
      { fromUplineId: null, toUplineId: a.id, movedOn: '2026-03-20' },
    ]);
    // agent_moves is append-only.
    expect(() => biz.store.sqlite.prepare('DELETE FROM agent_moves').run()).toThrow(/append-only/);
    expect(() => biz.store.sqlite.prepare("UPDATE agent_moves SET reason = 'x'").run()).toThrow(
      /append-only/,
    );

    const tree = await biz.core.invoke('agent.tree', {});
    expect(tree.rows.map((r) => [r.name, r.depth, r.teamSize])).toEqual([
      ['A', 0, 2],
      ['C', 1, 1],
      ['D', 2, 0],
      ['X', 0, 1],
      ['B', 1, 0],
    ]);
    const sub = await biz.core.invoke('agent.tree', { rootId: c.id });
    expect(sub.rows).toEqual([
      {
        id: c.id,
        name: 'C',
        tier: 'level1',
        status: 'active',
        uplineId: a.id,
        depth: 0,
        teamSize: 1,
      },
      {
        id: d.id,
        name: 'D',
        tier: 'level1',
        status: 'active',
        uplineId: c.id,
        depth: 1,
        teamSize: 0,
      },
    ]);
  });

  it('reads the downline in one indexed query of agent_closure', async () => {
    biz = await newBusiness();
    const a = await agent('A', null, 'general');
    await agent('B', a.id);
    const compiled = downlineQuery(biz.store.db, a.id, false).compile();
    const plan = biz.store.sqlite
      .prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
      .all(...(compiled.parameters as unknown[])) as { detail: string }[];
    const details = plan.map((p) => p.detail);
    // The closure is searched by its primary key (ancestor, ...), the agents by theirs: no scans.
    expect(details.some((d) => d.startsWith('SEARCH c USING PRIMARY KEY (ancestor=?'))).toBe(true);
    expect(details.some((d) => d.startsWith('SEARCH a USING'))).toBe(true);
    expect(details.filter((d) => d.startsWith('SCAN') && !d.includes('TEMP'))).toEqual([]);
  });
});

describe('what an agent caller sees', () => {
  it('an agent reads its own subtree only; writes and lists stay with the owner', async () => {
    biz = await newBusiness();
    const a = await agent('A', null, 'general');
    const b = await agent('B', a.id);
    const c = await agent('C', b.id);
    const x = await agent('X', null, 'general');
    const asB = createCore({ store: biz.store, actor: { role: 'agent', agentId: b.id } });

    expect((await asB.invoke('agent.get', { id: c.id })).name).toBe('C');
    expect((await asB.invoke('agent.tree', {})).rows.map((r) => r.name)).toEqual(['B', 'C']);
    expect((await asB.invoke('agent.downline', { id: b.id })).ids).toEqual([c.id]);
    for (const [m, input] of [
      ['agent.get', { id: a.id }],
      ['agent.get', { id: x.id }],
      ['agent.tree', { rootId: a.id }],
      ['agent.downline', { id: a.id }],
      ['agent.figures', { id: a.id, from: '2026-01-01', to: '2026-01-31' }],
    ] as const) {
      const r = await asB.call(m, input);
      expect(r.ok ? 'ok' : r.error.code, m).toBe('FORBIDDEN');
    }
    for (const [m, input] of [
      ['agent.create', { name: 'Y', tier: 'level2' }],
      ['agent.move', { id: c.id, uplineId: null }],
      ['agent.list', {}],
      ['compliance.report', {}],
    ] as const) {
      const r = await asB.call(m, input);
      expect(r.ok ? 'ok' : r.error.code, m).toBe('FORBIDDEN');
    }
  });
});
