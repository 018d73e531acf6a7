// /v1/sync/push, /v1/sync/pull and /v1/sync/seed (a first upload, owner only), for signed-in
// devices (app.authenticate). Bodies are validated and bounded before anything runs; a refused
// request changes nothing.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ServerDb } from '../db';
import { HttpError, parseBody } from '../errors';
import {
  IMPORT_ROWS_MUTATION,
  importRowCount,
  MAX_IMPORT_SYNC_BYTES,
  MAX_IMPORT_SYNC_ROWS,
  ORDINARY_PUSH_BYTES,
  pullBody,
  pushBody,
  resumeBody,
  seedBody,
  type PushBody,
} from '../../core/sync/protocol';
import { LATEST_VERSION } from '../../db/migrations';
import { requireOwner } from '../auth';
import { conflictRoutes } from './conflicts';
import { SyncEngine } from './engine';
import { migrateSyncTables } from './migrations';
import { resumeDevice } from './resume';
import { seedWorkspace } from './seed';
import type { SyncDb } from './schema';
import {
  DEFAULT_SNAPSHOT_MIN_ROWS,
  DEFAULT_SNAPSHOT_REFRESH_ROWS,
  Snapshots,
  type SnapshotOptions,
} from './snapshot';

/**
 * A push carries at most this many bytes: MAX_PUSH_MUTATIONS mutations of ordinary size, plus
 * the imports among them (a device keeps the imports it has not pushed under
 * MAX_IMPORT_SYNC_BYTES together), plus room for the envelope.
 */
export const PUSH_BODY_LIMIT = ORDINARY_PUSH_BYTES + MAX_IMPORT_SYNC_BYTES + 64 * 1024;
/** A first-upload page carries at most this many bytes (the device keeps a page near 1 MiB). */
export const SEED_BODY_LIMIT = 2 * 1024 * 1024;

export interface SyncRoutesOptions {
  db: ServerDb;
  /** Snapshots for first syncs (default: on, in a fresh temporary folder); false: none. */
  snapshots?: Partial<SnapshotOptions> | false;
}

const snapshotQuery = z.object({
  schemaVersion: z.coerce.number().int().min(0),
  encoding: z.enum(['identity', 'gzip']).default('identity'),
});

/**
 * Imports have their own allowance in a push; everything else stays within the ordinary one, as
 * before imports were synced (a bigger body of other mutations is refused as it always was).
 */
function checkPushSize(body: PushBody): void {
  let ordinary = 0;
  let imports = 0;
  let importRows = 0;
  for (const m of body.mutations) {
    if (m.name !== IMPORT_ROWS_MUTATION) {
      ordinary += Buffer.byteLength(JSON.stringify(m));
      continue;
    }
    imports += Buffer.byteLength(JSON.stringify(m.args));
    importRows += importRowCount(m);
  }
  if (
    ordinary > ORDINARY_PUSH_BYTES ||
    imports > MAX_IMPORT_SYNC_BYTES ||
    importRows > MAX_IMPORT_SYNC_ROWS
  )
    throw new HttpError(
      'PAYLOAD_TOO_LARGE',
      `This push is too large: ${ordinary} bytes of changes (at most ${ORDINARY_PUSH_BYTES}), ` +
        `imports of ${importRows} rows and ${imports} bytes (at most ${MAX_IMPORT_SYNC_ROWS} rows and ${MAX_IMPORT_SYNC_BYTES} bytes).`,
      {
        ordinary,
        imports,
        importRows,
        maxOrdinary: ORDINARY_PUSH_BYTES,
        maxImports: MAX_IMPORT_SYNC_BYTES,
        maxImportRows: MAX_IMPORT_SYNC_ROWS,
      },
    );
}

export const syncRoutes: FastifyPluginAsync<SyncRoutesOptions> = async (app, opts) => {
  await migrateSyncTables(opts.db.db);
  const engine = new SyncEngine(opts.db.db as unknown as SyncDb, opts.db.dialect, () => app.now());
  const snapshots = startSnapshots(opts, (msg, fields) => app.log.info(fields ?? {}, msg));
  app.addHook('onClose', async () => {
    await snapshots?.close();
    await engine.mirrors.close();
  });

  app.post(
    '/push',
    // Authenticated before the body (up to PUSH_BODY_LIMIT) is read and parsed.
    { onRequest: [app.authenticate], bodyLimit: PUSH_BODY_LIMIT },
    async (request) => {
      const body = parseBody(pushBody, request.body);
      checkPushSize(body);
      const response = await engine.push(request.auth, body);
      snapshots?.pushed(request.auth.workspaceId);
      return response;
    },
  );

  app.post(
    '/seed',
    { preHandler: [app.authenticate, requireOwner], bodyLimit: SEED_BODY_LIMIT },
    async (request) => {
      const body = parseBody(seedBody, request.body);
      const result = await seedWorkspace(engine, opts.db.dialect, request.auth, body);
      // A business just arrived whole: its snapshot is built now, before a second device asks.
      if (body.done === true) void snapshots?.refresh(request.auth.workspaceId);
      return result;
    },
  );

  // A store signing back in takes over from the device it was (./resume.ts).
  app.post('/resume', { preHandler: [app.authenticate] }, async (request) =>
    resumeDevice(
      opts.db.db as unknown as SyncDb,
      request.auth,
      parseBody(resumeBody, request.body),
      app.now(),
    ),
  );

  app.post('/pull', { preHandler: [app.authenticate] }, async (request, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .send(await engine.pullText(request.auth, parseBody(pullBody, request.body))),
  );

  // The workspace as a store file, for an owner device's first sync (see ./snapshot.ts): as it
  // is, or gzip-compressed when asked. 404 when there is none (yet) for the device's schema
  // version: the device pulls rows instead.
  app.get('/snapshot', { preHandler: [app.authenticate, requireOwner] }, async (request, reply) => {
    const { schemaVersion, encoding } = parseBody(snapshotQuery, request.query, 'query');
    const snap =
      snapshots === null || schemaVersion !== LATEST_VERSION
        ? null
        : await snapshots.current(request.auth.workspaceId);
    if (snap === null)
      throw new HttpError('NOT_FOUND', 'No snapshot of this workspace is ready; pull its rows.');
    const gzip = encoding === 'gzip';
    return reply
      .type(gzip ? 'application/gzip' : 'application/vnd.sqlite3')
      .header('content-length', gzip ? snap.gzipBytes : snap.bytes)
      .header('x-qundesk-encoding', gzip ? 'gzip' : 'identity')
      .header('x-qundesk-bytes', String(snap.bytes))
      .header('x-qundesk-cursor', String(snap.cursor))
      .header('x-qundesk-sha256', snap.sha256)
      .header('x-qundesk-schema-version', String(snap.schemaVersion))
      .send(Snapshots.open(snap, gzip));
  });

  await app.register(conflictRoutes, { db: opts.db });
};

function startSnapshots(opts: SyncRoutesOptions, log: SnapshotOptions['log']): Snapshots | null {
  // A store in memory cannot be opened by the build's process: no snapshots.
  if (opts.snapshots === false || opts.db.target === ':memory:') return null;
  const given = opts.snapshots ?? {};
  return new Snapshots(opts.db.db as unknown as SyncDb, {
    ...(given.dir === undefined ? {} : { dir: given.dir }),
    target: opts.db.target,
    minRows: given.minRows ?? DEFAULT_SNAPSHOT_MIN_ROWS,
    refreshRows: given.refreshRows ?? DEFAULT_SNAPSHOT_REFRESH_ROWS,
    log: given.log ?? log,
  });
}
