// The cloud server: auth, sync, health and the update feed on one Fastify instance. Stateless
// apart from the store (and in-memory rate-limit counters), so many nodes can run behind a
// load balancer when they share the JWT secret and the database.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createAuthenticate, type AuthContext } from './auth';
import { authRoutes } from './auth/routes';
import { TokenSigner } from './auth/tokens';
import type { ServerDb } from './db';
import { installErrorHandlers } from './errors';
import { healthRoutes } from './health';
import {
  DEFAULT_RATE_LIMIT,
  registerJsonDepthLimit,
  registerRateLimit,
  type RateLimitSettings,
} from './limits';
import { DEFAULT_UPDATES_DIR, registerUpdateFeed } from './updates';
import { syncRoutes, type SyncRoutesOptions } from './sync/routes';

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's clock (injectable in tests); use it instead of new Date(). */
    now: () => Date;
  }
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface BuildServerOptions {
  db: ServerDb;
  /** Fastify/pino logger options; false (default) for none. */
  logger?: boolean | object;
  /** HS256 secret (>= 32 characters). Without one a random secret is used: tokens die with the process. */
  jwtSecret?: string;
  /** The electron-updater feed folder served at /updates/ (default server/updates). */
  updatesDir?: string;
  /** Default request body limit in bytes (1 MiB); a route may set its own. */
  bodyLimit?: number;
  now?: () => Date;
  /** false turns rate limiting off (simulators, benches). */
  rateLimit?: RateLimitSettings | false;
  /** Trust X-Forwarded-For from the load balancer (for per-IP limits and logs). */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Workspace snapshots for first syncs (server/sync/snapshot.ts); false: none. */
  snapshots?: SyncRoutesOptions['snapshots'];
}

export async function buildServer(opts: BuildServerOptions): Promise<FastifyInstance> {
  const now = opts.now ?? (() => new Date());
  const logger =
    opts.logger === true
      ? { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] }
      : (opts.logger ?? false);
  const app = Fastify({
    logger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    // Shorter than the load balancer's, so the balancer never reuses a socket we are closing.
    keepAliveTimeout: 60_000,
    return503OnClosing: true,
  });
  const signer = new TokenSigner(opts.jwtSecret ?? randomBytes(48).toString('base64url'), now);

  installErrorHandlers(app);
  registerJsonDepthLimit(app);
  app.decorate('now', now);
  // Fastify wants null (not an object) as the initial value; authenticate sets the real one.
  app.decorateRequest('auth', null as unknown as AuthContext);
  app.decorate('authenticate', createAuthenticate({ db: opts.db, signer, now }));

  const limits = opts.rateLimit === false ? false : { ...DEFAULT_RATE_LIMIT, ...opts.rateLimit };
  if (limits !== false) await registerRateLimit(app, signer, limits);

  await app.register(healthRoutes, { prefix: '/v1', db: opts.db });
  await app.register(authRoutes, {
    prefix: '/v1/auth',
    db: opts.db,
    signer,
    now,
    credentialRateLimit: limits === false ? false : limits.credentialMax,
  });
  await app.register(syncRoutes, {
    prefix: '/v1/sync',
    db: opts.db,
    ...(opts.snapshots === undefined ? {} : { snapshots: opts.snapshots }),
  });
  await registerUpdateFeed(app, opts.updatesDir ?? DEFAULT_UPDATES_DIR);

  await app.ready();
  return app;
}
