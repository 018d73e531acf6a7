// The sync benches' server side: a real cloud server on 127.0.0.1 (SQLite file or a fresh
// PostgreSQL database), a raw connection to the same store for seeding and for the baselines
// (better-sqlite3 on the file, or a pg pool), and the JSON line every sync measure prints.
import type { FastifyInstance } from 'fastify';
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildServer } from '../../server/app';
import { createServerDb, type ServerDb } from '../../server/db';
import { createPgDatabase } from '../support/pg';

export type StoreKind = 'sqlite' | 'postgres';

export const JWT_SECRET = 'bench-secret-0123456789-0123456789-ab';

/** Raw access to the server's store, beside the server's own Kysely. */
export interface RawServerStore {
  kind: StoreKind;
  /** Runs fn in one transaction; `insert` adds rows to a table (batched as the store likes). */
  transaction(fn: (tx: RawTx) => Promise<void>): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface RawTx {
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
}

export interface BenchServer {
  kind: StoreKind;
  url: string;
  /** postgres:// URL (PostgreSQL only), for a client process's own pool. */
  pgUrl: string | null;
  raw: RawServerStore;
  close(): Promise<void>;
}

/** PostgreSQL: one multi-row INSERT per this many rows (well under the 65535-parameter cap). */
const PG_BATCH = 2000;

function sqliteRaw(file: string): RawServerStore {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  // Seeding a million rows into indexes keyed at random (scope) thrashes a small page cache.
  sqlite.pragma('cache_size = -262144');
  const stmts = new Map<string, Database.Statement>();
  return {
    kind: 'sqlite',
    async transaction(fn) {
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        await fn({
          async insert(table, columns, rows) {
            const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
            let st = stmts.get(sql);
            if (!st) stmts.set(sql, (st = sqlite.prepare(sql)));
            for (const r of rows) st.run(...r);
          },
        });
        sqlite.exec('COMMIT');
      } catch (err) {
        sqlite.exec('ROLLBACK');
        throw err;
      }
    },
    async query<T>(sql: string, params: unknown[] = []) {
      // The same SQL text as on PostgreSQL: $1, $2… become ?.
      return sqlite.prepare(sql.replace(/\$\d+/g, '?')).all(...params) as T[];
    },
    async close() {
      sqlite.close();
    },
  };
}

function pgRaw(url: string, max: number): RawServerStore & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    pool,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await fn({
          async insert(table, columns, rows) {
            for (let i = 0; i < rows.length; i += PG_BATCH) {
              const batch = rows.slice(i, i + PG_BATCH);
              const params: unknown[] = [];
              const tuples = batch.map((r) => {
                const start = params.length;
                params.push(...r);
                return `(${r.map((_, j) => `$${start + j + 1}`).join(', ')})`;
              });
              await client.query(
                `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
                params,
              );
            }
          },
        });
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * A real server on 127.0.0.1 and a raw connection to its store. `own process`: the server runs
 * in a child process (sync-server-child.ts), as in production, so the device under test does
 * not share its thread; otherwise in this process (the many-devices bench, whose devices run
 * in child processes).
 */
export async function startBenchServer(
  kind: StoreKind,
  options: { ownProcess?: boolean } = {},
): Promise<BenchServer> {
  let target: string;
  let dispose: () => Promise<void>;
  let pgUrl: string | null = null;
  if (kind === 'postgres') {
    const database = await createPgDatabase();
    pgUrl = target = database.url;
    dispose = () => database.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'qd-bench-sync-'));
    target = join(dir, 'server.sqlite');
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  }
  let stop: () => Promise<void>;
  let url: string;
  try {
    if (options.ownProcess === true) ({ url, stop } = await startChild(target));
    else ({ url, stop } = await startInline(kind, target));
  } catch (err) {
    await dispose();
    throw err;
  }
  const raw = kind === 'postgres' ? pgRaw(target, 10) : sqliteRaw(target);
  return {
    kind,
    url,
    pgUrl,
    raw,
    async close() {
      await stop();
      await raw.close();
      await dispose();
    },
  };
}

async function startInline(
  kind: StoreKind,
  target: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const db: ServerDb = await createServerDb(
    kind === 'postgres' ? { url: target } : { file: target },
  );
  let app: FastifyInstance;
  try {
    app = await buildServer({ db, rateLimit: false, jwtSecret: JWT_SECRET });
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async stop() {
      await app.close();
      await db.destroy();
    },
  };
}

async function startChild(target: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      // QUNDESK_BENCH_PROFILE: the server's CPU profile too (written when it closes).
      ...(process.env.QUNDESK_BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.QUNDESK_BENCH_PROFILE}`]
        : []),
      '--import',
      'tsx',
      fileURLToPath(new URL('./sync-server-child.ts', import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        QUNDESK_BENCH_SERVER_DB: target,
        QUNDESK_BENCH_JWT_SECRET: JWT_SECRET,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        try {
          resolve((JSON.parse(line) as { url: string }).url);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A raw pg pool on the same database (baselines in a client process). */
export function pgPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}

// ---- what a sync measure prints --------------------------------------------------------------

export interface SyncMeasure {
  measure: string;
  /** 'ms', 's', or a rate ending in '/s'. */
  unit: string;
  /** The figure (for a time: the one run, or the median of several). */
  median: number;
  /** The same rows by raw inserts (or raw queries) on the same machine, in the same run. */
  baseline: number;
  /** The goal, e.g. '<= 10' (s); 'report' when there is none. */
  target: string;
  n: number;
  /** Anything else worth keeping (rows, pages, requests, phases). */
  details?: Record<string, unknown>;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Whether `value` meets a target like '<= 10' or '>= 200'; null for 'report'. */
export function meets(value: number, target: string): boolean | null {
  const m = /^(<=|>=)\s*([\d.]+)$/.exec(target.trim());
  if (!m) return null;
  return m[1] === '<=' ? value <= Number(m[2]) : value >= Number(m[2]);
}

/**
 * One JSON line on stdout, shaped like report.ts's (measure, unit, median, baseline, ratio,
 * target, n) plus `met` and `details`. ratio > 1 always means slower than the baseline.
 */
export function emitSync(m: SyncMeasure): void {
  const isRate = m.unit.endsWith('/s');
  const ratio = isRate ? m.baseline / m.median : m.median / m.baseline;
  const line = {
    measure: m.measure,
    unit: m.unit,
    median: round(m.median),
    baseline: round(m.baseline),
    ratio: round(ratio, 2),
    target: m.target,
    met: meets(m.median, m.target),
    n: m.n,
    ...(m.details ? { details: m.details } : {}),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
