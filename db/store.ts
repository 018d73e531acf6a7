// Opening the store: pragmas, version guard, backup, migrations, integrity check.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { existsSync } from 'node:fs';
import type { Database as Schema } from './schema';
import { LATEST_VERSION, migrations } from './migrations';
import { rebuildPnl } from './pnl';

export interface Store {
  file: string;
  sqlite: Database.Database;
  db: Kysely<Schema>;
  /** Schema version the store was at before this open (0 = new store). */
  openedAtVersion: number;
  /** Backup file written before migrating, if any. */
  backupFile: string | null;
  close(): Promise<void>;
}

export class StoreTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly storeVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `The store ${file} was written by a newer QunDesk (schema ${storeVersion}; this app knows up to ${appVersion}). ` +
        'Update QunDesk to open it; the store was not changed.',
    );
    this.name = 'StoreTooNewError';
  }
}

export interface OpenOptions {
  /** Migrate up to this version only (tests of earlier schema versions). */
  targetVersion?: number;
  /** Skip the pre-migration backup (fresh stores never need one). */
  backup?: boolean;
}

export function applyPragmas(sqlite: Database.Database): void {
  if (sqlite.name !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('cache_size = -65536'); // 64 MiB page cache
}

export function schemaVersion(sqlite: Database.Database): number {
  return sqlite.pragma('user_version', { simple: true }) as number;
}

/** Runs pending migrations, each in its own transaction; returns the backup file if one was made. */
export function migrate(
  sqlite: Database.Database,
  file: string,
  options: OpenOptions = {},
): string | null {
  const current = schemaVersion(sqlite);
  if (current > LATEST_VERSION) throw new StoreTooNewError(file, current, LATEST_VERSION);
  const target = options.targetVersion ?? LATEST_VERSION;
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return null;

  let backupFile: string | null = null;
  if (current > 0 && file !== ':memory:' && options.backup !== false) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    backupFile = `${file}.v${current}-${stamp}.bak`;
    sqlite.prepare('VACUUM INTO ?').run(backupFile);
  }

  let rebuild = false;
  for (const m of pending) {
    sqlite.transaction(() => {
      sqlite.exec(m.sql);
      sqlite.pragma(`user_version = ${m.version}`);
    })();
    rebuild ||= m.rebuildPnl === true;
  }
  if (rebuild) rebuildPnl(sqlite);
  return backupFile;
}

/**
 * Kysely prepares every query it runs; with better-sqlite3 a prepare costs far more than the
 * run (over a millisecond for the P&L view). Statements are reused by SQL text instead, least
 * recently used dropped first. Safe because the core runs one operation at a time.
 */
export function cachingStatements(sqlite: Database.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

export function openStore(file: string, options: OpenOptions = {}): Store {
  const isNew = file === ':memory:' || !existsSync(file);
  const sqlite = new Database(file);
  try {
    applyPragmas(sqlite);
    const openedAtVersion = isNew ? 0 : schemaVersion(sqlite);
    const backupFile = migrate(sqlite, file, options);
    const db = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: cachingStatements(sqlite) }),
    });
    return {
      file,
      sqlite,
      db,
      openedAtVersion,
      backupFile,
      async close() {
        // Kysely closes the handle only if it ever opened a connection through it.
        await db.destroy();
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

export interface IntegrityReport {
  ok: boolean;
  integrity: string[];
  foreignKeys: { table: string; rowid: number; parent: string }[];
}

export function checkIntegrity(sqlite: Database.Database): IntegrityReport {
  const integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map(
    (r) => r.integrity_check,
  );
  const foreignKeys = sqlite.pragma('foreign_key_check') as {
    table: string;
    rowid: number;
    parent: string;
  }[];
  return {
    ok: integrity.length === 1 && integrity[0] === 'ok' && foreignKeys.length === 0,
    integrity,
    foreignKeys,
  };
}

/** A consistent copy of the live store (safe while it is in use). */
export function backupStore(sqlite: Database.Database, to: string): void {
  sqlite.prepare('VACUUM INTO ?').run(to);
}
