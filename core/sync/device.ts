// The device's side of sync on its own store: its settings (sync_state), the recorder that
// writes each mutation and its outbox row in one transaction, and laying a pulled page down
// with a rebase: provisional changes are taken back, the server's rows written, the mutations
// the server has not dealt with yet replayed on top.
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../db/store';
import { rebuildPnl } from '../../db/pnl';
import { LATEST_VERSION } from '../../db/migrations';
import type { Actor, Clock } from '../api/context';
import type { MutationRecorder } from '../api/dispatcher';
import { decodeHlc, encodeHlc, receive, tick } from './hlc';
import { fixedClock, runMutation, withCapture } from './mutation';
import { utcOffsetAt } from '../shared/days';
import { businessClock } from '../workspace/settings';
import { isSyncedMethod, setApplying } from './capture';
import { applyRowChanges, type RowChange } from './apply';
import {
  MAX_CLOCK_AHEAD_MS,
  type MutationResult,
  type PullResponse,
  type PushedMutation,
} from './protocol';

export type StateKey =
  | 'node'
  | 'last_seq'
  | 'hlc'
  | 'seq_offset'
  | 'acked_seq'
  | 'cursor'
  | 'page_checkpoint'
  | 'page_after'
  | 'server_url'
  | 'workspace_id'
  | 'workspace_name'
  | 'device_id'
  | 'user_email'
  | 'role'
  | 'agent_id'
  | 'refresh_token'
  | 'last_synced_at'
  | 'update_required'
  | 'pnl_stale'
  /** Set while the first upload is due: the last seq its rows cover (core/sync/upload.ts). */
  | 'seed_seq'
  /** How far the first upload went: the table index and the last key sent in it (JSON). */
  | 'seed_table'
  | 'seed_after'
  /** The cursor of the snapshot this store's first sync was laid from (core/sync/snapshot.ts). */
  | 'snapshot_cursor';

export function getState(sqlite: BetterSqlite3.Database, key: StateKey): string | null {
  const v = prepared(sqlite, 'SELECT value FROM sync_state WHERE key = ?').pluck().get(key);
  return typeof v === 'string' ? v : null;
}

export function setState(
  sqlite: BetterSqlite3.Database,
  key: StateKey,
  value: string | null,
): void {
  if (value === null) prepared(sqlite, 'DELETE FROM sync_state WHERE key = ?').run(key);
  else
    prepared(
      sqlite,
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
}

const num = (sqlite: BetterSqlite3.Database, key: StateKey): number =>
  Number(getState(sqlite, key) ?? 0);

/** This store's clock node: random, made once. */
export function nodeId(sqlite: BetterSqlite3.Database): string {
  let node = getState(sqlite, 'node');
  if (node === null) {
    node = randomBytes(9).toString('base64url');
    setState(sqlite, 'node', node);
  }
  return node;
}

export const signedIn = (sqlite: BetterSqlite3.Database): boolean =>
  getState(sqlite, 'device_id') !== null;

/** Who this device acts as, as the server will authorize it. */
export function deviceActor(sqlite: BetterSqlite3.Database): Actor {
  const agentId = getState(sqlite, 'agent_id');
  return getState(sqlite, 'role') === 'agent' && agentId !== null
    ? { role: 'agent', agentId }
    : { role: 'owner' };
}

/**
 * Records every synced mutation in the outbox, in the transaction of the change. Row images
 * for a rebase are kept only while the device is signed in (nothing to rebase against before).
 */
export function createRecorder(
  store: Store,
  clock: Clock,
  onRecorded?: () => void,
): MutationRecorder {
  const { sqlite } = store;
  const zoned = businessClock(sqlite, clock);
  return {
    records: isSyncedMethod,
    async run(method, input, exec) {
      const value = await store.db.transaction().execute(async (trx) => {
        const seq = num(sqlite, 'last_seq') + 1;
        const h = tick(
          decodeHlc(getState(sqlite, 'hlc') ?? ''),
          clock.now().getTime(),
          nodeId(sqlite),
        );
        const hlc = encodeHlc(h);
        // The mutation's calendar: the business's offset at its instant, kept with it so every
        // replay (server, rebase) counts the same days.
        const tz = utcOffsetAt(h.wall, zoned);
        const at = fixedClock(h.wall, tz);
        const captureSeq = signedIn(sqlite) ? seq : null;
        const result = await withCapture(sqlite, captureSeq, hlc, h.wall, (ids) =>
          exec(trx, at, ids),
        );
        prepared(
          sqlite,
          'INSERT INTO sync_outbox (seq, name, args, schema_version, hlc, tz, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(
          seq,
          method,
          JSON.stringify(input ?? {}),
          LATEST_VERSION,
          hlc,
          tz,
          new Date(h.wall).toISOString(),
        );
        setState(sqlite, 'last_seq', String(seq));
        setState(sqlite, 'hlc', hlc);
        return result;
      });
      onRecorded?.();
      return value;
    },
  };
}

interface OutboxRow {
  seq: number;
  name: string;
  args: string;
  hlc: string;
  tz: number;
}

/** Mutations the server has not acknowledged yet, in order, as the wire carries them. */
export function pendingPush(sqlite: BetterSqlite3.Database, limit: number): PushedMutation[] {
  const offset = num(sqlite, 'seq_offset');
  const acked = num(sqlite, 'acked_seq');
  const rows = prepared(
    sqlite,
    'SELECT seq, name, args, hlc, tz FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  ).all(acked + offset, limit) as OutboxRow[];
  return rows.map((r) => ({
    seq: r.seq - offset,
    name: r.name,
    args: JSON.parse(r.args) as unknown,
    hlc: r.hlc,
    tz: r.tz,
  }));
}

export function outboxCount(sqlite: BetterSqlite3.Database): { pending: number; unpushed: number } {
  const offset = num(sqlite, 'seq_offset');
  const acked = num(sqlite, 'acked_seq');
  const pending = prepared(sqlite, 'SELECT count(*) FROM sync_outbox').pluck().get() as number;
  const unpushed = prepared(sqlite, 'SELECT count(*) FROM sync_outbox WHERE seq > ?')
    .pluck()
    .get(acked + offset) as number;
  return { pending, unpushed };
}

/** After a push: what the server acknowledged, and the rejections the user must see. */
export async function recordPushResults(
  store: Store,
  results: readonly MutationResult[],
  lastAppliedSeq: number,
  now: Date,
): Promise<void> {
  const { sqlite } = store;
  await store.db.transaction().execute(async () => {
    const offset = num(sqlite, 'seq_offset');
    for (const r of results) {
      if (r.status !== 'rejected') continue;
      const row = prepared(sqlite, 'SELECT name, args FROM sync_outbox WHERE seq = ?').get(
        r.seq + offset,
      ) as { name: string; args: string } | undefined;
      if (!row) continue;
      prepared(
        sqlite,
        'INSERT OR IGNORE INTO sync_log (seq, name, args, code, reason, at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        r.seq + offset,
        row.name,
        row.args,
        r.code ?? 'REJECTED',
        r.reason ?? '',
        now.toISOString(),
      );
    }
    setState(sqlite, 'acked_seq', String(lastAppliedSeq));
  });
}

/** Rows laid down between two turns of the event loop (about 20 ms of inserts). */
const APPLY_SLICE = 1000;

/**
 * Lays one pulled page down in one transaction: takes back every provisional change, writes
 * the server's rows, drops the mutations the server has dealt with, and replays the others.
 */
export async function applyPulledPage(
  store: Store,
  page: PullResponse,
  clock: Clock,
  options: { deferPnl?: boolean } = {},
): Promise<void> {
  const { sqlite } = store;
  await store.db.connection().execute(async (conn) => {
    // Rows arrive in version order, not parent first, and an agent holds part of the tree.
    sqlite.pragma('foreign_keys = OFF');
    try {
      await conn.transaction().execute(async (trx) => {
        setApplying(sqlite, true);
        const offset = num(sqlite, 'seq_offset');
        // The image of each row before the earliest provisional change to it wins.
        const undo = prepared(
          sqlite,
          'SELECT tbl, pk, before FROM sync_undo ORDER BY seq DESC',
        ).all() as { tbl: string; pk: string; before: string | null }[];
        const restore = new Map<string, RowChange>();
        for (const u of undo)
          restore.set(`${u.tbl}\u0000${u.pk}`, {
            tbl: u.tbl,
            pk: u.pk,
            row: u.before === null ? null : (JSON.parse(u.before) as Record<string, unknown>),
          });
        const changes: RowChange[] = [...restore.values()];
        for (const r of page.rows) changes.push({ tbl: r.t, pk: r.k, row: r.d });
        // A first sync lays down the whole workspace: the P&L rollup is rebuilt once at the end
        // rather than kept in step source by source.
        const deferPnl = options.deferPnl === true || getState(sqlite, 'pnl_stale') !== null;
        if (deferPnl) setState(sqlite, 'pnl_stale', '1');
        // In slices, letting the event loop turn between them: the next page, asked for while
        // this one is laid down, keeps arriving instead of stalling in a full socket buffer.
        for (let i = 0; i < changes.length; i += APPLY_SLICE) {
          if (i > 0) await new Promise((resolve) => setImmediate(resolve));
          applyRowChanges(sqlite, changes.slice(i, i + APPLY_SLICE), {
            pnl: !deferPnl,
            search: true,
          });
        }
        prepared(sqlite, 'DELETE FROM sync_undo').run();
        prepared(sqlite, 'DELETE FROM sync_outbox WHERE seq <= ?').run(
          page.lastAppliedSeq + offset,
        );
        if (num(sqlite, 'acked_seq') < page.lastAppliedSeq)
          setState(sqlite, 'acked_seq', String(page.lastAppliedSeq));
        setApplying(sqlite, false);

        const actor = deviceActor(sqlite);
        const pending = prepared(
          sqlite,
          'SELECT seq, name, args, hlc, tz FROM sync_outbox ORDER BY seq',
        ).all() as OutboxRow[];
        for (const m of pending) {
          const wall = decodeHlc(m.hlc)?.wall ?? 0;
          try {
            await runMutation(
              { seq: m.seq, name: m.name, args: JSON.parse(m.args), hlc: m.hlc, tz: m.tz },
              { trx, sqlite, actor, clock: fixedClock(wall, m.tz), captureSeq: m.seq },
            );
          } catch {
            // The server decides; until then the device shows the state without it.
          }
        }
        if (page.next === null) {
          if (getState(sqlite, 'pnl_stale') !== null) {
            rebuildPnl(sqlite);
            setState(sqlite, 'pnl_stale', null);
          }
          setState(sqlite, 'cursor', String(page.checkpoint));
          setState(sqlite, 'page_checkpoint', null);
          setState(sqlite, 'page_after', null);
        } else {
          setState(sqlite, 'page_checkpoint', String(page.checkpoint));
          setState(sqlite, 'page_after', JSON.stringify(page.next));
        }
        const node = nodeId(sqlite);
        const last = decodeHlc(getState(sqlite, 'hlc') ?? '');
        const seen = receive(
          last,
          { wall: page.serverTime, counter: 0, node: 'server' },
          clock.now().getTime(),
          node,
          MAX_CLOCK_AHEAD_MS,
        );
        setState(sqlite, 'hlc', encodeHlc(seen));
      });
    } finally {
      sqlite.pragma('foreign_keys = ON');
    }
  });
}
