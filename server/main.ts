// `npm run server`: the cloud API on PORT (8787) / HOST (127.0.0.1), SQLite by default,
// PostgreSQL when DATABASE_URL is set. Stops cleanly on SIGINT/SIGTERM: stops accepting,
// finishes in-flight requests, closes the store.
import { buildServer } from './app';
import { readConfig } from './config';
import { createServerDb } from './db';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfig();
  const db = await createServerDb(
    config.databaseUrl === undefined
      ? { file: config.sqliteFile }
      : { url: config.databaseUrl, poolMax: config.pgPoolMax },
  );
  const app = await buildServer({
    db,
    logger: true,
    jwtSecret: config.jwtSecret,
    ...(config.updatesDir === undefined ? {} : { updatesDir: config.updatesDir }),
    trustProxy: config.trustProxy,
    snapshots: { dir: config.snapshotDir, minRows: config.snapshotMinRows },
  });
  const log = app.log;
  if (config.jwtSecretSource !== 'env') {
    log.warn(
      { file: config.jwtSecretFile },
      `JWT secret ${config.jwtSecretSource === 'generated' ? 'generated and saved' : 'read'} next to the SQLite file; ` +
        'in production set QUNDESK_JWT_SECRET (the same on every API node)',
    );
  }
  log.info(
    db.dialect === 'sqlite' ? { store: 'sqlite', file: config.sqliteFile } : { store: 'postgres' },
    'store ready',
  );

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    app
      .close()
      .then(() => db.destroy())
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    log.error({ err }, 'could not listen');
    await db.destroy();
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
