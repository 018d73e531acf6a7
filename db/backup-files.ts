// The files of the store's backups, with nothing but the file system (electron's main
// process uses them too, and loads no SQLite): where they go, how a store file travels with
// its WAL, and the swap of a backup into the place of a closed store.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

export const backupsDir = (storeFile: string): string => `${storeFile}-backups`;

export const sidecars = (file: string): string[] => [
  `${file}-wal`,
  `${file}-shm`,
  `${file}-journal`,
];

export function removeWithSidecars(file: string): void {
  for (const f of [file, ...sidecars(file)]) rmSync(f, { force: true });
}

/** e.g. 2026-11-27T14-05-09-123Z: sortable, safe in a file name on every OS. */
export const fileStamp = (date: Date): string => date.toISOString().replace(/[:.]/g, '-');

/**
 * Puts `source` in the place of the CLOSED store: it is copied to a temporary file beside the
 * store first (a failure there leaves the store as it was; `move`: a file already beside the
 * store is taken as it is), the store and its WAL move into the backups folder as
 * before-restore-<stamp>.sqlite (so a restore can be undone), then the copy is renamed into
 * place. Returns the name the old store was kept under.
 */
export function swapIn(
  storeFile: string,
  source: string,
  options: { now?: Date; move?: boolean } = {},
): string {
  let tmp = source;
  if (!options.move) {
    tmp = `${storeFile}.restore-tmp`;
    removeWithSidecars(tmp);
    copyFileSync(source, tmp);
  }
  const dir = backupsDir(storeFile);
  mkdirSync(dir, { recursive: true });
  const kept = join(dir, `before-restore-${fileStamp(options.now ?? new Date())}.sqlite`);
  try {
    if (existsSync(storeFile)) renameSync(storeFile, kept);
    // A WAL left beside the old store must never be replayed into the restored one.
    for (const [from, to] of sidecars(storeFile).map((f, i) => [f, sidecars(kept)[i]!] as const))
      if (existsSync(from)) renameSync(from, to);
    renameSync(tmp, storeFile);
  } catch (err) {
    if (!options.move) removeWithSidecars(tmp);
    if (!existsSync(storeFile) && existsSync(kept)) renameSync(kept, storeFile);
    throw err;
  }
  return basename(kept);
}

/** Undoes swapInBackup (the restored copy could not be opened): the old store goes back. */
export function putBack(storeFile: string, keptName: string): void {
  const kept = join(backupsDir(storeFile), keptName);
  removeWithSidecars(storeFile);
  renameSync(kept, storeFile);
  for (const [from, to] of sidecars(kept).map((f, i) => [f, sidecars(storeFile)[i]!] as const))
    if (existsSync(from)) renameSync(from, to);
}
