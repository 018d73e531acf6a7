// "N devices syncing at once against PostgreSQL" (issue 5): a real cloud server on loopback in
// this process, one workspace (an owner device made the catalog, agents and customers), N
// signed-in devices driven from separate client processes (sync-devices-child.ts; a load
// generator sharing the server's process topped out near 300 requests/s). Each device runs
// `rounds` sync cycles at the same time as the others: a push of two mutations (a new customer
// and an order for a known customer) and a pull to quiescence. Prints p50 and p99 latency of
// every request (ms) and requests/s, plus p50s per kind, each against a baseline taken in the
// same run from the same processes at the same concurrency and pool size: a raw INSERT of the
// rows such a push writes per push, a raw SELECT of the rows changed since per pull page.
//
// Standalone: node --import tsx tests/bench/server-devices.ts
//   QUNDESK_BENCH_DEVICES (default 50), QUNDESK_BENCH_ROUNDS (default 20),
//   QUNDESK_BENCH_CLIENT_PROCESSES (default 2)
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { emitError, log, median } from './report';
import { BenchDevice, seedBusiness } from './sync-device';
import { emitSync, startBenchServer, type BenchServer } from './sync-server';
import type { ChildConfig, ChildDevice, ChildMessage, PhaseReport } from './sync-devices-child';

export interface DevicesBenchOptions {
  devices: number;
  rounds: number;
  /** Only PostgreSQL: the baseline is raw pg. */
  store?: 'postgres';
  clientProcesses?: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
/** The server's pool (createServerDb's default); the baseline's pools add up to the same. */
const SERVER_POOL = 10;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

interface Child {
  proc: ChildProcess;
  next(): Promise<{ type: string } & Partial<PhaseReport>>;
}

function startChild(): Child {
  const proc = fork(`${here}sync-devices-child.ts`, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  let failure: Error | null = null;
  const deliver = (m: unknown) => {
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  };
  proc.on('message', deliver);
  proc.on('exit', (code) => {
    failure = new Error(`client process exited (${code})`);
    deliver({ type: 'error', message: failure.message });
  });
  return {
    proc,
    async next() {
      const m =
        inbox.length > 0
          ? inbox.shift()
          : failure
            ? { type: 'error', message: failure.message }
            : await new Promise((resolve) => waiting.push(resolve));
      const msg = m as { type: string; message?: string };
      if (msg.type === 'error') throw new Error(`client process: ${msg.message}`);
      return msg as { type: string } & Partial<PhaseReport>;
    },
  };
}

async function runPhase(children: Child[], phase: PhaseReport['phase']) {
  for (const c of children) c.proc.send({ type: 'run', phase } satisfies ChildMessage);
  const reports = (await Promise.all(children.map((c) => c.next()))) as PhaseReport[];
  const push = reports.flatMap((r) => r.push).sort((a, b) => a - b);
  const pull = reports.flatMap((r) => r.pull).sort((a, b) => a - b);
  const all = [...push, ...pull].sort((a, b) => a - b);
  const start = Math.min(...reports.map((r) => r.start));
  const end = Math.max(...reports.map((r) => r.end));
  const errors = reports.flatMap((r) => r.errors);
  if (errors.length > 0) throw new Error(`${phase}: ${errors.slice(0, 3).join(' | ')}`);
  return {
    push,
    pull,
    all,
    wallMs: end - start,
    rejected: reports.reduce((n, r) => n + r.rejected, 0),
    pulledRows: reports.reduce((n, r) => n + r.pulledRows, 0),
  };
}

async function signInDevices(server: BenchServer, n: number): Promise<ChildDevice[]> {
  const out: ChildDevice[] = [];
  // A few at a time: each login runs the memory-hard KDF.
  for (let i = 0; i < n; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, n - i) }, async (_, j) => {
        const res = await fetch(`${server.url}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: 'bench-owner@example.com',
            password: 'bench password 123',
            deviceName: `device ${i + j}`,
          }),
        });
        if (!res.ok) throw new Error(`login answered ${res.status}: ${await res.text()}`);
        const s = (await res.json()) as { device: { id: string }; accessToken: string };
        return { deviceId: s.device.id, accessToken: s.accessToken };
      }),
    );
    out.push(...batch);
  }
  return out;
}

export async function measureDevicesAtOnce(options: DevicesBenchOptions): Promise<void> {
  const label = `sync.devices.${options.devices}.postgres`;
  const processes = Math.max(1, Math.min(options.clientProcesses ?? 2, options.devices));
  let server: BenchServer | undefined;
  let owner: BenchDevice | undefined;
  const children: Child[] = [];
  try {
    server = await startBenchServer('postgres');
    log(`${label}: owner device seeds the workspace`);
    owner = new BenchDevice('devices-owner');
    const session = await owner.client.signUp({
      serverUrl: server.url,
      email: 'bench-owner@example.com',
      password: 'bench password 123',
      workspaceName: 'Bench shop',
      deviceName: 'owner',
    });
    owner.core = owner.makeCore();
    const seed = await seedBusiness(owner);
    await owner.client.syncOnce();

    // The rows one push of this shape writes: the templates for the baseline's inserts.
    log(`${label}: signing in ${options.devices} devices (+1 probe)`);
    const [probe, ...devices] = await signInDevices(server, options.devices + 1);
    const c0 = Number(
      (
        await server.raw.query<{ cursor: string }>(
          'SELECT cursor FROM sync_counters WHERE workspace_id = $1',
          [session.workspace.id],
        )
      )[0]!.cursor,
    );
    const probeChild = startChild();
    children.push(probeChild);
    const config = (index: number, devs: ChildDevice[], poolMax: number): ChildConfig => ({
      index,
      base: server!.url,
      devices: devs,
      rounds: options.rounds,
      products: seed.products,
      customers: seed.customers,
      pgUrl: server!.pgUrl!,
      poolMax,
      pushRows: [],
    });
    probeChild.proc.send({ type: 'config', config: config(99, [probe!], 1) } as ChildMessage);
    await probeChild.next();
    probeChild.proc.send({ type: 'run', phase: 'warmup' } as ChildMessage);
    await probeChild.next();
    probeChild.proc.send({ type: 'exit' } as ChildMessage);
    children.pop();
    const pushRows = (
      await server.raw.query<{ tbl: string; data: string }>(
        'SELECT tbl, data FROM sync_rows WHERE workspace_id = $1 AND version > $2 AND data IS NOT NULL',
        [session.workspace.id, c0],
      )
    ).map((r): [string, string] => [r.tbl, r.data]);
    await server.raw.query('CREATE SEQUENCE bench_baseline_version');

    log(`${label}: ${processes} client processes`);
    for (let p = 0; p < processes; p++) {
      const child = startChild();
      children.push(child);
      const share = devices.filter((_, i) => i % processes === p);
      child.proc.send({
        type: 'config',
        config: {
          ...config(p, share, Math.max(1, Math.floor(SERVER_POOL / processes))),
          pushRows,
        },
      } as ChildMessage);
    }
    await Promise.all(children.map((c) => c.next()));
    log(`${label}: warming up`);
    await runPhase(children, 'warmup');
    log(`${label}: measuring (${options.rounds} rounds)`);
    const srv = await runPhase(children, 'server');
    log(`${label}: baseline`);
    const raw = await runPhase(children, 'baseline');

    const n = srv.all.length;
    const details = {
      devices: options.devices,
      rounds: options.rounds,
      clientProcesses: processes,
      pushes: srv.push.length,
      pulls: srv.pull.length,
      rejected: srv.rejected,
      rowsPerPush: pushRows.length,
      pulledRows: srv.pulledRows,
      baselineRequests: raw.all.length,
    };
    emitSync({
      measure: `${label}.p50`,
      unit: 'ms',
      median: median(srv.all),
      baseline: median(raw.all),
      target: 'report',
      n,
      details: {
        ...details,
        pushP50: median(srv.push),
        pullP50: median(srv.pull),
        baselinePushP50: median(raw.push),
        baselinePullP50: median(raw.pull),
      },
    });
    emitSync({
      measure: `${label}.p99`,
      unit: 'ms',
      median: percentile(srv.all, 99),
      baseline: percentile(raw.all, 99),
      target: 'report',
      n,
      details: {
        pushP99: percentile(srv.push, 99),
        pullP99: percentile(srv.pull, 99),
        baselinePushP99: percentile(raw.push, 99),
        baselinePullP99: percentile(raw.pull, 99),
      },
    });
    emitSync({
      measure: `${label}.throughput`,
      unit: 'requests/s',
      median: (n / srv.wallMs) * 1000,
      baseline: (raw.all.length / raw.wallMs) * 1000,
      target: 'report',
      n,
      details: {
        wallS: srv.wallMs / 1000,
        baselineWallS: raw.wallMs / 1000,
        mutationsPerSecond: Math.round(((srv.push.length * 2) / srv.wallMs) * 1000),
      },
    });
  } catch (err) {
    emitError(`${label}.p50`, 'ms', 'report', err);
  } finally {
    for (const c of children) {
      c.proc.send({ type: 'exit' } as ChildMessage);
      c.proc.removeAllListeners('exit');
    }
    await owner?.dispose();
    await server?.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = (name: string, fallback: number) => {
    const v = Number(process.env[name] ?? fallback);
    if (!Number.isSafeInteger(v) || v < 1)
      throw new Error(`${name} must be a whole number above 0`);
    return v;
  };
  await measureDevicesAtOnce({
    devices: env('QUNDESK_BENCH_DEVICES', 50),
    rounds: env('QUNDESK_BENCH_ROUNDS', 20),
    clientProcesses: env('QUNDESK_BENCH_CLIENT_PROCESSES', 2),
  });
}
