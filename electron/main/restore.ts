// Backup and restore of the store file. Restore replaces the whole store, so it goes:
// copy the chosen file beside the store, let the core host open it (migrating an older one,
// refusing a newer one) and check its integrity, keep a safety backup of the current store,
// close the store, swap the files, reopen. Any failure before the swap leaves the store as it
// was; a failure to reopen puts the safety copy back.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CallResult } from '../../core/api/dispatcher';

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

const sidecars = (file: string) => [`${file}-wal`, `${file}-shm`, `${file}-journal`];

function removeWithSidecars(file: string): void {
  for (const f of [file, ...sidecars(file)]) rmSync(f, { force: true });
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
  /** The copy of the store as it was before the restore. */
  safetyBackup: string;
}

export async function restoreStore(
  host: StoreHostControl,
  storeFile: string,
  chosen: string,
  now: Date = new Date(),
): Promise<RestoreResult> {
  const folder = dirname(storeFile);
  const candidate = join(folder, `${basename(storeFile)}.restore`);
  const safetyBackup = join(folder, 'backups', `before-restore-${backupFileName(now)}`);
  removeWithSidecars(candidate);
  copyFileSync(chosen, candidate);
  try {
    await host.validate(candidate);
    if (sidecars(candidate).some(existsSync)) {
      throw new Error('The chosen file did not close cleanly; it was not restored.');
    }
    mkdirSync(dirname(safetyBackup), { recursive: true });
    await backupStore(host, safetyBackup);
  } catch (err) {
    removeWithSidecars(candidate);
    throw err;
  }
  try {
    await host.closeStore();
  } catch (err) {
    removeWithSidecars(candidate);
    throw err;
  }
  // A WAL left beside the old store must never be replayed into the new one.
  for (const f of sidecars(storeFile)) rmSync(f, { force: true });
  renameSync(candidate, storeFile);
  try {
    await host.openStore(storeFile);
  } catch (err) {
    removeWithSidecars(storeFile);
    copyFileSync(safetyBackup, storeFile);
    await host.openStore(storeFile);
    throw new Error(
      `The restored store could not be opened (${err instanceof Error ? err.message : String(err)}); ` +
        'the previous store was put back.',
      { cause: err },
    );
  }
  return { safetyBackup };
}
