// The sync wire protocol, shared by the device's client and the server: push and pull bodies,
// their limits, and the range of device schema versions a server accepts.
import { z } from 'zod';
import { LATEST_VERSION } from '../../db/migrations';
import { rowKey, tableSpec } from './tables';

/** The oldest device store schema this server still replays mutations for. */
export const MIN_CLIENT_SCHEMA = 4;
/** The newest: this build's own. A newer device talks to an older server: update the server. */
export const MAX_CLIENT_SCHEMA = LATEST_VERSION;

export const MAX_PUSH_MUTATIONS = 200;
/** What a push of MAX_PUSH_MUTATIONS ordinary mutations stays under (about 10 KiB each). */
export const ORDINARY_PUSH_BYTES = 2 * 1024 * 1024;
/**
 * The most one import may carry as a synced mutation (import.rows: the mapped columns and the
 * cells of every row, as JSON), and the most the imports a device has not pushed yet may carry
 * together: a push (MAX_PUSH_MUTATIONS mutations, whatever mix) then fits PUSH_BODY_LIMIT.
 * A typical customer sheet is ~170 bytes a row: 20,000 rows are ~3.4 MB (README, sync).
 */
export const MAX_IMPORT_SYNC_BYTES = 8 * 1024 * 1024;
/**
 * The most rows one import may carry, and the imports a device has not pushed yet together:
 * the server replays them within one push request (bytes alone would let 8 MiB of one-cell
 * rows through, hundreds of thousands of them).
 */
export const MAX_IMPORT_SYNC_ROWS = 20_000;
/** The synced mutation of an import: its args count against MAX_IMPORT_SYNC_BYTES. */
export const IMPORT_ROWS_MUTATION = 'import.rows';
/** The rows an import.rows mutation carries (0 for any other mutation). */
export function importRowCount(m: { name: string; args: unknown }): number {
  if (m.name !== IMPORT_ROWS_MUTATION) return 0;
  const rows = (m.args as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows.length : 0;
}
/**
 * How much longer a device waits for a push's answer per import row it carries: the server
 * replays the import before it answers (20,000 rows took about 26 s on a loaded 2-core machine).
 */
export const PUSH_WAIT_MS_PER_IMPORT_ROW = 2;
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
  /**
   * The cursor this device had pulled to when it made these changes: a profile field written
   * after it (by another device) was not seen, so overwriting it is a conflict.
   */
  seen: z.number().int().min(0).optional(),
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

/** Rows per first-upload (seed) request at most. */
export const MAX_SEED_ROWS = 2000;
/** Rows a device puts in one seed request, and the JSON size it keeps a request under. */
export const SEED_PAGE_ROWS = 1000;
export const SEED_PAGE_BYTES = 1024 * 1024;

export const seedRow = z.strictObject({
  t: z.string().min(1).max(64),
  k: z.string().min(1).max(400),
  d: z.record(z.string().max(64), z.union([z.string(), z.number(), z.null()])),
});

/**
 * The first upload of a store that already held a business when it joined a brand-new
 * workspace: its synced rows as they are, parents first, a page at a time (the last page says
 * done). Every table must be a synced table and every key the row's own key.
 */
export const seedBody = z
  .strictObject({
    schemaVersion: z.number().int(),
    rows: z.array(seedRow).max(MAX_SEED_ROWS),
    done: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    body.rows.forEach((r, i) => {
      const spec = tableSpec(r.t);
      if (!spec) {
        ctx.addIssue({ code: 'custom', path: ['rows', i, 't'], message: 'not a synced table' });
        return;
      }
      if (spec.pk.some((c) => r.d[c] === undefined || r.d[c] === null))
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i, 'd'],
          message: 'a key column is missing',
        });
      else if (rowKey(spec, r.d) !== r.k)
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'k'], message: "not the row's key" });
    });
  });
export type SeedBody = z.output<typeof seedBody>;

export interface SeedResponse {
  /** Rows laid down by this request. */
  applied: number;
  /** The workspace cursor after it. */
  cursor: number;
}

/** One overwritten profile edit, as GET /v1/sync/conflicts reports it. */
export interface SyncConflict {
  /** customers, customer_groups or products. */
  table: string;
  rowId: string;
  /** What the row is called now (null when it is gone); products also carry their sku. */
  rowLabel: string | null;
  sku: string | null;
  field: string;
  /** The value that was overwritten. */
  lostValue: unknown;
  /** The field's value on the server now. */
  currentValue: unknown;
  /** When the losing and the winning edits were made (their clocks). */
  lostEditedAt: string | null;
  keptEditedAt: string | null;
  /** When the server received the losing edit. */
  at: string;
  deviceId: string;
  deviceName: string | null;
  seq: number;
}

/**
 * A store signing back in to the workspace it last synced with (core/sync/client.ts signIn)
 * takes over from the device it was: the server retires that device and says how far its
 * changes got, so the store sends on from there and nothing is applied twice.
 */
export const resumeBody = z.strictObject({
  /** The device this store was signed in as. */
  previousDeviceId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  /** The previous device's last seq this store saw acknowledged: refusals after it are sent back. */
  after: z.number().int().nonnegative(),
});
export type ResumeBody = z.output<typeof resumeBody>;

/** At most this many refusals of the previous device come back (a store sends 200 at a time). */
export const MAX_RESUME_RESULTS = 1000;

export interface ResumeResponse {
  /** The previous device's highest seq the server dealt with (applied or refused). */
  lastSeq: number;
  /** Its refusals after `after`, in seq order (what the store never heard back about). */
  results: MutationResult[];
}
