// The sync wire protocol, shared by the device's client and the server: push and pull bodies,
// their limits, and the range of device schema versions a server accepts.
import { z } from 'zod';
import { LATEST_VERSION } from '../../db/migrations';

/** The oldest device store schema this server still replays mutations for. */
export const MIN_CLIENT_SCHEMA = 4;
/** The newest: this build's own. A newer device talks to an older server: update the server. */
export const MAX_CLIENT_SCHEMA = LATEST_VERSION;

export const MAX_PUSH_MUTATIONS = 200;
export const MAX_PULL_LIMIT = 5000;
export const DEFAULT_PULL_LIMIT = 1000;
/** Rows per page of a first sync (the whole workspace: fewer, larger pages). */
export const FIRST_SYNC_PULL_LIMIT = 5000;
/** Clocks more than this far ahead of the server's are clamped. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

const hlcText = z.string().regex(/^\d{15}:\d{5}:[\w-]{1,64}$/, 'not a clock value');

export const pushedMutation = z.strictObject({
  seq: z.number().int().positive(),
  name: z.string().min(1).max(100),
  args: z.unknown(),
  hlc: hlcText,
  tz: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60),
});
export type PushedMutation = z.output<typeof pushedMutation>;

export const pushBody = z.strictObject({
  schemaVersion: z.number().int(),
  mutations: z.array(pushedMutation).min(1).max(MAX_PUSH_MUTATIONS),
});
export type PushBody = z.output<typeof pushBody>;

export interface MutationResult {
  seq: number;
  status: 'applied' | 'rejected';
  code?: string;
  reason?: string;
}

export interface PushResponse {
  results: MutationResult[];
  /** The highest seq of this device the server has dealt with (applied or rejected). */
  lastAppliedSeq: number;
  /** Set when a seq was skipped: the device must send from lastAppliedSeq + 1. */
  gap?: boolean;
}

export const pageToken = z.strictObject({
  v: z.number().int().nonnegative(),
  t: z.string().max(64),
  k: z.string().max(400),
});
export type PageToken = z.output<typeof pageToken>;

export const pullBody = z.strictObject({
  schemaVersion: z.number().int(),
  since: z.number().int().nonnegative(),
  /** Given on the second and later pages: the checkpoint of the first. */
  checkpoint: z.number().int().nonnegative().optional(),
  after: pageToken.optional(),
  limit: z.number().int().positive().max(MAX_PULL_LIMIT).optional(),
});
export type PullBody = z.output<typeof pullBody>;

/** One row: its table, key, and data (null: the row is gone, or left the caller's scope). */
export interface PulledRow {
  t: string;
  k: string;
  d: Record<string, unknown> | null;
}

export interface PullResponse {
  rows: PulledRow[];
  /** The cursor this pull runs up to (the same on every page). */
  checkpoint: number;
  /** Token for the next page; null when this page reaches the checkpoint. */
  next: PageToken | null;
  /** The device's last seq the server had dealt with at the checkpoint. */
  lastAppliedSeq: number;
  /** The server's clock, ms (the device's clock moves past it). */
  serverTime: number;
}
