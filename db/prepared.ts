// Statements for hot paths that bypass the query builder (building and compiling a Kysely
// query costs several times what SQLite takes to run a simple one). They run on the store's one
// connection, so inside a Kysely transaction they are part of it.
import { CompiledQuery, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema';

const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * The better-sqlite3 statement for `sql` on this connection, prepared once and kept (better-sqlite3
 * prepares anew on every `prepare`). A reader comes back in its default mode (rows as objects):
 * call `.pluck()` or `.raw()` after, as with `prepare`.
 */
export function prepared(sqlite: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = caches.get(sqlite);
  if (!cache) {
    cache = new Map();
    caches.set(sqlite, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = sqlite.prepare(sql);
    cache.set(sql, statement);
  } else if (statement.reader) {
    statement.pluck(false);
    statement.raw(false);
  }
  return statement;
}

/** Kysely transactions known to run on a given better-sqlite3 connection (see bindConnection). */
const connections = new WeakMap<Kysely<Database>, BetterSqlite3.Database>();

/**
 * Records that `db` (a transaction) runs on `sqlite`, so rowsOf runs statements on it directly.
 * For the caller that holds both (a synced mutation's runner).
 */
export function bindConnection(db: Kysely<Database>, sqlite: BetterSqlite3.Database): void {
  connections.set(db, sqlite);
}

/**
 * The rows of fixed SQL text run on a Kysely handle, for code that is given only that handle:
 * no query is built or compiled. On a handle bound to its connection (bindConnection) the
 * statement runs there through `prepared`; otherwise through Kysely, and the store reuses the
 * statement by its text.
 */
export async function rowsOf<R>(
  db: Kysely<Database>,
  sql: string,
  params: readonly unknown[] = [],
): Promise<R[]> {
  const sqlite = connections.get(db);
  if (sqlite === undefined)
    return (await db.executeQuery<R>(CompiledQuery.raw(sql, [...params]))).rows;
  const statement = prepared(sqlite, sql);
  if (statement.reader) return statement.all(...params) as R[];
  statement.run(...params);
  return [];
}
