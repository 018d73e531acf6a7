// A fresh PostgreSQL database per test file (or per call), dropped afterwards.
//
// The admin connection is, in order: QUNDESK_TEST_PG_ADMIN_URL; the `postgres` superuser over
// the local socket (works when the tests run as the postgres OS user); the OS user's own role
// over the socket. When the tests run as root (CI containers) and peer authentication refuses
// both, a login role named after the OS user with CREATEDB is created once through
// `runuser -u postgres -- psql`. When nothing works the error says how to fix it: the PG
// variants of the tests fail loudly instead of skipping.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

export const PG_SOCKET_DIR = process.env.QUNDESK_TEST_PG_SOCKET ?? '/var/run/postgresql';

export interface PgTestDatabase {
  /** postgres:// URL of the fresh database, for createServerDb({ url }). */
  url: string;
  name: string;
  /** Drops the database (forcing out open connections). Safe to call twice. */
  drop(): Promise<void>;
}

interface Admin {
  config: pg.ClientConfig;
  /** The URL of a database `name` reachable with the same credentials. */
  urlFor(name: string): string;
}

let adminPromise: Promise<Admin> | undefined;

function socketAdmin(user: string): Admin {
  return {
    config: { host: PG_SOCKET_DIR, user, database: 'postgres' },
    urlFor: (name) =>
      `postgres://${encodeURIComponent(user)}@${encodeURIComponent(PG_SOCKET_DIR)}/${name}`,
  };
}

async function canConnect(config: pg.ClientConfig): Promise<Error | null> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    await client.end().catch(() => {});
  }
}

async function findAdmin(): Promise<Admin> {
  const fromEnv = process.env.QUNDESK_TEST_PG_ADMIN_URL;
  if (fromEnv !== undefined && fromEnv !== '') {
    const admin: Admin = {
      config: { connectionString: fromEnv },
      urlFor: (name) => {
        const u = new URL(fromEnv);
        u.pathname = `/${name}`;
        return u.toString();
      },
    };
    const err = await canConnect(admin.config);
    if (err !== null) throw unreachable(`QUNDESK_TEST_PG_ADMIN_URL refused: ${err.message}`);
    return admin;
  }

  const tried: string[] = [];
  const osUser = userInfo().username;
  for (const user of osUser === 'postgres' ? ['postgres'] : ['postgres', osUser]) {
    const admin = socketAdmin(user);
    const err = await canConnect(admin.config);
    if (err === null) return admin;
    tried.push(`${user}@${PG_SOCKET_DIR}: ${err.message}`);
  }

  if (process.getuid?.() === 0 && osUser !== 'postgres') {
    // Peer authentication maps OS user root to role root: give it a role that may create databases.
    // Several test workers may race here; a loser's "already exists" is fine, so connect anyway.
    let createError = '';
    try {
      execFileSync(
        'runuser',
        [
          '-u',
          'postgres',
          '--',
          'psql',
          '-h',
          PG_SOCKET_DIR,
          '-v',
          'ON_ERROR_STOP=1',
          '-qc',
          `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${osUser}') THEN CREATE ROLE "${osUser}" LOGIN CREATEDB; END IF; END $$;`,
        ],
        { stdio: 'pipe', timeout: 15_000 },
      );
    } catch (err) {
      createError = ` (creating it via runuser/psql: ${(err as Error).message.split('\n')[0]})`;
    }
    const admin = socketAdmin(osUser);
    const err = await canConnect(admin.config);
    if (err === null) return admin;
    tried.push(`${osUser}@${PG_SOCKET_DIR} after creating the role: ${err.message}${createError}`);
  }
  throw unreachable(tried.join('; '));
}

function unreachable(why: string): Error {
  return new Error(
    `PostgreSQL is not reachable for the PG variant of these tests (${why}). ` +
      'Start it (`pg_ctlcluster 15 main start`; `pg_lsclusters` shows its state) or set ' +
      'QUNDESK_TEST_PG_ADMIN_URL to a role that may CREATE DATABASE.',
  );
}

async function admin(): Promise<Admin> {
  adminPromise ??= findAdmin();
  try {
    return await adminPromise;
  } catch (err) {
    adminPromise = undefined; // let a later call retry (e.g. after PostgreSQL was started)
    throw err;
  }
}

async function adminQuery(sql: string): Promise<void> {
  const { config } = await admin();
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database qd_test_<random>; drop it with the returned drop(). */
export async function createPgDatabase(): Promise<PgTestDatabase> {
  const { urlFor } = await admin();
  const name = `qd_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  let dropped = false;
  return {
    url: urlFor(name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      // WITH (FORCE) may not end a connection of another role (an autovacuum worker that has
      // just entered the database): PostgreSQL refuses with 42501; it leaves shortly, so retry.
      for (let attempt = 1; ; attempt++) {
        try {
          await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          return;
        } catch (err) {
          if ((err as { code?: string }).code !== '42501' || attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
  };
}

/** Runs fn with the URL of a fresh database, dropped afterwards whatever happens. */
export async function withPgDatabase<T>(
  fn: (url: string, database: PgTestDatabase) => Promise<T>,
): Promise<T> {
  const database = await createPgDatabase();
  try {
    return await fn(database.url, database);
  } finally {
    await database.drop();
  }
}
