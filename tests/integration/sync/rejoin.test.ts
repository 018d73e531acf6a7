// Re-joining: a device that signed out (or was revoked by the owner by mistake) signs back in
// to the same business with the same store, pulls what it missed and pushes what it had not
// sent, exactly once, including changes the server had applied while its answer was lost.
// Stores holding another business, a business never synced into this one, or signed in with
// another login are still refused. On a real server over SQLite and PostgreSQL; the lost answer
// is a real response dropped by the device's fetch (the only thing wrapped here).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, startServer, type SimServer, type StoreKind } from '../../sim/harness';
import { systemClock } from '../../../core/api/context';
import { AppError } from '../../../core/api/errors';
import type { Fetch } from '../../../core/sync/client';
import { getState, outboxCount } from '../../../core/sync/device';
import { attachSyncClient } from '../../../core/sync/methods';

const PASSWORD = 'correct horse battery';

/** A device whose fetch can lose the answer of its next push (the server did get it). */
class LossyDevice extends Device {
  loseNextPushAnswer = false;
  constructor(name: string) {
    const state = { self: null as LossyDevice | null };
    const lossy: Fetch = async (url, init) => {
      const res = await fetch(url, init);
      const self = state.self;
      if (self?.loseNextPushAnswer && new URL(url).pathname === '/v1/sync/push') {
        self.loseNextPushAnswer = false;
        await res.body?.cancel();
        throw new TypeError('fetch failed (the answer was lost on the way)');
      }
      return res;
    };
    super({ name, clock: systemClock, fetch: lossy });
    state.self = this;
    attachSyncClient(this.client);
  }
}

function device(name: string): Device {
  const d = new Device({ name, clock: systemClock });
  attachSyncClient(d.client);
  return d;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

function defineSuite(kind: StoreKind): void {
  describe(`re-joining the same business (${kind})`, () => {
    let server: SimServer;
    let a: LossyDevice;
    let b: Device;
    const devices: Device[] = [];
    const email = `rejoin-${kind}@example.com`;
    let workspaceId: string;

    const signIn = (d: Device, login = email) =>
      d.core.invoke('sync.signIn', {
        serverUrl: server.url,
        email: login,
        password: PASSWORD,
        deviceName: d.name,
      });

    /** How often the server received a customer.create for this name (applied or refused). */
    const serverCreates = async (name: string): Promise<number> =>
      Number(
        (
          await sql<{ n: number | string }>`SELECT count(*) AS n FROM sync_mutations
            WHERE workspace_id = ${workspaceId} AND name = 'customer.create'
            AND args LIKE ${`%"${name}"%`}`.execute(server.db.db)
        ).rows[0]!.n,
      );
    /** The server's customer rows of this name. */
    const serverRows = async (name: string): Promise<number> =>
      Number(
        (
          await sql<{ n: number | string }>`SELECT count(*) AS n FROM sync_rows
            WHERE workspace_id = ${workspaceId} AND tbl = 'customers' AND data IS NOT NULL
            AND data LIKE ${`%"name":"${name}"%`}`.execute(server.db.db)
        ).rows[0]!.n,
      );
    const localRows = (d: Device, name: string): number =>
      d.store.sqlite
        .prepare('SELECT count(*) FROM customers WHERE name = ?')
        .pluck()
        .get(name) as number;

    async function expectOnce(names: string[]): Promise<void> {
      await b.client.syncOnce();
      for (const name of names) {
        expect({ name, creates: await serverCreates(name) }).toEqual({ name, creates: 1 });
        expect({ name, rows: await serverRows(name) }).toEqual({ name, rows: 1 });
        expect({ name, onA: localRows(a, name) }).toEqual({ name, onA: 1 });
        expect({ name, onB: localRows(b, name) }).toEqual({ name, onB: 1 });
      }
      expect(outboxCount(a.store.sqlite).pending).toBe(0);
      expect(a.store.sqlite.prepare('SELECT count(*) FROM sync_log').pluck().get()).toBe(0);
    }

    beforeAll(async () => {
      server = await startServer(kind);
      a = new LossyDevice('a');
      b = device('b');
      devices.push(a, b);
      await a.core.invoke('workspace.init', { name: '小店' });
      await a.core.invoke('customer.create', { name: '老客' });
      const s = await a.core.invoke('sync.signIn', {
        serverUrl: server.url,
        email,
        password: PASSWORD,
        deviceName: 'a',
        createWorkspace: true,
        workspaceName: '小店',
      });
      workspaceId = s.workspace.id;
      a.refreshCore();
      await a.client.syncOnce();
      await signIn(b);
      b.refreshCore();
      await b.client.syncOnce();
      expect(localRows(b, '老客')).toBe(1);
    });

    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server.close();
    });

    it('signed out with unsent changes (one push applied, its answer lost): signs back in, each change reaches the server once', async () => {
      await a.core.invoke('customer.create', { name: '甲一' });
      await a.core.invoke('customer.create', { name: '甲二' });
      a.loseNextPushAnswer = true;
      await expect(a.client.syncOnce()).rejects.toThrow(/cannot be reached/);
      // The server has them; the device does not know.
      expect(await serverCreates('甲一')).toBe(1);
      await a.core.invoke('customer.create', { name: '甲三' });
      // B changes something meanwhile: A must pull it on its return.
      await b.core.invoke('customer.create', { name: '乙一' });
      await b.client.syncOnce();

      const before = getState(a.store.sqlite, 'device_id');
      await a.core.invoke('sync.signOut', { force: true });
      expect(await a.core.invoke('sync.status', {})).toMatchObject({
        status: 'signed-out',
        pending: 3,
      });
      // Recorded while signed out, also to go up.
      await a.core.invoke('customer.create', { name: '甲四' });

      const back = await signIn(a);
      expect(back.workspace.id).toBe(workspaceId);
      expect(back.deviceId).not.toBe(before);
      a.refreshCore();
      await a.client.syncOnce();
      expect(localRows(a, '乙一')).toBe(1);
      await expectOnce(['甲一', '甲二', '甲三', '甲四']);
      // The business uploaded at the first sign-in is still there once.
      expect([await serverRows('老客'), localRows(a, '老客'), localRows(b, '老客')]).toEqual([
        1, 1, 1,
      ]);
      expect(await a.core.invoke('sync.status', {})).toMatchObject({
        status: 'up-to-date',
        pending: 0,
      });
    });

    it('revoked by the owner by mistake, then signs in again: the old credentials stay dead, the unsent changes go up once', async () => {
      const oldDevice = getState(a.store.sqlite, 'device_id')!;
      const oldRefresh = getState(a.store.sqlite, 'refresh_token')!;
      await b.core.invoke('sync.revokeDevice', { deviceId: oldDevice });
      await a.core.invoke('customer.create', { name: '丙一' });
      const now = await a.core.invoke('sync.now', {});
      expect(now).toMatchObject({ status: 'error', problem: 'device-revoked' });
      await a.core.invoke('customer.create', { name: '丙二' });

      await signIn(a);
      a.refreshCore();
      await a.client.syncOnce();
      await expectOnce(['丙一', '丙二', '甲一', '甲四']);

      const refreshed = await fetch(`${server.url}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: oldRefresh }),
      });
      expect(refreshed.status).toBe(401);
      const list = (await b.core.invoke('sync.devices', {})) as {
        devices: { id: string; revokedAt: string | null }[];
      };
      expect(list.devices.find((d) => d.id === oldDevice)?.revokedAt).not.toBeNull();
      expect(
        list.devices.find((d) => d.id === getState(a.store.sqlite, 'device_id'))?.revokedAt,
      ).toBeNull();
    });

    it('a change the server refused while its answer was lost shows in the sync log after re-joining', async () => {
      const p = await a.core.invoke('product.create', {
        sku: 'RJ1',
        name: '脐橙',
        retailPrice: 1000,
      });
      await a.core.invoke('purchase.record', {
        lines: [{ productId: p.id, quantity: 10, unitCost: 600 }],
      });
      const c = await a.core.invoke('customer.create', { name: '戊一' });
      const order = await a.core.invoke('order.create', {
        customerId: c.id,
        lines: [{ productId: p.id, quantity: 1 }],
      });
      await a.client.syncOnce();
      await b.client.syncOnce();
      await b.core.invoke('order.cancel', { id: order.id });
      await b.client.syncOnce();
      // A has not seen the cancel: paying the order is refused by the server, answer lost.
      await a.core.invoke('order.markPaid', { orderId: order.id });
      a.loseNextPushAnswer = true;
      await expect(a.client.syncOnce()).rejects.toThrow(/cannot be reached/);
      await a.core.invoke('sync.signOut', { force: true });

      await signIn(a);
      a.refreshCore();
      await a.client.syncOnce();
      const log = (await a.core.invoke('sync.log', {})) as { name: string; code: string }[];
      expect(log.map((l) => l.name)).toEqual(['order.markPaid']);
      expect(outboxCount(a.store.sqlite).pending).toBe(0);
      const paid = Number(
        (
          await sql<{ n: number | string }>`SELECT count(*) AS n FROM sync_mutations
            WHERE workspace_id = ${workspaceId} AND name = 'order.markPaid'`.execute(server.db.db)
        ).rows[0]!.n,
      );
      expect(paid).toBe(1);
      // The device shows the server's order: cancelled, not paid.
      const status = a.store.sqlite
        .prepare('SELECT status FROM orders WHERE id = ?')
        .pluck()
        .get(order.id);
      expect(status).toBe('cancelled');
      a.store.sqlite.prepare('DELETE FROM sync_log').run();
    });

    it('a store with another business, or one never synced here, or signed in with another login, is still refused', async () => {
      // Another login's business, synced into its own workspace, then signed out.
      const other = device('other');
      devices.push(other);
      await other.core.invoke('workspace.init', { name: '别家' });
      await other.core.invoke('sync.signIn', {
        serverUrl: server.url,
        email: `other-${kind}@example.com`,
        password: PASSWORD,
        deviceName: 'other',
        createWorkspace: true,
        workspaceName: '别家',
      });
      other.refreshCore();
      await other.client.syncOnce();
      await other.core.invoke('customer.create', { name: '别家客' });
      await other.core.invoke('sync.signOut', { force: true });
      const e1 = await refusal(signIn(other));
      expect(e1.details).toMatchObject({
        syncProblem: 'store-has-data',
        reason: 'other-workspace',
      });
      expect(e1.message).toMatch(/another business/);
      expect(await other.core.invoke('sync.status', {})).toMatchObject({
        status: 'signed-out',
        pending: 1,
      });

      // A business that never synced anywhere.
      const local = device('local');
      devices.push(local);
      await local.core.invoke('workspace.init', { name: '本地店' });
      await local.core.invoke('customer.create', { name: '本地客' });
      const e2 = await refusal(signIn(local));
      expect(e2.details).toMatchObject({ syncProblem: 'store-has-data', reason: 'never-synced' });
      expect(e2.message).toMatch(/never synced/);

      // The owner's store, signed out, signing in with an agent's login of the same business.
      const agentId = (await b.core.invoke('agent.create', { name: '代理甲', tier: 'general' })).id;
      await b.client.syncOnce();
      const { code } = await b.core.invoke('sync.invite', { agentId });
      const agent = device('agent');
      devices.push(agent);
      await agent.core.invoke('sync.joinAsAgent', {
        serverUrl: server.url,
        code,
        email: `agent-${kind}@example.com`,
        password: PASSWORD,
        deviceName: 'agent',
      });
      await a.core.invoke('customer.create', { name: '丁一' });
      const aDevice = getState(a.store.sqlite, 'device_id');
      await a.core.invoke('sync.signOut', { force: true });
      const e3 = await refusal(signIn(a, `agent-${kind}@example.com`));
      expect(e3.details).toMatchObject({ syncProblem: 'store-has-data', reason: 'other-login' });
      expect(e3.message).toMatch(/another login/);
      expect(await serverCreates('丁一')).toBe(0);
      // Refused without retiring the owner's device record for good: the owner takes it up.
      expect(getState(a.store.sqlite, 'left_device_id')).toBe(aDevice);
      await signIn(a);
      a.refreshCore();
      await a.client.syncOnce();
      await expectOnce(['丁一']);
    });
  });
}

defineSuite('sqlite');
defineSuite('postgres');
