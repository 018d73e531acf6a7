// One owner device records a small business, a second device joins and ends up with the same
// rows; edits from both meet on the server.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Device, diffRows, serverView, startServer, type SimServer } from '../../sim/harness';
import { systemClock } from '../../../core/api/context';
import type { SyncDb } from '../../../server/sync/schema';
import { MirrorCache } from '../../../server/sync/mirror';

describe('sync (sqlite server)', () => {
  let server: SimServer;
  const devices: Device[] = [];
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(async () => {
    for (const d of devices) await d.dispose();
    await server.close();
  });

  it('a second device gets what the first recorded', async () => {
    const a = new Device({ name: 'a', clock: systemClock });
    const b = new Device({ name: 'b', clock: systemClock });
    devices.push(a, b);
    await a.core.invoke('workspace.init', { name: '小店' });
    const c = await a.core.invoke('customer.create', { name: '张三', phone: '13800138000' });
    const p = await a.core.invoke('product.create', { sku: 'A1', name: '脐橙', retailPrice: 1000 });
    await a.core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 10, unitCost: 600 }],
    });
    const o = await a.core.invoke('order.create', {
      customerId: c.id,
      lines: [{ productId: p.id, quantity: 2 }],
    });
    await a.core.invoke('order.markPaid', { orderId: o.id });
    const s = await a.client.signUp({
      serverUrl: server.url,
      email: 'owner@example.com',
      password: 'correct horse battery',
      workspaceName: '小店',
      deviceName: 'a',
    });
    await a.client.syncOnce();
    expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);

    await b.client.signIn({
      serverUrl: server.url,
      email: 'owner@example.com',
      password: 'correct horse battery',
      deviceName: 'b',
    });
    b.refreshCore();
    await b.client.syncOnce();
    expect(diffRows(b.rows(), a.rows())).toEqual([]);

    await b.core.invoke('customer.update', { id: c.id, notes: 'from b' });
    await a.core.invoke('customer.update', { id: c.id, name: '张三丰' });
    await b.client.syncOnce();
    await a.client.syncOnce();
    await b.client.syncOnce();
    expect(diffRows(b.rows(), a.rows())).toEqual([]);
    const got = await b.core.invoke('customer.get', { id: c.id });
    expect(got).toMatchObject({ name: '张三丰', notes: 'from b' });
  });
});

describe('last writer wins per field, by clock', () => {
  let server: SimServer;
  const devices: Device[] = [];
  const world = { now: Date.parse('2026-03-10T02:00:00Z') };
  const clock = (skewMs: number) => ({ now: () => new Date(world.now + skewMs) });
  beforeAll(async () => {
    server = await startServer('sqlite', () => new Date(world.now));
  });
  afterAll(async () => {
    for (const d of devices) await d.dispose();
    await server.close();
  });

  it('a later edit wins even when it arrives first; a clock from the future is clamped', async () => {
    const a = new Device({ name: 'a', clock: clock(0) });
    const b = new Device({ name: 'b', clock: clock(0) });
    const future = new Device({ name: 'future', clock: clock(2 * 24 * 3600_000) });
    devices.push(a, b, future);
    await a.core.invoke('workspace.init', { name: '小店' });
    const c = await a.core.invoke('customer.create', { name: '原名' });
    const s = await a.client.signUp({
      serverUrl: server.url,
      email: 'lww@example.com',
      password: 'correct horse battery',
      workspaceName: '小店',
      deviceName: 'a',
    });
    await a.client.syncOnce();
    for (const d of [b, future]) {
      await d.client.signIn({
        serverUrl: server.url,
        email: 'lww@example.com',
        password: 'correct horse battery',
        deviceName: d.name,
      });
      d.refreshCore();
      await d.client.syncOnce();
    }
    // Offline: a edits first, b later; b's edit reaches the server first.
    await a.core.invoke('customer.update', { id: c.id, name: '甲改的', notes: '甲的备注' });
    world.now += 60_000;
    await b.core.invoke('customer.update', { id: c.id, name: '乙改的' });
    await b.client.syncOnce();
    await a.client.syncOnce();
    await b.client.syncOnce();
    const view = await serverView(server.db, s.workspace.id, null);
    expect(view.get('customers')!.get(c.id)).toMatchObject({ name: '乙改的', notes: '甲的备注' });
    expect(diffRows(a.rows(), b.rows())).toEqual([]);
    const conflicts = await (server.db.db as unknown as SyncDb)
      .selectFrom('sync_conflicts')
      .selectAll()
      .execute();
    expect(conflicts).toMatchObject([{ field: 'name', lost_value: JSON.stringify('甲改的') }]);

    // Two days ahead: its edit is clamped to a few minutes ahead, so a later real edit wins.
    await future.core.invoke('customer.update', { id: c.id, name: '未来改的' });
    await future.client.syncOnce();
    world.now += 3600_000;
    await b.core.invoke('customer.update', { id: c.id, name: '一小时后改的' });
    await b.client.syncOnce();
    const after = await serverView(server.db, s.workspace.id, null);
    expect(after.get('customers')!.get(c.id)).toMatchObject({ name: '一小时后改的' });
  });
});

describe('one push, one version', () => {
  let server: SimServer;
  const devices: Device[] = [];
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(async () => {
    for (const d of devices) await d.dispose();
    await server.close();
  });

  it('writes the rows its mutations left once, at one version; a refused one leaves nothing', async () => {
    const a = new Device({ name: 'a', clock: systemClock });
    const b = new Device({ name: 'b', clock: systemClock });
    devices.push(a, b);
    const account = { email: 'one@example.com', password: 'correct horse battery' };
    const s = await a.client.signUp({
      serverUrl: server.url,
      ...account,
      workspaceName: '小店',
      deviceName: 'a',
    });
    a.refreshCore();
    await a.core.invoke('workspace.init', { name: '小店' });
    const p = await a.core.invoke('product.create', { sku: 'A1', name: '脐橙', retailPrice: 1000 });
    await a.core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 10, unitCost: 600 }],
    });
    const old = await a.core.invoke('customer.create', { name: '李四' });
    const first = await a.core.invoke('order.create', {
      customerId: old.id,
      lines: [{ productId: p.id, quantity: 1 }],
    });
    await a.client.syncOnce();
    await b.client.signIn({ serverUrl: server.url, ...account, deviceName: 'b' });
    b.refreshCore();
    await b.client.syncOnce();
    await b.core.invoke('order.cancel', { id: first.id });
    await b.client.syncOnce();

    const sdb = server.db.db as unknown as SyncDb;
    const counter = async () =>
      Number(
        (
          await sdb
            .selectFrom('sync_counters')
            .select('cursor')
            .where('workspace_id', '=', s.workspace.id)
            .executeTakeFirstOrThrow()
        ).cursor,
      );
    const before = await counter();
    const versionOf = async (tbl: string, pk: string) =>
      Number(
        (
          await sdb
            .selectFrom('sync_rows')
            .select('version')
            .where('workspace_id', '=', s.workspace.id)
            .where('tbl', '=', tbl)
            .where('pk', '=', pk)
            .executeTakeFirstOrThrow()
        ).version,
      );
    const cancelledAt = await versionOf('orders', first.id);

    // Offline on a (it has not seen the cancel): a new customer, an order for them paid at once,
    // and paying the order b cancelled (refused by the server).
    const c = await a.core.invoke('customer.create', { name: '王五' });
    const o = await a.core.invoke('order.create', {
      customerId: c.id,
      lines: [{ productId: p.id, quantity: 2 }],
    });
    await a.core.invoke('order.markPaid', { orderId: first.id });
    await a.core.invoke('order.markPaid', { orderId: o.id });
    // The server tries the push as one batch; the refusal rolls that try back and the push runs
    // again one mutation at a time, on the same mirror (rebuilding it would cost a big workspace
    // its whole catch-up).
    const dropped = vi.spyOn(MirrorCache.prototype, 'drop');
    await a.client.syncOnce();
    expect(dropped).not.toHaveBeenCalled();
    dropped.mockRestore();

    const after = await counter();
    expect(after).toBe(before + 1);
    const results = await sdb
      .selectFrom('sync_mutations')
      .select(['name', 'status', 'cursor'])
      .where('workspace_id', '=', s.workspace.id)
      .where('device_id', '=', s.device.id)
      .orderBy('seq', 'desc')
      .limit(4)
      .execute();
    expect(results.reverse().map((r) => [r.name, r.status, Number(r.cursor)])).toEqual([
      ['customer.create', 'applied', after],
      ['order.create', 'applied', after],
      ['order.markPaid', 'rejected', after],
      ['order.markPaid', 'applied', after],
    ]);
    // The new order is sent as it stands after the push (paid), at the push's version; the
    // product it sold, the customer, and the payment carry the same version.
    const newOrder = await sdb
      .selectFrom('sync_rows')
      .select(['data', 'version'])
      .where('workspace_id', '=', s.workspace.id)
      .where('tbl', '=', 'orders')
      .where('pk', '=', o.id)
      .executeTakeFirstOrThrow();
    expect(Number(newOrder.version)).toBe(after);
    expect(JSON.parse(newOrder.data!)).toMatchObject({ status: 'paid' });
    expect(await versionOf('products', p.id)).toBe(after);
    expect(await versionOf('customers', c.id)).toBe(after);
    // The refused payment changed nothing: the cancelled order keeps its version.
    expect(await versionOf('orders', first.id)).toBe(cancelledAt);

    await a.client.syncOnce();
    await b.client.syncOnce();
    expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
    expect(diffRows(b.rows(), a.rows())).toEqual([]);
    expect(await a.core.invoke('order.get', { id: first.id })).toMatchObject({
      status: 'cancelled',
    });
  });
});
