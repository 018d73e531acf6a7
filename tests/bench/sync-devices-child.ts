// A load-generating process for server-devices.ts: runs its share of the devices against the
// server (each round: one push of a new customer and an order, then a pull to quiescence),
// then the same number of raw queries of equivalent rows at the same concurrency (the
// baseline), and reports every request's latency to the parent over IPC.
import pg from 'pg';
import { encodeHlc } from '../../core/sync/hlc';
import { MAX_CLIENT_SCHEMA, type PullResponse, type PushResponse } from '../../core/sync/protocol';

export interface ChildDevice {
  deviceId: string;
  accessToken: string;
}

export interface ChildConfig {
  index: number;
  base: string;
  devices: ChildDevice[];
  rounds: number;
  products: string[];
  customers: string[];
  /** postgres:// URL for the baseline's pool. */
  pgUrl: string;
  poolMax: number;
  /** Rows a push of this shape writes on the server, as [tbl, data JSON] templates. */
  pushRows: [string, string][];
}

export type ChildMessage =
  | { type: 'config'; config: ChildConfig }
  | { type: 'run'; phase: 'warmup' | 'server' | 'baseline' }
  | { type: 'exit' };

export interface PhaseReport {
  type: 'done';
  phase: 'warmup' | 'server' | 'baseline';
  push: number[];
  pull: number[];
  /** Epoch ms with sub-ms precision, comparable across processes. */
  start: number;
  end: number;
  rejected: number;
  pulledRows: number;
  errors: string[];
}

const epoch = () => performance.timeOrigin + performance.now();

interface DeviceState {
  device: ChildDevice;
  node: string;
  seq: number;
  counter: number;
  cursor: number;
  baselineCursor: number;
}

let config: ChildConfig | undefined;
let states: DeviceState[] = [];
let pool: pg.Pool | undefined;
let baselineKeys = 0;

async function post<T>(path: string, token: string, body: unknown): Promise<T> {
  const res = await fetch(`${config!.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function hlc(s: DeviceState): string {
  s.counter += 1;
  return encodeHlc({ wall: Date.now(), counter: s.counter % 100_000, node: s.node });
}

async function serverRound(s: DeviceState, round: number, out: PhaseReport): Promise<void> {
  const c = config!;
  const i = s.seq;
  const t0 = performance.now();
  const res = await post<PushResponse>('/v1/sync/push', s.device.accessToken, {
    schemaVersion: MAX_CLIENT_SCHEMA,
    mutations: [
      {
        seq: i + 1,
        name: 'customer.create',
        args: { name: `设备${c.index}-${s.node}-${round}` },
        hlc: hlc(s),
        tz: 480,
      },
      {
        seq: i + 2,
        name: 'order.create',
        args: {
          customerId: c.customers[(i + round) % c.customers.length],
          lines: [{ productId: c.products[(i + round) % c.products.length], quantity: 1 }],
        },
        hlc: hlc(s),
        tz: 480,
      },
    ],
  });
  out.push.push(performance.now() - t0);
  s.seq = res.lastAppliedSeq;
  out.rejected += res.results.filter((r) => r.status === 'rejected').length;

  let after: PullResponse['next'] = null;
  let checkpoint: number | undefined;
  for (;;) {
    const p0 = performance.now();
    const page: PullResponse = await post<PullResponse>('/v1/sync/pull', s.device.accessToken, {
      schemaVersion: MAX_CLIENT_SCHEMA,
      since: s.cursor,
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(after === null ? {} : { after }),
    });
    out.pull.push(performance.now() - p0);
    out.pulledRows += page.rows.length;
    if (page.next === null) {
      s.cursor = page.checkpoint;
      return;
    }
    checkpoint = page.checkpoint;
    after = page.next;
  }
}

/**
 * The same work by raw SQL: a push is one INSERT of the rows such a push writes (sync_rows,
 * under a scratch workspace, at the next value of a sequence); a pull is one SELECT of the rows
 * changed since the device's last one (more pages when full), as the server's pull reads.
 */
async function baselineRound(s: DeviceState, out: PhaseReport): Promise<void> {
  const c = config!;
  const p = pool!;
  const params: unknown[] = [];
  const tuples = c.pushRows.map(([tbl, data]) => {
    baselineKeys += 1;
    params.push(tbl, `${c.index}-${baselineKeys}`, data);
    const n = params.length;
    return `('baseline', $${n - 2}, $${n - 1}, $${n}, (SELECT v FROM nv), 'owner', 0)`;
  });
  const t0 = performance.now();
  await p.query(
    `WITH nv AS (SELECT nextval('bench_baseline_version') AS v)
     INSERT INTO sync_rows (workspace_id, tbl, pk, data, version, scope, once_shared)
     VALUES ${tuples.join(', ')}`,
    params,
  );
  out.push.push(performance.now() - t0);
  let after = { v: s.baselineCursor, t: '', k: '' };
  for (;;) {
    const p0 = performance.now();
    const { rows } = await p.query<{ tbl: string; pk: string; data: string; version: string }>(
      `SELECT tbl, pk, data, version, scope FROM sync_rows
        WHERE workspace_id = 'baseline' AND (version, tbl, pk) > ($1, $2, $3)
        ORDER BY version, tbl, pk LIMIT 1000`,
      [after.v, after.t, after.k],
    );
    for (const r of rows) JSON.parse(r.data);
    out.pull.push(performance.now() - p0);
    out.pulledRows += rows.length;
    const last = rows[rows.length - 1];
    if (last) s.baselineCursor = Math.max(s.baselineCursor, Number(last.version));
    if (rows.length < 1000 || !last) return;
    after = { v: Number(last.version), t: last.tbl, k: last.pk };
  }
}

async function runPhase(phase: PhaseReport['phase']): Promise<PhaseReport> {
  const c = config!;
  const out: PhaseReport = {
    type: 'done',
    phase,
    push: [],
    pull: [],
    start: epoch(),
    end: 0,
    rejected: 0,
    pulledRows: 0,
    errors: [],
  };
  const rounds = phase === 'warmup' ? 1 : c.rounds;
  await Promise.all(
    states.map(async (s) => {
      for (let r = 0; r < rounds; r++) {
        try {
          if (phase === 'baseline') await baselineRound(s, out);
          else await serverRound(s, r, out);
        } catch (err) {
          if (out.errors.length < 5) out.errors.push((err as Error).message);
        }
      }
    }),
  );
  out.end = epoch();
  return out;
}

process.on('message', (m: ChildMessage) => {
  void (async () => {
    if (m.type === 'config') {
      config = m.config;
      states = m.config.devices.map((device, i) => ({
        device,
        node: `bench-${m.config.index}-${i}`,
        seq: 0,
        counter: 0,
        cursor: 0,
        baselineCursor: 0,
      }));
      pool = new pg.Pool({ connectionString: m.config.pgUrl, max: m.config.poolMax });
      pool.on('error', () => {});
      process.send!({ type: 'ready' });
    } else if (m.type === 'run') {
      process.send!(await runPhase(m.phase));
    } else {
      await pool?.end();
      process.exit(0);
    }
  })().catch((err: unknown) => {
    process.send!({ type: 'error', message: (err as Error).stack ?? String(err) });
  });
});
