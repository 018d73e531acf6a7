// The server's working copy of a workspace: an in-memory store built from sync_rows, on which
// the same mutator code the devices run is replayed. Cached per workspace and checked against
// the workspace cursor inside every push, so any API node can serve any push (stateless: a
// node that missed pushes catches up from the rows it has not seen).
import { sql, type Kysely } from 'kysely';
import { openStore, type Store } from '../../db/store';
import { applyRowChanges, type RowChange } from '../../core/sync/apply';
import { setApplying } from '../../core/sync/capture';
import { ORDER_DAY_NUMBER_INDEX } from '../../core/orders/numbering';
import type { SyncSchema, SyncTrx } from './schema';

export interface Mirror {
  workspaceId: string;
  store: Store;
  /** The cursor the store reflects (committed). */
  version: number;
}

const MAX_CACHED = 32;
const CATCH_UP_PAGE = 5000;

export class MirrorCache {
  private readonly mirrors = new Map<string, Mirror>();
  private readonly locks = new Map<string, Promise<unknown>>();

  /** Runs fn with the workspace's mirror, one at a time per workspace on this node. */
  async with<T>(workspaceId: string, fn: (m: Mirror) => Promise<T>): Promise<T> {
    const prev = this.locks.get(workspaceId) ?? Promise.resolve();
    const run = prev.then(
      () => fn(this.get(workspaceId)),
      () => fn(this.get(workspaceId)),
    );
    const tail = run.catch(() => undefined);
    this.locks.set(workspaceId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(workspaceId) === tail) this.locks.delete(workspaceId);
    }
  }

  private get(workspaceId: string): Mirror {
    let m = this.mirrors.get(workspaceId);
    if (m) {
      this.mirrors.delete(workspaceId); // most recently used last
      this.mirrors.set(workspaceId, m);
      return m;
    }
    m = { workspaceId, store: openStore(':memory:'), version: 0 };
    // The mirror replays every order of a busy day: their numbers come off an index. And it
    // answers no figures (catchUp does not keep its P&L rollup either): with no dimensions to
    // roll up into, the rollup the mutators add to stays empty instead of costing each payment.
    m.store.sqlite.exec(`${ORDER_DAY_NUMBER_INDEX}; DELETE FROM pnl_dims`);
    this.mirrors.set(workspaceId, m);
    while (this.mirrors.size > MAX_CACHED) {
      const [oldest, old] = this.mirrors.entries().next().value as [string, Mirror];
      if (this.locks.has(oldest)) break;
      this.mirrors.delete(oldest);
      void old.store.close();
    }
    return m;
  }

  /** Forgets a mirror whose transaction failed half way (it is rebuilt on next use). */
  drop(workspaceId: string): void {
    const m = this.mirrors.get(workspaceId);
    if (!m) return;
    this.mirrors.delete(workspaceId);
    void m.store.close();
  }

  async close(): Promise<void> {
    for (const m of this.mirrors.values()) await m.store.close();
    this.mirrors.clear();
  }
}

/**
 * Brings the mirror (inside its open transaction) from m.version up to `cursor` with the rows
 * written since. Foreign keys are checked at commit: rows come in version order.
 */
export async function catchUp(m: Mirror, strx: SyncTrx, cursor: number): Promise<void> {
  if (m.version === cursor) return;
  if (m.version > cursor) throw new Error('sync: mirror is ahead of the workspace cursor');
  const sqlite = m.store.sqlite;
  sqlite.pragma('defer_foreign_keys = ON');
  setApplying(sqlite, true);
  for await (const changes of changesSince(strx, m.workspaceId, m.version, cursor, CATCH_UP_PAGE))
    applyRowChanges(sqlite, changes, { pnl: false, search: false });
  setApplying(sqlite, false);
}

/**
 * The workspace's rows written after `from` up to `to`, in version order, a page at a time, as
 * changes to lay down on a store (the mirror's catch-up, a snapshot's build).
 */
export async function* changesSince(
  db: Kysely<SyncSchema>,
  workspaceId: string,
  from: number,
  to: number,
  pageSize: number,
): AsyncGenerator<RowChange[]> {
  let after: { v: number; t: string; k: string } | null = null;
  for (;;) {
    const rows = await db
      .selectFrom('sync_rows')
      .select(['tbl', 'pk', 'data', 'version'])
      .where('workspace_id', '=', workspaceId)
      .where(
        after === null
          ? sql<boolean>`version > ${from}`
          : sql<boolean>`(version, tbl, pk) > (${after.v}, ${after.t}, ${after.k})`,
      )
      .where('version', '<=', to)
      .orderBy('version')
      .orderBy('tbl')
      .orderBy('pk')
      .limit(pageSize)
      .execute();
    yield rows.map((r) => ({
      tbl: r.tbl,
      pk: r.pk,
      row: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
    }));
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) return;
    after = { v: Number(last.version), t: last.tbl, k: last.pk };
  }
}
