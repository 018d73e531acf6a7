// The pieces the simulator and the sync integration tests share: a real server over HTTP on
// 127.0.0.1 (SQLite file or a fresh PostgreSQL database), and devices, each a store file with
// a recording core and a sync client, that can crash and come back.
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, type BuildServerOptions } from '../../server/app';
import { createServerDb, type ServerDb } from '../../server/db';
import { createPgDatabase } from '../support/pg';
import { openStore, type Store } from '../../db/store';
import { createCore, type Core } from '../../core/api/dispatcher';
import type { Actor, Clock } from '../../core/api/context';
import { createRecorder, deviceActor, getState, setState } from '../../core/sync/device';
import { SyncClient, type Fetch } from '../../core/sync/client';
import { SYNCED_TABLES, rowOps, type Row } from '../../core/sync/tables';
import type { SyncDb } from '../../server/sync/schema';
import { LATEST_VERSION } from '../../db/migrations';

export type StoreKind = 'sqlite' | 'postgres';

export interface SimServer {
  app: FastifyInstance;
  db: ServerDb;
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  kind: StoreKind,
  now?: () => Date,
  options: Pick<BuildServerOptions, 'snapshots'> = {},
): Promise<SimServer> {
  let db: ServerDb;
  let dispose: () => Promise<void>;
  if (kind === 'postgres') {
    const database = await createPgDatabase();
    db = await createServerDb({ url: database.url });
    dispose = () => database.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'qd-sim-server-'));
    db = await createServerDb({ file: join(dir, 'server.sqlite') });
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  }
  const app = await buildServer({ db, rateLimit: false, ...options, ...(now ? { now } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    db,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await db.destroy();
      await dispose();
    },
  };
}

export interface DeviceOptions {
  name: string;
  clock: Clock;
  fetch?: Fetch;
  random?: () => number;
  schemaVersion?: number;
  pullLimit?: number;
  /** false: first syncs pull rows even when the server has a snapshot. */
  snapshots?: boolean;
  /**
   * The store's clock node (core/sync/device.ts nodeId), random when unset. The ids a mutation
   * creates derive from its HLC, node included: a seeded run sets it so that its ids, and so the
   * order rows come back in, are the same on every run of the seed.
   */
  node?: string;
  /** The sync client's per-request timeout (core/sync/client.ts requestTimeoutMs). */
  requestTimeoutMs?: number;
}

/** A device: its own store file, a core that records mutations, and a sync client. */
export class Device {
  readonly dir: string;
  readonly file: string;
  store!: Store;
  core!: Core;
  client!: SyncClient;

  constructor(readonly options: DeviceOptions) {
    this.dir = mkdtempSync(join(tmpdir(), `qd-sim-${options.name}-`));
    this.file = join(this.dir, 'store.sqlite');
    this.open();
  }

  get name(): string {
    return this.options.name;
  }

  private open(): void {
    this.store = openStore(this.file);
    if (this.options.node !== undefined && getState(this.store.sqlite, 'node') === null)
      setState(this.store.sqlite, 'node', this.options.node);
    this.client = new SyncClient({
      store: this.store,
      clock: this.options.clock,
      auto: false,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(this.options.schemaVersion ? { schemaVersion: this.options.schemaVersion } : {}),
      ...(this.options.pullLimit ? { pullLimit: this.options.pullLimit } : {}),
      ...(this.options.snapshots === false ? { snapshots: false } : {}),
      ...(this.options.requestTimeoutMs ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
    });
    this.core = this.makeCore();
  }

  /** The core acts as whoever the device signed in as (an agent device is an agent). */
  makeCore(): Core {
    const actor: Actor = deviceActor(this.store.sqlite);
    return createCore({
      store: this.store,
      clock: this.options.clock,
      actor,
      recorder: createRecorder(this.store, this.options.clock),
    });
  }

  /** After sign-in the actor may have changed. */
  refreshCore(): void {
    this.core = this.makeCore();
  }

  /** The process dies (nothing in flight survives) and starts again on the same store file. */
  async crash(): Promise<void> {
    await this.client.close();
    await this.store.close();
    this.open();
  }

  async dispose(): Promise<void> {
    await this.client.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every synced row on this device: table -> key -> row. */
  rows(): Map<string, Map<string, Row>> {
    const ops = rowOps(this.store.sqlite);
    const out = new Map<string, Map<string, Row>>();
    for (const spec of SYNCED_TABLES) {
      const m = new Map<string, Row>();
      for (const r of ops.all(spec)) {
        const key =
          spec.pk.length === 1 ? String(r[spec.pk[0]!]) : JSON.stringify(spec.pk.map((c) => r[c]));
        m.set(key, r);
      }
      out.set(spec.name, m);
    }
    return out;
  }
}

/** The server's rows of a workspace as a device in that scope must hold them. */
export async function serverView(
  db: ServerDb,
  workspaceId: string,
  agentId: string | null,
): Promise<Map<string, Map<string, Row>>> {
  const sdb = db.db as unknown as SyncDb;
  const rows = await sdb
    .selectFrom('sync_rows')
    .select(['tbl', 'pk', 'data', 'scope'])
    .where('workspace_id', '=', workspaceId)
    .where('data', 'is not', null)
    .execute();
  let visible: Set<string> | null = null;
  if (agentId !== null) {
    visible = new Set(['*', agentId]);
    for (const r of rows)
      if (r.tbl === 'agent_closure' && r.scope === agentId)
        visible.add((JSON.parse(r.pk) as string[])[1]!);
  }
  const out = new Map<string, Map<string, Row>>();
  for (const spec of SYNCED_TABLES) out.set(spec.name, new Map());
  for (const r of rows) {
    if (visible !== null && !visible.has(r.scope)) continue;
    out.get(r.tbl)!.set(r.pk, JSON.parse(r.data!) as Row);
  }
  return out;
}

/** Differences between two row sets, for a readable failure (first few). */
export function diffRows(
  a: Map<string, Map<string, Row>>,
  b: Map<string, Map<string, Row>>,
  max = 10,
): string[] {
  const out: string[] = [];
  for (const [tbl, am] of a) {
    const bm = b.get(tbl) ?? new Map<string, Row>();
    for (const [k, ar] of am) {
      const br = bm.get(k);
      if (!br) out.push(`${tbl} ${k}: only on the first`);
      else if (JSON.stringify(ar) !== JSON.stringify(normalise(br, ar)))
        out.push(`${tbl} ${k}: ${JSON.stringify(ar)} != ${JSON.stringify(br)}`);
      if (out.length >= max) return out;
    }
    for (const k of bm.keys()) {
      if (!am.has(k)) out.push(`${tbl} ${k}: only on the second`);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** The same columns in the same order as `like`. */
function normalise(r: Row, like: Row): Row {
  const out: Row = {};
  for (const k of Object.keys(like)) out[k] = r[k] ?? null;
  return out;
}

/**
 * Asks for the workspace's snapshot (built by the server in the background) until it has one
 * newer than `after`; returns its cursor.
 */
export async function snapshotReady(
  url: string,
  token: string,
  after = 0,
  timeoutMs = 300_000,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await fetch(`${url}/v1/sync/snapshot?schemaVersion=${LATEST_VERSION}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.body?.cancel();
    const cursor = Number(res.headers.get('x-qundesk-cursor') ?? 0);
    if (res.status === 200 && cursor > after) return cursor;
    if (res.status !== 200 && res.status !== 404) throw new Error(`snapshot: HTTP ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server had no snapshot ready in time');
}
