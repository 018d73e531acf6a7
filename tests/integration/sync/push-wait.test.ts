// A push's answer comes once the server has replayed it, and an import replays row by row: the
// device waits longer for a push that carries one (PUSH_WAIT_MS_PER_IMPORT_ROW per row), so a
// big import on a slow server is not given up on (and sent again) while it is being applied.
// The slow server is played by holding the push's answer back: real server, real stores.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Device, diffRows, serverView, startServer, type SimServer } from '../../sim/harness';
import { writeCsv } from '../../support/imports-fixtures';
import { systemClock } from '../../../core/api/context';
import type { Fetch } from '../../../core/sync/client';
import { outboxCount } from '../../../core/sync/device';
import { PUSH_WAIT_MS_PER_IMPORT_ROW } from '../../../core/sync/protocol';

const TIMEOUT_MS = 300;
const HELD_MS = 900;
const ROWS = 1000; // waits TIMEOUT_MS + ROWS x PUSH_WAIT_MS_PER_IMPORT_ROW for the answer

let server: SimServer;
let a: Device;

/** Real requests; the answers to pushes arrive HELD_MS late. */
const slowPushes: Fetch = async (url, init) => {
  const res = await fetch(url, init);
  if (url.endsWith('/v1/sync/push')) {
    const body = await res.text();
    await new Promise((resolve) => setTimeout(resolve, HELD_MS));
    if (init.signal?.aborted) throw new DOMException('The operation timed out.', 'TimeoutError');
    return new Response(body, { status: res.status, headers: res.headers });
  }
  return res;
};

beforeAll(async () => {
  server = await startServer('sqlite');
  a = new Device({
    name: 'a',
    clock: systemClock,
    fetch: slowPushes,
    requestTimeoutMs: TIMEOUT_MS,
  });
});

afterAll(async () => {
  await a.dispose();
  await server.close();
});

it('waits longer for a push that carries an import than for one that does not', async () => {
  expect(ROWS * PUSH_WAIT_MS_PER_IMPORT_ROW + TIMEOUT_MS).toBeGreaterThan(HELD_MS * 2);
  const s = await a.client.signUp({
    serverUrl: server.url,
    email: 'wait@example.com',
    password: 'correct horse battery',
    workspaceName: '小店',
    deviceName: 'a',
  });
  a.refreshCore();

  // An ordinary push answered late is given up on (the server applied it all the same).
  await a.core.invoke('workspace.init', { name: '小店' });
  await expect(a.client.syncOnce()).rejects.toThrow(/cannot be reached/);
  expect(outboxCount(a.store.sqlite).unpushed).toBe(1);

  // A push carrying 1,000 imported rows is waited for: the push goes through at once.
  const rows = [['姓名', '手机']];
  for (let i = 0; i < ROWS; i++) rows.push([`顾客${i}`, `139${String(i).padStart(8, '0')}`]);
  const file = writeCsv(a.dir, 'customers.csv', rows);
  expect(await a.core.invoke('import.run', { kind: 'customers', file })).toMatchObject({
    inserted: ROWS,
  });
  await a.client.syncOnce();
  expect(outboxCount(a.store.sqlite).unpushed).toBe(0);
  expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
});
