// Substring search over a few text columns ("茶" finds 红茶 and 茶具; "tea" finds TEA-01).
// instr() needs no escaping of % and _, which sellers do type into SKUs.
import { sql, type Expression, type SqlBool } from 'kysely';

/** True when any of the columns contains the query (ASCII case-insensitive). */
export function containsText(columns: readonly string[], query: string): Expression<SqlBool> {
  // SQLite's lower() folds ASCII only; fold the query the same way so both sides agree.
  const q = query.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const tests = columns.map(
    (c) => sql<SqlBool>`instr(lower(coalesce(${sql.ref(c)}, '')), ${q}) > 0`,
  );
  return sql<SqlBool>`(${sql.join(tests, sql` OR `)})`;
}
