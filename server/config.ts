// Settings of `npm run server`, from the environment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_SQLITE_FILE, isPostgresUrl } from './db';

export interface ServerConfig {
  port: number;
  host: string;
  /** PostgreSQL URL, or undefined for the SQLite file. */
  databaseUrl: string | undefined;
  sqliteFile: string;
  jwtSecret: string;
  /** Where the secret came from, for the startup log. */
  jwtSecretSource: 'env' | 'file' | 'generated';
  jwtSecretFile: string | undefined;
  updatesDir: string | undefined;
  trustProxy: boolean;
  pgPoolMax: number;
  /** Where this node keeps workspace snapshots for first syncs (a cache). */
  snapshotDir: string;
  /** Workspaces with fewer synced rows get no snapshot. */
  snapshotMinRows: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8787 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0-65535), got ${JSON.stringify(env.PORT)}`);
  }
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const sqliteFile = resolve(env.QUNDESK_SERVER_DB || DEFAULT_SQLITE_FILE);
  const secret = jwtSecret(env, databaseUrl === undefined ? sqliteFile : undefined);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    sqliteFile,
    ...secret,
    updatesDir: env.UPDATES_DIR || undefined,
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    pgPoolMax: poolMax(env.PG_POOL_MAX),
    snapshotDir: resolve(
      env.QUNDESK_SNAPSHOT_DIR ||
        (databaseUrl === undefined
          ? `${sqliteFile}-snapshots`
          : join(tmpdir(), `qundesk-snapshots-${process.pid}`)),
    ),
    snapshotMinRows: wholeNumber(
      'QUNDESK_SNAPSHOT_MIN_ROWS',
      env.QUNDESK_SNAPSHOT_MIN_ROWS,
      20_000,
    ),
  };
}

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a whole number (0 or more), got ${value}`);
  return n;
}

function poolMax(value: string | undefined): number {
  if (value === undefined || value === '') return 10;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`PG_POOL_MAX must be a whole number above 0, got ${value}`);
  return n;
}

/**
 * QUNDESK_JWT_SECRET, else a secret persisted next to the SQLite file (generated on first run).
 * With PostgreSQL there is no local file to share between nodes, so the secret is required.
 */
function jwtSecret(
  env: NodeJS.ProcessEnv,
  sqliteFile: string | undefined,
): Pick<ServerConfig, 'jwtSecret' | 'jwtSecretSource' | 'jwtSecretFile'> {
  const fromEnv = env.QUNDESK_JWT_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 32) throw new Error('QUNDESK_JWT_SECRET must be at least 32 characters');
    return { jwtSecret: fromEnv, jwtSecretSource: 'env', jwtSecretFile: undefined };
  }
  if (sqliteFile === undefined) {
    throw new Error(
      'Set QUNDESK_JWT_SECRET (at least 32 random characters, the same on every API node) when DATABASE_URL is set',
    );
  }
  const file = `${sqliteFile}.jwt-secret`;
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length < 32)
      throw new Error(`${file} holds a JWT secret shorter than 32 characters`);
    return { jwtSecret: stored, jwtSecretSource: 'file', jwtSecretFile: file };
  }
  mkdirSync(dirname(file), { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  return { jwtSecret: generated, jwtSecretSource: 'generated', jwtSecretFile: file };
}
