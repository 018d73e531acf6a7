// GET /v1/health: for load balancers and monitoring. 200 when the store answers, else 503.
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { ServerDb } from './db';
import { SERVER_VERSION } from './version';

export const healthRoutes: FastifyPluginAsync<{ db: ServerDb }> = async (app, { db }) => {
  app.get('/health', { config: { rateLimit: false } }, async (request, reply) => {
    let reachable = true;
    try {
      await sql`select 1`.execute(db.db);
    } catch (err) {
      reachable = false;
      request.log.error({ err }, 'health: database unreachable');
    }
    return reply.code(reachable ? 200 : 503).send({
      ok: reachable,
      db: { reachable, dialect: db.dialect },
      version: SERVER_VERSION,
    });
  });
};
