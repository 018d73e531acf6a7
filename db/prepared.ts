// Prepared better-sqlite3 statements for hot paths that bypass the query builder (better-sqlite3
// prepares anew on every `prepare`). They run on the store's one connection, so inside a
// Kysely transaction they are part of it.
import type BetterSqlite3 from 'better-sqlite3';

const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * The statement for `sql` on this connection, prepared once and kept. A reader comes back in
 * its default mode (rows as objects): call `.pluck()` or `.raw()` after, as with `prepare`.
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
