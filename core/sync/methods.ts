// Sync in the contract, for the UI: status, the log of rejected changes, sign in / out, join as
// an agent, devices. The sync client lives in the core host (attachSyncClient); without one
// (CLI, tests) status and log still answer from the store, the rest say sync is unavailable.
import { z } from 'zod';
import type BetterSqlite3 from 'better-sqlite3';
import { method, type AnyMethod } from '../api/define';
import type { Ctx } from '../api/context';
import { AppError } from '../api/errors';
import { SyncHttpError, type SyncClient, type SyncStatus } from './client';
import { getState, outboxCount } from './device';
import type { SyncConflict } from './protocol';
import { requireAgentRef } from '../agents/references';

export type { SyncConflict } from './protocol';

const clients = new WeakMap<BetterSqlite3.Database, SyncClient>();

/**
 * Why a sync call failed or why syncing is stuck, as a stable code the UI words in the user's
 * language (the server's own English text travels beside it as a detail).
 */
export type SyncProblem =
  | 'offline' // the server cannot be reached (no network, wrong address, server down)
  | 'timeout' // the server took too long to answer
  | 'update-required' // this app is outside the server's supported versions
  | 'wrong-password' // sign-in / join: wrong email or password
  | 'device-revoked' // this device was signed out (by the owner, or for safety)
  | 'session-expired' // the sign-in ran out (not synced for a long time)
  | 'unauthorized' // any other refused credential
  | 'not-signed-in'
  | 'invite-invalid' // join: the invite code is unknown, used or expired
  | 'email-taken' // sign-up / join: an account with this email exists
  | 'already-member' // join: this login is already in the workspace
  | 'not-member' // sign-in: the login is not a member of that workspace
  | 'choose-workspace' // sign-in: the login belongs to several workspaces
  | 'store-has-data' // sign-in: this store and the workspace both hold a business
  | 'store-not-empty' // join: agents join from a new, empty store
  | 'workspace-in-use' // first upload: the cloud business already holds other devices' changes
  | 'wrong-server' // the address answers, but is not a QunDesk sync server
  | 'forbidden' // the role may not do this (e.g. an agent asking for owner data)
  | 'not-found'
  | 'invalid-input' // the server refused the data sent (details.issues names fields)
  | 'too-large'
  | 'rate-limited' // too many requests: wait a moment
  | 'server-error' // the server failed (5xx, unreadable answer)
  | 'seq-gap' // the server expects changes this device no longer holds
  | 'server-behind' // the server's data is older than this device's (restored from a backup)
  | 'refused' // any other refusal
  | 'unknown';

/** What was being done when a sync call failed (the same HTTP code means different things). */
export type SyncOp =
  'signUp' | 'signIn' | 'join' | 'signOut' | 'sync' | 'devices' | 'revoke' | 'invite' | 'conflicts';

const TIMEOUT = /time(d)? ?out|timeout/i;

/** The problem behind an error a SyncClient call threw, or null when it is not a sync failure. */
export function syncProblemOf(err: unknown, op: SyncOp): SyncProblem | null {
  if (err instanceof SyncHttpError) {
    const code = err.body?.code;
    const msg = err.message;
    const signingIn = op === 'signIn' || op === 'signUp' || op === 'join';
    switch (err.kind) {
      case 'offline':
        return TIMEOUT.test(msg) ? 'timeout' : 'offline';
      case 'update-required':
        return 'update-required';
      case 'unauthorized':
        // Login answers 401 for a wrong email or password; redeem for a known email whose
        // password does not match. Anywhere else a 401 is about this device's credentials.
        if (signingIn) return 'wrong-password';
        return statusTextProblem(msg) ?? 'unauthorized';
      case 'server':
        if (err.status === 429 || code === 'RATE_LIMITED') return 'rate-limited';
        return 'server-error';
      case 'refused':
        if (code === 'SERVER_BEHIND') return 'server-behind';
        if (code === 'FORBIDDEN')
          return op === 'join' ? 'invite-invalid' : op === 'signIn' ? 'not-member' : 'forbidden';
        // On a sync, only the first upload answers CONFLICT (the workspace is no longer empty).
        if (code === 'CONFLICT' && op === 'sync') return 'workspace-in-use';
        if (code === 'CONFLICT')
          return op === 'join' && /member/i.test(msg) ? 'already-member' : 'email-taken';
        if (code === 'INVALID_STATE' && op === 'signIn') return 'choose-workspace';
        if (code === 'VALIDATION') return 'invalid-input';
        if (code === 'PAYLOAD_TOO_LARGE') return 'too-large';
        if (code === 'UNSUPPORTED_MEDIA_TYPE') return signingIn ? 'wrong-server' : 'refused';
        if (code === 'NOT_FOUND' || (code === undefined && err.status === 404))
          return signingIn || code === undefined ? 'wrong-server' : 'not-found';
        if (code === undefined && /expects change \d+/.test(msg)) return 'seq-gap';
        return code === undefined && signingIn ? 'wrong-server' : 'refused';
    }
  }
  if (err instanceof AppError && err.code === 'INVALID_STATE') {
    if (/not signed in/i.test(err.message)) return 'not-signed-in';
    if (op === 'signIn') return 'store-has-data';
    if (op === 'join') return 'store-not-empty';
  }
  return null;
}

/** The problem a status message names (the texts of core/sync/client.ts and server/auth). */
function statusTextProblem(message: string): SyncProblem | null {
  if (/device was signed out|signed out for safety/i.test(message)) return 'device-revoked';
  if (/refresh token expired/i.test(message)) return 'session-expired';
  if (/^not signed in$|not signed in to a sync server/i.test(message)) return 'not-signed-in';
  if (/access token|refresh token|unknown device/i.test(message)) return 'unauthorized';
  if (/too many requests|rate limit|HTTP 429/i.test(message)) return 'rate-limited';
  if (/sync server's data is older than this device's/i.test(message)) return 'server-behind';
  if (/expects change \d+/.test(message)) return 'seq-gap';
  if (/workspace is already in use|already uploading a business/i.test(message))
    return 'workspace-in-use';
  if (/larger than this route accepts/i.test(message)) return 'too-large';
  if (
    /internal server error|HTTP 5\d\d|unreadable answer|acknowledged nothing|unavailable/i.test(
      message,
    )
  )
    return 'server-error';
  if (/cannot be reached/i.test(message)) return TIMEOUT.test(message) ? 'timeout' : 'offline';
  return null;
}

/**
 * The problem behind a status: exact when the last sync.now saw the error itself, else read
 * from the status and its message (automatic syncs report a status and a text only).
 */
export function syncStatusProblem(
  status: SyncStatus,
  message: string | null | undefined,
): SyncProblem | null {
  switch (status) {
    case 'update-required':
      return 'update-required';
    case 'offline':
      return message && TIMEOUT.test(message) ? 'timeout' : message ? 'offline' : null;
    case 'error':
      return message ? (statusTextProblem(message) ?? 'unknown') : 'unknown';
    default:
      return null;
  }
}

/** The last problem sync.now classified from the error itself, by client: reused by sync.status. */
const seen = new WeakMap<SyncClient, { message: string; problem: SyncProblem }>();

const problemCode: Partial<Record<SyncProblem, AppError['code']>> = {
  'invalid-input': 'VALIDATION',
  'not-found': 'NOT_FOUND',
  'email-taken': 'CONFLICT',
  'already-member': 'CONFLICT',
  'wrong-password': 'FORBIDDEN',
  'device-revoked': 'FORBIDDEN',
  'session-expired': 'FORBIDDEN',
  unauthorized: 'FORBIDDEN',
  'not-signed-in': 'FORBIDDEN',
  'invite-invalid': 'FORBIDDEN',
  'not-member': 'FORBIDDEN',
  forbidden: 'FORBIDDEN',
};

/**
 * Runs a SyncClient call; a failure comes out as an AppError whose details carry
 * `syncProblem` (the code the UI words), and the HTTP status, server code and field issues
 * when the server gave them. The message stays the server's (or the client's) own text.
 */
async function guard<T>(op: SyncOp, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const problem = syncProblemOf(err, op);
    if (problem === null) throw err;
    const base = err instanceof AppError ? err.details : undefined;
    const http = err instanceof SyncHttpError ? err : null;
    const body = http?.body as { code?: string; details?: { issues?: unknown } } | undefined;
    const issues = Array.isArray(body?.details?.issues) ? body.details.issues : undefined;
    throw new AppError(
      err instanceof AppError ? err.code : (problemCode[problem] ?? 'INVALID_STATE'),
      (err as Error).message,
      {
        ...base,
        syncProblem: problem,
        ...(http?.status === undefined ? {} : { httpStatus: http.status }),
        ...(body?.code === undefined ? {} : { serverCode: body.code }),
        ...(issues === undefined ? {} : { issues }),
      },
    );
  }
}

/** Makes the host's sync client reachable from the sync.* methods of the same store. */
export function attachSyncClient(client: SyncClient): void {
  clients.set(client.store.sqlite, client);
}

function clientOf(ctx: Ctx): SyncClient {
  const c = clients.get(ctx.sqlite);
  if (!c)
    throw new AppError(
      'INVALID_STATE',
      'Sync is not available in this process (start the app, not the CLI).',
    );
  return c;
}

const serverUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'use an http(s) address');
const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(1).max(200);
const deviceName = z.string().trim().min(1).max(100);
const BOTH = ['owner', 'agent'] as const;

export const syncMethods = {
  'sync.status': method({
    summary: 'Sync status: signed in where and as whom, state, changes waiting to be sent.',
    mutates: false,
    roles: BOTH,
    input: z.object({}),
    async run(ctx) {
      const s = (k: Parameters<typeof getState>[1]) => getState(ctx.sqlite, k);
      const client = clients.get(ctx.sqlite);
      const event = client ? await client.statusEvent() : null;
      const { pending } = outboxCount(ctx.sqlite);
      const status: SyncStatus =
        event?.status ?? (s('device_id') === null ? 'signed-out' : 'offline');
      const message = event?.message ?? s('update_required');
      const known = client ? seen.get(client) : undefined;
      const failure = client?.lastFailure() ?? null;
      return {
        status,
        message,
        /** Why it is offline, failing or stuck (null when there is nothing to explain). */
        problem:
          status === 'offline' || status === 'error' || status === 'update-required'
            ? known && known.message === message
              ? known.problem
              : ((failure === null ? null : syncProblemOf(failure, 'sync')) ??
                syncStatusProblem(status, message))
            : null,
        pending,
        lastSyncedAt: s('last_synced_at'),
        serverUrl: s('server_url'),
        workspaceName: s('workspace_name'),
        email: s('user_email'),
        role: s('role'),
        agentId: s('agent_id'),
        deviceId: s('device_id'),
      };
    },
  }),

  'sync.log': method({
    summary: 'Changes the server refused, newest first, with the reason.',
    mutates: false,
    roles: BOTH,
    input: z.object({ limit: z.number().int().positive().max(1000).default(100) }),
    async run(ctx, input) {
      const rows = ctx.sqlite
        .prepare('SELECT seq, name, args, code, reason, at FROM sync_log ORDER BY seq DESC LIMIT ?')
        .all(input.limit) as {
        seq: number;
        name: string;
        args: string;
        code: string;
        reason: string;
        at: string;
      }[];
      return rows.map((r) => ({ ...r, args: JSON.parse(r.args) as unknown }));
    },
  }),

  'sync.signIn': method({
    summary: 'Sign this device in to a sync server (createWorkspace: sign up with this business).',
    mutates: false,
    roles: BOTH,
    input: z.object({
      serverUrl,
      email,
      password,
      deviceName,
      createWorkspace: z.boolean().default(false),
      workspaceName: z.string().trim().min(1).max(100).optional(),
    }),
    async run(ctx, input) {
      const client = clientOf(ctx);
      const s = input.createWorkspace
        ? await guard('signUp', () =>
            client.signUp({
              serverUrl: input.serverUrl,
              email: input.email,
              password: input.password,
              deviceName: input.deviceName,
              workspaceName: input.workspaceName ?? input.deviceName,
            }),
          )
        : await guard('signIn', () => client.signIn(input));
      return { workspace: s.workspace, role: s.role, deviceId: s.device.id };
    },
  }),

  'sync.joinAsAgent': method({
    summary: 'Join a workspace as an agent with the one-time invite code the owner gave you.',
    mutates: false,
    roles: BOTH,
    input: z.object({
      serverUrl,
      code: z.string().trim().min(4).max(64),
      email,
      password,
      deviceName,
    }),
    async run(ctx, input) {
      const client = clientOf(ctx);
      const s = await guard('join', () => client.joinAsAgent(input));
      return { workspace: s.workspace, role: s.role, agentId: s.agentId, deviceId: s.device.id };
    },
  }),

  'sync.signOut': method({
    summary: 'Sign this device out (force: even with changes the server has not received).',
    mutates: false,
    roles: BOTH,
    input: z.object({ force: z.boolean().default(false) }),
    async run(ctx, input) {
      const client = clientOf(ctx);
      await guard('signOut', () => client.signOut(input.force));
      return { signedOut: true };
    },
  }),

  'sync.now': method({
    summary: 'Sync now and report the status.',
    mutates: false,
    roles: BOTH,
    input: z.object({}),
    async run(ctx) {
      const client = clientOf(ctx);
      let failure: { err: unknown } | null = null;
      await client.syncOnce().catch((err: unknown) => (failure = { err }));
      const event = await client.statusEvent();
      let problem: SyncProblem | null = null;
      if (
        event.status === 'offline' ||
        event.status === 'error' ||
        event.status === 'update-required'
      ) {
        problem =
          (failure === null ? null : syncProblemOf((failure as { err: unknown }).err, 'sync')) ??
          syncStatusProblem(event.status, event.message);
        if (event.message !== undefined && problem !== null)
          seen.set(client, { message: event.message, problem });
      }
      return { ...event, problem };
    },
  }),

  'sync.devices': method({
    summary: "The workspace's devices (owner).",
    mutates: false,
    input: z.object({}),
    run: (ctx) => {
      const client = clientOf(ctx);
      return guard('devices', () => client.devices());
    },
  }),

  'sync.revokeDevice': method({
    summary: 'Sign a device out of the workspace for good (owner).',
    mutates: false,
    input: z.object({ deviceId: z.string().min(1).max(64) }),
    run: (ctx, input) => {
      const client = clientOf(ctx);
      return guard('revoke', () => client.revokeDevice(input.deviceId));
    },
  }),

  'sync.invite': method({
    summary: 'A one-time code for an agent to join with their own device (owner).',
    mutates: false,
    input: z.object({ agentId: z.string().min(1).max(64) }),
    async run(ctx, input) {
      // Named here first, so an unknown or deleted agent is refused without asking the server.
      await requireAgentRef(ctx.db, input.agentId, 'agentId');
      const client = clientOf(ctx);
      return guard('invite', () => client.createInvite(input.agentId));
    },
  }),

  'sync.conflicts': method({
    summary:
      'Profile edits (customers, groups, products) that lost to a newer edit of the same field, newest first (owner).',
    mutates: false,
    input: z.object({
      limit: z.number().int().positive().max(200).default(50),
      /** The `next` of the previous page. */
      before: z.string().min(1).max(400).optional(),
    }),
    async run(ctx, input) {
      const client = clientOf(ctx);
      const page = await guard('conflicts', () =>
        client.conflicts({
          limit: input.limit,
          ...(input.before === undefined ? {} : { before: input.before }),
        }),
      );
      return {
        conflicts: page.conflicts as unknown as SyncConflict[],
        next: page.next,
      };
    },
  }),
} satisfies Record<string, AnyMethod>;
