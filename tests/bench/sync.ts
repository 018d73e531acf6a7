// Issue 5's sync benches, on loopback, each with a baseline measured in the same run:
//
// 1. Initial sync of a demo workspace (default 100,000 orders) to a new device: the server's
//    rows are seeded straight into sync_rows from the cached demo store (.bench/, built through
//    'demo.generate'), in the server's own representation (row JSON, scope computed by the
//    server's scopeOf, versions in row order), since the demo generator is a local-only method
//    that records no mutations. The server's snapshot of the workspace (server/sync/snapshot.ts)
//    is waited for and its build time reported apart. Timed: a new owner device's
//    SyncClient.syncOnce() from sign-in to quiescence (the snapshot downloaded gzip-compressed,
//    as the app asks for it, and laid down; the pull after it). Also reported: the same with
//    the snapshot uncompressed, and for a device that pulls every row (no snapshot: the P&L
//    rollup rebuilt at the end). Baseline: raw better-sqlite3 INSERTs of the
//    same rows into an empty store in one transaction. Target <= 10 s.
// 2. Pushing 10,000 offline mutations: an owner device (signed in, catalog and agents synced)
//    records customers, orders and payments through the core while offline, then syncs. Timed:
//    until the server has acknowledged the last one (and the whole sync, pull back included).
//    Baseline: raw INSERTs of the rows the push wrote (sync_rows and sync_mutations) into the
//    server's store in one transaction. Target <= 5 s. Then 10,000 more are recorded and pushed
//    to the same server, warmed by the first (reported as warmPushS; the headline is the first).
// 3. N devices syncing at once against PostgreSQL: see server-devices.ts.
// 4. The first upload (not in the issue's list; reported): a store that already holds a
//    business (a demo store, default 10,000 orders, made with 'demo.generate', which records
//    no mutations) signs up, and its rows go up to the new workspace (POST /v1/sync/seed).
//    Timed: the sign-up's first sync until the upload is done (the pull back that follows is
//    timed apart). Baseline: raw INSERTs of the same rows into the server's sync_rows.
//
// Environment:
//   QUNDESK_BENCH_SYNC_SCALE     multiplies the sizes (default 1; 0.1 = 10k orders, 1k mutations)
//   QUNDESK_BENCH_SYNC_ORDERS    orders in the workspace of measure 1 (default 100000 x scale)
//   QUNDESK_BENCH_SYNC_MUTATIONS offline mutations of measure 2 (default 10000 x scale)
//   QUNDESK_BENCH_SYNC_UPLOAD_ORDERS orders in the uploaded store of measure 4 (default 10000 x scale)
//   QUNDESK_BENCH_SYNC_STORES    server stores for measures 1 and 2 (default 'sqlite', the server's default; add postgres)
//   QUNDESK_BENCH_SYNC_ONLY      'initial', 'push', 'devices', 'upload' or a comma list (default all)
//   QUNDESK_BENCH_DEVICES, QUNDESK_BENCH_ROUNDS, QUNDESK_BENCH_CLIENT_PROCESSES (measure 3)
//   QUNDESK_BENCH_DIR            where demo stores are kept (default .bench)
//   QUNDESK_BENCH_SERVER_INLINE  1: measures 1 and 2 run the server in this process (one thread
//                                for device and server; for profiling) instead of its own
//   QUNDESK_BENCH_PROFILE        a folder: CPU profiles of the timed parts are written there
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../db/store';
import { rebuildPnl } from '../../db/pnl';
import { SYNCED_TABLES, rowKey, type Row } from '../../core/sync/tables';
import { scopeOf, OWNER } from '../../server/sync/scope';
import { demoStore, type DemoStoreSpec } from './demo-store';
import { emitError, log } from './report';
import { BenchDevice, requestTotals, seedBusiness } from './sync-device';
import { emitSync, startBenchServer, type BenchServer, type StoreKind } from './sync-server';
import { measureDevicesAtOnce } from './server-devices';
import { snapshotReady } from '../sim/harness';

const EMAIL = 'bench-owner@example.com';
const PASSWORD = 'bench password 123';
/** Rows per version when seeding (a mutation touches a handful of rows). */
const ROWS_PER_VERSION = 8;
const SYNC_ROW_COLUMNS = [
  'workspace_id',
  'tbl',
  'pk',
  'data',
  'version',
  'scope',
  'once_shared',
] as const;

const PARTS = ['initial', 'push', 'devices', 'upload'] as const;
type Part = (typeof PARTS)[number];

export interface SyncBenchOptions {
  orders: number;
  mutations: number;
  stores: StoreKind[];
  only: Set<Part>;
  uploadOrders: number;
  devices: number;
  rounds: number;
  clientProcesses: number;
  dir: string;
}

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

function envNumber(name: string, fallback: number, integer = true): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isSafeInteger(n)))
    throw new Error(`${name} must be a ${integer ? 'whole ' : ''}number above 0`);
  return n;
}

/** The options from the environment; the defaults are the issue's sizes. */
export function syncBenchOptions(): SyncBenchOptions {
  const scale = envNumber('QUNDESK_BENCH_SYNC_SCALE', 1, false);
  const stores = (process.env.QUNDESK_BENCH_SYNC_STORES || 'sqlite')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is StoreKind => s === 'sqlite' || s === 'postgres');
  const only = new Set(
    (process.env.QUNDESK_BENCH_SYNC_ONLY || PARTS.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter((s): s is Part => (PARTS as readonly string[]).includes(s)),
  );
  return {
    orders: envNumber('QUNDESK_BENCH_SYNC_ORDERS', Math.max(100, Math.round(100_000 * scale))),
    mutations: envNumber('QUNDESK_BENCH_SYNC_MUTATIONS', Math.max(10, Math.round(10_000 * scale))),
    uploadOrders: envNumber(
      'QUNDESK_BENCH_SYNC_UPLOAD_ORDERS',
      Math.max(100, Math.round(10_000 * scale)),
    ),
    stores,
    only,
    devices: envNumber('QUNDESK_BENCH_DEVICES', 50),
    rounds: envNumber('QUNDESK_BENCH_ROUNDS', 20),
    clientProcesses: envNumber('QUNDESK_BENCH_CLIENT_PROCESSES', 2),
    dir: process.env.QUNDESK_BENCH_DIR || join(root, '.bench'),
  };
}

interface Session {
  workspace: { id: string };
  device: { id: string };
  accessToken: string;
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${new URL(url).pathname} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

const seconds = (ms: number) => ms / 1000;

/**
 * Runs fn; with QUNDESK_BENCH_PROFILE=<dir>, under the V8 CPU profiler, the profile written to
 * <dir>/<name>.cpuprofile (open it in Chrome DevTools) for where the timed part spends its time.
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.QUNDESK_BENCH_PROFILE;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
    log(`profile written to ${join(dir, `${name}.cpuprofile`)}`);
  }
}

// ---- 1. initial sync ---------------------------------------------------------------------------

/** Every synced row of the demo store into sync_rows of `workspaceId`; returns rows per table. */
async function seedWorkspace(
  server: BenchServer,
  demoFile: string,
  workspaceId: string,
): Promise<{ rows: number; perTable: Record<string, number>; cursor: number }> {
  const demo = new Database(demoFile, { readonly: true });
  const perTable: Record<string, number> = {};
  let rows = 0;
  let cursor = 0;
  try {
    await server.raw.transaction(async (tx) => {
      for (const spec of SYNCED_TABLES) {
        const stmt = demo.prepare(`SELECT ${spec.columns.join(', ')} FROM ${spec.name}`);
        let batch: unknown[][] = [];
        let count = 0;
        for (const row of stmt.iterate() as IterableIterator<Row>) {
          const scope = scopeOf(demo, spec.name, row);
          cursor = Math.floor(rows / ROWS_PER_VERSION) + 1;
          batch.push([
            workspaceId,
            spec.name,
            rowKey(spec, row),
            JSON.stringify(row),
            cursor,
            scope,
            scope === OWNER ? 0 : 1,
          ]);
          rows += 1;
          count += 1;
          if (batch.length >= 10_000) {
            await tx.insert('sync_rows', [...SYNC_ROW_COLUMNS], batch);
            batch = [];
          }
        }
        if (batch.length > 0) await tx.insert('sync_rows', [...SYNC_ROW_COLUMNS], batch);
        if (count > 0) perTable[spec.name] = count;
      }
      await tx.insert('sync_counters', ['workspace_id', 'cursor'], [[workspaceId, cursor]]);
    });
  } finally {
    demo.close();
  }
  // A workspace that grew row by row has planner statistics (autovacuum); a bulk seed has none
  // until analyzed, and the pull's plan would be a guess.
  if (server.kind === 'postgres') await server.raw.query('ANALYZE sync_rows');
  return { rows, perTable, cursor };
}

/**
 * Raw better-sqlite3 INSERTs of the same rows into a new, empty store (same schema, foreign
 * keys off as the pull has them), one transaction. Rows are read from the demo store table by
 * table outside the timed part; only the inserts and the commit are timed.
 */
function rawInsertBaseline(demoFile: string): { ms: number; rows: number } {
  const dir = mkdtempSync(join(tmpdir(), 'qd-bench-sync-raw-'));
  const demo = new Database(demoFile, { readonly: true });
  try {
    const store = openStore(join(dir, 'raw.sqlite'));
    const sqlite = store.sqlite;
    sqlite.pragma('foreign_keys = OFF');
    let ms = 0;
    let rows = 0;
    sqlite.exec('BEGIN');
    for (const spec of SYNCED_TABLES) {
      const values = demo
        .prepare(`SELECT ${spec.columns.join(', ')} FROM ${spec.name}`)
        .raw()
        .all() as unknown[][];
      if (values.length === 0) continue;
      // Tables a new store already holds a row of (settings) take the server's instead.
      const insert = sqlite.prepare(
        `INSERT OR REPLACE INTO ${spec.name} (${spec.columns.join(', ')}) VALUES (${spec.columns.map(() => '?').join(', ')})`,
      );
      const t0 = performance.now();
      for (const v of values) insert.run(...v);
      ms += performance.now() - t0;
      rows += values.length;
    }
    const t0 = performance.now();
    sqlite.exec('COMMIT');
    ms += performance.now() - t0;
    sqlite.close();
    return { ms, rows };
  } finally {
    demo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureInitialSync(
  kind: StoreKind,
  orders: number,
  dir: string,
): Promise<void> {
  const measure = `sync.initial.${orders}orders.${kind}`;
  const target = '<= 10';
  let server: BenchServer | undefined;
  let device: BenchDevice | undefined;
  try {
    const spec: DemoStoreSpec = {
      orders,
      customers: Math.max(1, Math.round(orders / 5)),
      seed: 1,
      endDay: '2026-03-15',
    };
    const { file } = await demoStore(dir, spec);
    server = await startBenchServer(kind, {
      ownProcess: process.env.QUNDESK_BENCH_SERVER_INLINE !== '1',
    });
    const owner = await postJson<Session>(`${server.url}/v1/auth/signup`, {
      email: EMAIL,
      password: PASSWORD,
      workspaceName: 'Bench shop',
      deviceName: 'owner',
    });
    log(`${measure}: seeding the server's rows`);
    const s0 = performance.now();
    const seeded = await seedWorkspace(server, file, owner.workspace.id);
    log(`${measure}: seeded ${seeded.rows} rows in ${Math.round(performance.now() - s0)} ms`);

    // The server builds the workspace's snapshot in the background once asked (or after a
    // first upload); timed here apart, as the wait before the first snapshot is ready.
    log(`${measure}: waiting for the server's snapshot`);
    const b0 = performance.now();
    const snapshotCursor = await snapshotReady(server.url, owner.accessToken);
    const snapshotBuildMs = performance.now() - b0;
    log(`${measure}: snapshot at cursor ${snapshotCursor} after ${Math.round(snapshotBuildMs)} ms`);

    const synced = async (name: string, snapshots: boolean, compressedSnapshots = true) => {
      const d = new BenchDevice(name, { snapshots, compressedSnapshots });
      await d.client.signIn({
        serverUrl: server!.url,
        email: EMAIL,
        password: PASSWORD,
        deviceName: name,
      });
      d.requests = [];
      log(`${measure}: syncing a new device (${name})`);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await profiled(`${measure}.${name}`, () => d.client.syncOnce());
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      let held = 0;
      for (const t of Object.keys(seeded.perTable))
        held += d.store.sqlite.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
      return { d, ms, cpuS: (cpu.user + cpu.system) / 1e6, held };
    };
    const fast = await synced('initial', true);
    device = fast.d;
    const snap = requestTotals(device.requests, '/v1/sync/snapshot');
    const after = requestTotals(device.requests, '/v1/sync/pull');
    await device.dispose();
    device = undefined;
    // The snapshot as it is (on loopback, decompressing costs more than the bytes it saves).
    const plain = await synced('initial-uncompressed', true, false);
    const plainSnap = requestTotals(plain.d.requests, '/v1/sync/snapshot');
    await plain.d.dispose();
    // The same device without a snapshot (the server has none yet, or an older app): every row
    // pulled and laid down, the P&L rollup rebuilt at the end.
    const slow = await synced('initial-rows', false);
    device = slow.d;
    const pulls = requestTotals(device.requests, '/v1/sync/pull');
    const r0 = performance.now();
    rebuildPnl(device.store.sqlite);
    const pnlRebuildMs = performance.now() - r0;

    log(`${measure}: baseline (raw inserts of the same rows)`);
    const baseline = rawInsertBaseline(file);
    emitSync({
      measure,
      unit: 's',
      median: seconds(fast.ms),
      baseline: seconds(baseline.ms),
      target,
      n: 1,
      details: {
        rows: seeded.rows,
        rowsOnDevice: fast.held,
        snapshotMbOnTheWire: Math.round(snap.bytes / 1e5) / 10,
        uncompressedS: seconds(plain.ms),
        uncompressedMbOnTheWire: Math.round(plainSnap.bytes / 1e5) / 10,
        snapshotCursor,
        pullsAfterSnapshot: after.count,
        cpuS: fast.cpuS,
        serverSnapshotBuildS: seconds(snapshotBuildMs),
        rowsOnlyS: seconds(slow.ms),
        rowsOnlyRowsOnDevice: slow.held,
        rowsOnlyPages: pulls.count,
        rowsOnlyPullWaitS: seconds(pulls.ms),
        rowsOnlyCpuS: slow.cpuS,
        pnlRebuildS: seconds(pnlRebuildMs),
        rowsOnlyMbOnTheWire: Math.round(pulls.bytes / 1e5) / 10,
        rowsPerSecond: Math.round(seeded.rows / seconds(fast.ms)),
        baselineRowsPerSecond: Math.round(baseline.rows / seconds(baseline.ms)),
      },
    });
  } catch (err) {
    emitError(measure, 's', target, err);
  } finally {
    await device?.dispose();
    await server?.close();
  }
}

// ---- 2. pushing offline mutations --------------------------------------------------------------

/**
 * `count` mutations recorded offline, in fives: a new customer, an order for them and its
 * payment, an order for a known customer and its payment (a third of orders by an agent).
 */
async function recordOffline(
  device: BenchDevice,
  count: number,
  seed: Awaited<ReturnType<typeof seedBusiness>>,
): Promise<void> {
  const core = device.core;
  let made = 0;
  let i = 0;
  const step = async (fn: () => Promise<unknown>) => {
    if (made >= count) return undefined;
    made += 1;
    return fn();
  };
  while (made < count) {
    const agentId = seed.agents[i % seed.agents.length]!;
    const productId = seed.products[i % seed.products.length]!;
    const c = (await step(() =>
      core.invoke('customer.create', { name: `新顾客${i}`, ownerAgentId: agentId }),
    )) as { id: string } | undefined;
    for (const customerId of [c?.id, seed.customers[i % seed.customers.length]!]) {
      if (customerId === undefined) continue;
      const o = (await step(() =>
        core.invoke('order.create', {
          customerId,
          ...(agentId ? { agentId } : {}),
          lines: [{ productId, quantity: (i % 3) + 1 }],
        }),
      )) as { id: string } | undefined;
      if (o) await step(() => core.invoke('order.markPaid', { orderId: o.id }));
    }
    i += 1;
    if (i % 400 === 0) log(`recorded ${made}/${count}`);
  }
}

async function statusCounts(
  server: BenchServer,
  ws: string,
  deviceId: string,
): Promise<Record<string, number>> {
  const rows = await server.raw.query<{ status: string; n: number | string }>(
    'SELECT status, count(*) AS n FROM sync_mutations WHERE workspace_id = $1 AND device_id = $2 GROUP BY status',
    [ws, deviceId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * CPU seconds used so far by this process's running child processes (the bench server in its
 * own process), from /proc; undefined where there is none. A loaded machine stretches the wall
 * clock far more than this.
 */
function childCpuSeconds(): number | undefined {
  const USER_HZ = 100;
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // After the command in parentheses: state, ppid, ..., utime (14th field), stime (15th).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === process.pid) ticks += Number(f[11]) + Number(f[12]);
    }
    return ticks / USER_HZ;
  } catch {
    return undefined;
  }
}

export async function measurePush(kind: StoreKind, mutations: number): Promise<void> {
  const measure = `sync.push.${mutations}mutations.${kind}`;
  const target = '<= 5';
  let server: BenchServer | undefined;
  let device: BenchDevice | undefined;
  try {
    const ownProcess = process.env.QUNDESK_BENCH_SERVER_INLINE !== '1';
    server = await startBenchServer(kind, { ownProcess });
    device = new BenchDevice('push');
    const session = await device.client.signUp({
      serverUrl: server.url,
      email: EMAIL,
      password: PASSWORD,
      workspaceName: 'Bench shop',
      deviceName: 'owner',
    });
    device.core = device.makeCore();
    const seed = await seedBusiness(device);
    await device.client.syncOnce();
    const ws = session.workspace.id;
    // One round: record `mutations` offline, then sync and time it. The first round meets a
    // server that has just started (its code not yet compiled by V8's optimizing tiers); the
    // second, the same server warmed by the first, as a server that has been up for a while.
    const round = async (name: string) => {
      log(`${measure}: recording ${mutations} mutations offline (${name})`);
      await recordOffline(device!, mutations, seed);
      const before = await server!.raw.query<{ cursor: number | string }>(
        'SELECT cursor FROM sync_counters WHERE workspace_id = $1',
        [ws],
      );
      const statusBefore = await statusCounts(server!, ws, session.device.id);
      log(`${measure}: pushing (${name})`);
      device!.requests = [];
      const c0 = process.cpuUsage();
      const server0 = ownProcess ? childCpuSeconds() : undefined;
      const t0 = performance.now();
      await profiled(`${measure}.${name}`, () => device!.client.syncOnce());
      const totalMs = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const server1 = childCpuSeconds();
      const pushes = requestTotals(device!.requests, '/v1/sync/push');
      const status = await statusCounts(server!, ws, session.device.id);
      for (const [k, v] of Object.entries(statusBefore)) status[k] = (status[k] ?? 0) - v;
      return {
        cursor0: Number(before[0]?.cursor ?? 0),
        pushMs: pushes.lastEnd - t0,
        pushes,
        pulls: requestTotals(device!.requests, '/v1/sync/pull'),
        totalMs,
        cpu,
        status,
        serverCpuS:
          server0 !== undefined && server1 !== undefined
            ? Math.round((server1 - server0) * 100) / 100
            : undefined,
      };
    };
    const cold = await round('cold');
    const { cursor0, pushMs, pushes, pulls, totalMs, cpu, status } = cold;
    const pending = device.store.sqlite
      .prepare('SELECT count(*) FROM sync_outbox')
      .pluck()
      .get() as number;

    // Baseline: the rows this push wrote, inserted raw under another workspace, one transaction.
    const rows = await server.raw.query<Record<string, unknown>>(
      `SELECT ${SYNC_ROW_COLUMNS.join(', ')} FROM sync_rows WHERE workspace_id = $1 AND version > $2`,
      [ws, cursor0],
    );
    const muts = await server.raw.query<Record<string, unknown>>(
      'SELECT * FROM sync_mutations WHERE workspace_id = $1 AND device_id = $2 AND cursor > $3',
      [ws, session.device.id, cursor0],
    );
    const mutCols = Object.keys(muts[0] ?? {});
    const b0 = performance.now();
    await server.raw.transaction(async (tx) => {
      await tx.insert(
        'sync_rows',
        [...SYNC_ROW_COLUMNS],
        rows.map((r) => SYNC_ROW_COLUMNS.map((c) => (c === 'workspace_id' ? 'baseline' : r[c]))),
      );
      if (mutCols.length > 0)
        await tx.insert(
          'sync_mutations',
          mutCols,
          muts.map((m) => mutCols.map((c) => (c === 'workspace_id' ? 'baseline' : m[c]))),
        );
    });
    const baselineMs = performance.now() - b0;
    const warm = await round('warm');

    emitSync({
      measure,
      unit: 's',
      median: seconds(pushMs),
      baseline: seconds(baselineMs),
      target,
      n: 1,
      details: {
        pushes: pushes.count,
        retriedAfterReset: device.retries,
        pushWaitS: seconds(pushes.ms),
        applied: status.applied ?? 0,
        rejected: status.rejected ?? 0,
        stillPending: pending,
        rowsWritten: rows.length,
        mutationsPerSecond: Math.round(mutations / seconds(pushMs)),
        wholeSyncS: seconds(totalMs),
        // This process's CPU seconds over the whole sync (the device's, and the server's too
        // when it runs inline), a figure a loaded machine inflates less than the wall clock.
        wholeSyncCpuS: (cpu.user + cpu.system) / 1e6,
        // The server's CPU seconds over the whole sync, when it runs in its own process.
        ...(cold.serverCpuS !== undefined ? { serverCpuS: cold.serverCpuS } : {}),
        pullBackS: seconds(pulls.ms),
        pullPages: pulls.count,
        // The same again on the warmed server (after the first round's 10,000): the figure a
        // server that has been up a while gives; the headline stays the first, cold, one.
        warmPushS: seconds(warm.pushMs),
        warmPushWaitS: seconds(warm.pushes.ms),
        warmApplied: warm.status.applied ?? 0,
        warmRejected: warm.status.rejected ?? 0,
        ...(warm.serverCpuS !== undefined ? { warmServerCpuS: warm.serverCpuS } : {}),
      },
    });
  } catch (err) {
    emitError(measure, 's', target, err);
  } finally {
    await device?.dispose();
    await server?.close();
  }
}

// ---- 4. the first upload -----------------------------------------------------------------------

export async function measureUpload(kind: StoreKind, orders: number, dir: string): Promise<void> {
  const measure = `sync.upload.${orders}orders.${kind}`;
  const target = 'report';
  let server: BenchServer | undefined;
  let device: BenchDevice | undefined;
  try {
    const { file } = await demoStore(dir, {
      orders,
      customers: Math.max(1, Math.round(orders / 5)),
      seed: 1,
      endDay: '2026-03-15',
    });
    server = await startBenchServer(kind, {
      ownProcess: process.env.QUNDESK_BENCH_SERVER_INLINE !== '1',
    });
    device = new BenchDevice('upload', { from: file });
    const session = await device.client.signUp({
      serverUrl: server.url,
      email: EMAIL,
      password: PASSWORD,
      workspaceName: 'Bench shop',
      deviceName: 'owner',
    });
    device.requests = [];
    log(`${measure}: uploading`);
    const t0 = performance.now();
    await profiled(measure, () => device!.client.syncOnce());
    const totalMs = performance.now() - t0;
    const seeds = requestTotals(device.requests, '/v1/sync/seed');
    const pulls = requestTotals(device.requests, '/v1/sync/pull');
    const uploadMs = seeds.lastEnd - t0;
    const ws = session.workspace.id;
    const rows = await server.raw.query<Record<string, unknown>>(
      `SELECT ${SYNC_ROW_COLUMNS.join(', ')} FROM sync_rows WHERE workspace_id = $1`,
      [ws],
    );
    const b0 = performance.now();
    await server.raw.transaction(async (tx) => {
      await tx.insert(
        'sync_rows',
        [...SYNC_ROW_COLUMNS],
        rows.map((r) => SYNC_ROW_COLUMNS.map((c) => (c === 'workspace_id' ? 'baseline' : r[c]))),
      );
    });
    const baselineMs = performance.now() - b0;
    emitSync({
      measure,
      unit: 's',
      median: seconds(uploadMs),
      baseline: seconds(baselineMs),
      target,
      n: 1,
      details: {
        rows: rows.length,
        requests: seeds.count,
        rowsPerSecond: Math.round(rows.length / seconds(uploadMs)),
        pullBackS: seconds(pulls.ms),
        wholeSyncS: seconds(totalMs),
      },
    });
  } catch (err) {
    emitError(measure, 's', target, err);
  } finally {
    await device?.dispose();
    await server?.close();
  }
}

// ---- all of it ---------------------------------------------------------------------------------

/** The sync benches in order; each prints its JSON line(s) on stdout, progress on stderr. */
export async function measureSync(options: SyncBenchOptions = syncBenchOptions()): Promise<void> {
  for (const kind of options.stores) {
    if (options.only.has('initial')) {
      log(`initial sync of ${options.orders} orders (${kind})`);
      await measureInitialSync(kind, options.orders, options.dir);
    }
    if (options.only.has('push')) {
      log(`pushing ${options.mutations} offline mutations (${kind})`);
      await measurePush(kind, options.mutations);
    }
  }
  if (options.only.has('upload')) {
    log(`first upload of a ${options.uploadOrders}-order store (sqlite)`);
    await measureUpload('sqlite', options.uploadOrders, options.dir);
  }
  if (options.only.has('devices')) {
    log(`${options.devices} devices syncing at once (postgres)`);
    await measureDevicesAtOnce({
      devices: options.devices,
      rounds: options.rounds,
      store: 'postgres',
      clientProcesses: options.clientProcesses,
    });
  }
}
