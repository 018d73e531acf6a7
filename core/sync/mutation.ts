// Running one named mutation with the same code everywhere: on the device when the user acts,
// on the device again when it rebases pending mutations over the server's rows, and on the
// server against its mirror of the workspace. The mutation's clock and ids come from its
// record, so every run creates the same ids on the same day.
import type { Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../../db/schema';
import type { Actor, Clock } from '../api/context';
import { prepareCall } from '../api/dispatcher';
import { decodeHlc } from './hlc';
import { mutationIds } from './ids';
import { setCapture } from './capture';
import { bindConnection, prepared } from '../../db/prepared';

export interface MutationRecord {
  seq: number;
  name: string;
  /** The raw input as the caller gave it (parsed again wherever it runs). */
  args: unknown;
  hlc: string;
  /** The device's offset from UTC in minutes when it was made (its calendar day). */
  tz: number;
}

export interface RunMutationOptions {
  trx: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
  actor: Actor;
  /** When the mutation happened, as the runner trusts it (the server clamps future clocks). */
  clock: Clock;
  /** The key its row images are kept under in sync_undo. */
  captureSeq: number;
  /**
   * Set when the caller has set capture to captureSeq for a run of mutations and rolls the whole
   * transaction back if one of them is refused: the mutation then takes no savepoint of its own
   * (the server's first try at a push, see SyncEngine.push).
   */
  inBatch?: boolean;
}

/**
 * Runs the mutation inside the caller's transaction; throws AppError when it is refused. Its
 * result is not built (both callers, the server's replay and the device's rebase, drop it).
 */
export async function runMutation(m: MutationRecord, o: RunMutationOptions): Promise<void> {
  const { def, input } = prepareCall(m.name, m.args, o.actor);
  if (!def.mutates) throw new Error(`${m.name} does not change anything`);
  const wall = decodeHlc(m.hlc)?.wall ?? 0;
  bindConnection(o.trx, o.sqlite);
  const run = (ids: () => string) =>
    def.run(
      {
        db: o.trx,
        sqlite: o.sqlite,
        clock: o.clock,
        actor: o.actor,
        progress: () => {},
        resultUnused: true,
        ids,
      },
      input,
    );
  if (o.inBatch === true) await run(mutationIds(m.hlc, wall));
  else await withCapture(o.sqlite, o.captureSeq, m.hlc, wall, run);
}

/**
 * Runs fn as mutation `seq`: inside a savepoint (a refused mutation inside a longer transaction
 * leaves nothing behind), with row images captured; fn is given the ids derived from the
 * mutation's clock (its context's ids).
 */
export async function withCapture<T>(
  sqlite: BetterSqlite3.Database,
  seq: number | null,
  hlc: string,
  wall: number,
  fn: (ids: () => string) => Promise<T>,
): Promise<T> {
  const run = (sql: string) => prepared(sqlite, sql).run();
  run('SAVEPOINT sync_mutation');
  setCapture(sqlite, seq);
  try {
    const result = await fn(mutationIds(hlc, wall));
    setCapture(sqlite, null);
    run('RELEASE sync_mutation');
    return result;
  } catch (err) {
    run('ROLLBACK TO sync_mutation');
    run('RELEASE sync_mutation');
    throw err;
  }
}

/** A clock fixed at one instant: a replay happens "when" the mutation happened. */
export const fixedClock = (ms: number, utcOffsetMinutes?: number): Clock => ({
  now: () => new Date(ms),
  ...(utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes }),
});
