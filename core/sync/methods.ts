// Sync in the contract, for the UI: status, the log of rejected changes, sign in / out, join as
// an agent, devices. The sync client lives in the core host (attachSyncClient); without one
// (CLI, tests) status and log still answer from the store, the rest say sync is unavailable.
import { z } from 'zod';
import type BetterSqlite3 from 'better-sqlite3';
import { method, type AnyMethod } from '../api/define';
import type { Ctx } from '../api/context';
import { AppError } from '../api/errors';
import type { SyncClient } from './client';
import { getState, outboxCount } from './device';

const clients = new WeakMap<BetterSqlite3.Database, SyncClient>();

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
      return {
        status: event?.status ?? (s('device_id') === null ? 'signed-out' : 'offline'),
        message: event?.message ?? s('update_required'),
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
        ? await client.signUp({
            serverUrl: input.serverUrl,
            email: input.email,
            password: input.password,
            deviceName: input.deviceName,
            workspaceName: input.workspaceName ?? input.deviceName,
          })
        : await client.signIn(input);
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
      const s = await clientOf(ctx).joinAsAgent(input);
      return { workspace: s.workspace, role: s.role, agentId: s.agentId, deviceId: s.device.id };
    },
  }),

  'sync.signOut': method({
    summary: 'Sign this device out (force: even with changes the server has not received).',
    mutates: false,
    roles: BOTH,
    input: z.object({ force: z.boolean().default(false) }),
    async run(ctx, input) {
      await clientOf(ctx).signOut(input.force);
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
      await client.syncOnce().catch(() => undefined);
      return client.statusEvent();
    },
  }),

  'sync.devices': method({
    summary: "The workspace's devices (owner).",
    mutates: false,
    input: z.object({}),
    run: (ctx) => clientOf(ctx).devices(),
  }),

  'sync.revokeDevice': method({
    summary: 'Sign a device out of the workspace for good (owner).',
    mutates: false,
    input: z.object({ deviceId: z.string().min(1).max(64) }),
    run: (ctx, input) => clientOf(ctx).revokeDevice(input.deviceId),
  }),

  'sync.invite': method({
    summary: 'A one-time code for an agent to join with their own device (owner).',
    mutates: false,
    input: z.object({ agentId: z.string().min(1).max(64) }),
    run: (ctx, input) => clientOf(ctx).createInvite(input.agentId),
  }),
} satisfies Record<string, AnyMethod>;
