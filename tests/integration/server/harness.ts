// A real cloud server on 127.0.0.1 (random port) over a fresh SQLite file or PostgreSQL
// database, with a clock the test can move, and a small fetch wrapper.
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, type BuildServerOptions } from '../../../server/app';
import { createServerDb, type ServerDb } from '../../../server/db';
import { createPgDatabase, type PgTestDatabase } from '../../support/pg';

export type StoreKind = 'sqlite' | 'postgres';

/** A store for one test file: a temp SQLite file or a fresh PostgreSQL database. */
export interface TestStore {
  kind: StoreKind;
  /** Opens (and migrates) the store; each call is a new connection/pool on the same data. */
  open(): Promise<ServerDb>;
  dispose(): Promise<void>;
}

export async function createTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'postgres') {
    const database: PgTestDatabase = await createPgDatabase();
    return {
      kind,
      open: () => createServerDb({ url: database.url }),
      dispose: () => database.drop(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'qd-server-'));
  return {
    kind,
    open: () => createServerDb({ file: join(dir, 'server.sqlite') }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  app: FastifyInstance;
  db: ServerDb;
  base: string;
  clock: TestClock;
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { json?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<Reply<T>>;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export async function startTestServer(
  db: ServerDb,
  options: Partial<Omit<BuildServerOptions, 'db' | 'now'>> = {},
): Promise<TestServer> {
  const clock = new TestClock();
  const app = await buildServer({
    db,
    jwtSecret: TEST_JWT_SECRET,
    now: clock.now,
    rateLimit: { credentialMax: 10_000 },
    ...options,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    app,
    db,
    base,
    clock,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      let body: string | undefined;
      if (o.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(o.json);
      } else if (o.raw !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = o.raw;
      }
      if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
      const res = await fetch(`${base}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = {};
      if (text !== '' && (res.headers.get('content-type') ?? '').includes('json'))
        parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed as never, text };
    },
    close: () => app.close(),
  };
}
