// The access log of personal data (PIPL) on signed-in devices. The exports themselves stay on
// the device (export.run and report.export write a file there, customer.exportPersonalData
// returns the data to it), but the log row each one writes goes to the server as the synced
// mutation personalData.logExport: the server and the owner's other devices hold the same row,
// written once per export on every store, and the device's rows stay equal to the server's
// view. A device that is not signed in logs as it always did (the first upload then carries
// its log). Exports and their log are the owner's: an agent device is refused, locally and by
// the server, and never receives the owner's log.
import { existsSync } from 'node:fs';
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
import { systemClock } from '../../../core/api/context';
import type { Fetch } from '../../../core/sync/client';
import { applyPulledPage, getState, nodeId, setState } from '../../../core/sync/device';
import { encodeHlc } from '../../../core/sync/hlc';
import type { Row } from '../../../core/sync/tables';
import type { SyncDb } from '../../../server/sync/schema';
import { LATEST_VERSION } from '../../../db/migrations';

const PASSWORD = 'correct horse battery';
const LOG_MUTATION = 'personalData.logExport';

type LogRow = {
  id: string;
  action: string;
  subject: string;
  detail: string | null;
  created_at: string;
};

/** The device's personal-data log, oldest first. */
function logOf(d: Device): LogRow[] {
  return d.store.sqlite
    .prepare('SELECT * FROM personal_data_log ORDER BY created_at, id')
    .all() as LogRow[];
}

/** The server's personal-data log of the workspace, oldest first. */
async function serverLog(server: SimServer, ws: string): Promise<Row[]> {
  const view = await serverView(server.db, ws, null);
  return [...view.get('personal_data_log')!.values()].sort(
    (a, b) =>
      String(a.created_at).localeCompare(String(b.created_at)) ||
      String(a.id).localeCompare(String(b.id)),
  );
}

function outbox(d: Device): { name: string; args: unknown }[] {
  return (
    d.store.sqlite.prepare('SELECT name, args FROM sync_outbox ORDER BY seq').all() as {
      name: string;
      args: string;
    }[]
  ).map((r) => ({ name: r.name, args: JSON.parse(r.args) as unknown }));
}

/** How many log rows of each subject (exactly one per export, on every store). */
function perSubject(rows: readonly Record<string, unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r.subject)] = (out[String(r.subject)] ?? 0) + 1;
  return out;
}

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`the personal-data log on signed-in devices (${kind})`, () => {
    let server: SimServer;
    let a: Device;
    let b: Device;
    let agent: Device;
    let ws: string;
    const ids: Record<string, string> = {};
    const mail = `pdl-owner-${kind}@example.com`;
    const devices: Device[] = [];
    /** Device A's push: the server applies it, and then the answer is lost on the way back. */
    let losePushAnswer = false;
    const aFetch: Fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (losePushAnswer && url.endsWith('/v1/sync/push')) {
        await res.text();
        throw new TypeError('fetch failed: connection reset');
      }
      return res;
    };
    const sdb = () => server.db.db as unknown as SyncDb;
    const mutations = () =>
      sdb()
        .selectFrom('sync_mutations')
        .select(['device_id', 'name', 'status', 'code', 'reason', 'args'])
        .where('workspace_id', '=', ws)
        .orderBy('cursor')
        .orderBy('seq')
        .execute();

    beforeAll(async () => {
      server = await startServer(kind);
      a = new Device({ name: 'a', clock: systemClock, fetch: aFetch });
      devices.push(a);
      const core = a.core;
      await core.invoke('workspace.init', { name: '小店' });
      ids.agent = (await core.invoke('agent.create', { name: '一级', tier: 'general' })).id;
      ids.p = (
        await core.invoke('product.create', { sku: 'P1', name: '脐橙', retailPrice: 1250 })
      ).id;
      await core.invoke('purchase.record', {
        lines: [{ productId: ids.p, quantity: 100, unitCost: 500 }],
      });
      ids.c = (
        await core.invoke('customer.create', {
          name: '陈小美',
          phone: '13866667777',
          addresses: [{ recipient: '陈小美', detail: '文三路1号' }],
        })
      ).id;
      ids.agentCustomer = (
        await core.invoke('customer.create', { name: '李阿姨', ownerAgentId: ids.agent })
      ).id;
      await core.invoke('order.create', {
        customerId: ids.c,
        lines: [{ productId: ids.p, quantity: 2 }],
      });
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'a',
      });
      ws = s.workspace.id;
      await a.client.syncOnce();

      b = new Device({ name: 'b', clock: systemClock, snapshots: false });
      devices.push(b);
      await b.client.signIn({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        deviceName: 'b',
      });
      b.refreshCore();
      await b.client.syncOnce();

      const { code } = await a.client.createInvite(ids.agent);
      agent = new Device({ name: 'agent', clock: systemClock });
      devices.push(agent);
      await agent.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: `pdl-agent-${kind}@example.com`,
        password: PASSWORD,
        deviceName: 'agent phone',
      });
      agent.refreshCore();
      await agent.client.syncOnce();
    });

    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server?.close();
    });

    it('exports on a signed-in owner device: the log reaches the server and the other device, once each', async () => {
      const before = logOf(a).length;
      const customersFile = join(a.dir, 'customers.csv');
      const ordersFile = join(a.dir, 'orders.xlsx');
      const reportFile = join(a.dir, 'by-customer.csv');
      const exported = await a.core.invoke('export.run', {
        kind: 'customers',
        file: customersFile,
      });
      expect(exported).toMatchObject({ masked: true });
      expect(
        await a.core.invoke('export.run', { kind: 'orders', file: ordersFile, unmasked: true }),
      ).toMatchObject({ masked: false });
      const data = await a.core.invoke('customer.exportPersonalData', { id: ids.c! });
      expect(data.customer).toMatchObject({ id: ids.c, phone: '13866667777' });
      await a.core.invoke('report.export', {
        from: '2024-01-01',
        to: '2030-12-31',
        by: 'customer',
        file: reportFile,
      });
      // Not personal data: not logged.
      await a.core.invoke('export.run', { kind: 'products', file: join(a.dir, 'products.csv') });
      // The files are written on this device, and only here.
      for (const f of [customersFile, ordersFile, reportFile]) expect(existsSync(f)).toBe(true);

      // Logged at once on the device, one row per export of personal data.
      const local = logOf(a).slice(before);
      expect(perSubject(local)).toEqual({
        customers: 1,
        orders: 1,
        [ids.c!]: 1,
        'report:customer': 1,
      });

      await a.client.syncOnce();
      expect(await a.core.invoke('sync.log', {})).toEqual([]);
      // The server holds the same rows (same ids, same times, same detail).
      const onServer = await serverLog(server, ws);
      expect(onServer).toEqual(logOf(a));
      expect(perSubject(onServer)).toEqual(perSubject(logOf(a)));
      // The device holds exactly what the server holds in its scope.
      expect(diffRows(a.rows(), await serverView(server.db, ws, null))).toEqual([]);
      // The second owner device receives the log, once each.
      await b.client.syncOnce();
      expect(logOf(b)).toEqual(logOf(a));
      expect(diffRows(b.rows(), await serverView(server.db, ws, null))).toEqual([]);

      // What went to the server: a log entry per export, never the exports themselves.
      const sent = (await mutations()).filter((m) => m.name !== 'workspace.init');
      expect(sent.map((m) => [m.name, m.status])).toEqual([
        [LOG_MUTATION, 'applied'],
        [LOG_MUTATION, 'applied'],
        [LOG_MUTATION, 'applied'],
        [LOG_MUTATION, 'applied'],
      ]);
      const args = sent.map((m) => JSON.parse(m.args) as { subject: string; detail: string });
      expect(args.map((x) => x.subject)).toEqual(['customers', 'orders', ids.c, 'report:customer']);
      expect(JSON.parse(args[0]!.detail)).toMatchObject({
        file: customersFile,
        rows: exported.rows,
        masked: true,
      });
      expect(args[2]!.detail).toBe(`personal data of customer ${ids.c} exported`);
      // The customer's data itself never leaves the device through the log.
      expect(JSON.stringify(args)).not.toContain('13866667777');
    });

    it('an export whose log entry would be too long to sync is refused before its file is written', async () => {
      const before = logOf(a);
      const tooLong = join(a.dir, `${'长'.repeat(3000)}.csv`);
      const r = await a.core.call('export.run', { kind: 'customers', file: tooLong });
      expect(!r.ok && r.error).toMatchObject({
        code: 'VALIDATION',
        details: { issues: [{ path: 'file' }] },
      });
      expect(existsSync(tooLong)).toBe(false);
      expect(logOf(a)).toEqual(before);
      expect(outbox(a)).toEqual([]);
    });

    it('a log entry whose push answer was lost is applied once and held once', async () => {
      const file = join(a.dir, 'again.csv');
      await a.core.invoke('export.run', { kind: 'customers', file });
      const expected = logOf(a);
      expect(outbox(a).map((m) => m.name)).toEqual([LOG_MUTATION]);

      losePushAnswer = true;
      await expect(a.client.syncOnce()).rejects.toThrow();
      losePushAnswer = false;
      // The server applied it; the device does not know yet and still holds its own row.
      expect(await serverLog(server, ws)).toEqual(expected);
      expect(outbox(a)).toHaveLength(1);
      expect(logOf(a)).toEqual(expected);

      // The next sync pushes it again (acknowledged, not applied twice) and pulls the row: the
      // device's provisional row is replaced by the server's, the same one.
      await a.client.syncOnce();
      expect(outbox(a)).toEqual([]);
      expect(logOf(a)).toEqual(expected);
      expect(await serverLog(server, ws)).toEqual(expected);
      expect(diffRows(a.rows(), await serverView(server.db, ws, null))).toEqual([]);
      await b.client.syncOnce();
      expect(logOf(b)).toEqual(expected);
      expect(
        (await mutations()).filter((m) => m.name === LOG_MUTATION).map((m) => m.status),
      ).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    });

    it('an export made while another device changed the workspace is rebased, not doubled', async () => {
      await b.core.invoke('customer.update', { id: ids.c!, notes: '住在公司附近' });
      await b.client.syncOnce();
      // A exports before it has pulled B's change.
      await a.core.invoke('customer.exportPersonalData', { id: ids.c! });
      const expected = logOf(a);
      // A pulled page laid down while the entry is still unpushed: the provisional row is taken
      // back and the pending personalData.logExport replayed, giving the same row (same id and
      // time), once.
      const sqlite = a.store.sqlite;
      expect(
        sqlite
          .prepare("SELECT count(*) FROM sync_undo WHERE tbl = 'personal_data_log'")
          .pluck()
          .get(),
      ).toBe(1);
      await applyPulledPage(
        a.store,
        {
          rows: [],
          checkpoint: Number(getState(sqlite, 'cursor') ?? 0),
          next: null,
          lastAppliedSeq: Number(getState(sqlite, 'acked_seq') ?? 0),
          serverTime: Date.now(),
        },
        systemClock,
      );
      expect(outbox(a).map((m) => m.name)).toEqual([LOG_MUTATION]);
      expect(logOf(a)).toEqual(expected);
      await a.client.syncOnce();
      await b.client.syncOnce();
      const view = await serverView(server.db, ws, null);
      expect(diffRows(a.rows(), view)).toEqual([]);
      expect(diffRows(b.rows(), view)).toEqual([]);
      expect(perSubject(logOf(a))[ids.c!]).toBe(2);
      expect(logOf(b)).toEqual(logOf(a));
    });

    it('an agent may not export nor log, is refused by the server, and never holds the log', async () => {
      const refused = [
        ['export.run', { kind: 'customers', file: join(agent.dir, 'c.csv') }],
        ['customer.exportPersonalData', { id: ids.agentCustomer! }],
        [
          'report.export',
          { from: '2024-01-01', to: '2030-12-31', by: 'customer', file: join(agent.dir, 'r.csv') },
        ],
        [LOG_MUTATION, { subject: 'customers', detail: null }],
      ] as const;
      for (const [name, input] of refused) {
        const r = await agent.core.call(name, input);
        expect(!r.ok && r.error.code, name).toBe('FORBIDDEN');
      }
      expect(existsSync(join(agent.dir, 'c.csv'))).toBe(false);
      expect(outbox(agent)).toEqual([]);
      expect(logOf(agent)).toEqual([]);

      // A device changed to send one anyway: the server refuses it from the token.
      const sqlite = agent.store.sqlite;
      const seq = Number(getState(sqlite, 'last_seq') ?? 0) + 1;
      const hlc = encodeHlc({ wall: Date.now(), counter: 0, node: nodeId(sqlite) });
      sqlite
        .prepare(
          'INSERT INTO sync_outbox (seq, name, args, schema_version, hlc, tz, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          seq,
          LOG_MUTATION,
          JSON.stringify({ subject: 'customers', detail: 'forged' }),
          LATEST_VERSION,
          hlc,
          0,
          new Date().toISOString(),
        );
      setState(sqlite, 'last_seq', String(seq));
      setState(sqlite, 'hlc', hlc);
      await agent.client.syncOnce();
      const log = (await agent.core.invoke('sync.log', {})) as { name: string; code: string }[];
      expect(log.map((l) => [l.name, l.code])).toEqual([[LOG_MUTATION, 'FORBIDDEN']]);
      expect((await serverLog(server, ws)).map((r) => r.detail)).not.toContain('forged');

      // The owner's log (its rows are the owner's scope) never reaches the agent's device,
      // which holds exactly the server's view of its scope.
      expect((await serverLog(server, ws)).length).toBeGreaterThan(0);
      expect(logOf(agent)).toEqual([]);
      expect(diffRows(agent.rows(), await serverView(server.db, ws, ids.agent!))).toEqual([]);
    });
  });

  describe(`the personal-data log on a device that is not signed in (${kind})`, () => {
    let server: SimServer;
    let d: Device;

    beforeAll(async () => {
      server = await startServer(kind);
      d = new Device({ name: 'solo', clock: systemClock });
    });
    afterAll(async () => {
      await d?.dispose();
      await server?.close();
    });

    it('logs each export directly, records nothing for it, and the first upload carries the log', async () => {
      await d.core.invoke('workspace.init', { name: '小店' });
      const c = await d.core.invoke('customer.create', { name: '张三', phone: '13800138000' });
      // Not signed in, every synced method is still recorded in the outbox (for a later
      // first upload); the exports and their log are not.
      const recorded = outbox(d).map((m) => m.name);
      expect(recorded).toEqual(['workspace.init', 'customer.create']);

      await d.core.invoke('export.run', { kind: 'customers', file: join(d.dir, 'c.csv') });
      await d.core.invoke('export.run', { kind: 'orders', file: join(d.dir, 'o.csv') });
      await d.core.invoke('customer.exportPersonalData', { id: c.id });
      expect(perSubject(logOf(d))).toEqual({ customers: 1, orders: 1, [c.id]: 1 });
      expect(outbox(d).map((m) => m.name)).toEqual(recorded);
      expect(JSON.parse(logOf(d)[0]!.detail!)).toMatchObject({ rows: 1, masked: true });

      // Signing up uploads the store as it is: the log included.
      const s = await d.client.signUp({
        serverUrl: server.url,
        email: `pdl-solo-${kind}@example.com`,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'solo',
      });
      await d.client.syncOnce();
      expect(await serverLog(server, s.workspace.id)).toEqual(logOf(d));
      expect(diffRows(d.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
    });
  });
}
