// Backup and restore of the store file (File menu). Restore replaces the whole store, so it
// goes: copy the chosen file beside the store, let the core host open it (migrating an older
// one, refusing a newer one) and check its integrity, close the store, swap the files (the
// current store, damaged or not, kept in the backups folder as before-restore-….sqlite: the
// same swap as the app's restore of its own backups, db/backup-files.ts), reopen. Any failure
// before the swap leaves the store as it was; a failure to reopen puts the old store back.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallResult } from '../../core/api/dispatcher';
import { backupsDir, putBack, removeWithSidecars, sidecars, swapIn } from '../../db/backup-files';

export interface StoreHostControl {
  call(method: string, input: unknown): Promise<CallResult>;
  validate(file: string): Promise<unknown>;
  closeStore(): Promise<void>;
  openStore(storeFile?: string): Promise<void>;
}

/** e.g. qundesk-backup-2026-11-27-1405.sqlite (local time). */
export function backupFileName(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `qundesk-backup-${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(
    date.getHours(),
  )}${p(date.getMinutes())}.sqlite`;
}

/**
 * Writes a consistent copy of the live store to `to`. The core checks `to` first (never the
 * store itself or its -wal/-shm files) and replaces an older file there only once the copy is
 * complete, so nothing is deleted here: removing `to` up front deleted the live store when the
 * user picked it in the save dialog.
 */
export async function backupStore(host: StoreHostControl, to: string): Promise<void> {
  const result = await host.call('store.backup', { to });
  if (!result.ok) throw new Error(result.error.message);
}

export interface RestoreResult {
  /** The store as it was before the restore (in the backups folder). */
  safetyBackup: string;
}

export async function restoreStore(
  host: StoreHostControl,
  storeFile: string,
  chosen: string,
  now: Date = new Date(),
): Promise<RestoreResult> {
  const candidate = `${storeFile}.restore`;
  removeWithSidecars(candidate);
  copyFileSync(chosen, candidate);
  try {
    await host.validate(candidate);
    if (sidecars(candidate).some(existsSync)) {
      throw new Error('The chosen file did not close cleanly; it was not restored.');
    }
    await host.closeStore();
  } catch (err) {
    removeWithSidecars(candidate);
    throw err;
  }
  const kept = swapIn(storeFile, candidate, { now, move: true });
  try {
    await host.openStore(storeFile);
  } catch (err) {
    putBack(storeFile, kept);
    await host.openStore(storeFile);
    throw new Error(
      `The restored store could not be opened (${err instanceof Error ? err.message : String(err)}); ` +
        'the previous store was put back.',
      { cause: err },
    );
  }
  return { safetyBackup: join(backupsDir(storeFile), kept) };
}
