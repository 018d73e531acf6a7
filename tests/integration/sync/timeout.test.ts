// A sync server that accepts the connection and never answers must not hang the client (and
// with it the core's one-at-a-time queue): each request gives up after requestTimeoutMs and
// the device is reported offline.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../db/store';
import { SyncClient, SyncHttpError } from '../../../core/sync/client';

let silent: Server;
let port = 0;
const sockets = new Set<Socket>();
let dir: string;
let store: Store;

beforeAll(async () => {
  silent = createServer((s) => {
    sockets.add(s); // read nothing, answer nothing
  });
  await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  port = (silent.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'qd-sync-timeout-'));
  store = openStore(join(dir, 'store.sqlite'));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((ok) => silent.close(ok));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('gives up on a server that never answers and says the server cannot be reached', async () => {
  const client = new SyncClient({ store, auto: false, requestTimeoutMs: 300 });
  const err = await client
    .signIn({
      serverUrl: `http://127.0.0.1:${port}`,
      email: 'owner@example.com',
      password: 'secret-secret',
      deviceName: 'desk',
    })
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(SyncHttpError);
  expect((err as SyncHttpError).message).toMatch(/cannot be reached/);
  expect(sockets.size).toBeGreaterThan(0); // the request did reach the silent server
  await client.close();
});
