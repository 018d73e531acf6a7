// Opening the store: pragmas, version guard, backup, migrations, integrity check.
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import { existsSync } from 'node:fs';
import type { Database as Schema } from './schema';
import { LATEST_VERSION, migrations } from './migrations';
import { rebuildPnl } from './pnl';
import { writeMigrationBackup } from './backups';

export interface Store {
  file: string;
  sqlite: Database.Database;
  db: Kysely<Schema>;
  /** Schema version the store was at before this open (0 = new store). */
  openedAtVersion: number;
  /** Backup file written before migrating, if any. */
  backupFile: string | null;
  /**
   * What the quick check on open found wrong (null: the store is sound). A damaged store is
   * open read-only (PRAGMA query_only) and the dispatcher refuses every mutating method.
   */
  damaged: string[] | null;
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
  /** Run PRAGMA quick_check when opening an existing store (default true). */
  quickCheck?: boolean;
  /**
   * How long a write waits for another process (the app, the CLI) to finish its own before
   * giving up with STORE_BUSY. Default BUSY_TIMEOUT_MS; tests set it short.
   */
  busyTimeoutMs?: number;
}

/** Default wait for the store's write lock held by another QunDesk process. */
export const BUSY_TIMEOUT_MS = 10_000;

export function applyPragmas(sqlite: Database.Database, busyTimeoutMs = BUSY_TIMEOUT_MS): void {
  // Set first: even switching to WAL waits for another process's lock instead of failing.
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  if (sqlite.name !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
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
    backupFile = writeMigrationBackup(sqlite, file, current);
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

/**
 * Kysely begins transactions DEFERRED: the first read takes a snapshot and the first write then
 * has to upgrade it, which SQLite refuses at once (SQLITE_BUSY, without waiting on the busy
 * timeout) when another process holds the write lock. A write transaction therefore begins
 * IMMEDIATE: it waits its turn for the lock up front (busy_timeout) and then cannot be refused
 * half way. Transactions marked read only (setAccessMode('read only')) stay deferred.
 */
class WriteFirstDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'),
    );
  }
}

class StoreDialect extends SqliteDialect {
  constructor(private readonly storeConfig: SqliteDialectConfig) {
    super(storeConfig);
  }
  override createDriver(): SqliteDriver {
    return new WriteFirstDriver(this.storeConfig);
  }
}

export function openStore(file: string, options: OpenOptions = {}): Store {
  const isNew = file === ':memory:' || !existsSync(file);
  const sqlite = new Database(file);
  try {
    applyPragmas(sqlite, options.busyTimeoutMs);
    const openedAtVersion = isNew ? 0 : schemaVersion(sqlite);
    const problems = isNew || options.quickCheck === false ? [] : quickCheck(sqlite);
    const damaged = problems.length > 0 ? problems : null;
    if (damaged) {
      // Nothing more is written on top of a damaged file (not even a migration).
      sqlite.pragma('query_only = ON');
      damage.set(sqlite, damaged);
    }
    const backupFile = damaged ? null : migrate(sqlite, file, options);
    const db = new Kysely<Schema>({
      dialect: new StoreDialect({ database: cachingStatements(sqlite) }),
    });
    return {
      file,
      sqlite,
      db,
      openedAtVersion,
      backupFile,
      damaged,
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

const damage = new WeakMap<Database.Database, string[]>();

/** What the quick check found wrong with the store open on this handle (null: sound). */
export function damageOf(sqlite: Database.Database): string[] | null {
  return damage.get(sqlite) ?? null;
}

/** SQLite found the file damaged (a page that is not what it should be). */
export const isCorruptError = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) ||
    (err instanceof Error && /malformed/i.test(err.message))
  );
};

/**
 * PRAGMA quick_check: every page and index entry readable and well formed (not the slower
 * cross-check of indexes against tables). Returns the problems, empty when sound. SQLite
 * throws SQLITE_CORRUPT itself when a damaged page stops the walk: that is a problem too.
 */
export function quickCheck(sqlite: Database.Database): string[] {
  try {
    const lines = (sqlite.pragma('quick_check') as { quick_check: string }[]).map(
      (r) => r.quick_check,
    );
    return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
  } catch (err) {
    if (isCorruptError(err)) return [(err as Error).message];
    throw err;
  }
}

export interface IntegrityReport {
  ok: boolean;
  integrity: string[];
  foreignKeys: { table: string; rowid: number; parent: string }[];
  /** Everything found wrong, one line each (empty when ok). */
  problems: string[];
}

export function checkIntegrity(sqlite: Database.Database): IntegrityReport {
  let integrity: string[];
  let foreignKeys: IntegrityReport['foreignKeys'] = [];
  try {
    integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    foreignKeys = sqlite.pragma('foreign_key_check') as IntegrityReport['foreignKeys'];
  } catch (err) {
    // A damaged page can stop the check itself ("database disk image is malformed").
    if (!isCorruptError(err)) throw err;
    integrity = [(err as Error).message];
  }
  const problems = [
    ...integrity.filter((line) => line !== 'ok'),
    ...foreignKeys.map((f) => `${f.table} row ${f.rowid} refers to a missing ${f.parent}`),
  ];
  return { ok: problems.length === 0, integrity, foreignKeys, problems };
}

/** A consistent copy of the live store (safe while it is in use). */
export function backupStore(sqlite: Database.Database, to: string): void {
  sqlite.prepare('VACUUM INTO ?').run(to);
}
