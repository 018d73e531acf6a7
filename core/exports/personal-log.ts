// The access log of personal data (PIPL, DOMAIN.md): every export of personal data writes one
// row of personal_data_log. The export itself stays where it is made (a file written on this
// machine, or the data handed back to the caller), so export.run, report.export and
// customer.exportPersonalData are local-only methods (core/sync/capture.ts). Their log row is
// not: on a device signed in to a sync server the export records it as the synced mutation
// personalData.logExport, which the device, the server and every rebase run with the same id
// and time (the mutation's), so the owner's other devices hold the log too. On a device that is
// not signed in the export writes the row in its own transaction, as it always did (a later
// first upload carries it).
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { inTransaction, newId, nowIso, type Ctx, type Tx } from '../api/context';
import { method, type AnyMethod, type RecordCall } from '../api/define';
import { fieldError } from '../api/errors';
import { signedIn } from '../sync/device';

/** The synced mutation that carries an export's log entry. */
export const PERSONAL_EXPORT_LOG = 'personalData.logExport';

/**
 * The most a log entry's detail may hold, in UTF-8 bytes: it travels in a push as an ordinary
 * mutation (ORDINARY_PUSH_BYTES allows about 10 KiB each). A file path is the only long part.
 */
export const MAX_LOG_DETAIL_BYTES = 8 * 1024;
export const MAX_LOG_SUBJECT = 200;

export const exportLogEntry = z.strictObject({
  /** What was exported: 'customers', 'orders', 'report:customer', or a customer's id. */
  subject: z
    .string()
    .trim()
    .min(1, 'required')
    .max(MAX_LOG_SUBJECT, `at most ${MAX_LOG_SUBJECT} characters`),
  /** How: the export's file, filters and row count as JSON text, or a sentence. */
  detail: z
    .string()
    .refine(
      (s) => Buffer.byteLength(s) <= MAX_LOG_DETAIL_BYTES,
      `at most ${MAX_LOG_DETAIL_BYTES} bytes`,
    )
    .nullable()
    .default(null),
});

export type ExportLogEntry = z.output<typeof exportLogEntry>;

/** Writes one row of the log (an export or an erasure), at the caller's clock. */
export async function writePersonalDataLog(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  action: 'export' | 'erase',
  entry: ExportLogEntry,
): Promise<{ id: string; createdAt: string }> {
  const row = { id: newId(ctx), created_at: nowIso(ctx) };
  await trx
    .insertInto('personal_data_log')
    .values({ ...row, action, subject: entry.subject, detail: entry.detail })
    .execute();
  return { id: row.id, createdAt: row.created_at };
}

/** Where an export's log entry goes: into the export's transaction, or recorded after it. */
export interface ExportLog {
  /** Refuses, before anything is written, an entry that could not be logged. */
  check(entry: ExportLogEntry): void;
  /** Logs the entry of an export made in trx (that wrote `file`, when it wrote one). */
  add(trx: Tx, entry: ExportLogEntry, file?: string): Promise<void>;
  /** Once the export's transaction is over: records what add() kept back. */
  flush(): Promise<void>;
}

/** The log written in the export's own transaction (a device that is not signed in). */
function localLog(ctx: Pick<Ctx, 'clock' | 'ids'>): ExportLog {
  return {
    check() {},
    async add(trx, entry) {
      await writePersonalDataLog(trx, ctx, 'export', entry);
    },
    async flush() {},
  };
}

/**
 * The log recorded as personalData.logExport once the export is done (a signed-in device). The
 * recording runs a transaction of its own, so it cannot join the export's: if it fails, the
 * file the export wrote is removed and the error reported (no export without its log).
 */
function syncedLog(record: RecordCall): ExportLog {
  const pending: { entry: ExportLogEntry; file?: string }[] = [];
  return {
    check(entry) {
      const parsed = exportLogEntry.safeParse(entry);
      if (!parsed.success)
        throw fieldError(
          'file',
          `the export could not be logged: ${parsed.error.issues
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        );
    },
    add(_trx, entry, file) {
      pending.push({ entry, ...(file === undefined ? {} : { file }) });
      return Promise.resolve();
    },
    async flush() {
      for (const [i, p] of pending.entries()) {
        try {
          await record(PERSONAL_EXPORT_LOG, p.entry);
        } catch (err) {
          for (const q of pending.slice(i)) if (q.file) rmSync(q.file, { force: true });
          throw err;
        }
      }
    },
  };
}

/** The log of an export run where it is made (record: from atOrigin) or replayed (null). */
export function exportLog(
  ctx: Pick<Ctx, 'clock' | 'sqlite'>,
  record: RecordCall | null,
): ExportLog {
  return record !== null && signedIn(ctx.sqlite) ? syncedLog(record) : localLog(ctx);
}

/**
 * Runs an export with its log: fn writes (or hands back) the export inside one transaction and
 * logs through the ExportLog it is given; a synced log is recorded once that is over.
 */
export async function withExportLog<T>(
  ctx: Ctx,
  record: RecordCall | null,
  fn: (trx: Tx, log: ExportLog) => Promise<T>,
): Promise<T> {
  const log = exportLog(ctx, record);
  const value = await inTransaction(ctx, (trx) => fn(trx, log));
  await log.flush();
  return value;
}

export const personalDataMethods = {
  [PERSONAL_EXPORT_LOG]: method({
    summary:
      'Log an export of personal data (what export.run, report.export and customer.exportPersonalData sync from a signed-in device).',
    mutates: true,
    input: exportLogEntry,
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => ({
        ...(await writePersonalDataLog(trx, ctx, 'export', input)),
        action: 'export' as const,
        ...input,
      })),
  }),
} satisfies Record<string, AnyMethod>;
