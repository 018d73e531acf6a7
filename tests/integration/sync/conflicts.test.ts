// The owner sees the profile edits that lost: two owner devices edit the same customer field
// offline, both sync (the older edit arriving last, or the newer one overwriting a write its
// device had not pulled), and GET /v1/sync/conflicts (through SyncClient.conflicts and the
// sync.conflicts contract method) lists the overwritten value, newest first, paged. An agent's
// token is refused (403), on the real server over HTTP, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, startServer, type SimServer, type StoreKind } from '../../sim/harness';
import { SyncHttpError } from '../../../core/sync/client';
import { attachSyncClient, type SyncConflict } from '../../../core/sync/methods';
import { AppError } from '../../../core/api/errors';

const PASSWORD = 'correct horse battery';

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`sync conflicts (${kind})`, () => {
    const world = { now: Date.parse('2026-03-10T02:00:00Z') };
    const clock = { now: () => new Date(world.now) };
    let server: SimServer;
    const devices: Device[] = [];
    let a: Device;
    let b: Device;
    let customerId: string;
    let productId: string;

    beforeAll(async () => {
      server = await startServer(kind, () => new Date(world.now));
      a = new Device({ name: 'a', clock });
      b = new Device({ name: 'b', clock });
      devices.push(a, b);
      await a.core.invoke('workspace.init', { name: '小店' });
      customerId = (await a.core.invoke('customer.create', { name: '张三' })).id;
      productId = (
        await a.core.invoke('product.create', { sku: 'A1', name: '脐橙', retailPrice: 1000 })
      ).id;
      await a.client.signUp({
        serverUrl: server.url,
        email: 'owner@example.com',
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: '前台电脑',
      });
      await a.client.syncOnce();
      await b.client.signIn({
        serverUrl: server.url,
        email: 'owner@example.com',
        password: PASSWORD,
        deviceName: '店主手机',
      });
      b.refreshCore();
      await b.client.syncOnce();
      attachSyncClient(a.client);
      attachSyncClient(b.client);
    });

    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server?.close();
    });

    it('starts empty', async () => {
      expect(await a.client.conflicts()).toEqual({ conflicts: [], next: null });
    });

    it('two owner devices edit the same customer field offline: the lost value is listed', async () => {
      // Offline: a edits first, b a minute later; b's edit reaches the server first, then a's
      // older edit arrives and loses on `notes` (its `phone` has no rival and is applied).
      await a.core.invoke('customer.update', {
        id: customerId,
        notes: '甲写的备注',
        phone: '13800138000',
      });
      world.now += 60_000;
      await b.core.invoke('customer.update', { id: customerId, notes: '乙写的备注' });
      world.now += 60_000;
      await b.client.syncOnce();
      await a.client.syncOnce();
      await b.client.syncOnce();

      const page = await b.client.conflicts();
      expect(page.next).toBeNull();
      expect(page.conflicts).toHaveLength(1);
      const c = page.conflicts[0] as unknown as SyncConflict;
      expect(c).toMatchObject({
        table: 'customers',
        rowId: customerId,
        rowLabel: '张三',
        field: 'notes',
        lostValue: '甲写的备注',
        currentValue: '乙写的备注',
        deviceName: '前台电脑',
        lostEditedAt: '2026-03-10T02:00:00.000Z',
        keptEditedAt: '2026-03-10T02:01:00.000Z',
        at: '2026-03-10T02:02:00.000Z',
      });
      expect(c.deviceId).toEqual(expect.any(String));
      expect(c.seq).toEqual(expect.any(Number));
      // Both devices converge on the winner.
      expect(await a.core.invoke('customer.get', { id: customerId })).toMatchObject({
        notes: '乙写的备注',
        phone: '13800138000',
      });
    });

    it('the contract method returns the same, newest first, a page at a time', async () => {
      // Later conflicts on two fields of the product (one named in camelCase, a column in
      // snake_case): both from the same push, so the page order falls to the field.
      await b.core.invoke('product.update', { id: productId, name: '乙改的名', retailPrice: 1200 });
      world.now += 60_000;
      await a.core.invoke('product.update', { id: productId, name: '甲改的名', retailPrice: 1500 });
      world.now += 60_000;
      await a.client.syncOnce();
      world.now += 60_000;
      await b.client.syncOnce(); // b's edit is older: it loses
      await a.client.syncOnce();

      const all = await a.core.invoke('sync.conflicts', {});
      expect(all.next).toBeNull();
      expect(all.conflicts.map((c) => [c.table, c.field, c.lostValue, c.currentValue])).toEqual([
        ['products', 'retailPrice', 1200, 1500],
        ['products', 'name', '乙改的名', '甲改的名'],
        ['customers', 'notes', '甲写的备注', '乙写的备注'],
      ]);
      expect(all.conflicts[1]).toMatchObject({
        rowLabel: '甲改的名',
        sku: 'A1',
        currentValue: '甲改的名',
        deviceName: '店主手机',
      });

      const first = await a.core.invoke('sync.conflicts', { limit: 1 });
      expect(first.conflicts).toHaveLength(1);
      expect(first.next).toEqual(expect.any(String));
      const second = await a.core.invoke('sync.conflicts', { limit: 1, before: first.next! });
      expect(second.next).toEqual(expect.any(String));
      const third = await a.core.invoke('sync.conflicts', { limit: 2, before: second.next! });
      expect(third.next).toBeNull();
      expect([...first.conflicts, ...second.conflicts, ...third.conflicts]).toEqual(all.conflicts);
    });

    it('a newer edit that overwrites a write its device had not pulled keeps the overwritten one', async () => {
      // Both devices up to date. Offline, b edits the group note first; a, later, edits the
      // same field. b syncs first; then a's newer edit arrives and wins, but a never saw b's
      // value: b's edit is listed as overwritten.
      await a.client.syncOnce();
      await b.client.syncOnce();
      const before = (await a.core.invoke('sync.conflicts', {})).conflicts.length;
      await b.core.invoke('customer.update', { id: customerId, wechatId: 'b_wechat' });
      world.now += 60_000;
      await a.core.invoke('customer.update', { id: customerId, wechatId: 'a_wechat' });
      world.now += 60_000;
      await b.client.syncOnce();
      await a.client.syncOnce();
      await b.client.syncOnce();
      const all = (await a.core.invoke('sync.conflicts', {})).conflicts;
      expect(all).toHaveLength(before + 1);
      expect(all[0]).toMatchObject({
        table: 'customers',
        field: 'wechatId',
        lostValue: 'b_wechat',
        currentValue: 'a_wechat',
        deviceName: '店主手机',
      });
      expect(await b.core.invoke('customer.get', { id: customerId })).toMatchObject({
        wechatId: 'a_wechat',
      });

      // Once a device has pulled a write, overwriting it is a plain edit: nothing is listed.
      await a.core.invoke('customer.update', { id: customerId, wechatId: 'a_again' });
      await a.client.syncOnce();
      await b.client.syncOnce();
      world.now += 60_000;
      await b.core.invoke('customer.update', { id: customerId, wechatId: 'b_after_seeing' });
      await b.client.syncOnce();
      expect((await a.core.invoke('sync.conflicts', {})).conflicts).toHaveLength(before + 1);
    });

    it('refuses a page token it did not make (400)', async () => {
      const err = await a.client.conflicts({ before: 'bm90LWEtdG9rZW4' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncHttpError);
      expect((err as SyncHttpError).status).toBe(400);
    });

    it("refuses an agent's token (403) and the agent's contract call", async () => {
      const agentId = (await a.core.invoke('agent.create', { name: '甲', tier: 'general' })).id;
      await a.client.syncOnce();
      const { code } = await a.client.createInvite(agentId);
      const agent = new Device({ name: 'agent', clock });
      devices.push(agent);
      const s = await agent.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: 'agent@example.com',
        password: PASSWORD,
        deviceName: '代理手机',
      });
      agent.refreshCore();
      await agent.client.syncOnce();

      const err = await agent.client.conflicts().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncHttpError);
      expect((err as SyncHttpError).status).toBe(403);
      expect((err as SyncHttpError).body?.code).toBe('FORBIDDEN');

      const raw = await fetch(`${server.url}/v1/sync/conflicts`, {
        headers: { authorization: `Bearer ${s.accessToken}` },
      });
      expect(raw.status).toBe(403);
      expect(await raw.text()).not.toContain('甲写的备注');

      attachSyncClient(agent.client);
      const denied = await agent.core.invoke('sync.conflicts', {}).catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(AppError);
      expect((denied as AppError).code).toBe('FORBIDDEN');

      const anonymous = await fetch(`${server.url}/v1/sync/conflicts`);
      expect(anonymous.status).toBe(401);
    });
  });
}
