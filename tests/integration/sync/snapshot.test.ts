// An owner device's first sync from a snapshot (server/sync/snapshot.ts, core/sync/snapshot.ts):
// the server builds the workspace as a store file after a first upload; a new owner device
// downloads it, lays it over its empty store and pulls on from its cursor. It must end exactly
// where a device that pulled every row ends: same rows, same figures, same search, its own
// sync state. A damaged download, an agent, or a device that already holds something never
// gets one laid over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import {
  Device,
  diffRows,
  serverView,
  snapshotReady,
  startServer,
  type SimServer,
  type StoreKind,
} from '../../sim/harness';
import { systemClock } from '../../../core/api/context';
import { getState } from '../../../core/sync/device';
import { SyncClient, type Fetch } from '../../../core/sync/client';
import { DERIVED_TABLES, DEVICE_TABLES, snapshotDue } from '../../../core/sync/snapshot';
import { SYNCED_TABLES } from '../../../core/sync/tables';
import { LATEST_VERSION } from '../../../db/migrations';
import { PUSHES_BETWEEN_COUNTS } from '../../../server/sync/snapshot';

const PASSWORD = 'correct horse battery';
const RANGE = { from: '2024-01-01', to: '2026-12-31' };

interface Seen {
  path: string;
  status: number;
  body: unknown;
}

/** A fetch that notes every request (path, answer status, JSON body) and can alter answers. */
function recording(seen: Seen[], alter?: (path: string, res: Response) => Promise<Response>) {
  const f: Fetch = async (url, init) => {
    let res = await fetch(url, init);
    const path = new URL(url).pathname;
    if (alter) res = await alter(path, res);
    seen.push({
      path,
      status: res.status,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : null,
    });
    return res;
  };
  return f;
}

async function figures(d: Device): Promise<unknown[]> {
  return [
    await d.core.invoke('figures.dashboard', RANGE),
    await d.core.invoke('figures.pnl', { ...RANGE, by: 'product' }),
    await d.core.invoke('figures.pnl', { ...RANGE, by: 'agent' }),
    await d.core.invoke('figures.verify', {}),
  ];
}

/** The derived tables, which the rows alone do not compare. */
function derived(d: Device): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['pnl_daily', 'pnl_monthly', 'commission_daily'])
    out[t] = d.store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3, 4`).all();
  return out;
}

describe('snapshot tables', () => {
  it('every table of the store is synced, derived or the device’s own', async () => {
    const d = new Device({ name: 'tables', clock: systemClock });
    try {
      const tables = d.store.sqlite
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .pluck()
        .all() as string[];
      const known = new Set<string>([
        ...SYNCED_TABLES.map((t) => t.name),
        ...DERIVED_TABLES,
        ...DEVICE_TABLES,
      ]);
      // A new table must be placed in one of the lists, or a snapshot would drop its rows.
      expect(tables.filter((t) => !known.has(t))).toEqual([]);
    } finally {
      await d.dispose();
    }
  });
});

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`first sync from a snapshot (${kind})`, () => {
    let server: SimServer;
    const devices: Device[] = [];
    let a: Device;
    let ws: string;
    const mail = `snap-${kind}@example.com`;

    const device = (name: string, extra: { fetch?: Fetch; snapshots?: boolean } = {}) => {
      const d = new Device({ name, clock: systemClock, ...extra });
      devices.push(d);
      return d;
    };

    async function signIn(d: Device) {
      await d.client.signIn({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        deviceName: d.name,
      });
      d.refreshCore();
      await d.client.syncOnce();
    }

    async function login(): Promise<string> {
      const res = await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: mail, password: PASSWORD, deviceName: 'probe' }),
      });
      return ((await res.json()) as { accessToken: string }).accessToken;
    }

    const snapshotUrl = () => `${server.url}/v1/sync/snapshot?schemaVersion=${LATEST_VERSION}`;

    beforeAll(async () => {
      server = await startServer(kind, undefined, {
        snapshots: { minRows: 0, refreshRows: 1 },
      });
      a = device('a');
      await a.core.invoke('workspace.init', { name: '演示' });
      await a.core.invoke('demo.generate', {
        seed: 5,
        orders: 80,
        customers: 25,
        endDay: '2026-11-20',
      });
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '演示',
        deviceName: 'a',
      });
      ws = s.workspace.id;
      await a.client.syncOnce();
    });

    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server.close();
    });

    it('a new owner device takes the snapshot, pulls on from it, and equals a device that pulled rows', async () => {
      const token = await login();
      const snapCursor = await snapshotReady(server.url, token);

      // Changes after the snapshot: the new device must get them by pulling on from it.
      const customers = a.store.sqlite
        .prepare('SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY id LIMIT 2')
        .pluck()
        .all() as string[];
      const product = a.store.sqlite
        .prepare('SELECT id FROM products WHERE active = 1 ORDER BY id LIMIT 1')
        .pluck()
        .get() as string;
      const o = await a.core.invoke('order.create', {
        customerId: customers[0]!,
        lines: [{ productId: product, quantity: 1 }],
      });
      await a.core.invoke('order.markPaid', { orderId: o.id });
      await a.core.invoke('customer.update', { id: customers[1]!, name: '快照之后改名' });
      await a.client.syncOnce();

      const seen: Seen[] = [];
      const b = device('b', { fetch: recording(seen) });
      await signIn(b);
      const snap = seen.find((r) => r.path === '/v1/sync/snapshot');
      expect(snap?.status).toBe(200);
      const pulls = seen.filter((r) => r.path === '/v1/sync/pull');
      expect(pulls.length).toBeGreaterThan(0);
      // Nothing before the snapshot's cursor was pulled again.
      for (const p of pulls) expect((p.body as { since: number }).since).toBe(snapCursor);

      const c = device('c', { snapshots: false });
      await signIn(c);
      expect(diffRows(b.rows(), c.rows())).toEqual([]);
      expect(diffRows(b.rows(), await serverView(server.db, ws, null))).toEqual([]);
      expect(b.rows().get('orders')!.has(o.id)).toBe(true);
      expect(await figures(b)).toEqual(await figures(c));
      expect(derived(b)).toEqual(derived(c));
      // The search index came with the snapshot and was kept in step by the pull after it.
      const found = await b.core.invoke('customer.search', { query: '快照之后' });
      expect(found.map((h) => h.id)).toEqual([customers[1]!]);
      expect(await b.core.invoke('customer.search', { query: 'kzzh' })).toEqual(
        await c.core.invoke('customer.search', { query: 'kzzh' }),
      );

      // The store is b's own: its device, its cursor, nothing of the server's working copy.
      expect(getState(b.store.sqlite, 'device_id')).not.toBe(getState(a.store.sqlite, 'device_id'));
      expect(getState(b.store.sqlite, 'device_id')).not.toBeNull();
      expect(Number(getState(b.store.sqlite, 'cursor'))).toBe(
        Number(getState(c.store.sqlite, 'cursor')),
      );
      expect(getState(b.store.sqlite, 'snapshot_cursor')).toBe(String(snapCursor));
      expect(getState(c.store.sqlite, 'snapshot_cursor')).toBeNull();
      expect(readdirSync(b.dir).filter((f) => f.includes('snapshot'))).toEqual([]);
      expect(await b.client.statusEvent()).toMatchObject({ status: 'up-to-date', pending: 0 });

      // And it works on: an order made on b reaches a.
      const o2 = await b.core.invoke('order.create', {
        customerId: customers[1]!,
        lines: [{ productId: product, quantity: 2 }],
      });
      await b.client.syncOnce();
      await a.client.syncOnce();
      expect(a.rows().get('orders')!.has(o2.id)).toBe(true);
      expect(b.store.sqlite.prepare('SELECT count(*) FROM sync_log').pluck().get()).toBe(0);
      // b was closed and opened again: the same store.
      await b.crash();
      expect(diffRows(b.rows(), a.rows())).toEqual([]);

      // b's request found the snapshot behind the workspace and started a refresh: the working
      // copy moved on by the rows written since (P&L kept in step source by source), and a
      // device laid from the new copy ends the same.
      const newer = await snapshotReady(server.url, token, snapCursor);
      const f = device('f');
      await signIn(f);
      expect(getState(f.store.sqlite, 'snapshot_cursor')).toBe(String(newer));
      await c.client.syncOnce();
      await f.client.syncOnce();
      expect(diffRows(f.rows(), c.rows())).toEqual([]);
      expect(await figures(f)).toEqual(await figures(c));
      expect(derived(f)).toEqual(derived(c));
      expect(await f.core.invoke('customer.search', { query: 'kzzh' })).toEqual(
        await c.core.invoke('customer.search', { query: 'kzzh' }),
      );
    });

    for (const compressed of [true, false])
      it(`a snapshot damaged on the way (${compressed ? 'gzip' : 'as is'}) is not laid down: the device pulls rows instead`, async () => {
        const seen: Seen[] = [];
        const d = device(`damaged-${compressed}`);
        d.client = new SyncClient({
          store: d.store,
          clock: systemClock,
          auto: false,
          compressedSnapshots: compressed,
          fetch: recording(seen, async (path, res) => {
            if (path !== '/v1/sync/snapshot' || res.status !== 200) return res;
            const bytes = new Uint8Array(await res.arrayBuffer());
            const mid = bytes.length >> 1;
            bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
            return new Response(bytes, { status: 200, headers: res.headers });
          }),
        });
        await signIn(d);
        const snap = seen.find((r) => r.path === '/v1/sync/snapshot');
        expect(snap?.status).toBe(200);
        const pulls = seen.filter((r) => r.path === '/v1/sync/pull');
        expect((pulls[0]!.body as { since: number }).since).toBe(0);
        await a.client.syncOnce();
        await d.client.syncOnce();
        expect(diffRows(d.rows(), a.rows())).toEqual([]);
        expect(await figures(d)).toEqual(await figures(a));
        expect(existsSync(`${d.file}.snapshot`)).toBe(false);
        expect(getState(d.store.sqlite, 'snapshot_cursor')).toBeNull();
      });

    it('a snapshot comes as it is when asked so, and ends the same', async () => {
      const seen: Seen[] = [];
      const e = device('identity');
      e.client = new SyncClient({
        store: e.store,
        clock: systemClock,
        auto: false,
        compressedSnapshots: false,
        fetch: recording(seen),
      });
      await signIn(e);
      expect(seen.find((r) => r.path === '/v1/sync/snapshot')?.status).toBe(200);
      expect(getState(e.store.sqlite, 'snapshot_cursor')).not.toBeNull();
      await a.client.syncOnce();
      await e.client.syncOnce();
      expect(diffRows(e.rows(), a.rows())).toEqual([]);
      expect(await figures(e)).toEqual(await figures(a));
    });

    it('agents get none; a device that holds anything never asks for one', async () => {
      const agentId = a.store.sqlite
        .prepare('SELECT id FROM agents ORDER BY id LIMIT 1')
        .pluck()
        .get() as string;
      const { code } = await a.client.createInvite(agentId);
      const agent = (await fetch(`${server.url}/v1/auth/invites/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code,
          email: `agent-${kind}@example.com`,
          password: PASSWORD,
          deviceName: 'agent',
        }),
      }).then((r) => r.json())) as { accessToken: string };
      const refused = await fetch(snapshotUrl(), {
        headers: { authorization: `Bearer ${agent.accessToken}` },
      });
      expect(refused.status).toBe(403);
      const none = await fetch(snapshotUrl());
      expect(none.status).toBe(401);
      // Another schema version: no snapshot, the device pulls rows.
      const other = await fetch(
        `${server.url}/v1/sync/snapshot?schemaVersion=${LATEST_VERSION + 1}`,
        { headers: { authorization: `Bearer ${await login()}` } },
      );
      expect(other.status).toBe(404);

      // A device that already pulled (cursor > 0) or holds rows is not due one.
      expect(snapshotDue(a.store.sqlite)).toBe(false);
      const fresh = device('fresh');
      await fresh.client.signIn({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        deviceName: 'fresh',
      });
      expect(snapshotDue(fresh.store.sqlite)).toBe(true);
      fresh.refreshCore();
      await fresh.core.invoke('customer.create', { name: '离线先记的' });
      expect(snapshotDue(fresh.store.sqlite)).toBe(false);
    });
  });
}

describe('a business that grows push by push', () => {
  let server: SimServer;
  const devices: Device[] = [];
  const built: Record<string, unknown>[] = [];
  afterAll(async () => {
    for (const d of devices) await d.dispose();
    await server.close();
  });

  it(`gets its first snapshot after ${PUSHES_BETWEEN_COUNTS} pushes, with nobody asking`, async () => {
    server = await startServer('sqlite', undefined, {
      snapshots: {
        minRows: 10,
        refreshRows: 1000,
        log: (msg, fields) => {
          if (msg === 'snapshot ready') built.push(fields ?? {});
        },
      },
    });
    const seen: Seen[] = [];
    const a = new Device({ name: 'a', clock: systemClock, fetch: recording(seen) });
    devices.push(a);
    await a.core.invoke('workspace.init', { name: '小店' });
    const s = await a.client.signUp({
      serverUrl: server.url,
      email: 'grows@example.com',
      password: PASSWORD,
      workspaceName: '小店',
      deviceName: 'a',
    });
    a.refreshCore();
    // The first upload is too small for a snapshot (fewer than 10 rows): none is built.
    await a.client.syncOnce();
    for (let i = 1; i < PUSHES_BETWEEN_COUNTS; i++) {
      await a.core.invoke('customer.create', { name: `顾客${i}` });
      await a.client.syncOnce();
    }
    // Past 10 rows, but not counted yet: nothing built.
    expect(built).toEqual([]);
    await a.core.invoke('customer.create', { name: '第二十位' });
    await a.client.syncOnce();
    const until = Date.now() + 40_000;
    while (built.length === 0 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(built).toMatchObject([{ workspaceId: s.workspace.id }]);
    // Built from pushes alone: the device never asked for a snapshot.
    expect(seen.filter((r) => r.path === '/v1/sync/snapshot')).toEqual([]);
    expect(seen.filter((r) => r.path === '/v1/sync/push')).toHaveLength(PUSHES_BETWEEN_COUNTS);
  });
});
