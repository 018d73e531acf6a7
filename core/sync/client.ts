// The sync client in the core host: signs the device in, pushes the outbox and pulls the
// workspace in its scope; syncs on start, shortly after a change, on an interval and when the
// network returns; backs off exponentially (with jitter) while the server cannot be reached.
// Every write to the store happens inside a store transaction, so it never interleaves with a
// method the dispatcher is running.
import type { Store } from '../../db/store';
import { LATEST_VERSION } from '../../db/migrations';
import { systemClock, type Clock } from '../api/context';
import { AppError } from '../api/errors';
import {
  applyPulledPage,
  getState,
  outboxCount,
  pendingPush,
  recordPushResults,
  setState,
  signedIn,
  type StateKey,
} from './device';
import {
  DEFAULT_PULL_LIMIT,
  FIRST_SYNC_PULL_LIMIT,
  importRowCount,
  MAX_PUSH_MUTATIONS,
  PUSH_WAIT_MS_PER_IMPORT_ROW,
  SEED_PAGE_BYTES,
  SEED_PAGE_ROWS,
  type PageToken,
  type PullResponse,
  type PushResponse,
  type ResumeResponse,
  type SeedResponse,
} from './protocol';
import { readUploadPage } from './upload';
import { installSnapshot, snapshotDue } from './snapshot';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';

export type SyncStatus =
  'signed-out' | 'offline' | 'syncing' | 'up-to-date' | 'error' | 'update-required';

export interface SyncStatusEvent {
  status: SyncStatus;
  /** Mutations not yet confirmed by the server. */
  pending: number;
  lastSyncedAt: string | null;
  message?: string;
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface SyncClientOptions {
  store: Store;
  clock?: Clock;
  fetch?: Fetch;
  onStatus?: (e: SyncStatusEvent) => void;
  /** Random numbers in [0,1) for backoff jitter (seeded in the simulator). */
  random?: () => number;
  /** Automatic syncing (timers); off in the simulator, which drives syncOnce itself. */
  auto?: boolean;
  intervalMs?: number;
  debounceMs?: number;
  pullLimit?: number;
  /** Rows per first-upload request (tests of a resumed upload); default SEED_PAGE_ROWS. */
  uploadPageRows?: number;
  /** false: a first sync never asks for a snapshot (it pulls rows). Default true. */
  snapshots?: boolean;
  /** false: the snapshot comes as it is rather than gzip-compressed (loopback benches). */
  compressedSnapshots?: boolean;
  /** The schema version this device reports (tests of old clients). */
  schemaVersion?: number;
  /**
   * Each request (answer included) gives up after this long, so a server that accepts the
   * connection and never answers cannot hold the core's one-at-a-time queue. Default 30 s.
   */
  requestTimeoutMs?: number;
}

export interface Session {
  workspace: { id: string; name: string };
  user: { id: string; email: string };
  device: { id: string; name: string };
  role: 'owner' | 'agent';
  agentId: string | null;
  accessToken: string;
  refreshToken: string;
}

/** A failure talking to the server, classified for the status and the retry policy. */
export class SyncHttpError extends Error {
  constructor(
    readonly kind: 'offline' | 'update-required' | 'unauthorized' | 'refused' | 'server',
    message: string,
    readonly status?: number,
    readonly body?: { code?: string; message?: string },
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
}

/**
 * The server's history went back (its data was restored from an older copy): the device stops
 * syncing with it, changing nothing, rather than drift apart from it. Tried again like any
 * refusal, it syncs on once the server's newest data is put back.
 */
function serverBehind(detail: string): SyncHttpError {
  const message = `The sync server's data is older than this device's (${detail}): it was probably restored from an older copy. This device stopped syncing and changed nothing; put the server's newest data back.`;
  return new SyncHttpError('refused', message, undefined, { code: 'SERVER_BEHIND', message });
}

/** fetch's failure on a connection the other side had closed or reset. */
function closedConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

/**
 * Requests that may be sent twice: reads, and pushes and pulls (a push the server has already
 * applied is answered with its results again). Not sign-in or a token refresh: a refresh token
 * used twice signs the device out.
 */
function repeatable(method: 'GET' | 'POST', url: string): boolean {
  return method === 'GET' || /\/v1\/sync\/(push|pull)$/.test(new URL(url).pathname);
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** Cycles in a row within one syncOnce (new mutations made while syncing). */
const MAX_ROUNDS = 5;

export class SyncClient {
  readonly store: Store;
  private readonly clock: Clock;
  private readonly fetchFn: Fetch;
  private readonly requestTimeoutMs: number;
  private readonly random: () => number;
  private readonly opts: SyncClientOptions;
  private accessToken: string | null = null;
  private status: SyncStatus;
  private message: string | undefined;
  /** What made the last sync fail (kept with the status it set). */
  private failure: unknown = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(opts: SyncClientOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.fetchFn = opts.fetch ?? ((url, init) => fetch(url, init));
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.random = opts.random ?? Math.random;
    this.status = signedIn(this.store.sqlite)
      ? getState(this.store.sqlite, 'update_required') !== null
        ? 'update-required'
        : 'offline'
      : 'signed-out';
    // A snapshot download that a crash cut short (it is downloaded again when still due).
    const snapshot = this.snapshotFile();
    if (snapshot !== null) removeFiles(snapshot);
  }

  /** Where a snapshot is downloaded to: beside the store (none for a store in memory). */
  private snapshotFile(): string | null {
    const { file } = this.store;
    return file === ':memory:' || file === '' ? null : `${file}.snapshot`;
  }

  // ---- status ---------------------------------------------------------------------------

  private state(key: StateKey): string | null {
    return getState(this.store.sqlite, key);
  }

  async statusEvent(): Promise<SyncStatusEvent> {
    const { pending } = await this.read(() => outboxCount(this.store.sqlite));
    return {
      status: this.status,
      pending,
      lastSyncedAt: this.state('last_synced_at'),
      ...(this.message ? { message: this.message } : {}),
    };
  }

  /** The error behind the current status when a sync failed (automatic syncs included). */
  lastFailure(): unknown {
    return this.failure;
  }

  private async setStatus(status: SyncStatus, message?: string, failure?: unknown): Promise<void> {
    this.status = status;
    this.message = message;
    this.failure = failure ?? null;
    if (this.opts.onStatus) this.opts.onStatus(await this.statusEvent());
  }

  // ---- scheduling -----------------------------------------------------------------------

  /** Starts automatic syncing (when signed in): now, every interval, and after changes. */
  start(): void {
    if (this.opts.auto === false || this.closed) return;
    if (this.interval === null)
      this.interval = setInterval(() => this.trigger(), this.opts.intervalMs ?? 60_000);
    this.interval.unref?.();
    this.trigger();
  }

  /** A local change was recorded: sync shortly (many quick changes, one sync). */
  changed(): void {
    if (this.opts.auto === false || this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.trigger(), this.opts.debounceMs ?? 1500);
    this.debounce.unref?.();
  }

  /** The network came back (or went away): try at once when it is back. */
  networkChanged(online: boolean): void {
    if (!online) {
      void this.setStatus('offline');
      return;
    }
    this.failures = 0;
    this.trigger();
  }

  private trigger(): void {
    if (this.closed || !signedIn(this.store.sqlite)) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.syncOnce().catch(() => undefined);
  }

  private scheduleRetry(): void {
    if (this.opts.auto === false || this.closed) return;
    const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.failures, 20));
    const delay = exp / 2 + (this.random() * exp) / 2; // "equal jitter"
    this.timer = setTimeout(() => this.trigger(), delay);
    this.timer.unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of [this.timer, this.debounce]) if (t) clearTimeout(t);
    if (this.interval) clearInterval(this.interval);
    await this.running?.catch(() => undefined);
  }

  // ---- HTTP -----------------------------------------------------------------------------

  private url(path: string): string {
    const base = this.state('server_url');
    if (base === null)
      throw new AppError('INVALID_STATE', 'This device is not signed in to a sync server.');
    return `${base.replace(/\/+$/, '')}${path}`;
  }

  private async http<T>(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    token: string | null,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<T> {
    const res = await this.send(method, url, body, token, AbortSignal.timeout(timeoutMs));
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!res.ok) throw failure(res.status, parsed);
    if (parsed === null && res.status !== 204)
      throw new SyncHttpError('server', 'The sync server sent an unreadable answer', res.status);
    return parsed as T;
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    token: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    const json = body === undefined ? undefined : JSON.stringify(body);
    const go = () =>
      this.fetchFn(url, {
        method,
        headers: {
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(json === undefined ? {} : { body: json }),
        signal,
      });
    let failed: unknown;
    try {
      return await go();
    } catch (err) {
      failed = err;
    }
    // A kept-alive connection the server closed while idle (a restart, a deploy) fails the
    // first request written to it: a request that may go out twice is sent again at once,
    // instead of the device reading as offline until its next try.
    if (closedConnection(failed) && !signal.aborted && repeatable(method, url)) {
      try {
        return await go();
      } catch (err) {
        failed = err;
      }
    }
    throw new SyncHttpError(
      'offline',
      `The sync server cannot be reached: ${(failed as Error).message}`,
    );
  }

  /** An authorized call; refreshes the access token once when it has expired. */
  private async authed<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<T> {
    if (this.accessToken === null) await this.refresh();
    try {
      return await this.http<T>(method, this.url(path), body, this.accessToken, timeoutMs);
    } catch (err) {
      if (!(err instanceof SyncHttpError) || err.kind !== 'unauthorized') throw err;
      await this.refresh();
      return this.http<T>(method, this.url(path), body, this.accessToken, timeoutMs);
    }
  }

  private async refresh(): Promise<void> {
    const refreshToken = this.state('refresh_token');
    if (refreshToken === null) throw new SyncHttpError('unauthorized', 'Not signed in');
    const s = await this.http<{ accessToken: string; refreshToken: string }>(
      'POST',
      this.url('/v1/auth/refresh'),
      { refreshToken },
      null,
    );
    this.accessToken = s.accessToken;
    await this.write(() => setState(this.store.sqlite, 'refresh_token', s.refreshToken));
  }

  // ---- store access (always inside a store transaction) --------------------------------

  private read<T>(fn: () => T): Promise<T> {
    return this.store.db.transaction().execute(async () => fn());
  }

  private write<T>(fn: () => T): Promise<T> {
    return this.store.db.transaction().execute(async () => fn());
  }

  // ---- sign in / out --------------------------------------------------------------------

  private async hasBusiness(): Promise<boolean> {
    return this.read(
      () =>
        this.store.sqlite.prepare("SELECT 1 FROM settings WHERE key = 'workspace.id'").get() !==
        undefined,
    );
  }

  /**
   * seed: the store's business goes up first (a first upload, see core/sync/upload.ts).
   * resume: the store signs back in to the workspace it holds (signIn): the previous device's
   * changes the server dealt with are dropped from the outbox (its refusals logged), the rest go
   * out as the new device's, and the pull goes on from where the store was.
   */
  private async adopt(
    serverUrl: string,
    s: Session,
    mode: { seed?: boolean; resume?: ResumeResponse } = {},
  ): Promise<void> {
    // A sync of the device this store was must not run on into the new sign-in.
    await this.running?.catch(() => undefined);
    this.accessToken = s.accessToken;
    const sqlite = this.store.sqlite;
    const seed = mode.seed === true;
    const resume = mode.resume;
    await this.write(() => {
      if (resume !== undefined) {
        const offset = Number(getState(sqlite, 'seq_offset') ?? 0);
        const now = this.clock.now().toISOString();
        for (const r of resume.results) {
          const row = sqlite
            .prepare('SELECT name, args FROM sync_outbox WHERE seq = ?')
            .get(r.seq + offset) as { name: string; args: string } | undefined;
          if (row === undefined) continue;
          sqlite
            .prepare(
              'INSERT OR IGNORE INTO sync_log (seq, name, args, code, reason, at) VALUES (?, ?, ?, ?, ?, ?)',
            )
            .run(r.seq + offset, row.name, row.args, r.code ?? 'REJECTED', r.reason ?? '', now);
        }
        // Dealt with under the previous device: their effects come back with the pull.
        sqlite.prepare('DELETE FROM sync_outbox WHERE seq <= ?').run(offset + resume.lastSeq);
      }
      const firstPending = sqlite.prepare('SELECT min(seq) FROM sync_outbox').pluck().get() as
        number | null;
      const lastSeq = Number(getState(sqlite, 'last_seq') ?? 0);
      setState(sqlite, 'seed_seq', seed ? String(lastSeq) : null);
      setState(sqlite, 'seed_table', null);
      setState(sqlite, 'seed_after', null);
      // The device's seqs on the wire start at 1: what is in the outbox goes first.
      setState(sqlite, 'seq_offset', String(firstPending === null ? lastSeq : firstPending - 1));
      setState(sqlite, 'acked_seq', '0');
      if (resume === undefined) {
        setState(sqlite, 'cursor', '0');
        setState(sqlite, 'page_checkpoint', null);
        setState(sqlite, 'page_after', null);
        // No row images of another history are kept (a re-join keeps its own: the pull
        // takes those changes back and lays the server's rows down, as any pull does).
        sqlite.prepare('DELETE FROM sync_undo').run();
      }
      setState(sqlite, 'left_device_id', null);
      setState(sqlite, 'update_required', null);
      setState(sqlite, 'server_url', serverUrl);
      setState(sqlite, 'workspace_id', s.workspace.id);
      setState(sqlite, 'workspace_name', s.workspace.name);
      setState(sqlite, 'device_id', s.device.id);
      setState(sqlite, 'user_email', s.user.email);
      setState(sqlite, 'role', s.role);
      setState(sqlite, 'agent_id', s.agentId);
      setState(sqlite, 'refresh_token', s.refreshToken);
    });
    await this.setStatus('offline');
    this.start();
  }

  /** Creates a workspace on the server for this store's business and signs this device in. */
  async signUp(input: {
    serverUrl: string;
    email: string;
    password: string;
    workspaceName: string;
    deviceName: string;
  }): Promise<Session> {
    const s = await this.http<Session>(
      'POST',
      `${input.serverUrl.replace(/\/+$/, '')}/v1/auth/signup`,
      {
        email: input.email,
        password: input.password,
        workspaceName: input.workspaceName,
        deviceName: input.deviceName,
      },
      null,
    );
    await this.adopt(input.serverUrl, s, {
      seed: s.role === 'owner' && (await this.hasBusiness()),
    });
    return s;
  }

  /** Signs this device in to an existing workspace (the store must be new, or the workspace empty). */
  async signIn(input: {
    serverUrl: string;
    email: string;
    password: string;
    deviceName: string;
  }): Promise<Session> {
    const base = input.serverUrl.replace(/\/+$/, '');
    const s = await this.http<Session>(
      'POST',
      `${base}/v1/auth/login`,
      {
        email: input.email,
        password: input.password,
        deviceName: input.deviceName,
      },
      null,
    );
    const logout = () =>
      this.http('POST', `${base}/v1/auth/logout`, undefined, s.accessToken).catch(() => undefined);
    if (await this.hasBusiness()) {
      // Back to the workspace this store's data came from (signed out, or revoked by mistake):
      // it takes over from the device it was and sends what that one had not.
      const was = await this.read(() => ({
        workspaceId: this.state('synced_workspace_id'),
        deviceId: this.state('device_id') ?? this.state('left_device_id'),
        acked: Number(this.state('acked_seq') ?? 0),
        seeding: this.state('seed_seq') !== null,
      }));
      if (was.workspaceId === s.workspace.id && was.deviceId !== null && !was.seeding) {
        let resume: ResumeResponse | null = null;
        try {
          resume = await this.http<ResumeResponse>(
            'POST',
            `${base}/v1/sync/resume`,
            { previousDeviceId: was.deviceId, after: was.acked },
            s.accessToken,
          );
        } catch (err) {
          // A server from before re-joining (no such route): refused below as it always was.
          const older =
            err instanceof SyncHttpError && err.kind === 'refused' && err.status === 404;
          if (!older) {
            await logout();
            if (err instanceof SyncHttpError && err.body?.code === 'FORBIDDEN')
              throw new AppError('INVALID_STATE', err.message, { reason: 'other-login' });
            throw err;
          }
        }
        if (resume !== null) {
          await this.adopt(input.serverUrl, s, { resume });
          return s;
        }
      }
      // Otherwise a store that holds a business may join only an empty workspace, and uploads
      // it first.
      const probe = await this.http<PullResponse>(
        'POST',
        `${base}/v1/sync/pull`,
        {
          schemaVersion: this.schemaVersion(),
          since: 0,
          limit: 1,
        },
        s.accessToken,
      );
      if (probe.checkpoint > 0) {
        await logout();
        throw new AppError(
          'INVALID_STATE',
          was.workspaceId === null
            ? `This store holds a business that was never synced into "${s.workspace.name}", and that workspace has data too: open a new, empty store to join it.`
            : was.workspaceId !== s.workspace.id
              ? `This store holds the data of another business (it last synced with a different workspace than "${s.workspace.name}"), and that workspace has data too: sign in to the business this store came from, or open a new, empty store to join it.`
              : `This store's earlier sign-in to "${s.workspace.name}" cannot be taken up again (its first upload did not finish, the store does not know which device it was, or the server is too old to take it up): open a new, empty store to join it.`,
          {
            reason:
              was.workspaceId === null
                ? 'never-synced'
                : was.workspaceId !== s.workspace.id
                  ? 'other-workspace'
                  : 'cannot-resume',
          },
        );
      }
      await this.adopt(input.serverUrl, s, { seed: s.role === 'owner' });
      return s;
    }
    await this.adopt(input.serverUrl, s);
    return s;
  }

  /** Joins a workspace as an agent with a one-time invite code (on an empty store). */
  async joinAsAgent(input: {
    serverUrl: string;
    code: string;
    email: string;
    password: string;
    deviceName: string;
  }): Promise<Session> {
    if (await this.hasBusiness())
      throw new AppError('INVALID_STATE', 'Join as an agent from a new, empty store.');
    const s = await this.http<Session>(
      'POST',
      `${input.serverUrl.replace(/\/+$/, '')}/v1/auth/invites/redeem`,
      {
        code: input.code,
        email: input.email,
        password: input.password,
        deviceName: input.deviceName,
      },
      null,
    );
    await this.adopt(input.serverUrl, s);
    return s;
  }

  /** Signs out; refuses while changes are still unconfirmed unless forced (they would stay local). */
  async signOut(force = false): Promise<void> {
    const { pending } = await this.read(() => outboxCount(this.store.sqlite));
    if (pending > 0 && !force)
      throw new AppError(
        'INVALID_STATE',
        `${pending} change(s) have not reached the server yet; sync first, or sign out anyway (force).`,
        { pending },
      );
    await this.authed('POST', '/v1/auth/logout').catch(() => undefined);
    this.accessToken = null;
    await this.write(() => {
      // Kept so the store can sign back in to the same workspace (signIn): the data it holds
      // stays that workspace's (synced_workspace_id is kept too).
      const deviceId = getState(this.store.sqlite, 'device_id');
      if (deviceId !== null) setState(this.store.sqlite, 'left_device_id', deviceId);
      for (const k of [
        'server_url',
        'workspace_id',
        'workspace_name',
        'device_id',
        'user_email',
        'role',
        'agent_id',
        'refresh_token',
        'update_required',
      ] as const)
        setState(this.store.sqlite, k, null);
      this.store.sqlite.prepare('DELETE FROM sync_undo').run();
    });
    await this.setStatus('signed-out');
  }

  devices(): Promise<unknown> {
    return this.authed('GET', '/v1/auth/devices');
  }

  revokeDevice(deviceId: string): Promise<unknown> {
    return this.authed('POST', `/v1/auth/devices/${encodeURIComponent(deviceId)}/revoke`, {});
  }

  createInvite(agentId: string): Promise<{ code: string }> {
    return this.authed('POST', '/v1/auth/invites', { agentId });
  }

  // ---- the sync cycle -------------------------------------------------------------------

  private schemaVersion(): number {
    return this.opts.schemaVersion ?? LATEST_VERSION;
  }

  /** One sync: push everything pending, pull to the newest checkpoint. Single-flight. */
  syncOnce(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          this.again = false;
          await this.cycle();
          if (!this.again) break;
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async cycle(): Promise<void> {
    if (!signedIn(this.store.sqlite)) return;
    await this.setStatus('syncing');
    try {
      await this.upload();
      await this.push();
      await this.pull();
      this.failures = 0;
      await this.write(() => {
        setState(this.store.sqlite, 'last_synced_at', this.clock.now().toISOString());
        setState(this.store.sqlite, 'update_required', null);
      });
      await this.setStatus('up-to-date');
    } catch (err) {
      this.failures += 1;
      if (err instanceof SyncHttpError && err.kind === 'update-required') {
        await this.write(() => setState(this.store.sqlite, 'update_required', err.message));
        await this.setStatus('update-required', err.message, err);
      } else if (err instanceof SyncHttpError && err.kind === 'offline') {
        await this.setStatus('offline', err.message, err);
        this.scheduleRetry();
      } else {
        await this.setStatus('error', err instanceof Error ? err.message : String(err), err);
        this.scheduleRetry();
      }
      throw err;
    }
  }

  /**
   * The first upload, when due: every synced row of the store, page by page (resumed from where
   * it stopped), before anything is pushed. Then the outbox it covers is dropped: the device's
   * next seq on the wire is 1 again.
   */
  private async upload(): Promise<void> {
    for (;;) {
      const step = await this.read(() => {
        const seedSeq = this.state('seed_seq');
        if (seedSeq === null) return null;
        const after = this.state('seed_after');
        return readUploadPage(
          this.store.sqlite,
          {
            table: Number(this.state('seed_table') ?? 0),
            after: after === null ? null : (JSON.parse(after) as unknown[]),
          },
          Number(seedSeq),
          this.opts.uploadPageRows ?? SEED_PAGE_ROWS,
          SEED_PAGE_BYTES,
        );
      });
      if (step === null) return;
      const res = await this.authed<SeedResponse>('POST', '/v1/sync/seed', {
        schemaVersion: this.schemaVersion(),
        rows: step.rows,
        ...(step.next === null ? { done: true } : {}),
      });
      const sqlite = this.store.sqlite;
      await this.write(() => {
        if (step.next !== null) {
          setState(sqlite, 'seed_table', String(step.next.table));
          setState(
            sqlite,
            'seed_after',
            step.next.after === null ? null : JSON.stringify(step.next.after),
          );
          return;
        }
        const seedSeq = Number(getState(sqlite, 'seed_seq') ?? 0);
        sqlite.prepare('DELETE FROM sync_outbox WHERE seq <= ?').run(seedSeq);
        // The workspace up to here is what this device just sent (a seed is refused once any
        // other change was applied): the pull goes on from here instead of bringing it back.
        if (getState(sqlite, 'cursor') === '0' && getState(sqlite, 'page_after') === null)
          setState(sqlite, 'cursor', String(res.cursor));
        setState(sqlite, 'seq_offset', String(seedSeq));
        setState(sqlite, 'acked_seq', '0');
        setState(sqlite, 'synced_workspace_id', getState(sqlite, 'workspace_id'));
        setState(sqlite, 'seed_seq', null);
        setState(sqlite, 'seed_table', null);
        setState(sqlite, 'seed_after', null);
      });
      if (step.next === null) return;
    }
  }

  private async push(): Promise<void> {
    for (;;) {
      const batch = await this.read(() => pendingPush(this.store.sqlite, MAX_PUSH_MUTATIONS));
      if (batch.length === 0) return;
      // Pulls come after every push of a cycle, so the cursor now is the one these changes
      // were made at.
      const seen = Number(await this.read(() => this.state('cursor') ?? 0));
      // The server answers once it has replayed the batch: an import in it buys it time.
      let importRows = 0;
      for (const m of batch) importRows += importRowCount(m);
      const res = await this.authed<PushResponse>(
        'POST',
        '/v1/sync/push',
        { schemaVersion: this.schemaVersion(), mutations: batch, seen },
        this.requestTimeoutMs + importRows * PUSH_WAIT_MS_PER_IMPORT_ROW,
      );
      const before = Number(await this.read(() => this.state('acked_seq') ?? 0));
      // Fewer of this device's changes than the server acknowledged before: nothing of the
      // answer is recorded (acknowledging less would send them again into an older history).
      if (res.lastAppliedSeq < before)
        throw serverBehind(
          `it holds this device's changes up to ${res.lastAppliedSeq}, after acknowledging up to ${before}`,
        );
      await recordPushResults(this.store, res.results, res.lastAppliedSeq, this.clock.now());
      if (res.lastAppliedSeq <= before && !res.gap)
        throw new SyncHttpError('server', 'The server acknowledged nothing of this push');
      if (res.gap && res.lastAppliedSeq < batch[0]!.seq - 1)
        throw new SyncHttpError(
          'refused',
          `The server expects change ${res.lastAppliedSeq + 1}, which this device no longer holds`,
        );
    }
  }

  /** Pulls to the newest checkpoint (a pull resumed from an older one goes on from there). */
  private async pull(): Promise<void> {
    for (;;) {
      const resumed = await this.read(() => this.state('page_after') !== null);
      await this.pullToCheckpoint();
      if (!resumed) return;
    }
  }

  private async pullToCheckpoint(): Promise<void> {
    await this.firstSyncFromSnapshot();
    const s = await this.read(() => ({
      since: Number(this.state('cursor') ?? 0),
      checkpoint: this.state('page_checkpoint'),
      after: this.state('page_after'),
    }));
    const limit =
      this.opts.pullLimit ?? (s.since === 0 ? FIRST_SYNC_PULL_LIMIT : DEFAULT_PULL_LIMIT);
    const ask = (checkpoint: number | null, after: PageToken | null) =>
      this.authed<PullResponse>('POST', '/v1/sync/pull', {
        schemaVersion: this.schemaVersion(),
        since: s.since,
        ...(checkpoint === null ? {} : { checkpoint }),
        ...(after === null ? {} : { after }),
        limit,
      });
    let asked = ask(
      s.checkpoint === null ? null : Number(s.checkpoint),
      s.after === null ? null : (JSON.parse(s.after) as PageToken),
    );
    for (;;) {
      const page = await asked;
      // A checkpoint below what this device has already pulled: laying the page down would
      // move the device back to that older history and keep rows the server no longer has.
      if (page.checkpoint < s.since)
        throw serverBehind(
          `it is at change ${page.checkpoint} of the business, this device has pulled up to ${s.since}`,
        );
      // The next page is asked for while this one is laid down: its token is in this page, and
      // it is used only once this page is committed (the same request a resumed pull makes).
      const ahead = page.next === null ? null : ask(page.checkpoint, page.next);
      ahead?.catch(() => undefined);
      try {
        await applyPulledPage(this.store, page, this.clock, { deferPnl: s.since === 0 });
      } catch (err) {
        // Not laid down: the page asked for meanwhile is let finish (unused) before the sync
        // ends, so no request of this device, nor the token refresh it may make, outlives it.
        await ahead?.catch(() => undefined);
        throw err;
      }
      if (ahead === null) return;
      asked = ahead;
    }
  }

  /**
   * An owner device's first sync takes the workspace as one store file when the server has a
   * snapshot of it (core/sync/snapshot.ts), then pulls on from the snapshot's cursor. Anything
   * short of a whole, matching file means pulling rows from the start, as without one.
   */
  private async firstSyncFromSnapshot(): Promise<void> {
    const tmp = this.snapshotFile();
    if (this.opts.snapshots === false || tmp === null) return;
    if (!(await this.read(() => snapshotDue(this.store.sqlite)))) return;
    const workspaceId = await this.read(() => this.state('workspace_id'));
    if (workspaceId === null) return;
    try {
      const header = await this.download(
        `/v1/sync/snapshot?schemaVersion=${this.schemaVersion()}&encoding=${
          this.opts.compressedSnapshots === false ? 'identity' : 'gzip'
        }`,
        tmp,
      );
      if (header === null) return;
      await installSnapshot(this.store, tmp, { ...header, workspaceId });
    } catch (err) {
      // Refused (none ready, not for this version) or damaged on the way: pull rows instead.
      if (!(err instanceof SyncHttpError && err.kind === 'refused')) throw err;
    } finally {
      removeFiles(tmp);
    }
  }

  /**
   * Streams an authorized download to `dest`, checking its length and SHA-256 against the
   * headers. Gives up when no byte arrives for requestTimeoutMs (a big file may take long).
   */
  private async download(
    path: string,
    dest: string,
  ): Promise<{ cursor: number; schemaVersion: number } | null> {
    if (this.accessToken === null) await this.refresh();
    const stall = new AbortController();
    let timer = setTimeout(() => stall.abort(), this.requestTimeoutMs);
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), this.requestTimeoutMs);
    };
    try {
      let res = await this.send('GET', this.url(path), undefined, this.accessToken, stall.signal);
      if (res.status === 401) {
        await res.body?.cancel();
        await this.refresh();
        alive();
        res = await this.send('GET', this.url(path), undefined, this.accessToken, stall.signal);
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: classified by status alone
        }
        throw failure(res.status, parsed);
      }
      const cursor = Number(res.headers.get('x-qundesk-cursor'));
      const schemaVersion = Number(res.headers.get('x-qundesk-schema-version'));
      const expected = res.headers.get('x-qundesk-sha256');
      const bytes = Number(res.headers.get('x-qundesk-bytes'));
      if (!Number.isInteger(cursor) || cursor <= 0 || expected === null || res.body === null) {
        await res.body?.cancel();
        return null;
      }
      const hash = createHash('sha256');
      let got = 0;
      const out = await open(dest, 'w');
      const put = async (chunk: Uint8Array) => {
        alive();
        hash.update(chunk);
        got += chunk.byteLength;
        await out.write(chunk);
      };
      try {
        if (res.headers.get('x-qundesk-encoding') === 'gzip') {
          await pipeline(
            Readable.fromWeb(res.body as WebStream<Uint8Array>),
            createGunzip({ chunkSize: 1 << 20 }),
            async (chunks: AsyncIterable<Buffer>) => {
              for await (const chunk of chunks) await put(chunk);
            },
          );
        } else {
          // Chunk by chunk straight to the file, no stream adapters between.
          const reader = res.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            await put(value);
          }
        }
      } catch (err) {
        // A compressed stream that does not decompress arrived damaged; anything else broke off.
        if (String((err as { code?: unknown }).code).startsWith('Z_'))
          throw new SyncHttpError('refused', 'The snapshot arrived damaged');
        throw new SyncHttpError(
          'offline',
          `The download from the sync server broke off: ${(err as Error).message}`,
        );
      } finally {
        await out.close();
      }
      if (got !== bytes || hash.digest('hex') !== expected)
        throw new SyncHttpError('refused', 'The snapshot arrived damaged');
      return { cursor, schemaVersion };
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- conflicts (owner) ----------------------------------------------------------------

  /** Profile edits that lost to a newer edit of the same field (owner only), newest first. */
  conflicts(
    input: { limit?: number; before?: string } = {},
  ): Promise<{ conflicts: Record<string, unknown>[]; next: string | null }> {
    const q = new URLSearchParams();
    if (input.limit !== undefined) q.set('limit', String(input.limit));
    if (input.before !== undefined) q.set('before', input.before);
    const qs = q.toString();
    return this.authed('GET', `/v1/sync/conflicts${qs === '' ? '' : `?${qs}`}`);
  }
}

/** A refused request, classified for the status and the retry policy. */
function failure(status: number, parsed: unknown): SyncHttpError {
  const b = (parsed ?? {}) as { code?: string; message?: string };
  const msg = b.message ?? `HTTP ${status}`;
  if (status === 426 || b.code === 'UPDATE_REQUIRED')
    return new SyncHttpError('update-required', msg, status, b);
  if (status === 401) return new SyncHttpError('unauthorized', msg, status, b);
  if (status >= 500 || status === 429) return new SyncHttpError('server', msg, status, b);
  return new SyncHttpError('refused', msg, status, b);
}

/** A SQLite file and its journals, if there. */
function removeFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`])
    rmSync(f, { force: true });
}
