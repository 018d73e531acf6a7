// Where an export, a report or a backup may write, and how. Output never lands on the open
// store, its -wal/-shm/-journal files or its pre-migration backups (compared by real path, so
// a symlink, a hard link or another spelling of the store's name is caught too), and an export
// never replaces an existing SQLite database at all. A file is written beside its target under
// a temporary name, flushed to disk and renamed over it: a crash or a failure mid-write leaves
// the old file whole, and the new one appears only when complete.
import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { fieldError, notFound } from '../api/errors';

/** The files SQLite keeps beside a database while it is open. */
const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** The first bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** The first four bytes of a SQLite WAL file (either byte order of its checksums). */
const WAL_MAGIC = [0x377f0682, 0x377f0683];

/** Paths on Windows and macOS are case-insensitive by default: E.SQLITE is e.sqlite. */
const fold = (p: string) =>
  process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p;

/** The database files the store has open (main and attached), as SQLite names them. */
export function openDatabaseFiles(sqlite: BetterSqlite3.Database): string[] {
  const rows = sqlite.pragma('database_list') as { name: string; file: string }[];
  return rows.map((r) => r.file).filter((f) => f !== '');
}

/** The real path of a file (symlinks followed); for one not there yet, its folder's. */
async function realPath(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    try {
      return join(await fs.realpath(dirname(file)), basename(file));
    } catch {
      return resolve(file);
    }
  }
}

const sameFile = (a: Stats | null, b: Stats | null) =>
  a !== null && b !== null && a.dev === b.dev && a.ino === b.ino && a.ino !== 0;

async function startsLikeDatabase(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead >= 4 && WAL_MAGIC.includes(head.readUInt32BE(0))) return true;
    return bytesRead === head.length && head.equals(SQLITE_HEADER);
  } finally {
    await handle.close();
  }
}

export interface OutputCheck {
  /** The open store's database files (see openDatabaseFiles). */
  store: readonly string[];
  /** The input field that named the file, for the error (e.g. file, to, --out). */
  field: string;
  /** A backup may replace an older backup; exports and reports never replace a database. */
  mayReplaceDatabase?: boolean;
}

/**
 * Checks that `file` may be written as output, and returns the path to write: the file's real
 * path (writing through a symlink replaces what it points at, not the link).
 */
export async function checkOutputFile(file: string, check: OutputCheck): Promise<string> {
  const named = resolve(file);
  const target = await realPath(named);
  const refuse = (why: string) =>
    fieldError(
      check.field,
      `${named} ${why}: writing there would destroy it. Choose another file name (for example in your Documents folder); nothing was written.`,
    );
  const info = await fs.stat(target).catch(() => null);
  if (info?.isDirectory()) {
    throw fieldError(
      check.field,
      `${named} is a folder: name a file in it, e.g. ${join(named, 'export.csv')}`,
    );
  }
  const folder = await fs.stat(dirname(target)).catch(() => null);
  if (!folder?.isDirectory()) throw notFound('Folder', dirname(named));

  for (const store of check.store) {
    const spellings = [...new Set([resolve(store), await realPath(resolve(store))])];
    for (const base of spellings) {
      for (const suffix of ['', ...SIDECARS]) {
        const guarded = base + suffix;
        const same =
          fold(target) === fold(guarded) ||
          fold(named) === fold(guarded) ||
          (info !== null && sameFile(info, await fs.stat(guarded).catch(() => null)));
        if (same) {
          throw refuse(
            suffix === ''
              ? 'is the store QunDesk has open'
              : `is the store's ${suffix.slice(1)} file (part of the open store ${base})`,
          );
        }
      }
      // Backups made before a migration: <store>.v<N>-<time>.bak; a restore's <store>.restore.
      const name = basename(target);
      const own = basename(base);
      if (
        fold(dirname(target)) === fold(dirname(base)) &&
        fold(name).startsWith(fold(own)) &&
        /^(\.v\d+-.+\.bak|\.restore)(-wal|-shm|-journal)?$/i.test(name.slice(own.length))
      ) {
        throw refuse(`is a backup of the open store ${base}`);
      }
    }
  }
  if (info && !check.mayReplaceDatabase && (await startsLikeDatabase(target))) {
    throw refuse('is a QunDesk store or another SQLite database');
  }
  return target;
}

/** Flushes a folder's entries (the rename) to disk; not possible on Windows, where it is skipped. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some file systems cannot sync a folder: the rename is still atomic
  } finally {
    await handle.close();
  }
}

/**
 * Writes `target` through `write(temporary)`: the temporary file sits in the same folder (so
 * the rename is atomic), is flushed to disk, takes over the old file's permissions, and is
 * renamed over the target only when complete. On failure it is removed and the target is as
 * it was.
 */
export async function replaceAtomically<T>(
  target: string,
  write: (temporary: string) => Promise<T>,
): Promise<T> {
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`,
  );
  try {
    const result = await write(temporary);
    const handle = await fs.open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const before = await fs.stat(target).catch(() => null);
    if (before) await fs.chmod(temporary, before.mode & 0o7777).catch(() => undefined);
    await fs.rename(temporary, target);
    await syncFolder(dirname(target));
    return result;
  } catch (err) {
    await fs.rm(temporary, { force: true });
    throw err;
  }
}

/** Checks `file` (see checkOutputFile) and writes `text` to it atomically (UTF-8). */
export async function writeOutputText(
  file: string,
  text: string,
  check: OutputCheck,
): Promise<string> {
  const target = await checkOutputFile(file, check);
  await replaceAtomically(target, (temporary) => fs.writeFile(temporary, text, 'utf8'));
  return target;
}
