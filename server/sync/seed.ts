// POST /v1/sync/seed: the first upload. A store that already held a business when it joined a
// brand-new workspace (sign-up, or sign-in to an empty workspace) holds rows no mutation made
// (imports, demo data): it sends every synced row as it is, parents first, a page at a time,
// before it pushes anything. Owner only, only while the workspace has never dealt with a
// mutation (the seed lays a whole business down; it does not merge into one in use), and from
// one device (the first to upload is noted in sync_devices, last_seq 0 as if it never pushed).
//
// Each page is one transaction, like a push: counter locked, mirror caught up, the rows laid
// onto the mirror, each row's scope computed there, the rows written to sync_rows at the next
// cursor. Sending the same page again writes the same rows again (harmless).
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { setApplying } from '../../core/sync/capture';
import { applyRowChanges, type RowChange } from '../../core/sync/apply';
import { rowOps, tableSpec } from '../../core/sync/tables';
import type { SeedBody, SeedResponse } from '../../core/sync/protocol';
import type { AuthContext } from '../auth';
import type { ServerDialect } from '../db';
import { HttpError } from '../errors';
import { checkSchemaVersion, PendingWrites, type SyncEngine } from './engine';
import { scopeOf } from './scope';

/** Violations of foreign keys reported when the last page arrives (at most this many). */
const MAX_REPORTED = 5;

/** The route admits owners only (requireOwner). */
export async function seedWorkspace(
  engine: SyncEngine,
  dialect: ServerDialect,
  auth: AuthContext,
  body: SeedBody,
): Promise<SeedResponse> {
  checkSchemaVersion(body.schemaVersion);
  const ws = auth.workspaceId;
  return engine.withWorkspace(
    ws,
    async (strx, _mtrx, mirror, cursor) => {
      const used = await strx
        .selectFrom('sync_mutations')
        .select('seq')
        .where('workspace_id', '=', ws)
        .limit(1)
        .executeTakeFirst();
      if (used !== undefined)
        throw new HttpError(
          'CONFLICT',
          'This workspace is already in use (changes have been synced to it): a business can only be uploaded to a new, empty workspace.',
        );
      // One device uploads one business: a second store would be merged into the first.
      const other = await strx
        .selectFrom('sync_devices')
        .select('device_id')
        .where('workspace_id', '=', ws)
        .where('device_id', '<>', auth.deviceId)
        .limit(1)
        .executeTakeFirst();
      if (other !== undefined)
        throw new HttpError(
          'CONFLICT',
          'Another device is already uploading a business to this workspace: a workspace holds one business.',
        );
      await strx
        .insertInto('sync_devices')
        .values({ workspace_id: ws, device_id: auth.deviceId, last_seq: 0 })
        .onConflict((oc) => oc.columns(['workspace_id', 'device_id']).doNothing())
        .execute();
      const sqlite = mirror.store.sqlite;
      const changes: RowChange[] = body.rows.map((r) => ({ tbl: r.t, pk: r.k, row: r.d }));
      setApplying(sqlite, true);
      try {
        applyRowChanges(sqlite, changes, { pnl: false, search: false });
      } catch (err) {
        throw new HttpError(
          'VALIDATION',
          `The uploaded rows do not fit the store: ${(err as Error).message}`,
        );
      } finally {
        setApplying(sqlite, false);
      }
      if (body.done === true) checkForeignKeys(sqlite);
      if (changes.length === 0) return { value: { applied: 0, cursor }, cursor };

      const version = cursor + 1;
      const writes = new PendingWrites(ws, dialect);
      const ops = rowOps(sqlite);
      const seen = new Set<string>();
      for (const c of changes) {
        const id = `${c.tbl}\u0000${c.pk}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const row = ops.get(tableSpec(c.tbl)!, c.pk);
        if (!row) continue;
        writes.put(c.tbl, c.pk, JSON.stringify(row), version, scopeOf(sqlite, c.tbl, row));
      }
      await writes.flush(strx);
      return { value: { applied: seen.size, cursor: version }, cursor: version };
    },
    { foreignKeys: false },
  );
}

/** The whole business is there: every reference must point at a row. */
function checkForeignKeys(sqlite: SqliteDatabase): void {
  const bad = sqlite.pragma('foreign_key_check') as {
    table: string;
    rowid: number;
    parent: string;
  }[];
  if (bad.length === 0) return;
  const list = bad
    .slice(0, MAX_REPORTED)
    .map((b) => `${b.table} row ${b.rowid} -> ${b.parent}`)
    .join('; ');
  throw new HttpError(
    'VALIDATION',
    `The uploaded business is incomplete: ${bad.length} reference(s) point at rows that were not uploaded (${list}).`,
    { missing: bad.length },
  );
}
