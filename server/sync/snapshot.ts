// Snapshots of a workspace for an owner device's first sync: the workspace laid down as a
// device store file (its rows, the P&L rollup and the search index, as a device's own pulls
// would build them), so a new device downloads one file instead of laying a million rows down
// one by one. Each API node keeps its own snapshots in a local folder (a cache: any node can
// rebuild them from sync_rows), built in the background and brought up to date from the rows
// written since. A snapshot carries the cursor it reflects; the device pulls on from there.
//
// The working copy is a device store built by the same code as a device's pull (applyRowChanges,
// rebuildPnl). Each time it moves on, an immutable copy is written for downloads (VACUUM INTO),
// so a download in progress never sees a half-applied page. Builds run in a process of their
// own (./snapshot-child.ts): laying a big workspace down takes CPU for seconds at a time, which
// would stall every request on the node.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import { openStore, type Store } from '../../db/store';
import { LATEST_VERSION } from '../../db/migrations';
import { rebuildPnl } from '../../db/pnl';
import { applyRowChanges } from '../../core/sync/apply';
import { setApplying } from '../../core/sync/capture';
import { getState, setState } from '../../core/sync/device';
import type { SyncDb } from './schema';
import { changesSince } from './mirror';

export interface SnapshotOptions {
  /** This node's folder for snapshot files; default: a temporary one, removed on close. */
  dir?: string;
  /** Workspaces with fewer rows get none: a first sync by pulls is quick for them. */
  minRows: number;
  /** A snapshot this many rows behind the workspace is brought up to date when asked for. */
  refreshRows: number;
  /** The server store as the build's process opens it: a SQLite file or a PostgreSQL URL. */
  target: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export const DEFAULT_SNAPSHOT_MIN_ROWS = 20_000;
export const DEFAULT_SNAPSHOT_REFRESH_ROWS = 2_000;
/** A workspace with no snapshot is counted again after this many pushes (see pushed). */
export const PUSHES_BETWEEN_COUNTS = 20;

/** A snapshot ready to download. */
export interface SnapshotFile {
  file: string;
  /** The workspace cursor its rows reflect. */
  cursor: number;
  bytes: number;
  /** Of the store file itself (compressed or not on the wire). */
  sha256: string;
  schemaVersion: number;
  /** The same file gzip-compressed (a store file shrinks to about a fifth). */
  gzipFile: string;
  gzipBytes: number;
}

/** Rows per read of sync_rows and per transaction on the working copy. */
const BUILD_SLICE = 2000;

const CHILD = fileURLToPath(new URL('./snapshot-child.ts', import.meta.url));

export class Snapshots {
  private readonly ready = new Map<string, SnapshotFile>();
  private readonly building = new Map<string, Promise<void>>();
  /** Pushes since a workspace with no snapshot was last counted. */
  private readonly pushesUncounted = new Map<string, number>();
  private readonly children = new Set<ChildProcess>();
  private closed = false;
  private readonly dir: string;

  constructor(
    private readonly db: SyncDb,
    private readonly options: SnapshotOptions,
  ) {
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'qundesk-snapshots-'));
    mkdirSync(this.dir, { recursive: true });
    // Copies left by an earlier run of this node are not trusted: rebuilt on demand.
    for (const f of readdirSync(this.dir))
      if (/\.(snap|gz|tmp)$/.test(f)) rmSync(join(this.dir, f), { force: true });
  }

  /**
   * The newest snapshot of the workspace, or null when there is none yet. Either way a build or
   * a refresh is started in the background when due; this never waits for one.
   */
  async current(workspaceId: string): Promise<SnapshotFile | null> {
    const snap = this.ready.get(workspaceId) ?? null;
    if (
      snap === null ||
      (await rowsSince(this.db, workspaceId, snap.cursor, this.options.refreshRows)) >=
        this.options.refreshRows
    )
      void this.refresh(workspaceId);
    return snap;
  }

  /**
   * A push was applied. A business that grew past minRows push by push (rather than arriving
   * whole in a first upload) gets its first snapshot without waiting for a new device to ask
   * for it and pull rows meanwhile: its rows are counted every PUSHES_BETWEEN_COUNTS pushes.
   * Refreshes stay lazy (when a device asks): a busy workspace is not rebuilt for nobody.
   */
  pushed(workspaceId: string): void {
    if (this.closed || this.ready.has(workspaceId) || this.building.has(workspaceId)) return;
    const n = (this.pushesUncounted.get(workspaceId) ?? 0) + 1;
    if (n < PUSHES_BETWEEN_COUNTS) {
      this.pushesUncounted.set(workspaceId, n);
      return;
    }
    this.pushesUncounted.delete(workspaceId);
    void this.refresh(workspaceId);
  }

  /** Builds or brings up to date the workspace's snapshot (one at a time per workspace). */
  refresh(workspaceId: string): Promise<void> {
    const running = this.building.get(workspaceId);
    if (running) return running;
    if (this.closed) return Promise.resolve();
    const run = this.build(workspaceId)
      .catch((err: unknown) => {
        if (!this.closed)
          this.options.log?.('snapshot build failed', {
            workspaceId,
            err: err instanceof Error ? err.message : String(err),
          });
      })
      .finally(() => this.building.delete(workspaceId));
    this.building.set(workspaceId, run);
    return run;
  }

  /** Waits for the builds under way (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.building.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const child of this.children) child.kill('SIGTERM');
    await this.settled();
    if (this.options.dir === undefined) rmSync(this.dir, { recursive: true, force: true });
  }

  private async build(workspaceId: string): Promise<void> {
    const t0 = performance.now();
    const old = this.ready.get(workspaceId);
    // Small workspaces are counted here, not in a process started for nothing.
    const { minRows } = this.options;
    if (old === undefined && (await rowsSince(this.db, workspaceId, 0, minRows)) < minRows) return;
    const next = await this.buildApart(workspaceId);
    if (this.closed) return;
    this.ready.set(workspaceId, next);
    // Downloads under way keep reading the older copy they have open.
    if (old && old.file !== next.file)
      for (const f of [old.file, old.gzipFile]) rmSync(f, { force: true });
    this.options.log?.('snapshot ready', {
      workspaceId,
      cursor: next.cursor,
      bytes: next.bytes,
      ms: Math.round(performance.now() - t0),
    });
  }

  /** The build in a process of its own (./snapshot-child.ts). */
  private buildApart(workspaceId: string): Promise<SnapshotFile> {
    const args = JSON.stringify({
      target: this.options.target,
      dir: this.dir,
      workspaceId,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.add(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        if (code !== 0)
          return reject(new Error(`the snapshot build exited with ${signal ?? String(code)}`));
        try {
          resolve((JSON.parse(out) as { snapshot: SnapshotFile }).snapshot);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
  }

  /** A readable stream of the snapshot's bytes, compressed or not. */
  static open(snap: SnapshotFile, gzip: boolean) {
    return createReadStream(gzip ? snap.gzipFile : snap.file, { highWaterMark: 1 << 20 });
  }
}

/** Brings the workspace's working copy in `dir` up to the workspace cursor and writes the copy for downloads. */
export async function buildSnapshot(
  db: SyncDb,
  dir: string,
  workspaceId: string,
): Promise<SnapshotFile> {
  const target = await cursorOf(db, workspaceId);
  const work = join(dir, `${workspaceId}.work.sqlite`);
  let store = openWork(work);
  try {
    let from = Number(getState(store.sqlite, 'cursor') ?? 0);
    if (from > target || getState(store.sqlite, 'workspace_id') !== workspaceId) {
      // New, cut short in its first build, or ahead of the workspace (a restored database):
      // start again.
      await store.close();
      removeStoreFiles(work);
      store = openWork(work);
      from = 0;
    }
    if (from < target) await layDown(db, store, workspaceId, from, target);
    const file = join(dir, `${workspaceId}.c${target}.snap`);
    const tmp = `${file}.tmp`;
    rmSync(tmp, { force: true });
    store.sqlite.prepare('VACUUM INTO ?').run(tmp);
    renameSync(tmp, file);
    const gzipFile = `${file}.gz`;
    const sha256 = await compress(file, gzipFile);
    return {
      file,
      cursor: target,
      bytes: (await stat(file)).size,
      sha256,
      schemaVersion: LATEST_VERSION,
      gzipFile,
      gzipBytes: (await stat(gzipFile)).size,
    };
  } finally {
    await store.close();
  }
}

/**
 * The rows written after version `from` (0: all of them; versions start at 1), counted up to
 * `upTo`: a big workspace is not counted whole to learn it is big.
 */
async function rowsSince(
  db: SyncDb,
  workspaceId: string,
  from: number,
  upTo: number,
): Promise<number> {
  const n = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('sync_rows')
        .select(sql<number>`1`.as('one'))
        .where('workspace_id', '=', workspaceId)
        .where('version', '>', from)
        .limit(upTo)
        .as('r'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n.n);
}

async function cursorOf(db: SyncDb, workspaceId: string): Promise<number> {
  const r = await db
    .selectFrom('sync_counters')
    .select('cursor')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return r ? Number(r.cursor) : 0;
}

/**
 * Lays the rows written in (from, to] down on the working copy, as a device's pull would: in
 * version order, foreign keys off, the P&L rollup rebuilt once at the end of a first build and
 * kept in step source by source after that.
 */
async function layDown(
  db: SyncDb,
  store: Store,
  workspaceId: string,
  from: number,
  to: number,
): Promise<void> {
  const { sqlite } = store;
  const first = from === 0;
  sqlite.pragma('foreign_keys = OFF');
  try {
    for await (const changes of changesSince(db, workspaceId, from, to, BUILD_SLICE))
      sqlite.transaction(() => {
        setApplying(sqlite, true);
        applyRowChanges(sqlite, changes, { pnl: !first, search: true });
        setApplying(sqlite, false);
      })();
    sqlite.transaction(() => {
      if (first) rebuildPnl(sqlite);
      setState(sqlite, 'workspace_id', workspaceId);
      setState(sqlite, 'cursor', String(to));
    })();
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

/** The working copy: a device store; a cache, so it need not survive a power cut. */
function openWork(file: string): Store {
  const store = openStore(file, { backup: false });
  store.sqlite.pragma('synchronous = OFF');
  return store;
}

function removeStoreFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
}

/** Writes `file` gzip-compressed (fast level: the network, not the ratio, is the point). Returns the file's SHA-256. */
async function compress(file: string, to: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
    createGzip({ level: 1, chunkSize: 1 << 20 }),
    createWriteStream(`${to}.tmp`),
  );
  renameSync(`${to}.tmp`, to);
  return hash.digest('hex');
}
