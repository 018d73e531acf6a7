// Who is calling: `app.authenticate` (a preHandler) verifies the bearer access token, then
// checks the device row on every request, so a revoked device is refused at once even while
// its short-lived token has not expired. Role and agent come from the device row, not the token.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ServerDb } from '../db';
import type { MemberRole } from '../db/schema';
import { forbidden, unauthorized } from '../errors';
import type { TokenSigner } from './tokens';

export interface AuthContext {
  workspaceId: string;
  deviceId: string;
  userId: string;
  role: MemberRole;
  /** Set when role = agent: the agent whose subtree this device may see and change. */
  agentId: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: verifies the bearer token and the device; sets request.auth or replies 401. */
    authenticate: preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /** Set by app.authenticate; only read it in routes that run that preHandler. */
    auth: AuthContext;
  }
}

/** last_seen_at is written at most this often per device (not on every request). */
const LAST_SEEN_EVERY_MS = 60_000;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export interface AuthDeps {
  db: ServerDb;
  signer: TokenSigner;
  now: () => Date;
}

export function createAuthenticate(deps: AuthDeps): preHandlerAsyncHookHandler {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply) {
    const token = bearerToken(request);
    if (token === null) throw unauthorized('Missing bearer access token (Authorization: Bearer …)');
    const verified = await deps.signer.verify(token);
    if (!verified.ok) throw unauthorized(verified.reason);
    const { claims } = verified;
    const device = await deps.db.db
      .selectFrom('devices')
      .select(['user_id', 'role', 'agent_id', 'revoked_at', 'last_seen_at'])
      .where('workspace_id', '=', claims.workspaceId)
      .where('id', '=', claims.deviceId)
      .executeTakeFirst();
    if (device === undefined || device.user_id !== claims.userId) {
      throw unauthorized('Access token names an unknown device');
    }
    if (device.revoked_at !== null) {
      throw unauthorized('This device was signed out; sign in again');
    }
    const now = deps.now();
    if (
      device.last_seen_at === null ||
      Date.parse(device.last_seen_at) + LAST_SEEN_EVERY_MS <= now.getTime()
    ) {
      await deps.db.db
        .updateTable('devices')
        .set({ last_seen_at: now.toISOString() })
        .where('workspace_id', '=', claims.workspaceId)
        .where('id', '=', claims.deviceId)
        .execute();
    }
    // Every later log line of this request says which workspace and device it was.
    request.log = request.log.child({ workspaceId: claims.workspaceId, deviceId: claims.deviceId });
    request.auth = {
      workspaceId: claims.workspaceId,
      deviceId: claims.deviceId,
      userId: claims.userId,
      role: device.role,
      agentId: device.agent_id,
    };
  };
}

/** The same preHandler as app.authenticate, for route files that prefer an import. */
export const authenticate: preHandlerAsyncHookHandler = function (this, request, reply) {
  return request.server.authenticate.call(this, request, reply);
};

/** preHandler to run after app.authenticate: only the workspace owner's devices pass. */
export async function requireOwner(request: FastifyRequest): Promise<void> {
  if (request.auth?.role !== 'owner') throw forbidden('Only the workspace owner may do this');
}

export { TokenSigner } from './tokens';
