// The `qundesk` command line on a device store, against a real sync server over HTTP: it builds
// the app's core (the device's actor, the outbox recorder), so a change made at the terminal on
// a signed-in store is recorded like one made in the app and reaches the server and the other
// devices at the app's next sync; the CLI itself never syncs. A store that is not signed in
// records as the app's does, and an agent's store acts as that agent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Device,
  diffRows,
  serverView,
  startServer,
  type SimServer,
  type StoreKind,
} from '../../sim/harness';
import { writeCsv, type SheetValue } from '../../support/imports-fixtures';
import { runCli } from '../../../core/cli/program';
import { systemClock } from '../../../core/api/context';
import { createCore, type Core } from '../../../core/api/dispatcher';
import { SyncClient } from '../../../core/sync/client';
import { createRecorder, deviceActor } from '../../../core/sync/device';
import { SYNCED_TABLES, rowOps, type Row } from '../../../core/sync/tables';
import type { SyncDb } from '../../../server/sync/schema';
import { openStore, type Store } from '../../../db/store';

const PASSWORD = 'correct horse battery';

const CUSTOMERS: SheetValue[][] = [
  ['客户编号', '姓名', '手机'],
  ['C001', '王五', '13900001111'],
  ['C002', '赵六', ''],
];

/** The CLI in this process, as the other CLI tests run it: exit code and what it printed. */
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
    env: {},
  });
  return { code, out, err };
}

/** `qundesk --store FILE call METHOD JSON`, expected to succeed: its JSON value. */
async function call<T = Record<string, unknown>>(
  file: string,
  method: string,
  input: unknown = {},
): Promise<T> {
  const r = await cli(['--store', file, 'call', method, JSON.stringify(input)]);
  expect(r.err, `${method}: ${r.err}`).toBe('');
  expect(r.code, method).toBe(0);
  return JSON.parse(r.out) as T;
}

/** The app on a store file: the host's core and a sync client that syncs when told to. */
interface App {
  store: Store;
  core: Core;
  client: SyncClient;
  close(): Promise<void>;
}

function openApp(file: string): App {
  const store = openStore(file);
  const client = new SyncClient({ store, clock: systemClock, auto: false });
  const core = createCore({
    store,
    clock: systemClock,
    actor: () => deviceActor(store.sqlite),
    recorder: createRecorder(store, systemClock),
  });
  return {
    store,
    core,
    client,
    async close() {
      await client.close();
      await store.close();
    },
  };
}

/** Every synced row of a store: table -> key -> row (as the harness's Device.rows()). */
function rowsOf(store: Store): Map<string, Map<string, Row>> {
  const ops = rowOps(store.sqlite);
  const out = new Map<string, Map<string, Row>>();
  for (const spec of SYNCED_TABLES) {
    const m = new Map<string, Row>();
    for (const r of ops.all(spec))
      m.set(
        spec.pk.length === 1 ? String(r[spec.pk[0]!]) : JSON.stringify(spec.pk.map((c) => r[c])),
        r,
      );
    out.set(spec.name, m);
  }
  return out;
}

const outboxNames = (store: Store): string[] =>
  store.sqlite.prepare('SELECT name FROM sync_outbox ORDER BY seq').pluck().all() as string[];

const count = (store: Store, table: string): number =>
  store.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`the qundesk CLI on a device store (${kind} server)`, () => {
    let server: SimServer;
    let dir: string;
    const devices: Device[] = [];
    const open: App[] = [];
    let n = 0;
    const mail = (who: string) => `cli-${who}-${kind}-${++n}@example.com`;
    const sdb = () => server.db.db as unknown as SyncDb;

    const app = (file: string) => {
      const a = openApp(file);
      open.push(a);
      return a;
    };
    const closeApp = async (a: App) => {
      open.splice(open.indexOf(a), 1);
      await a.close();
    };

    async function mutations(ws: string) {
      return sdb()
        .selectFrom('sync_mutations')
        .select(['name', 'status', 'code', 'reason'])
        .where('workspace_id', '=', ws)
        .orderBy('cursor')
        .orderBy('seq')
        .execute();
    }

    beforeAll(async () => {
      server = await startServer(kind);
      dir = mkdtempSync(join(tmpdir(), 'qd-cli-sync-'));
    });
    afterAll(async () => {
      for (const a of open) await a.close();
      for (const d of devices) await d.dispose();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('changes made with the CLI on a signed-in store reach the server and a second device at the next sync', async () => {
      const file = join(dir, 'owner-a.sqlite');
      const email = mail('owner');
      let a = app(file);
      await a.core.invoke('workspace.init', { name: '小店' });
      const product = await a.core.invoke('product.create', {
        sku: 'A1',
        name: '脐橙',
        retailPrice: 1000,
      });
      await a.core.invoke('purchase.record', {
        lines: [{ productId: product.id, quantity: 10, unitCost: 600 }],
      });
      const s = await a.client.signUp({
        serverUrl: server.url,
        email,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'a',
      });
      const ws = s.workspace.id;
      await a.client.syncOnce();
      expect(outboxNames(a.store)).toEqual([]);
      await closeApp(a);

      // At the terminal, the app closed.
      const customer = await call<{ id: string }>(file, 'customer.create', {
        name: '张三',
        phone: '13800138000',
      });
      const order = await call<{ id: string; status: string }>(file, 'order.create', {
        customerId: customer.id,
        lines: [{ productId: product.id, quantity: 2 }],
      });
      expect(await call(file, 'order.markPaid', { orderId: order.id })).toMatchObject({
        status: 'paid',
      });
      const sheet = writeCsv(dir, 'customers-a.csv', CUSTOMERS);
      const dry = await cli(['--store', file, 'import', 'customers', sheet, '--dry-run']);
      expect(dry.code, dry.err).toBe(0);
      const imported = await cli(['--store', file, 'import', 'customers', sheet]);
      expect(imported.code, imported.err).toBe(0);
      // Local-only work still runs, and records nothing.
      const exported = await cli(['--store', file, 'export', 'products', join(dir, 'a.csv')]);
      expect(exported.code, exported.err).toBe(0);
      expect(exported.out).toMatch(/^Wrote 1 rows of products to /);
      // Demo data is refused on a signed-in store, in words the seller can act on.
      const demo = await cli(['--store', file, 'demo', '--orders', '5', '--customers', '5']);
      expect(demo.code).toBe(1);
      expect(demo.out).toBe('');
      expect(demo.err).toMatch(
        /^error: Demo data cannot be loaded on a device signed in to a sync server: .*a new, separate store that is not signed in\./,
      );
      expect(demo.err).toContain('qundesk --store demo.sqlite init');
      expect(demo.err).not.toMatch(/\n\s+at /); // no stack trace
      // The CLI does not sync: the changes wait in the outbox, as the app records them.
      expect(await call(file, 'sync.status')).toMatchObject({
        status: 'offline',
        pending: 4,
        role: 'owner',
        email,
      });

      a = app(file);
      expect(outboxNames(a.store)).toEqual([
        'customer.create',
        'order.create',
        'order.markPaid',
        'import.rows', // the import's rows, as the app's import.run records them when signed in
      ]);
      // Signed in: before-images are kept for the rebase at the next pull.
      expect(count(a.store, 'sync_undo')).toBeGreaterThan(0);
      const serverBefore = await serverView(server.db, ws, null);
      expect(serverBefore.get('customers')!.has(customer.id)).toBe(false);

      // The app's next sync sends them.
      await a.client.syncOnce();
      expect(await a.client.statusEvent()).toMatchObject({ status: 'up-to-date', pending: 0 });
      expect(await a.core.invoke('sync.log', {})).toEqual([]);
      expect((await mutations(ws)).map((m) => [m.name, m.status])).toEqual([
        ['customer.create', 'applied'],
        ['order.create', 'applied'],
        ['order.markPaid', 'applied'],
        ['import.rows', 'applied'],
      ]);
      const view = await serverView(server.db, ws, null);
      expect(view.get('customers')!.get(customer.id)).toMatchObject({ name: '张三' });
      expect(view.get('orders')!.get(order.id)).toMatchObject({
        customer_id: customer.id,
        status: 'paid',
        total_due: 2000,
      });
      expect(diffRows(rowsOf(a.store), view)).toEqual([]);

      // A second device gets the same customer, order and imported customers.
      const b = new Device({ name: 'b', clock: systemClock });
      devices.push(b);
      await b.client.signIn({ serverUrl: server.url, email, password: PASSWORD, deviceName: 'b' });
      b.refreshCore();
      await b.client.syncOnce();
      expect(await b.core.invoke('customer.get', { id: customer.id })).toMatchObject({
        name: '张三',
      });
      expect(await b.core.invoke('order.get', { id: order.id })).toMatchObject({
        customerId: customer.id,
        status: 'paid',
      });
      const names = [...b.rows().get('customers')!.values()].map((c) => c.name).sort();
      expect(names).toEqual(['张三', '王五', '赵六'].sort());
      expect(diffRows(b.rows(), rowsOf(a.store))).toEqual([]);
      await closeApp(a);
    });

    it('on a store that is not signed in the CLI works as before; its outbox is covered by the first upload', async () => {
      const file = join(dir, 'local.sqlite');
      const init = await cli(['--store', file, 'init', '--name', '本地店']);
      expect(init.code, init.err).toBe(0);
      const demo = await cli([
        '--store',
        file,
        'demo',
        '--seed',
        '3',
        '--orders',
        '20',
        '--customers',
        '10',
      ]);
      expect(demo.code, demo.err).toBe(0);
      expect(demo.out).toContain('Demo data written:');
      const customer = await call<{ id: string }>(file, 'customer.create', { name: '孙七' });
      const sheet = writeCsv(dir, 'customers-local.csv', CUSTOMERS);
      const imported = await cli(['--store', file, 'import', 'customers', sheet]);
      expect(imported.code, imported.err).toBe(0);
      expect(await call(file, 'sync.status')).toMatchObject({
        status: 'signed-out',
        pending: 2,
      });

      // As the app's recorder does before sign-in: synced calls go to the outbox (no
      // before-images: nothing to rebase against); import.run and demo.generate are local.
      let a = app(file);
      expect(outboxNames(a.store)).toEqual(['workspace.init', 'customer.create']);
      expect(count(a.store, 'sync_undo')).toBe(0);
      expect(
        a.store.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'last_seq'").pluck().get(),
      ).toBe('2');
      const localRows = rowsOf(a.store);
      expect(localRows.get('customers')!.has(customer.id)).toBe(true);
      expect(localRows.get('orders')!.size).toBeGreaterThan(0);

      // Signing up later uploads the business as it is; the outbox before it is dropped, not
      // pushed again.
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail('local'),
        password: PASSWORD,
        workspaceName: '本地店',
        deviceName: 'a',
      });
      await a.client.syncOnce();
      expect(outboxNames(a.store)).toEqual([]);
      expect(await mutations(s.workspace.id)).toEqual([]);
      expect(diffRows(rowsOf(a.store), await serverView(server.db, s.workspace.id, null))).toEqual(
        [],
      );
      await closeApp(a);

      // From now on the store is signed in: the next CLI change is pushed as a mutation.
      await call(file, 'customer.update', { id: customer.id, notes: '从命令行改' });
      a = app(file);
      await a.client.syncOnce();
      expect((await mutations(s.workspace.id)).map((m) => [m.name, m.status])).toEqual([
        ['customer.update', 'applied'],
      ]);
      const view = await serverView(server.db, s.workspace.id, null);
      expect(view.get('customers')!.get(customer.id)).toMatchObject({ notes: '从命令行改' });
      await closeApp(a);
    });

    it("on an agent's signed-in store the CLI acts as that agent, as the app does", async () => {
      const ownerFile = join(dir, 'owner-c.sqlite');
      const agentFile = join(dir, 'agent.sqlite');
      const owner = app(ownerFile);
      const core = owner.core;
      await core.invoke('workspace.init', { name: '小店' });
      await core.invoke('plan.create', {
        name: '标准',
        effectiveFrom: '2026-01-01',
        base: 'net',
        rates: [1000, 300],
      });
      const top = (await core.invoke('agent.create', { name: '总代', tier: 'general' })).id;
      const b = (await core.invoke('agent.create', { name: '一级', tier: 'level1', uplineId: top }))
        .id;
      const other = (await core.invoke('agent.create', { name: '别家', tier: 'general' })).id;
      const product = (
        await core.invoke('product.create', { sku: 'P1', name: '脐橙', retailPrice: 1250 })
      ).id;
      await core.invoke('purchase.record', {
        lines: [{ productId: product, quantity: 100, unitCost: 500 }],
      });
      const s = await owner.client.signUp({
        serverUrl: server.url,
        email: mail('boss'),
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'owner',
      });
      const ws = s.workspace.id;
      await owner.client.syncOnce();
      const { code } = await owner.client.createInvite(b);

      let agent = app(agentFile);
      const agentMail = mail('agent');
      await agent.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: agentMail,
        password: PASSWORD,
        deviceName: 'agent phone',
      });
      await agent.client.syncOnce();
      await closeApp(agent);

      // Its own customer and order, credited to itself (the owner's actor would leave them
      // to nobody, and they would leave this device at the next sync).
      const customer = await call<{ id: string; ownerAgentId: string | null }>(
        agentFile,
        'customer.create',
        { name: '李阿姨', phone: '13900000001' },
      );
      expect(customer.ownerAgentId).toBe(b);
      const order = await call<{ id: string; agentId: string | null }>(agentFile, 'order.create', {
        customerId: customer.id,
        lines: [{ productId: product, quantity: 3 }],
      });
      expect(order.agentId).toBe(b);

      // Outside its team, and the owner's work, are refused as in the app.
      for (const [what, owned] of [
        ['its upline', top],
        ['another team', other],
      ] as const) {
        const r = await cli([
          '--store',
          agentFile,
          'call',
          'customer.create',
          JSON.stringify({ name: '别人的客户', ownerAgentId: owned }),
        ]);
        expect(r.code, what).toBe(1);
        expect(r.err, what).toContain(`agent ${owned} is not you or in your downline`);
        expect(r.err, what).toContain(
          `This store is signed in to a sync server as the agent ${agentMail}: qundesk acts as that agent`,
        );
      }
      const expense = await cli([
        '--store',
        agentFile,
        'call',
        'expense.record',
        JSON.stringify({ category: 'ads', amount: 500 }),
      ]);
      expect(expense.code).toBe(1);
      expect(expense.err).toMatch(/^error: expense\.record is not allowed for role agent\n/);
      const pnl = await cli([
        '--store',
        agentFile,
        'report',
        'pnl',
        '--from',
        '2026-01-01',
        '--to',
        '2026-12-31',
      ]);
      expect(pnl.code).toBe(1);
      expect(pnl.err).toMatch(/figures\.pnl is not allowed for role agent/);
      const sheet = writeCsv(dir, 'customers-agent.csv', CUSTOMERS);
      const imported = await cli(['--store', agentFile, 'import', 'customers', sheet]);
      expect(imported.code).toBe(1);
      expect(imported.err).toMatch(/import\.run is not allowed for role agent/);
      // What it can see is its team's: the customers it lists are its own, and it may not ask
      // for another team's.
      const list = await call<{ rows: { id: string }[] }>(agentFile, 'customer.list', {});
      expect(list.rows.map((c) => c.id)).toEqual([customer.id]);
      const others = await cli([
        '--store',
        agentFile,
        'call',
        'customer.list',
        JSON.stringify({ ownerAgentId: other }),
      ]);
      expect(others.code).toBe(1);
      expect(others.err).toContain(`agent ${other} is not you or in your downline`);
      expect(await call(agentFile, 'sync.status')).toMatchObject({
        role: 'agent',
        agentId: b,
        pending: 2,
      });

      agent = app(agentFile);
      expect(outboxNames(agent.store)).toEqual(['customer.create', 'order.create']);
      await agent.client.syncOnce();
      expect(await agent.core.invoke('sync.log', {})).toEqual([]);
      expect((await mutations(ws)).map((m) => [m.name, m.status])).toEqual([
        ['customer.create', 'applied'],
        ['order.create', 'applied'],
      ]);
      const view = await serverView(server.db, ws, null);
      expect(view.get('customers')!.get(customer.id)).toMatchObject({ owner_agent_id: b });
      expect(view.get('orders')!.get(order.id)).toMatchObject({ agent_id: b });
      expect(view.get('expenses')!.size).toBe(0);
      // The agent's store holds exactly its scope as the server sees it.
      expect(diffRows(rowsOf(agent.store), await serverView(server.db, ws, b))).toEqual([]);
      await owner.client.syncOnce();
      expect(await owner.core.invoke('customer.get', { id: customer.id })).toMatchObject({
        name: '李阿姨',
        ownerAgentId: b,
      });
      await closeApp(agent);
      await closeApp(owner);
    });
  });
}
