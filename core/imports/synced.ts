// Imports on a device signed in to a sync server. The file stays on the device; what it read
// goes to the server as one synced mutation, import.rows (see wire.ts), which every store runs
// with the same code (runImport) and the same ids. The device checks, before anything runs,
// that the mutation fits what a push may carry; an import that refuses rows is not recorded at
// all (nothing happened, nothing to send), and the caller gets its report as before.
import type BetterSqlite3 from 'better-sqlite3';
import type { RecordCall } from '../api/define';
import { AppError } from '../api/errors';
import { getState, signedIn } from '../sync/device';
import {
  IMPORT_ROWS_MUTATION,
  MAX_IMPORT_SYNC_BYTES,
  MAX_IMPORT_SYNC_ROWS,
} from '../sync/protocol';
import type { Ctx } from '../api/context';
import type { ImportResult } from './run';

/** The args of import.rows, as far as the size checks read them. */
type ImportRowsArgs = { rows: readonly unknown[] } & Record<string, unknown>;

const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(1);

/** Bytes and rows of the imports in the outbox that have not been pushed yet. */
function unpushedImports(sqlite: BetterSqlite3.Database): { bytes: number; rows: number } {
  const after =
    Number(getState(sqlite, 'acked_seq') ?? 0) + Number(getState(sqlite, 'seq_offset') ?? 0);
  return sqlite
    .prepare(
      `SELECT coalesce(sum(length(CAST(args AS BLOB))), 0) AS bytes,
              coalesce(sum(json_array_length(args, '$.rows')), 0) AS rows
         FROM sync_outbox WHERE name = ? AND seq > ?`,
    )
    .get(IMPORT_ROWS_MUTATION, after) as { bytes: number; rows: number };
}

/**
 * Refuses, before anything is written, an import too big to sync: alone, or together with the
 * imports still waiting to be pushed. The details let the UI say it in the seller's language.
 */
export function checkImportSyncSize(ctx: Ctx, args: ImportRowsArgs): void {
  if (!signedIn(ctx.sqlite)) return;
  const bytes = Buffer.byteLength(JSON.stringify(args));
  const rows = args.rows.length;
  const limits = {
    limitBytes: MAX_IMPORT_SYNC_BYTES,
    limitMb: Math.floor(MAX_IMPORT_SYNC_BYTES / MB),
    limitRows: MAX_IMPORT_SYNC_ROWS,
  };
  const limitText = `${MAX_IMPORT_SYNC_ROWS} rows and ${limits.limitMb} MB`;
  if (bytes > MAX_IMPORT_SYNC_BYTES || rows > MAX_IMPORT_SYNC_ROWS) {
    // Parts a little under both limits, by this file's own bytes per row.
    const partRows = Math.max(
      1,
      Math.min(MAX_IMPORT_SYNC_ROWS, Math.floor((rows * 0.9 * MAX_IMPORT_SYNC_BYTES) / bytes)),
    );
    throw new AppError(
      'VALIDATION',
      `This import is too large to sync: ${rows} rows, ${mb(bytes)} MB, and one import on a ` +
        `signed-in device may send at most ${limitText}. Nothing was imported. Split the file ` +
        `into parts of at most about ${partRows} rows (the lines of one order in the same part) ` +
        `and import them one by one: each part is all or nothing, and re-running a part skips ` +
        `what is already in.`,
      {
        reason: 'import-too-large',
        rows,
        bytes,
        mb: mb(bytes),
        ...limits,
        partRows,
        issues: [{ path: 'file', message: `too large to sync (at most ${limitText})` }],
      },
    );
  }
  const waiting = unpushedImports(ctx.sqlite);
  if (waiting.bytes + bytes > MAX_IMPORT_SYNC_BYTES || waiting.rows + rows > MAX_IMPORT_SYNC_ROWS) {
    throw new AppError(
      'INVALID_STATE',
      `Earlier imports (${waiting.rows} rows, ${mb(waiting.bytes)} MB) have not reached the sync ` +
        `server yet; with this one (${rows} rows, ${mb(bytes)} MB) they would be more than the ` +
        `${limitText} one sync may carry. Nothing was imported: sync first (the device must be ` +
        `online), then import again.`,
      {
        reason: 'imports-waiting',
        rows,
        bytes,
        mb: mb(bytes),
        waitingRows: waiting.rows,
        waitingBytes: waiting.bytes,
        waitingMb: mb(waiting.bytes),
        ...limits,
      },
    );
  }
}

/** Thrown by import.rows when it refuses rows: nothing is written, and nothing recorded. */
export function importRefused(result: ImportResult): AppError {
  const first = result.errors
    .slice(0, 3)
    .map((e) => `row ${e.row}${e.column ? `, column ${e.column}` : ''}: ${e.reason}`)
    .join('; ');
  return new AppError(
    'VALIDATION',
    `The import refused ${result.errors.length} row issue(s), so nothing was imported: ${first}` +
      (result.errors.length > 3 ? '; …' : ''),
    { reason: 'import-refused', importResult: result },
  );
}

/**
 * Records the import as the synced mutation import.rows (size checked first) and returns its
 * report; when it refused rows, the report of the refusal (nothing was written or recorded).
 */
export async function recordImportRows(
  ctx: Ctx,
  args: ImportRowsArgs,
  record: RecordCall,
): Promise<ImportResult> {
  checkImportSyncSize(ctx, args);
  try {
    return (await record(IMPORT_ROWS_MUTATION, args)) as ImportResult;
  } catch (err) {
    if (err instanceof AppError && err.details?.reason === 'import-refused')
      return err.details.importResult as ImportResult;
    throw err;
  }
}
