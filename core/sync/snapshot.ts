// An owner device's first sync from a snapshot (server/sync/snapshot.ts): the workspace as a
// store file, laid over this device's empty store in one step instead of row by row. The
// device's own sync tables (its state, outbox and log) are carried into the file first, so
// the store that comes out is this device's, at the snapshot's cursor; pulls go on from there.
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../../db/store';
import { LATEST_VERSION } from '../../db/migrations';
import { prepared } from '../../db/prepared';
import { getState } from './device';
import { SYNCED_TABLES } from './tables';

/** This device's own tables: kept as they are when the snapshot is laid over the store. */
export const DEVICE_TABLES = [
  'sync_state',
  'sync_outbox',
  'sync_log',
  'sync_undo',
  'sync_capture',
] as const;

/**
 * Tables built from the synced rows on whichever store holds them (the snapshot brings them
 * built), and reference tables filled by the migrations (the same on every store).
 */
export const DERIVED_TABLES = [
  'pnl_daily',
  'pnl_monthly',
  'pnl_dims',
  'commission_daily',
  'customer_search',
  'customer_search_config',
  'customer_search_content',
  'customer_search_data',
  'customer_search_docsize',
  'customer_search_idx',
  'agent_tiers',
] as const;

/**
 * A snapshot can be used only by a store that holds nothing of a business yet and has not
 * started pulling: nothing in it would be lost by laying the workspace over it.
 */
export function snapshotDue(sqlite: BetterSqlite3.Database): boolean {
  if (getState(sqlite, 'role') !== 'owner') return false;
  if (Number(getState(sqlite, 'cursor') ?? 0) !== 0) return false;
  if (getState(sqlite, 'page_after') !== null || getState(sqlite, 'seed_seq') !== null)
    return false;
  if (prepared(sqlite, 'SELECT EXISTS (SELECT 1 FROM sync_outbox)').pluck().get() === 1)
    return false;
  return SYNCED_TABLES.every(
    (t) => prepared(sqlite, `SELECT EXISTS (SELECT 1 FROM ${t.name})`).pluck().get() === 0,
  );
}

export interface SnapshotHeader {
  workspaceId: string;
  cursor: number;
  schemaVersion: number;
}

/**
 * Lays the downloaded snapshot file over the store. Returns false, changing nothing, when the
 * file is not a snapshot of this workspace at this schema version, or when the store is no
 * longer empty. The file is changed (it takes this device's tables) and can be deleted after.
 */
export async function installSnapshot(
  store: Store,
  file: string,
  header: SnapshotHeader,
): Promise<boolean> {
  if (header.schemaVersion !== LATEST_VERSION) return false;
  const snap = new Database(file);
  try {
    // A download, not a store: if this process dies it is downloaded again (and without this
    // the first commit would wait for the whole fresh file to reach the disk).
    snap.pragma('synchronous = OFF');
    if (snap.pragma('user_version', { simple: true }) !== LATEST_VERSION) return false;
    const state = (key: string) =>
      snap.prepare('SELECT value FROM sync_state WHERE key = ?').pluck().get(key);
    if (state('workspace_id') !== header.workspaceId || Number(state('cursor')) !== header.cursor)
      return false;
    // The store's one connection is held (nothing else runs on it) while its file is replaced.
    return await store.db.connection().execute(async () => {
      const { sqlite } = store;
      if (!snapshotDue(sqlite)) return false;
      snap.prepare('ATTACH DATABASE ? AS device').run(store.file);
      snap.transaction(() => {
        for (const t of DEVICE_TABLES) {
          snap.exec(`DELETE FROM main.${t}`);
          snap.exec(`INSERT INTO main.${t} SELECT * FROM device.${t}`);
        }
        // The store stands at the snapshot's cursor, and remembers it was laid from one.
        const put = snap.prepare(
          'INSERT OR REPLACE INTO main.sync_state (key, value) VALUES (?, ?)',
        );
        put.run('cursor', String(header.cursor));
        put.run('snapshot_cursor', String(header.cursor));
      })();
      snap.exec('DETACH DATABASE device');
      // Page by page into the store's file in one transaction: a crash part way leaves the
      // store as it was. With a rollback journal the pages are written once (through the WAL
      // they would be written twice, the second time at the next checkpoint). The store's
      // connection sees the new contents from its next statement.
      const wal = sqlite.pragma('journal_mode', { simple: true }) === 'wal';
      if (wal) sqlite.pragma('journal_mode = DELETE');
      try {
        await snap.backup(store.file);
      } finally {
        if (wal) sqlite.pragma('journal_mode = WAL');
      }
      return true;
    });
  } finally {
    snap.close();
  }
}
