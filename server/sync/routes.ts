// /v1/sync/push, /v1/sync/pull and /v1/sync/seed (a first upload, owner only), for signed-in
// devices (app.authenticate). Bodies are validated and bounded before anything runs; a refused
// request changes nothing.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerDb } from '../db';
import { parseBody } from '../errors';
import { pullBody, pushBody, seedBody } from '../../core/sync/protocol';
import { requireOwner } from '../auth';
import { conflictRoutes } from './conflicts';
import { SyncEngine } from './engine';
import { migrateSyncTables } from './migrations';
import { seedWorkspace } from './seed';
import type { SyncDb } from './schema';

/** A push carries at most this many bytes (MAX_PUSH_MUTATIONS mutations of ordinary size). */
export const PUSH_BODY_LIMIT = 2 * 1024 * 1024;
/** A first-upload page carries at most this many bytes (the device keeps a page near 1 MiB). */
export const SEED_BODY_LIMIT = 2 * 1024 * 1024;

export const syncRoutes: FastifyPluginAsync<{ db: ServerDb }> = async (app, opts) => {
  await migrateSyncTables(opts.db.db);
  const engine = new SyncEngine(opts.db.db as unknown as SyncDb, opts.db.dialect, () => app.now());
  app.addHook('onClose', async () => engine.mirrors.close());

  app.post(
    '/push',
    { preHandler: [app.authenticate], bodyLimit: PUSH_BODY_LIMIT },
    async (request) => engine.push(request.auth, parseBody(pushBody, request.body)),
  );

  app.post(
    '/seed',
    { preHandler: [app.authenticate, requireOwner], bodyLimit: SEED_BODY_LIMIT },
    async (request) =>
      seedWorkspace(engine, opts.db.dialect, request.auth, parseBody(seedBody, request.body)),
  );

  app.post('/pull', { preHandler: [app.authenticate] }, async (request, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .send(await engine.pullText(request.auth, parseBody(pullBody, request.body))),
  );

  await app.register(conflictRoutes, { db: opts.db });
};
