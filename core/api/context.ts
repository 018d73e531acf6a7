// What every service receives: the store, a clock, who is calling, and a progress callback.
import type { Kysely, Transaction } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { dayAt } from '../shared/days';
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
  /**
   * The seller's offset from UTC in minutes, when it is not this process's own (the server
   * replays a device's mutation in the device's calendar). Unset: the local time zone.
   */
  utcOffsetMinutes?: number;
  /**
   * The business's time zone (IANA, e.g. 'Asia/Shanghai'): "today" and the day of an instant
   * are counted there. Unset: this process's zone. A fixed utcOffsetMinutes wins over it.
   */
  timeZone?: string;
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
  /**
   * Set when nobody reads what the method returns: a recorded mutation replayed on the server
   * or rebased on the device. Methods then skip building the view they return (see answer).
   */
  resultUnused?: boolean;
  /**
   * Where ids come from while a synced mutation runs: the same mutation replayed on the server
   * (or rebased on the device) must create the same ids, so a later mutation that names a row
   * this one created still finds it. Unset outside a mutation: ids are fresh UUIDv7.
   */
  ids?: () => string;
}

export type Tx = Transaction<Database>;

/**
 * A new row id: the running mutation's (see Ctx.ids), or a fresh UUIDv7. Passed down in the
 * context rather than kept in an AsyncLocalStorage, whose promise hooks made every await of the
 * process dearer (about 3% of the server's replay of a push).
 */
export const newId = (ctx: Pick<Ctx, 'ids'>): string => (ctx.ids ? ctx.ids() : freshId());

/** A fresh UUIDv7, for what no synced mutation creates (tests, local-only rows). */
export const freshId = (): string => uuidv7();

/**
 * What a method returns, read back only when someone reads it: a replayed mutation's result is
 * thrown away, and reading an order back was a tenth of the server's time replaying a push.
 */
export function answer<T>(ctx: Pick<Ctx, 'resultUnused'>, view: () => Promise<T>): Promise<T> {
  return ctx.resultUnused === true ? Promise.resolve(undefined as T) : view();
}

/** The current instant as ISO-8601 UTC text. */
export const nowIso = (ctx: Pick<Ctx, 'clock'>): string => ctx.clock.now().toISOString();

/** Today in the business's calendar, 'YYYY-MM-DD' (see Clock.timeZone). */
export const today = (ctx: Pick<Ctx, 'clock'>): string => dayAt(ctx.clock.now(), ctx.clock);

/**
 * Runs fn in one transaction: all of it happens, or none of it. When the caller already holds
 * one (a synced mutation runs the method and its outbox row in one transaction), fn joins it.
 */
export function inTransaction<T>(ctx: Ctx, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx.db as Tx);
  return ctx.db.transaction().execute(fn);
}
