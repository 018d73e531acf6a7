// The store's backups, all in one folder beside it (`<store>-backups/`): a rolling copy per
// day (daily-YYYY-MM-DD.sqlite, the newest N kept), the copy taken before a migration and
// the store as it was before a restore. Copies of the live store are written with VACUUM INTO
// (consistent while it is in use) to a temporary name and renamed, so a half-written copy
// never carries a backup's name. Restoring checks the copy, then swaps the files while the
// store is closed (the caller closes and reopens it).
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LATEST_VERSION } from './migrations';
import { backupsDir, fileStamp, removeWithSidecars } from './backup-files';

export {
  backupsDir,
  fileStamp,
  putBack,
  removeWithSidecars,
  sidecars,
  swapIn,
} from './backup-files';

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
