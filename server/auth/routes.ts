// /v1/auth/*: owner sign-up, login, rotating refresh tokens, logout, devices, agent invites.
import type { FastifyContextConfig, FastifyPluginAsync } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { ServerDb } from '../db';
import type { MemberRole, ServerSchema } from '../db/schema';
import { HttpError, parseBody, unauthorized } from '../errors';
import { requireOwner } from './index';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { workspaceAgent } from '../sync/agents';
import type { SyncDb } from '../sync/schema';
import {
  REFRESH_REUSE_GRACE_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  newInviteCode,
  newRefreshToken,
  normaliseInviteCode,
  refreshTokenWorkspace,
  sha256,
  type TokenSigner,
} from './tokens';

export interface AuthRoutesOptions {
  db: ServerDb;
  signer: TokenSigner;
  now: () => Date;
  /** Per-IP limit on the routes that take a password or a code (brute force), per minute. */
  credentialRateLimit: number | false;
}

type Trx = Transaction<ServerSchema> | Kysely<ServerSchema>;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(254));
const newPassword = z
  .string()
  .min(10, { message: 'Use at least 10 characters' })
  .max(200, { message: 'Use at most 200 characters' });
const password = z.string().min(1).max(200);
const label = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `${what} is required` })
    .max(100, { message: `${what} is at most 100 characters` });
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'Not a valid id' });

const signupBody = z.strictObject({
  email,
  password: newPassword,
  workspaceName: label('Workspace name'),
  deviceName: label('Device name'),
});
const loginBody = z.strictObject({
  email,
  password,
  deviceName: label('Device name'),
  /** Needed only when the login belongs to more than one workspace. */
  workspaceId: id.optional(),
});
const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });
const inviteBody = z.strictObject({
  agentId: id,
  /** Default 72 hours, at most 30 days. */
  expiresInHours: z.number().int().min(1).max(720).optional(),
});
const redeemBody = z.strictObject({
  code: z.string().trim().min(1).max(64),
  email,
  password: newPassword,
  deviceName: label('Device name'),
});
const deviceParams = z.strictObject({ deviceId: id });

export interface Session {
  workspace: { id: string; name: string };
  user: { id: string; email: string };
  device: { id: string; name: string };
  role: MemberRole;
  agentId: string | null;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

const addSeconds = (d: Date, s: number): string => new Date(d.getTime() + s * 1000).toISOString();

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, opts) => {
  const { signer, now } = opts;
  const db = opts.db.db;
  const credentialLimit: FastifyContextConfig =
    opts.credentialRateLimit === false
      ? { rateLimit: false }
      : {
          rateLimit: {
            max: opts.credentialRateLimit,
            timeWindow: 60_000,
            groupId: 'credentials',
            keyGenerator: (req: { ip: string }) => `cred:${req.ip}`,
          },
        };

  /** Inserts a device and its first refresh token. */
  async function openDevice(
    trx: Trx,
    d: {
      workspaceId: string;
      userId: string;
      name: string;
      role: MemberRole;
      agentId: string | null;
    },
  ): Promise<{ deviceId: string; refreshToken: string; refreshTokenExpiresAt: string }> {
    const at = now();
    const deviceId = uuidv7();
    await trx
      .insertInto('devices')
      .values({
        workspace_id: d.workspaceId,
        id: deviceId,
        user_id: d.userId,
        name: d.name,
        role: d.role,
        agent_id: d.agentId,
        created_at: at.toISOString(),
        last_seen_at: at.toISOString(),
        revoked_at: null,
      })
      .execute();
    const issued = await issueRefreshToken(trx, d.workspaceId, deviceId, at);
    return { deviceId, ...issued };
  }

  async function issueRefreshToken(
    trx: Trx,
    workspaceId: string,
    deviceId: string,
    at: Date,
  ): Promise<{ refreshToken: string; refreshTokenExpiresAt: string; refreshTokenId: string }> {
    const refreshToken = newRefreshToken(workspaceId);
    const refreshTokenId = uuidv7();
    const refreshTokenExpiresAt = addSeconds(at, REFRESH_TOKEN_TTL_SECONDS);
    await trx
      .insertInto('refresh_tokens')
      .values({
        workspace_id: workspaceId,
        id: refreshTokenId,
        device_id: deviceId,
        token_hash: sha256(refreshToken),
        created_at: at.toISOString(),
        expires_at: refreshTokenExpiresAt,
        revoked_at: null,
        replaced_by: null,
      })
      .execute();
    return { refreshToken, refreshTokenExpiresAt, refreshTokenId };
  }

  async function revokeDevice(trx: Trx, workspaceId: string, deviceId: string): Promise<void> {
    const at = now().toISOString();
    await trx
      .updateTable('devices')
      .set({ revoked_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', deviceId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('device_id', '=', deviceId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async function session(
    s: Omit<Session, 'accessToken' | 'accessTokenExpiresAt'>,
  ): Promise<Session> {
    const access = await signer.sign({
      userId: s.user.id,
      workspaceId: s.workspace.id,
      deviceId: s.device.id,
      role: s.role,
      agentId: s.agentId,
    });
    return {
      ...s,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
    };
  }

  app.post('/signup', { config: credentialLimit }, async (request, reply) => {
    const body = parseBody(signupBody, request.body);
    const passwordHash = await hashPassword(body.password);
    const at = now().toISOString();
    const workspaceId = uuidv7();
    const userId = uuidv7();
    try {
      const opened = await db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('users')
          .select('id')
          .where('email', '=', body.email)
          .executeTakeFirst();
        if (taken !== undefined) throw emailTaken();
        await trx
          .insertInto('workspaces')
          .values({ id: workspaceId, name: body.workspaceName, created_at: at })
          .execute();
        await trx
          .insertInto('users')
          .values({ id: userId, email: body.email, password_hash: passwordHash, created_at: at })
          .execute();
        await trx
          .insertInto('members')
          .values({
            workspace_id: workspaceId,
            user_id: userId,
            role: 'owner',
            agent_id: null,
            created_at: at,
          })
          .execute();
        return openDevice(trx, {
          workspaceId,
          userId,
          name: body.deviceName,
          role: 'owner',
          agentId: null,
        });
      });
      request.log.info({ workspaceId, userId, deviceId: opened.deviceId }, 'workspace created');
      return reply.code(201).send(
        await session({
          workspace: { id: workspaceId, name: body.workspaceName },
          user: { id: userId, email: body.email },
          device: { id: opened.deviceId, name: body.deviceName },
          role: 'owner',
          agentId: null,
          refreshToken: opened.refreshToken,
          refreshTokenExpiresAt: opened.refreshTokenExpiresAt,
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
  });

  app.post('/login', { config: credentialLimit }, async (request, reply) => {
    const body = parseBody(loginBody, request.body);
    const user = await db
      .selectFrom('users')
      .select(['id', 'email', 'password_hash'])
      .where('email', '=', body.email)
      .executeTakeFirst();
    const ok =
      user === undefined
        ? await verifyAgainstDummy(body.password)
        : await verifyPassword(body.password, user.password_hash);
    if (!ok || user === undefined) throw unauthorized('Wrong email or password');

    const memberships = await db
      .selectFrom('members')
      .innerJoin('workspaces', 'workspaces.id', 'members.workspace_id')
      .select(['members.workspace_id', 'members.role', 'members.agent_id', 'workspaces.name'])
      .where('members.user_id', '=', user.id)
      .orderBy('members.created_at')
      .execute();
    const chosen =
      body.workspaceId === undefined
        ? memberships.length === 1
          ? memberships[0]
          : undefined
        : memberships.find((m) => m.workspace_id === body.workspaceId);
    if (chosen === undefined) {
      if (body.workspaceId === undefined && memberships.length > 1) {
        throw new HttpError(
          'INVALID_STATE',
          'This login belongs to several workspaces; choose one (workspaceId)',
          {
            workspaces: memberships.map((m) => ({
              id: m.workspace_id,
              name: m.name,
              role: m.role,
            })),
          },
        );
      }
      throw new HttpError('FORBIDDEN', 'This login is not a member of that workspace');
    }
    const opened = await db.transaction().execute((trx) =>
      openDevice(trx, {
        workspaceId: chosen.workspace_id,
        userId: user.id,
        name: body.deviceName,
        role: chosen.role,
        agentId: chosen.agent_id,
      }),
    );
    request.log.info(
      { workspaceId: chosen.workspace_id, userId: user.id, deviceId: opened.deviceId },
      'device signed in',
    );
    return reply.send(
      await session({
        workspace: { id: chosen.workspace_id, name: chosen.name },
        user: { id: user.id, email: user.email },
        device: { id: opened.deviceId, name: body.deviceName },
        role: chosen.role,
        agentId: chosen.agent_id,
        refreshToken: opened.refreshToken,
        refreshTokenExpiresAt: opened.refreshTokenExpiresAt,
      }),
    );
  });

  app.post('/refresh', { config: credentialLimit }, async (request, reply) => {
    const body = parseBody(refreshBody, request.body);
    const workspaceId = refreshTokenWorkspace(body.refreshToken);
    if (workspaceId === null) throw unauthorized('Refresh token is invalid');
    const tokenHash = sha256(body.refreshToken);
    const at = now();

    const outcome = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('refresh_tokens')
        .innerJoin('devices', (j) =>
          j
            .onRef('devices.workspace_id', '=', 'refresh_tokens.workspace_id')
            .onRef('devices.id', '=', 'refresh_tokens.device_id'),
        )
        .select([
          'refresh_tokens.id',
          'refresh_tokens.device_id',
          'refresh_tokens.expires_at',
          'refresh_tokens.revoked_at',
          'refresh_tokens.replaced_by',
          'devices.user_id',
          'devices.name as device_name',
          'devices.role',
          'devices.agent_id',
          'devices.revoked_at as device_revoked_at',
        ])
        .where('refresh_tokens.workspace_id', '=', workspaceId)
        .where('refresh_tokens.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (row === undefined) return { kind: 'unknown' as const };
      if (row.device_revoked_at !== null) return { kind: 'device-revoked' as const };
      if (Date.parse(row.expires_at) <= at.getTime()) return { kind: 'expired' as const };

      if (row.revoked_at !== null) {
        // Reused after rotation. Serve a retry whose response was lost (short window, successor
        // never used); anything else means two holders of one token: sign the device out.
        const successor =
          row.replaced_by === null
            ? undefined
            : await trx
                .selectFrom('refresh_tokens')
                .select(['id', 'revoked_at'])
                .where('workspace_id', '=', workspaceId)
                .where('id', '=', row.replaced_by)
                .executeTakeFirst();
        const withinGrace =
          Date.parse(row.revoked_at) + REFRESH_REUSE_GRACE_SECONDS * 1000 > at.getTime();
        if (!withinGrace || successor === undefined || successor.revoked_at !== null) {
          await revokeDevice(trx, workspaceId, row.device_id);
          return { kind: 'reused' as const, deviceId: row.device_id };
        }
        const claimed = await trx
          .updateTable('refresh_tokens')
          .set({ revoked_at: at.toISOString() })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', successor.id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) {
          await revokeDevice(trx, workspaceId, row.device_id);
          return { kind: 'reused' as const, deviceId: row.device_id };
        }
        const issued = await issueRefreshToken(trx, workspaceId, row.device_id, at);
        await trx
          .updateTable('refresh_tokens')
          .set({ replaced_by: issued.refreshTokenId })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', successor.id)
          .execute();
        return { kind: 'ok' as const, row, issued };
      }

      // Rotate: claim this token (the conditional update loses a concurrent race cleanly).
      const issued = await issueRefreshToken(trx, workspaceId, row.device_id, at);
      const claimed = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: at.toISOString(), replaced_by: issued.refreshTokenId })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', row.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) {
        await revokeDevice(trx, workspaceId, row.device_id);
        return { kind: 'reused' as const, deviceId: row.device_id };
      }
      return { kind: 'ok' as const, row, issued };
    });

    switch (outcome.kind) {
      case 'unknown':
        throw unauthorized('Refresh token is invalid');
      case 'expired':
        throw unauthorized('Refresh token expired; sign in again');
      case 'device-revoked':
        throw unauthorized('This device was signed out; sign in again');
      case 'reused':
        request.log.warn(
          { workspaceId, deviceId: outcome.deviceId },
          'refresh token reused: device revoked',
        );
        throw unauthorized(
          'Refresh token was already used; this device was signed out for safety. Sign in again',
        );
      case 'ok': {
        const access = await signer.sign({
          userId: outcome.row.user_id,
          workspaceId,
          deviceId: outcome.row.device_id,
          role: outcome.row.role,
          agentId: outcome.row.agent_id,
        });
        return reply.send({
          accessToken: access.token,
          accessTokenExpiresAt: access.expiresAt,
          refreshToken: outcome.issued.refreshToken,
          refreshTokenExpiresAt: outcome.issued.refreshTokenExpiresAt,
        });
      }
    }
  });

  app.get('/me', { preHandler: [app.authenticate] }, async (request) => {
    const { workspaceId, deviceId, userId, role, agentId } = request.auth;
    const row = await db
      .selectFrom('devices')
      .innerJoin('workspaces', 'workspaces.id', 'devices.workspace_id')
      .innerJoin('users', 'users.id', 'devices.user_id')
      .select(['devices.name as device_name', 'workspaces.name as workspace_name', 'users.email'])
      .where('devices.workspace_id', '=', workspaceId)
      .where('devices.id', '=', deviceId)
      .executeTakeFirstOrThrow();
    return {
      workspace: { id: workspaceId, name: row.workspace_name },
      user: { id: userId, email: row.email },
      device: { id: deviceId, name: row.device_name },
      role,
      agentId,
    };
  });

  app.post('/logout', { preHandler: [app.authenticate] }, async (request, reply) => {
    const { workspaceId, deviceId } = request.auth;
    await db.transaction().execute((trx) => revokeDevice(trx, workspaceId, deviceId));
    request.log.info({ workspaceId, deviceId }, 'device signed out');
    return reply.code(204).send();
  });

  app.get('/devices', { preHandler: [app.authenticate, requireOwner] }, async (request) => {
    const rows = await db
      .selectFrom('devices')
      .innerJoin('users', 'users.id', 'devices.user_id')
      .select([
        'devices.id',
        'devices.name',
        'devices.role',
        'devices.agent_id',
        'devices.created_at',
        'devices.last_seen_at',
        'devices.revoked_at',
        'users.id as user_id',
        'users.email',
      ])
      .where('devices.workspace_id', '=', request.auth.workspaceId)
      .orderBy('devices.created_at')
      .orderBy('devices.id')
      .execute();
    return {
      devices: rows.map((r) => ({
        id: r.id,
        name: r.name,
        role: r.role,
        agentId: r.agent_id,
        user: { id: r.user_id, email: r.email },
        createdAt: r.created_at,
        lastSeenAt: r.last_seen_at,
        revokedAt: r.revoked_at,
        current: r.id === request.auth.deviceId,
      })),
    };
  });

  app.post(
    '/devices/:deviceId/revoke',
    { preHandler: [app.authenticate, requireOwner] },
    async (request) => {
      const { deviceId } = parseBody(deviceParams, request.params, 'device id');
      const { workspaceId } = request.auth;
      const found = await db
        .selectFrom('devices')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', deviceId)
        .executeTakeFirst();
      // A device of another workspace is reported as missing, not forbidden: no probing.
      if (found === undefined)
        throw new HttpError('NOT_FOUND', `Device ${deviceId} does not exist`, {
          what: 'device',
          id: deviceId,
        });
      await db.transaction().execute((trx) => revokeDevice(trx, workspaceId, deviceId));
      const row = await db
        .selectFrom('devices')
        .select(['id', 'revoked_at'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow();
      request.log.info({ workspaceId, deviceId, by: request.auth.deviceId }, 'device revoked');
      return { device: { id: row.id, revokedAt: row.revoked_at } };
    },
  );

  app.post('/invites', { preHandler: [app.authenticate, requireOwner] }, async (request, reply) => {
    const body = parseBody(inviteBody, request.body);
    await assertInvitableAgent(db, request.auth.workspaceId, body.agentId);
    const code = newInviteCode();
    const at = now();
    const expiresAt = addSeconds(at, (body.expiresInHours ?? 72) * 3600);
    await db
      .insertInto('invites')
      .values({
        workspace_id: request.auth.workspaceId,
        code_hash: sha256(normaliseInviteCode(code)),
        agent_id: body.agentId,
        created_by: request.auth.userId,
        created_at: at.toISOString(),
        expires_at: expiresAt,
        used_at: null,
        used_by_device: null,
      })
      .execute();
    request.log.info(
      { workspaceId: request.auth.workspaceId, agentId: body.agentId },
      'invite created',
    );
    return reply.code(201).send({ code, agentId: body.agentId, expiresAt });
  });

  app.post('/invites/redeem', { config: credentialLimit }, async (request, reply) => {
    const body = parseBody(redeemBody, request.body);
    const codeHash = sha256(normaliseInviteCode(body.code));
    const at = now();
    const invite = await db
      .selectFrom('invites')
      .innerJoin('workspaces', 'workspaces.id', 'invites.workspace_id')
      .select([
        'invites.workspace_id',
        'invites.agent_id',
        'invites.expires_at',
        'invites.used_at',
        'workspaces.name',
      ])
      .where('invites.code_hash', '=', codeHash)
      .executeTakeFirst();
    // One message for unknown, used and expired codes: nothing to learn by guessing.
    const refused = () =>
      new HttpError(
        'FORBIDDEN',
        'This invite code is not valid (unknown, already used or expired)',
      );
    if (
      invite === undefined ||
      invite.used_at !== null ||
      Date.parse(invite.expires_at) <= at.getTime()
    ) {
      throw refused();
    }

    const existing = await db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', body.email)
      .executeTakeFirst();
    if (existing !== undefined && !(await verifyPassword(body.password, existing.password_hash))) {
      throw unauthorized('This email already has an account; enter its password to join');
    }
    const passwordHash = existing === undefined ? await hashPassword(body.password) : null;
    const userId = existing?.id ?? uuidv7();

    const opened = await db
      .transaction()
      .execute(async (trx) => {
        if (existing === undefined) {
          await trx
            .insertInto('users')
            .values({
              id: userId,
              email: body.email,
              password_hash: passwordHash!,
              created_at: at.toISOString(),
            })
            .execute();
        } else {
          const member = await trx
            .selectFrom('members')
            .select('role')
            .where('workspace_id', '=', invite.workspace_id)
            .where('user_id', '=', userId)
            .executeTakeFirst();
          if (member !== undefined) {
            throw new HttpError(
              'CONFLICT',
              'This login is already a member of the workspace; sign in instead',
            );
          }
        }
        await trx
          .insertInto('members')
          .values({
            workspace_id: invite.workspace_id,
            user_id: userId,
            role: 'agent',
            agent_id: invite.agent_id,
            created_at: at.toISOString(),
          })
          .execute();
        const device = await openDevice(trx, {
          workspaceId: invite.workspace_id,
          userId,
          name: body.deviceName,
          role: 'agent',
          agentId: invite.agent_id,
        });
        // Claim the code last, conditionally: of two concurrent redemptions only one commits.
        const claimed = await trx
          .updateTable('invites')
          .set({ used_at: at.toISOString(), used_by_device: device.deviceId })
          .where('workspace_id', '=', invite.workspace_id)
          .where('code_hash', '=', codeHash)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) throw refused();
        return device;
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new HttpError('CONFLICT', 'This email was just registered; try again');
        throw err;
      });
    request.log.info(
      { workspaceId: invite.workspace_id, agentId: invite.agent_id, deviceId: opened.deviceId },
      'invite redeemed',
    );
    return reply.code(201).send(
      await session({
        workspace: { id: invite.workspace_id, name: invite.name },
        user: { id: userId, email: body.email },
        device: { id: opened.deviceId, name: body.deviceName },
        role: 'agent',
        agentId: invite.agent_id,
        refreshToken: opened.refreshToken,
        refreshTokenExpiresAt: opened.refreshTokenExpiresAt,
      }),
    );
  });
};

const emailTaken = () =>
  new HttpError('CONFLICT', 'An account with this email already exists; sign in instead', {
    field: 'email',
  });

/**
 * An invite binds a login to an agent of this workspace: the agent must be one the server holds
 * for the workspace (synced from the owner's device) and not deleted. An id of another
 * workspace is reported as missing, like an unknown one: no probing across workspaces.
 */
async function assertInvitableAgent(
  db: Kysely<ServerSchema>,
  workspaceId: string,
  agentId: string,
) {
  const agent = await workspaceAgent(db as unknown as SyncDb, workspaceId, agentId);
  if (agent === null) {
    const message =
      `no agent with id ${agentId} in this workspace: choose one from the agent list; ` +
      'an agent just created on a device reaches the server when that device syncs, so sync and invite again';
    throw new HttpError('NOT_FOUND', `agentId: ${message}`, {
      what: 'agent',
      id: agentId,
      issues: [{ path: 'agentId', message }],
    });
  }
  if (agent.deletedAt !== null) {
    const message = `agent "${agent.name}" was deleted, so they cannot be invited`;
    throw new HttpError('VALIDATION', `agentId: ${message}`, {
      what: 'agent',
      id: agentId,
      state: 'deleted',
      issues: [{ path: 'agentId', message }],
    });
  }
}
