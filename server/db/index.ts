// Opening the server store: a SQLite file by default (nothing to install), PostgreSQL when a
// postgres:// URL is given. Same migrations for both; they run on open. A store migrated by a
// newer server (unknown migrations) is refused rather than used.
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { applyPragmas, cachingStatements } from '../../db/store';
import { serverMigrationProvider } from './migrations';
import type { ServerSchema } from './schema';

export type { ServerSchema } from './schema';

export type ServerDialect = 'sqlite' | 'postgres';

export interface ServerDb {
  db: Kysely<ServerSchema>;
  dialect: ServerDialect;
  /** The PostgreSQL URL or the SQLite file it was opened on (for other processes to open). */
  target: string;
  destroy(): Promise<void>;
}

export interface ServerDbOptions {
  /** postgres:// or postgresql:// URL: PostgreSQL. */
  url?: string;
  /** SQLite file (default ./qundesk-server.sqlite); ':memory:' for throwaway stores. */
  file?: string;
  /** PostgreSQL connections per API node (default 10). */
  poolMax?: number;
}

export const DEFAULT_SQLITE_FILE = './qundesk-server.sqlite';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function createServerDb(options: ServerDbOptions = {}): Promise<ServerDb> {
  if (options.url !== undefined && options.url !== '') {
    if (!isPostgresUrl(options.url)) {
      throw new Error(
        `Unsupported database URL (expected postgres://…): ${redactUrl(options.url)}`,
      );
    }
    return openPostgres(options.url, options.poolMax ?? 10);
  }
  return openSqlite(options.file ?? DEFAULT_SQLITE_FILE);
}

async function openPostgres(url: string, max: number): Promise<ServerDb> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<ServerSchema>({ dialect: new PostgresDialect({ pool }) });
  return finishOpen(db, 'postgres', url);
}

async function openSqlite(file: string): Promise<ServerDb> {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  try {
    applyPragmas(sqlite);
    // A server acknowledges a push only once it is on disk: with WAL and NORMAL, a power cut or
    // an OS crash could take back the last pushes after devices were told they were applied
    // (and hand their versions out again). FULL syncs the log at every commit.
    sqlite.pragma('synchronous = FULL');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  // Prepared statements are kept (Kysely's SQLite driver prepares every query anew).
  const db = new Kysely<ServerSchema>({
    dialect: new SqliteDialect({ database: cachingStatements(sqlite) }),
  });
  return finishOpen(db, 'sqlite', file);
}

async function finishOpen(
  db: Kysely<ServerSchema>,
  dialect: ServerDialect,
  target: string,
): Promise<ServerDb> {
  try {
    await migrateServerDb(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  let destroyed = false;
  return {
    db,
    dialect,
    target,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await db.destroy();
    },
  };
}

/** Runs pending migrations (PostgreSQL: under Kysely's advisory lock, so many nodes may start at once). */
export async function migrateServerDb(db: Kysely<ServerSchema>): Promise<void> {
  const migrator = new Migrator({ db, provider: serverMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed === undefined
        ? `Server store migration failed: ${reason}`
        : `Server store migration ${failed} failed: ${reason}`,
      { cause: error },
    );
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
