// An order's completion day (orders.completed_on, migration 6) over real sync: the device
// completes an order at 07:30 in Shanghai (23:30 UTC the day before); the server replays it in
// the device's calendar, and a second device gets the business's day, so both start the refund
// window on the same day. A row image the server stored before the update (no completed_on)
// still gives every store the business's day: a device that pulls it, and a new server node
// whose working copy is built from it. A device newer than its server is told to update the
// server and keeps its outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, diffRows, serverView, startServer, type SimServer } from '../../sim/harness';
import type { StoreKind } from '../../sim/harness';
import { testClock } from '../../support/store';
import { buildServer } from '../../../server/app';
import type { SyncDb } from '../../../server/sync/schema';
import { LATEST_VERSION } from '../../../db/migrations';
import { attachSyncClient } from '../../../core/sync/methods';

const PASSWORD = 'correct horse battery';
const completedOn = (d: Device, id: string) =>
  d.store.sqlite.prepare('SELECT completed_on FROM orders WHERE id = ?').pluck().get(id);

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`the completion day over sync (${kind})`, () => {
    let server: SimServer;
    const devices: Device[] = [];
    const clock = testClock('2026-03-15T23:30:00Z'); // 2026-03-16 07:30 in Shanghai
    let ws = '';
    let agentId = '';
    let orderId = '';
    let lineId = '';
    const email = `owner-day-${kind}@example.com`;
    const device = (name: string, schemaVersion?: number) => {
      const d = new Device({ name, clock, ...(schemaVersion ? { schemaVersion } : {}) });
      devices.push(d);
      return d;
    };
    const signIn = async (d: Device, url: string) => {
      await d.client.signIn({ serverUrl: url, email, password: PASSWORD, deviceName: d.name });
      d.refreshCore();
      await d.client.syncOnce();
    };

    beforeAll(async () => {
      server = await startServer(kind);
    });
    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server?.close();
    });

    it('reaches a second device as the business day; the window starts there on both', async () => {
      const a = device('a');
      await a.core.invoke('workspace.init', { name: '小店', timeZone: 'Asia/Shanghai' });
      await a.core.invoke('plan.create', {
        name: '标准',
        effectiveFrom: '2026-01-01',
        base: 'net',
        rates: [1000],
      });
      agentId = (await a.core.invoke('agent.create', { name: '总代', tier: 'general' })).id;
      const p = await a.core.invoke('product.create', {
        sku: 'A1',
        name: '脐橙',
        retailPrice: 1000,
      });
      await a.core.invoke('purchase.record', {
        lines: [{ productId: p.id, quantity: 10, unitCost: 600 }],
      });
      const o = await a.core.invoke('order.create', {
        agentId,
        lines: [{ productId: p.id, quantity: 2 }],
      });
      await a.core.invoke('order.markPaid', { orderId: o.id });
      orderId = o.id;
      lineId = o.lines[0]!.id;
      ws = (
        await a.client.signUp({
          serverUrl: server.url,
          email,
          password: PASSWORD,
          workspaceName: '小店',
          deviceName: 'a',
        })
      ).workspace.id;
      await a.client.syncOnce();
      // Completed after the first upload: the server replays order.complete itself.
      await a.core.invoke('order.complete', { id: orderId });
      expect(completedOn(a, orderId)).toBe('2026-03-16');
      await a.client.syncOnce();
      const view = await serverView(server.db, ws, null);
      expect(view.get('orders')!.get(orderId)).toMatchObject({
        status: 'completed',
        completed_on: '2026-03-16',
      });

      const b = device('b');
      await signIn(b, server.url);
      expect(completedOn(b, orderId)).toBe('2026-03-16');
      expect(diffRows(b.rows(), a.rows())).toEqual([]);
      for (const d of [a, b]) {
        expect(
          await d.core.invoke('commission.balances', { agentId, asOf: '2026-03-22' }),
        ).toMatchObject({ pending: 200, payable: 0 });
        expect(
          await d.core.invoke('commission.balances', { agentId, asOf: '2026-03-23' }),
        ).toMatchObject({ pending: 0, payable: 200 });
      }
    });

    it('a row image stored before the update gets the business day on a device and a new node', async () => {
      // As an older server stored it: no completed_on.
      const sdb = server.db.db as unknown as SyncDb;
      const stored = await sdb
        .selectFrom('sync_rows')
        .select('data')
        .where('workspace_id', '=', ws)
        .where('tbl', '=', 'orders')
        .where('pk', '=', orderId)
        .executeTakeFirstOrThrow();
      const legacy = JSON.parse(stored.data!) as Record<string, unknown>;
      delete legacy.completed_on;
      await sdb
        .updateTable('sync_rows')
        .set({ data: JSON.stringify(legacy) })
        .where('workspace_id', '=', ws)
        .where('tbl', '=', 'orders')
        .where('pk', '=', orderId)
        .execute();

      // A second API node on the same database: its working copy is built from the rows.
      const node = await buildServer({ db: server.db, rateLimit: false });
      await node.listen({ host: '127.0.0.1', port: 0 });
      try {
        const address = node.server.address();
        const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
        const c = device('c');
        await signIn(c, url);
        expect(completedOn(c, orderId)).toBe('2026-03-16');
        // A refund on the order, replayed by the new node: the order row it writes back carries
        // the day its working copy gave the legacy image.
        await c.core.invoke('refund.create', {
          orderId,
          lines: [{ lineId, quantity: 1 }],
          restock: true,
          refundedOn: '2026-03-16',
        });
        await c.client.syncOnce();
        expect(await c.core.invoke('sync.log', {})).toEqual([]);
        const view = await serverView(server.db, ws, null);
        expect(view.get('orders')!.get(orderId)).toMatchObject({
          completed_on: '2026-03-16',
          refunded_total: 1000,
        });
        expect(diffRows(c.rows(), view)).toEqual([]);
        expect(
          await c.core.invoke('commission.balances', { agentId, asOf: '2026-03-23' }),
        ).toMatchObject({ pending: 0, payable: 100 });
      } finally {
        await node.close();
      }
    });

    it('a device newer than the server is told to update the server and keeps its outbox', async () => {
      const d = device('newer', LATEST_VERSION + 1);
      await d.client.signIn({ serverUrl: server.url, email, password: PASSWORD, deviceName: 'n' });
      d.refreshCore();
      attachSyncClient(d.client);
      const outbox = () =>
        d.store.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get() as number;
      await d.core.invoke('customer.create', { name: '王五' });
      expect(outbox()).toBe(1);
      const now = await d.core.invoke('sync.now', {});
      expect(now).toMatchObject({ status: 'update-required', problem: 'update-required' });
      expect(now.message).toMatch(/server is older than this app/);
      expect(outbox()).toBe(1);
    });
  });
}
