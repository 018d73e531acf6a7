// The store's backups, all in one folder beside it (`<store>-backups/`): a rolling copy per
// day (daily-YYYY-MM-DD.sqlite, the newest N kept), the copy taken before a migration and
// the store as it was before a restore. Copies of the live store are written with VACUUM INTO
// (consistent while it is in use) to a temporary name and renamed, so a half-written copy
// never carries a backup's name. Restoring checks the copy, then swaps the files while the
// store is closed (the caller closes and reopens it).
import Database from 'better-sqlite3';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { LATEST_VERSION } from './migrations';

export const DEFAULT_BACKUP_DAYS = 7;

export type BackupKind = 'daily' | 'before-migration' | 'before-restore' | 'other';

export interface BackupInfo {
  /** File name inside the backups folder (what store.restoreBackup takes). */
  name: string;
  file: string;
  kind: BackupKind;
  bytes: number;
  /** When the copy was written (ISO-8601 UTC). */
  writtenAt: string;
}

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

/** A consistent copy of the live store at `to`, written under a temporary name and renamed. */
export function copyLiveStore(sqlite: Database.Database, to: string): void {
  const tmp = `${to}.tmp`;
  removeWithSidecars(tmp);
  try {
    sqlite.prepare('VACUUM INTO ?').run(tmp);
    renameSync(tmp, to);
  } finally {
    removeWithSidecars(tmp);
  }
}

function kindOf(name: string): BackupKind {
  if (/^daily-\d{4}-\d{2}-\d{2}\.sqlite$/.test(name)) return 'daily';
  if (name.startsWith('before-migration-')) return 'before-migration';
  if (name.startsWith('before-restore-')) return 'before-restore';
  return 'other';
}

/** Every backup of the store, newest first. */
export function listBackups(storeFile: string): BackupInfo[] {
  const dir = backupsDir(storeFile);
  if (!existsSync(dir)) return [];
  const out: BackupInfo[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.sqlite')) continue;
    const file = join(dir, name);
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info?.isFile()) continue;
    out.push({
      name,
      file,
      kind: kindOf(name),
      bytes: info.size,
      writtenAt: info.mtime.toISOString(),
    });
  }
  return out.sort((a, b) => b.writtenAt.localeCompare(a.writtenAt) || b.name.localeCompare(a.name));
}

/**
 * Today's rolling copy (`day` is the local calendar day, YYYY-MM-DD): written once a day,
 * then only the newest `keepDays` daily copies are kept. Returns the file written, or null
 * when today's copy was already there.
 */
export function writeDailyBackup(
  sqlite: Database.Database,
  storeFile: string,
  day: string,
  keepDays = DEFAULT_BACKUP_DAYS,
): string | null {
  const dir = backupsDir(storeFile);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `daily-${day}.sqlite`);
  let written: string | null = null;
  if (!existsSync(target)) {
    copyLiveStore(sqlite, target);
    written = target;
  }
  const daily = readdirSync(dir)
    .filter((n) => kindOf(n) === 'daily')
    .sort()
    .reverse();
  for (const old of daily.slice(Math.max(1, keepDays))) rmSync(join(dir, old), { force: true });
  return written;
}

/** The copy taken before migrating a store from schema `version`. */
export function writeMigrationBackup(
  sqlite: Database.Database,
  storeFile: string,
  version: number,
  now: Date = new Date(),
): string {
  const dir = backupsDir(storeFile);
  mkdirSync(dir, { recursive: true });
  const to = join(dir, `before-migration-v${version}-${fileStamp(now)}.sqlite`);
  copyLiveStore(sqlite, to);
  return to;
}

export class BackupRefused extends Error {}

/**
 * Checks that a file is a whole QunDesk store this app can open: a schema version, not newer
 * than the app's, and a clean integrity check. Throws BackupRefused saying what is wrong.
 */
export function verifyBackup(file: string): { schemaVersion: number } {
  let probe: Database.Database;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupRefused(`${basename(file)} cannot be opened (${(err as Error).message}).`);
  }
  try {
    const version = probe.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw new BackupRefused(`${basename(file)} holds no QunDesk data.`);
    if (version > LATEST_VERSION) {
      throw new BackupRefused(
        `${basename(file)} was written by a newer QunDesk (schema ${version}); update QunDesk first.`,
      );
    }
    const rows = probe.pragma('integrity_check') as { integrity_check: string }[];
    const lines = rows.map((r) => r.integrity_check);
    if (!(lines.length === 1 && lines[0] === 'ok')) {
      throw new BackupRefused(
        `${basename(file)} is damaged too (${lines.slice(0, 3).join('; ')}); pick another backup.`,
      );
    }
    return { schemaVersion: version };
  } catch (err) {
    if (err instanceof BackupRefused) throw err;
    throw new BackupRefused(
      `${basename(file)} is damaged too (${(err as Error).message}); pick another backup.`,
    );
  } finally {
    probe.close();
  }
}

/**
 * Puts `backup` in the place of the CLOSED store: the copy goes to a temporary file beside
 * the store first (a failure there leaves the store as it was), the store and its WAL move
 * into the backups folder as before-restore-<stamp>.sqlite (so a restore can be undone),
 * then the copy is renamed into place. Returns the name the old store was kept under.
 */
export function swapInBackup(storeFile: string, backup: string, now: Date = new Date()): string {
  const tmp = `${storeFile}.restore-tmp`;
  removeWithSidecars(tmp);
  copyFileSync(backup, tmp);
  const dir = backupsDir(storeFile);
  mkdirSync(dir, { recursive: true });
  const kept = join(dir, `before-restore-${fileStamp(now)}.sqlite`);
  try {
    if (existsSync(storeFile)) renameSync(storeFile, kept);
    // A WAL left beside the old store must never be replayed into the restored one.
    for (const [from, to] of sidecars(storeFile).map((f, i) => [f, sidecars(kept)[i]!] as const))
      if (existsSync(from)) renameSync(from, to);
    renameSync(tmp, storeFile);
  } catch (err) {
    removeWithSidecars(tmp);
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
