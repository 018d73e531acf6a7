// Push and pull. A push replays each mutation of a device once, in seq order, on the
// workspace's mirror with the same mutator code the device ran, authorized from the token,
// and writes the rows it changed (and their new visibility) with the next cursor, the device's
// last seq and the mutation's result in one transaction. A pull returns the rows changed
// since a cursor, in the caller's scope, a page at a time up to a checkpoint.
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../../core/api/errors';
import { toErrorBody } from '../../core/api/dispatcher';
import type { Actor } from '../../core/api/context';
import { dropUndo, setCapture, undoOf } from '../../core/sync/capture';
import { clampHlc, decodeHlc, encodeHlc } from '../../core/sync/hlc';
import { fixedClock, runMutation } from '../../core/sync/mutation';
import { rowKey, rowOps, tableSpec, type Row } from '../../core/sync/tables';
import { prepared } from '../../db/prepared';
import {
  DEFAULT_PULL_LIMIT,
  MAX_CLIENT_SCHEMA,
  MAX_CLOCK_AHEAD_MS,
  MIN_CLIENT_SCHEMA,
  type MutationResult,
  type PullBody,
  type PullResponse,
  type PushBody,
  type PushResponse,
} from '../../core/sync/protocol';
import { HttpError, unauthorized } from '../errors';
import type { ServerDialect } from '../db';
import type { AuthContext } from '../auth';
import { catchUp, MirrorCache, type Mirror } from './mirror';
import { CHILDREN, EVERYONE, OWNER, scopeOf } from './scope';
import type { SyncDb, SyncMutationsTable, SyncTrx } from './schema';

/** Profile edits merged field by field, last writer (by clock) wins. */
const PROFILE_UPDATES: Record<string, string> = {
  'customer.update': 'customers',
  'group.update': 'customer_groups',
  'product.update': 'products',
};

const CAPTURE_SEQ = 1;

export function checkSchemaVersion(v: number): void {
  if (v < MIN_CLIENT_SCHEMA || v > MAX_CLIENT_SCHEMA) {
    throw new HttpError(
      'UPDATE_REQUIRED',
      v < MIN_CLIENT_SCHEMA
        ? `This app is too old to sync (store schema ${v}; the server needs ${MIN_CLIENT_SCHEMA} to ${MAX_CLIENT_SCHEMA}). Update QunDesk; nothing you recorded is lost.`
        : `The sync server is older than this app (store schema ${v}; it accepts up to ${MAX_CLIENT_SCHEMA}).`,
      { min: MIN_CLIENT_SCHEMA, max: MAX_CLIENT_SCHEMA, schemaVersion: v },
    );
  }
}

export function actorOf(auth: AuthContext): Actor {
  return auth.role === 'agent' && auth.agentId !== null
    ? { role: 'agent', agentId: auth.agentId }
    : auth.role === 'agent'
      ? { role: 'agent', agentId: '\u0000none' }
      : { role: 'owner' };
}

export class SyncEngine {
  readonly mirrors = new MirrorCache();

  constructor(
    private readonly db: SyncDb,
    private readonly dialect: ServerDialect,
    private readonly now: () => Date,
  ) {}

  async push(auth: AuthContext, body: PushBody): Promise<PushResponse> {
    checkSchemaVersion(body.schemaVersion);
    for (let i = 1; i < body.mutations.length; i++) {
      if (body.mutations[i]!.seq <= body.mutations[i - 1]!.seq)
        throw new HttpError('VALIDATION', 'mutations must be in increasing seq order');
    }
    // First as one batch, without a savepoint per mutation (SAVEPOINT, RELEASE and turning
    // capture on and off were about a tenth of replaying an order). A refusal rolls the whole
    // try back, and the push runs again mutation by mutation, each in its own savepoint.
    const attempt = (inBatch: boolean) =>
      this.withWorkspace(auth.workspaceId, (strx, mtrx, mirror, cursor) =>
        this.pushIn(strx, mtrx, mirror, cursor, auth, body, inBatch),
      );
    try {
      return await attempt(true);
    } catch (err) {
      if (!(err instanceof RefusedInBatch)) throw err;
    }
    return attempt(false);
  }

  /**
   * Runs fn in one transaction of the sync tables and one of the workspace's mirror, with the
   * workspace counter locked and the mirror caught up to it (as a push does). fn returns the
   * cursor it leaves, written to the counter. Foreign keys of the mirror may be turned off for
   * the transaction (the first upload lays rows down a page at a time).
   */
  async withWorkspace<T>(
    ws: string,
    fn: (
      strx: SyncTrx,
      mtrx: Transaction<Database>,
      mirror: Mirror,
      cursor: number,
    ) => Promise<{ value: T; cursor: number }>,
    options: { foreignKeys?: boolean } = {},
  ): Promise<T> {
    return this.mirrors.with(ws, async (mirror) => {
      let committedVersion = mirror.version;
      const fkOff = options.foreignKeys === false;
      try {
        if (fkOff) mirror.store.sqlite.pragma('foreign_keys = OFF');
        let value: T;
        try {
          value = await mirror.store.db.transaction().execute((mtrx) =>
            this.db.transaction().execute(async (strx) => {
              const cursor = await this.lockCounter(strx, ws);
              await catchUp(mirror, strx, cursor);
              const out = await fn(strx, mtrx, mirror, cursor);
              if (out.cursor !== cursor)
                await strx
                  .updateTable('sync_counters')
                  .set({ cursor: out.cursor })
                  .where('workspace_id', '=', ws)
                  .execute();
              committedVersion = out.cursor;
              return out.value;
            }),
          );
        } finally {
          if (fkOff) mirror.store.sqlite.pragma('foreign_keys = ON');
        }
        mirror.version = committedVersion;
        return value;
      } catch (err) {
        // A batch refused part way was rolled back whole: the mirror is as it was.
        if (!(err instanceof RefusedInBatch)) this.mirrors.drop(ws);
        throw err;
      }
    });
  }

  /**
   * The workspace's cursor, its row locked until the transaction ends (made at 0 when new):
   * one statement, as an upsert that touches the row takes its lock on PostgreSQL.
   */
  private async lockCounter(strx: SyncTrx, ws: string): Promise<number> {
    const row = await strx
      .insertInto('sync_counters')
      .values({ workspace_id: ws, cursor: 0 })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ cursor: (eb) => eb.ref('sync_counters.cursor') }),
      )
      .returning('cursor')
      .executeTakeFirstOrThrow();
    return Number(row.cursor);
  }

  private async pushIn(
    strx: SyncTrx,
    mtrx: Transaction<Database>,
    mirror: Mirror,
    cursor: number,
    auth: AuthContext,
    body: PushBody,
    inBatch: boolean,
  ): Promise<{ value: PushResponse; cursor: number }> {
    const ws = auth.workspaceId;
    const sqlite = mirror.store.sqlite;
    // Checked again under the counter lock: a device retired while its push waited for the
    // lock (a re-join took over from it, server/sync/resume.ts) applies nothing.
    const device = await strx
      .selectFrom('devices')
      .select('revoked_at')
      .where('workspace_id', '=', ws)
      .where('id', '=', auth.deviceId)
      .executeTakeFirst();
    if (device === undefined || device.revoked_at !== null)
      throw unauthorized('This device was signed out; sign in again');
    const dev = await strx
      .selectFrom('sync_devices')
      .select('last_seq')
      .where('workspace_id', '=', ws)
      .where('device_id', '=', auth.deviceId)
      .executeTakeFirst();
    let last = dev ? Number(dev.last_seq) : 0;
    const results: MutationResult[] = [];
    let gap = false;
    const actor = actorOf(auth);
    const nowMs = this.now().getTime();
    const at = this.now().toISOString();
    // Rows and results are written once per push, not once per mutation (a push of 200
    // mutations was ~1,500 statements, each a round trip on PostgreSQL). The rows the push
    // changed are read once at its end, all at one version: a row several of its mutations
    // touched (an order recorded then paid, a product sold ten times) is read and sent once.
    const writes = new PendingWrites(ws, this.dialect);
    const done: Insertable<SyncMutationsTable>[] = [];
    const version = cursor + 1;
    let applied = 0;
    if (inBatch) setCapture(sqlite, CAPTURE_SEQ);

    for (const m of body.mutations) {
      if (m.seq <= last) {
        const done = await strx
          .selectFrom('sync_mutations')
          .select(['status', 'code', 'reason'])
          .where('workspace_id', '=', ws)
          .where('device_id', '=', auth.deviceId)
          .where('seq', '=', m.seq)
          .executeTakeFirst();
        results.push({
          seq: m.seq,
          status: done?.status ?? 'applied',
          ...(done?.code ? { code: done.code } : {}),
          ...(done?.reason ? { reason: done.reason } : {}),
        });
        continue;
      }
      if (m.seq !== last + 1) {
        gap = true;
        break;
      }
      const hlc = clampHlc(decodeHlc(m.hlc)!, nowMs, MAX_CLOCK_AHEAD_MS);
      const hlcText = encodeHlc(hlc);
      let result: MutationResult;
      let replayed: unknown = SUPERSEDED;
      try {
        const args = await this.mergeProfileEdit(strx, {
          ws,
          deviceId: auth.deviceId,
          seq: m.seq,
          name: m.name,
          args: m.args,
          hlc: hlcText,
          at,
          seen: body.seen,
        });
        if (args === SUPERSEDED) {
          result = {
            seq: m.seq,
            status: 'applied',
            reason: 'every field was changed later elsewhere',
          };
        } else {
          await runMutation(
            { seq: m.seq, name: m.name, args, hlc: m.hlc, tz: m.tz },
            {
              trx: mtrx,
              sqlite,
              actor,
              clock: fixedClock(hlc.wall, m.tz),
              captureSeq: CAPTURE_SEQ,
              inBatch,
            },
          );
          applied += 1;
          replayed = args;
          result = { seq: m.seq, status: 'applied' };
        }
      } catch (err) {
        if (inBatch) throw new RefusedInBatch();
        // What the refused mutation wrote, its row images included, went with its savepoint.
        const e = err instanceof AppError ? err.toBody() : toErrorBody(err);
        result = { seq: m.seq, status: 'rejected', code: e.code, reason: e.message };
      }
      // Outside the try: a failure here is the server's, and fails the whole push.
      if (replayed !== SUPERSEDED)
        await this.recordFieldClocks(strx, ws, m.name, replayed, {
          hlc: hlcText,
          version,
          deviceId: auth.deviceId,
          seq: m.seq,
        });
      done.push({
        workspace_id: ws,
        device_id: auth.deviceId,
        seq: m.seq,
        name: m.name,
        args: JSON.stringify(m.args ?? {}),
        hlc: m.hlc,
        status: result.status,
        code: result.code ?? null,
        reason: result.reason ?? null,
        cursor, // set below, once the push's version is known
        applied_at: at,
      });
      results.push(result);
      last = m.seq;
    }
    if (inBatch) setCapture(sqlite, null);
    if (applied > 0) {
      cursor = version;
      await this.writeChanges(strx, mirror, version, writes);
    }
    for (const d of done) d.cursor = cursor;
    await writes.flush(strx);
    for (let i = 0; i < done.length; i += MUTATIONS_PER_INSERT)
      await strx
        .insertInto('sync_mutations')
        .values(done.slice(i, i + MUTATIONS_PER_INSERT))
        .execute();
    await strx
      .insertInto('sync_devices')
      .values({ workspace_id: ws, device_id: auth.deviceId, last_seq: last })
      .onConflict((oc) => oc.columns(['workspace_id', 'device_id']).doUpdateSet({ last_seq: last }))
      .execute();
    return { value: { results, lastAppliedSeq: last, ...(gap ? { gap } : {}) }, cursor };
  }

  /**
   * Queues the rows the push's mutations touched (and re-scoped children) at `version`, as they
   * are after the last of them. The scope each row had before the push is read once, for the
   * rows that existed before it: a row the push created has no children whose scope could
   * follow it (and a new row that is gone again is recorded as the owner's).
   */
  private async writeChanges(
    strx: SyncTrx,
    mirror: Mirror,
    version: number,
    writes: PendingWrites,
  ): Promise<void> {
    const sqlite = mirror.store.sqlite;
    const ops = rowOps(sqlite);
    const touched = undoOf(sqlite, CAPTURE_SEQ);
    dropUndo(sqlite, CAPTURE_SEQ);
    const moved = new Set<string>();
    let queue: { tbl: string; pk: string; existed: boolean }[] = touched.map((u) => ({
      tbl: u.tbl,
      pk: u.pk,
      existed: u.before !== null,
    }));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const level = queue.filter(({ tbl, pk }) => {
        const key = rowId(tbl, pk);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      queue = [];
      const prevScopes = await writes.scopesBefore(
        strx,
        level.filter((k) => k.existed),
      );
      for (const { tbl, pk } of level) {
        const spec = tableSpec(tbl)!;
        const row = ops.get(spec, pk);
        const prev = prevScopes.get(rowId(tbl, pk));
        const scope = row ? scopeOf(sqlite, tbl, row) : (prev ?? OWNER);
        writes.put(tbl, pk, row ? JSON.stringify(row) : null, version, scope);
        if (tbl === 'agent_closure') moved.add((JSON.parse(pk) as string[])[1]!);
        if (row && prev !== undefined && prev !== scope) {
          for (const [child, column] of CHILDREN[tbl] ?? []) {
            const cspec = tableSpec(child)!;
            const keys = prepared(
              sqlite,
              `SELECT ${cspec.pk.join(', ')} FROM ${child} WHERE ${column} = ?`,
            ).all(pk) as Row[];
            for (const k of keys) queue.push({ tbl: child, pk: rowKey(cspec, k), existed: true });
          }
        }
      }
    }
    if (moved.size > 0) {
      // The tree changed: rows of these agents are now seen by other uplines. A new version
      // makes every agent device look at them again (and drop what it may no longer hold).
      await writes.flush(strx);
      await strx
        .updateTable('sync_rows')
        .set({ version })
        .where('workspace_id', '=', mirror.workspaceId)
        .where('scope', 'in', [...moved])
        .where('version', '<', version)
        .execute();
    }
  }

  /**
   * A profile edit, field by field against the last write of each field: a field written
   * later (by clock) elsewhere keeps that value and this edit's value is recorded as the
   * loser; a field this edit overwrites although the device had not seen its last write
   * (written after the cursor the device pushed from, by another device) takes this edit's
   * value and the overwritten one is recorded. The args to apply, or SUPERSEDED.
   */
  private async mergeProfileEdit(
    strx: SyncTrx,
    e: {
      ws: string;
      deviceId: string;
      seq: number;
      name: string;
      args: unknown;
      hlc: string;
      at: string;
      seen: number | undefined;
    },
  ): Promise<unknown> {
    const { ws, deviceId, seq, args, hlc, at } = e;
    const tbl = PROFILE_UPDATES[e.name];
    if (tbl === undefined || typeof args !== 'object' || args === null) return args;
    const a = args as Record<string, unknown>;
    if (typeof a.id !== 'string') return args;
    const fields = Object.keys(a).filter((f) => f !== 'id');
    if (fields.length === 0) return args;
    const clocks = new Map(
      (
        await strx
          .selectFrom('sync_field_clocks')
          .select(['field', 'hlc', 'version', 'device_id', 'seq'])
          .where('workspace_id', '=', ws)
          .where('tbl', '=', tbl)
          .where('pk', '=', a.id)
          .execute()
      ).map((c) => [c.field, c]),
    );
    const conflict = (c: {
      device_id: string;
      seq: number;
      field: string;
      lost: unknown;
      lostHlc: string;
      keptHlc: string;
    }) =>
      strx
        .insertInto('sync_conflicts')
        .values({
          workspace_id: ws,
          device_id: c.device_id,
          seq: c.seq,
          field: c.field,
          tbl,
          pk: a.id as string,
          lost_value: JSON.stringify(c.lost ?? null),
          lost_hlc: c.lostHlc,
          kept_hlc: c.keptHlc,
          at,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'device_id', 'seq', 'field']).doNothing())
        .execute();
    const kept: Record<string, unknown> = { id: a.id };
    for (const f of fields) {
      const last = clocks.get(f);
      if (last !== undefined && last.hlc > hlc) {
        await conflict({
          device_id: deviceId,
          seq,
          field: f,
          lost: a[f],
          lostHlc: hlc,
          keptHlc: last.hlc,
        });
        continue;
      }
      kept[f] = a[f];
      if (
        last !== undefined &&
        e.seen !== undefined &&
        Number(last.version) > e.seen &&
        last.device_id !== null &&
        last.seq !== null &&
        last.device_id !== deviceId
      ) {
        const lostArgs = await strx
          .selectFrom('sync_mutations')
          .select('args')
          .where('workspace_id', '=', ws)
          .where('device_id', '=', last.device_id)
          .where('seq', '=', Number(last.seq))
          .executeTakeFirst();
        const lost = lostArgs ? (JSON.parse(lostArgs.args) as Record<string, unknown>)[f] : null;
        await conflict({
          device_id: last.device_id,
          seq: Number(last.seq),
          field: f,
          lost,
          lostHlc: last.hlc,
          keptHlc: hlc,
        });
      }
    }
    return Object.keys(kept).length === 1 ? SUPERSEDED : kept;
  }

  private async recordFieldClocks(
    strx: SyncTrx,
    ws: string,
    name: string,
    args: unknown,
    w: { hlc: string; version: number; deviceId: string; seq: number },
  ): Promise<void> {
    const tbl = PROFILE_UPDATES[name];
    if (tbl === undefined || typeof args !== 'object' || args === null) return;
    const a = args as Record<string, unknown>;
    if (typeof a.id !== 'string') return;
    const writer = { hlc: w.hlc, version: w.version, device_id: w.deviceId, seq: w.seq };
    for (const field of Object.keys(a).filter((f) => f !== 'id')) {
      await strx
        .insertInto('sync_field_clocks')
        .values({ workspace_id: ws, tbl, pk: a.id, field, ...writer })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'tbl', 'pk', 'field'])
            .doUpdateSet(writer)
            .where('sync_field_clocks.hlc', '<', w.hlc),
        )
        .execute();
    }
  }

  /** A pull page, as the JSON text of a PullResponse. */
  async pullText(auth: AuthContext, body: PullBody): Promise<string> {
    checkSchemaVersion(body.schemaVersion);
    const ws = auth.workspaceId;
    const limit = body.limit ?? DEFAULT_PULL_LIMIT;
    const counter = await this.db
      .selectFrom('sync_counters')
      .select('cursor')
      .where('workspace_id', '=', ws)
      .executeTakeFirst();
    const current = counter ? Number(counter.cursor) : 0;
    const checkpoint = Math.min(body.checkpoint ?? current, current);
    const after = body.after;
    const agent = auth.role === 'agent' ? (auth.agentId ?? '\u0000none') : null;
    const subtree = agent === null ? null : await this.subtree(ws, agent);

    let q = this.db
      .selectFrom('sync_rows')
      .select(['tbl', 'pk', 'data', 'version', 'scope'])
      .where('workspace_id', '=', ws)
      // Everything up to `since` the device holds already (the pull that reached it had every
      // row of that version); a page goes on after the last row of the page before.
      .where(
        after === undefined
          ? sql<boolean>`version > ${body.since}`
          : sql<boolean>`(version, tbl, pk) > (${after.v}, ${after.t}, ${after.k})`,
      )
      .where('version', '<=', checkpoint);
    if (subtree !== null) {
      // A first sync holds nothing to remove: only what is in scope. Later, rows that left the
      // scope come as removals (owner-only rows never do: an agent never held them).
      q =
        body.since === 0
          ? q.where('scope', 'in', [EVERYONE, ...subtree])
          : q.where((eb) => eb.or([eb('scope', '<>', OWNER), eb('once_shared', '=', 1)]));
    }
    const rows = await q.orderBy('version').orderBy('tbl').orderBy('pk').limit(limit).execute();
    const visible = subtree === null ? null : new Set([EVERYONE, ...subtree]);
    // The rows' JSON goes out as stored: parsing and re-serialising every row was most of a
    // page's cost on the server.
    const out = rows.map(
      (r) =>
        `{"t":${JSON.stringify(r.tbl)},"k":${JSON.stringify(r.pk)},"d":${
          r.data === null || (visible !== null && !visible.has(r.scope)) ? 'null' : r.data
        }}`,
    );
    const lastRow = rows[rows.length - 1];
    const next =
      rows.length === limit && lastRow
        ? { v: Number(lastRow.version), t: lastRow.tbl, k: lastRow.pk }
        : null;
    const seqRow = await this.db
      .selectFrom('sync_mutations')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('workspace_id', '=', ws)
      .where('device_id', '=', auth.deviceId)
      .where('cursor', '<=', checkpoint)
      .executeTakeFirst();
    const rest: Omit<PullResponse, 'rows'> = {
      checkpoint,
      next,
      lastAppliedSeq: seqRow?.seq == null ? 0 : Number(seqRow.seq),
      serverTime: this.now().getTime(),
    };
    return `{"rows":[${out.join(',')}],${JSON.stringify(rest).slice(1)}`;
  }

  /** A pull page as an object (tests and tools; the route sends pullText as it is). */
  async pull(auth: AuthContext, body: PullBody): Promise<PullResponse> {
    return JSON.parse(await this.pullText(auth, body)) as PullResponse;
  }

  /** The agent and everyone under it, from the closure rows. */
  private async subtree(ws: string, agentId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sync_rows')
      .select('pk')
      .where('workspace_id', '=', ws)
      .where('tbl', '=', 'agent_closure')
      .where('scope', '=', agentId)
      .where('data', 'is not', null)
      .execute();
    const ids = new Set([agentId]);
    for (const r of rows) ids.add((JSON.parse(r.pk) as string[])[1]!);
    return [...ids];
  }
}

const SUPERSEDED = Symbol('superseded');

/** A mutation of a push tried as one batch was refused: the push runs again one by one. */
class RefusedInBatch extends Error {}

const rowId = (tbl: string, pk: string) => `${tbl}\u0000${pk}`;

/** Rows per multi-row statement: 7 parameters each, well under both stores' limits. */
const ROWS_PER_UPSERT = 500;
const MUTATIONS_PER_INSERT = 300;

interface PendingRow {
  tbl: string;
  pk: string;
  data: string | null;
  version: number;
  scope: string;
  shared: boolean;
}

/** The sync_rows a push writes, kept until the end of the push (last write of a row wins). */
export class PendingWrites {
  private readonly rows = new Map<string, PendingRow>();
  /** Scopes as written by this push, flushed or not. */
  private readonly scopes = new Map<string, string>();

  constructor(
    private readonly ws: string,
    private readonly dialect: ServerDialect,
  ) {}

  put(tbl: string, pk: string, data: string | null, version: number, scope: string): void {
    const key = rowId(tbl, pk);
    const shared = scope !== OWNER || this.rows.get(key)?.shared === true;
    this.rows.set(key, { tbl, pk, data, version, scope, shared });
    this.scopes.set(key, scope);
  }

  /** The scope each row has now in sync_rows (or as this push left it); absent: no row yet. */
  async scopesBefore(
    strx: SyncTrx,
    keys: readonly { tbl: string; pk: string }[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const byTable = new Map<string, string[]>();
    for (const { tbl, pk } of keys) {
      const known = this.scopes.get(rowId(tbl, pk));
      if (known !== undefined) out.set(rowId(tbl, pk), known);
      else {
        const pks = byTable.get(tbl) ?? [];
        pks.push(pk);
        byTable.set(tbl, pks);
      }
    }
    if (byTable.size === 0) return out;
    const tbls: string[] = [];
    const pks: string[] = [];
    for (const [tbl, list] of byTable)
      for (const pk of list) {
        tbls.push(tbl);
        pks.push(pk);
      }
    // One statement of constant text whatever the number of keys (prepared once), led by the
    // keys: an OR of key terms let SQLite without statistics scan the workspace by scope.
    const { rows } = await (
      this.dialect === 'postgres'
        ? sql<{ tbl: string; pk: string; scope: string }>`SELECT r.tbl, r.pk, r.scope
          FROM unnest(${tbls}::text[], ${pks}::text[]) AS k(tbl, pk)
          JOIN sync_rows r ON r.workspace_id = ${this.ws} AND r.tbl = k.tbl AND r.pk = k.pk`
        : sql<{ tbl: string; pk: string; scope: string }>`SELECT r.tbl, r.pk, r.scope
          FROM json_each(${JSON.stringify(tbls.map((t, i) => [t, pks[i]]))}) k
          CROSS JOIN sync_rows r
          WHERE r.workspace_id = ${this.ws} AND r.tbl = k.value ->> 0 AND r.pk = k.value ->> 1`
    ).execute(strx);
    for (const r of rows) out.set(rowId(r.tbl, r.pk), r.scope);
    return out;
  }

  async flush(strx: SyncTrx): Promise<void> {
    const rows = [...this.rows.values()];
    this.rows.clear();
    for (let i = 0; i < rows.length; i += ROWS_PER_UPSERT) {
      await strx
        .insertInto('sync_rows')
        .values(
          rows.slice(i, i + ROWS_PER_UPSERT).map((r) => ({
            workspace_id: this.ws,
            tbl: r.tbl,
            pk: r.pk,
            data: r.data,
            version: r.version,
            scope: r.scope,
            once_shared: r.shared ? 1 : 0,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'tbl', 'pk']).doUpdateSet({
            data: (eb) => eb.ref('excluded.data'),
            version: (eb) => eb.ref('excluded.version'),
            scope: (eb) => eb.ref('excluded.scope'),
            once_shared: sql<number>`CASE WHEN excluded.once_shared = 1 THEN 1 ELSE sync_rows.once_shared END`,
          }),
        )
        .execute();
    }
  }
}
