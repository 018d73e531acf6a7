// What every service receives: the store, a clock, who is calling, and a progress callback.
import type { Kysely, Transaction } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { format } from 'date-fns';
import type { Database } from '../../db/schema';

export type Role = 'owner' | 'agent';

export interface Actor {
  role: Role;
  /** Set when role = agent: the agent whose subtree this caller sees. */
  agentId?: string;
}

export interface Progress {
  label: string;
  done: number;
  total: number;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Ctx {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
  clock: Clock;
  actor: Actor;
  /** Reports progress of long work (imports, demo generation, exports). */
  progress: (p: Progress) => void;
  /** Set when the caller may cancel long work. */
  signal?: AbortSignal;
}

export type Tx = Transaction<Database>;

export const newId = (): string => uuidv7();

/** The current instant as ISO-8601 UTC text. */
export const nowIso = (ctx: Pick<Ctx, 'clock'>): string => ctx.clock.now().toISOString();

/** Today in the seller's local calendar, 'YYYY-MM-DD'. */
export const today = (ctx: Pick<Ctx, 'clock'>): string => format(ctx.clock.now(), 'yyyy-MM-dd');

/** Runs fn in one transaction: all of it happens, or none of it. */
export function inTransaction<T>(ctx: Ctx, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(fn);
}
