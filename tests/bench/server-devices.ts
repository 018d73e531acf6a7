// Skeleton of the "50 devices syncing at once against PostgreSQL" measure (issue 5): a real
// cloud server on loopback, one workspace, N signed-in devices each running `rounds` sync
// steps at the same time. Prints p50 and p99 latency (ms) and requests/s as JSON lines (see
// report.ts), each with a baseline taken in the same run: the same number of raw pg queries
// at the same concurrency (the floor any HTTP + auth + sync layer sits on).
//
// The default step is an incremental pull (the cheap, frequent request of an idle fleet).
// TODO(sync): add a step that pushes a few mutations per round, with a baseline of raw inserts
// of the same rows, once the push payload for a bench is settled; wire into tests/bench/run.ts.
//
// Standalone: node --import tsx tests/bench/server-devices.ts
//   QUNDESK_BENCH_DEVICES (default 50), QUNDESK_BENCH_ROUNDS (default 20),
//   QUNDESK_BENCH_STORE (postgres | sqlite, default postgres)
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../server/app';
import { createServerDb, type ServerDb } from '../../server/db';
import { MAX_CLIENT_SCHEMA } from '../../core/sync/protocol';
import { createPgDatabase } from '../support/pg';
import { emit, emitError, log, median } from './report';

export interface BenchDevice {
  deviceId: string;
  accessToken: string;
  /** Free for the step to keep per-device state (e.g. the pull cursor). */
  state: Record<string, unknown>;
}

/** One sync round of one device; resolves when the server has answered. */
export type DeviceStep = (base: string, device: BenchDevice) => Promise<void>;

export const pullStep: DeviceStep = async (base, device) => {
  const res = await fetch(`${base}/v1/sync/pull`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device.accessToken}` },
    body: JSON.stringify({
      schemaVersion: MAX_CLIENT_SCHEMA,
      since: Number(device.state.cursor ?? 0),
    }),
  });
  const body = (await res.json()) as { checkpoint?: number; next?: unknown };
  if (!res.ok) throw new Error(`pull answered ${res.status}: ${JSON.stringify(body)}`);
  if (body.next === null && typeof body.checkpoint === 'number')
    device.state.cursor = body.checkpoint;
};

export interface DevicesBenchOptions {
  devices: number;
  rounds: number;
  store: 'postgres' | 'sqlite';
  step?: DeviceStep;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function runConcurrently(
  workers: number,
  rounds: number,
  work: (worker: number, round: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let r = 0; r < rounds; r++) {
        const start = performance.now();
        await work(w, r);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), wallMs: performance.now() - t0 };
}

export async function measureDevicesAtOnce(options: DevicesBenchOptions): Promise<void> {
  const label = `${options.devices} devices syncing at once (${options.store})`;
  const step = options.step ?? pullStep;
  let db: ServerDb | undefined;
  let dispose = async () => {};
  let baselineQuery: () => Promise<void>;
  let closeBaseline = async () => {};
  try {
    if (options.store === 'postgres') {
      const database = await createPgDatabase();
      dispose = () => database.drop();
      db = await createServerDb({ url: database.url });
      const pool = new pg.Pool({ connectionString: database.url, max: 10 });
      baselineQuery = async () => {
        await pool.query('select revoked_at from devices where workspace_id = $1 limit 1', ['x']);
      };
      closeBaseline = () => pool.end();
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'qd-bench-server-'));
      dispose = async () => rmSync(dir, { recursive: true, force: true });
      db = await createServerDb({ file: join(dir, 'server.sqlite') });
      const kysely = db.db;
      baselineQuery = async () => {
        await kysely
          .selectFrom('devices')
          .select('revoked_at')
          .where('workspace_id', '=', 'x')
          .execute();
      };
    }

    const app = await buildServer({
      db,
      rateLimit: false,
      jwtSecret: 'bench-secret-0123456789-0123456789-ab',
    });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      const base = `http://127.0.0.1:${address.port}`;

      log(`${label}: signing in devices`);
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { device: { id: string }; accessToken: string };
      };
      const email = 'bench-owner@example.com';
      const password = 'bench password 123';
      const first = await post('/v1/auth/signup', {
        email,
        password,
        workspaceName: 'Bench shop',
        deviceName: 'device 0',
      });
      const devices: BenchDevice[] = [
        { deviceId: first.device.id, accessToken: first.accessToken, state: {} },
      ];
      for (let i = 1; i < options.devices; i++) {
        const s = await post('/v1/auth/login', { email, password, deviceName: `device ${i}` });
        devices.push({ deviceId: s.device.id, accessToken: s.accessToken, state: {} });
      }

      log(`${label}: warming up`);
      await Promise.all(devices.map((d) => step(base, d)));

      log(`${label}: measuring`);
      const server = await runConcurrently(options.devices, options.rounds, (w) =>
        step(base, devices[w]!),
      );
      const raw = await runConcurrently(options.devices, options.rounds, () => baselineQuery());
      const n = server.latencies.length;
      emit({
        measure: `${label}: p50 latency`,
        unit: 'ms',
        median: median(server.latencies),
        baseline: median(raw.latencies),
        target: 'report',
        n,
      });
      emit({
        measure: `${label}: p99 latency`,
        unit: 'ms',
        median: percentile(server.latencies, 99),
        baseline: percentile(raw.latencies, 99),
        target: 'report',
        n,
      });
      emit({
        measure: `${label}: throughput`,
        unit: 'requests/s',
        median: (n / server.wallMs) * 1000,
        baseline: (n / raw.wallMs) * 1000,
        target: 'report',
        n,
      });
    } finally {
      await app.close();
    }
  } catch (err) {
    emitError(`${label}: p50 latency`, 'ms', 'report', err);
  } finally {
    await closeBaseline();
    await db?.destroy();
    await dispose();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = (name: string, fallback: number) => {
    const v = Number(process.env[name] ?? fallback);
    if (!Number.isSafeInteger(v) || v < 1)
      throw new Error(`${name} must be a whole number above 0`);
    return v;
  };
  const store = process.env.QUNDESK_BENCH_STORE === 'sqlite' ? 'sqlite' : 'postgres';
  await measureDevicesAtOnce({
    devices: env('QUNDESK_BENCH_DEVICES', 50),
    rounds: env('QUNDESK_BENCH_ROUNDS', 20),
    store,
  });
}
