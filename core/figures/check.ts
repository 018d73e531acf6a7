// Rebuilding the rollup from the sources, and checking it without touching it: the rollup is
// recomputed into a TEMP table and compared row by row (a missing row counts as all zeros).
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { PNL_DAILY_TRIGGERS_SQL, rebuildPnlSql, recomputePnlSql } from '../../db/pnl';
import { COMMISSION_DAILY_SELECT_V6 } from '../../db/migrations/006_completion_day';
import type { Tx } from '../api/context';

export const MAX_DIFFERENCES = 20;

const FIELDS = [
  ['revenue', 'revenue'],
  ['cogs', 'cogs'],
  ['fees', 'fees'],
  ['commissions', 'commissions'],
  ['other_income', 'otherIncome'],
  ['orders', 'orders'],
] as const;

export type FigureField = (typeof FIELDS)[number][1];

export interface Difference {
  /** pnl_daily against the sources, or pnl_monthly against pnl_daily. */
  table: 'pnl_daily' | 'pnl_monthly';
  dim: string;
  /** The day ('YYYY-MM-DD'), or the month ('YYYY-MM') for pnl_monthly. */
  day: string;
  key: string;
  field: FigureField;
  rollup: number;
  recomputed: number;
}

export interface VerifyResult {
  ok: boolean;
  /** Rows of pnl_daily recomputed from the sources. */
  rowsCompared: number;
  /** All differing figures; only the first MAX_DIFFERENCES are listed. */
  differenceCount: number;
  differences: Difference[];
}

/**
 * Recomputes pnl_daily and pnl_monthly inside the caller's transaction,
 * and the commission rollup (commission_daily, migrations 5 and 6) from the ledger.
 */
export async function rebuildRollup(trx: Tx): Promise<{ rowsWritten: number; monthRows: number }> {
  const triggers = (
    await trx.executeQuery<{ name: string; sql: string }>(CompiledQuery.raw(PNL_DAILY_TRIGGERS_SQL))
  ).rows;
  for (const statement of rebuildPnlSql(triggers))
    await trx.executeQuery(CompiledQuery.raw(statement));
  await trx.executeQuery(CompiledQuery.raw('DELETE FROM commission_daily'));
  await trx.executeQuery(
    CompiledQuery.raw(
      `INSERT INTO commission_daily (agent_id, accrued_on, level, completed_on, amount) ${COMMISSION_DAILY_SELECT_V6}`,
    ),
  );
  const count = async (table: 'pnl_daily' | 'pnl_monthly') =>
    Number(
      (
        await trx
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { rowsWritten: await count('pnl_daily'), monthRows: await count('pnl_monthly') };
}

const differs = (a: string, b: string) =>
  FIELDS.map(([c]) => `coalesce(${a}.${c}, 0) <> coalesce(${b}.${c}, 0)`).join(' OR ');
const pairs = (a: string, b: string) =>
  FIELDS.map(
    ([c]) => `coalesce(${a}.${c}, 0) AS "a_${c}", coalesce(${b}.${c}, 0) AS "b_${c}"`,
  ).join(', ');

/** Rows of `left` and `right` (same key columns) whose figures differ, in key order. */
function compareSql(left: string, right: string, period: 'day' | 'month'): string {
  return `
    WITH k AS (SELECT dim, ${period} AS p, key FROM ${left} UNION SELECT dim, ${period}, key FROM ${right})
    SELECT k.dim, k.p AS day, k.key, ${pairs('a', 'b')}
      FROM k
      LEFT JOIN ${left} a ON a.dim = k.dim AND a.${period} = k.p AND a.key = k.key
      LEFT JOIN ${right} b ON b.dim = k.dim AND b.${period} = k.p AND b.key = k.key
     WHERE ${differs('a', 'b')}
     ORDER BY k.dim, k.p, k.key`;
}

type DiffRow = Record<string, string | number>;

function expand(table: Difference['table'], rows: DiffRow[]): Difference[] {
  return rows.flatMap((row) =>
    FIELDS.filter(([c]) => row[`a_${c}`] !== row[`b_${c}`]).map(([c, field]) => ({
      table,
      dim: String(row.dim),
      day: String(row.day),
      key: String(row.key),
      field,
      rollup: Number(row[`a_${c}`]),
      recomputed: Number(row[`b_${c}`]),
    })),
  );
}

/**
 * Recomputes the rollup from the sources into a TEMP table and compares it with pnl_daily, and
 * pnl_monthly with pnl_daily summed by month. Changes nothing in the store.
 */
export async function verifyRollup(db: Kysely<Database>): Promise<VerifyResult> {
  const run = <T>(text: string) => db.executeQuery<T>(CompiledQuery.raw(text));
  await run('DROP TABLE IF EXISTS temp.pnl_recomputed');
  await run('DROP TABLE IF EXISTS temp.pnl_daily_by_month');
  try {
    await run(`CREATE TEMP TABLE pnl_recomputed (
      dim TEXT NOT NULL, day TEXT NOT NULL, key TEXT NOT NULL,
      revenue INTEGER NOT NULL, cogs INTEGER NOT NULL, fees INTEGER NOT NULL,
      commissions INTEGER NOT NULL, other_income INTEGER NOT NULL, orders INTEGER NOT NULL,
      PRIMARY KEY (dim, day, key)) WITHOUT ROWID`);
    for (const statement of recomputePnlSql('temp.pnl_recomputed')) await run(statement);
    await run(`CREATE TEMP TABLE pnl_daily_by_month (
      dim TEXT NOT NULL, month TEXT NOT NULL, key TEXT NOT NULL,
      revenue INTEGER NOT NULL, cogs INTEGER NOT NULL, fees INTEGER NOT NULL,
      commissions INTEGER NOT NULL, other_income INTEGER NOT NULL, orders INTEGER NOT NULL,
      PRIMARY KEY (dim, month, key)) WITHOUT ROWID`);
    await run(`INSERT INTO temp.pnl_daily_by_month
      SELECT dim, substr(day, 1, 7), key, sum(revenue), sum(cogs), sum(fees), sum(commissions),
             sum(other_income), sum(orders)
        FROM main.pnl_daily GROUP BY 1, 2, 3`);

    const daily = await run<DiffRow>(compareSql('main.pnl_daily', 'temp.pnl_recomputed', 'day'));
    const monthly = await run<DiffRow>(
      compareSql('main.pnl_monthly', 'temp.pnl_daily_by_month', 'month'),
    );
    const differences = [
      ...expand('pnl_daily', daily.rows),
      ...expand('pnl_monthly', monthly.rows),
    ];
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM temp.pnl_recomputed`.execute(db);
    return {
      ok: differences.length === 0,
      rowsCompared: rows[0]!.n,
      differenceCount: differences.length,
      differences: differences.slice(0, MAX_DIFFERENCES),
    };
  } finally {
    await run('DROP TABLE IF EXISTS temp.pnl_recomputed');
    await run('DROP TABLE IF EXISTS temp.pnl_daily_by_month');
  }
}
