// Sync failures reach the UI as a stable problem code (details.syncProblem on a failed call,
// `problem` on sync.status / sync.now) that the renderer words in the user's language; the
// server's own text stays the message. Checked against the real server's answers (wrong
// password, used invite code, taken email, revoked device, old client, rate limit, no server,
// silent server, a server restored from an older copy) so the codes follow what the server and
// the client actually say.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../../server/app';
import { createServerDb, type ServerDb } from '../../../server/db';
import { Device, startServer, type SimServer } from '../../sim/harness';
import { systemClock } from '../../../core/api/context';
import { AppError } from '../../../core/api/errors';
import { createCore } from '../../../core/api/dispatcher';
import { openStore, type Store } from '../../../db/store';
import { SyncClient, SyncHttpError } from '../../../core/sync/client';
import { getState } from '../../../core/sync/device';
import {
  attachSyncClient,
  syncProblemOf,
  syncStatusProblem,
  type SyncProblem,
} from '../../../core/sync/methods';

const PASSWORD = 'correct horse battery';

/** The failure of a contract call, as the renderer receives it. */
async function failure(p: Promise<unknown>): Promise<{
  code: string;
  message: string;
  problem: SyncProblem | undefined;
  details: Record<string, unknown> | undefined;
}> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  return {
    code: e.code,
    message: e.message,
    problem: e.details?.syncProblem as SyncProblem | undefined,
    details: e.details,
  };
}

function device(name: string): Device {
  const d = new Device({ name, clock: systemClock });
  attachSyncClient(d.client);
  return d;
}

describe('sync problems against the real server (sqlite)', () => {
  let server: SimServer;
  const devices: Device[] = [];
  let owner: Device;
  let agentId: string;

  beforeAll(async () => {
    server = await startServer('sqlite');
    owner = device('owner');
    devices.push(owner);
    await owner.core.invoke('workspace.init', { name: '小店' });
    agentId = (await owner.core.invoke('agent.create', { name: '甲', tier: 'general' })).id;
    await owner.core.invoke('sync.signIn', {
      serverUrl: server.url,
      email: 'owner@example.com',
      password: PASSWORD,
      deviceName: 'owner',
      createWorkspace: true,
      workspaceName: '小店',
    });
    await owner.client.syncOnce();
  });

  afterAll(async () => {
    for (const d of devices) await d.dispose();
    await server.close();
  });

  it('wrong password: wrong-password, with the server text as the message', async () => {
    const d = device('wrong');
    devices.push(d);
    const f = await failure(
      d.core.invoke('sync.signIn', {
        serverUrl: server.url,
        email: 'owner@example.com',
        password: 'not the password',
        deviceName: 'x',
      }),
    );
    expect(f).toMatchObject({
      problem: 'wrong-password',
      message: 'Wrong email or password',
      code: 'FORBIDDEN',
    });
    expect(f.details).toMatchObject({ httpStatus: 401, serverCode: 'UNAUTHORIZED' });
  });

  it('an email that has an account: email-taken', async () => {
    const d = device('taken');
    devices.push(d);
    await d.core.invoke('workspace.init', { name: '另一家' });
    const f = await failure(
      d.core.invoke('sync.signIn', {
        serverUrl: server.url,
        email: 'owner@example.com',
        password: PASSWORD,
        deviceName: 'x',
        createWorkspace: true,
      }),
    );
    expect(f).toMatchObject({ problem: 'email-taken', code: 'CONFLICT' });
  });

  it('a business uploaded after another device wrote to the workspace: workspace-in-use', async () => {
    // A signs up with its business; before its first upload, B (an empty store) signs in to
    // the same account and syncs a change. A's upload is refused from then on: two businesses
    // cannot be merged, and the words say what to do (it used to read as "email taken").
    const a = device('upload-a');
    const b = device('upload-b');
    devices.push(a, b);
    await a.core.invoke('workspace.init', { name: '甲店' });
    await a.core.invoke('customer.create', { name: '张三' });
    await a.core.invoke('sync.signIn', {
      serverUrl: server.url,
      email: 'upload@example.com',
      password: PASSWORD,
      deviceName: 'a',
      createWorkspace: true,
      workspaceName: '甲店',
    });
    a.refreshCore();
    await b.core.invoke('sync.signIn', {
      serverUrl: server.url,
      email: 'upload@example.com',
      password: PASSWORD,
      deviceName: 'b',
    });
    b.refreshCore();
    await b.core.invoke('customer.create', { name: '李四' });
    expect(await b.core.invoke('sync.now', {})).toMatchObject({ status: 'up-to-date' });

    const now = await a.core.invoke('sync.now', {});
    expect(now).toMatchObject({ status: 'error', problem: 'workspace-in-use' });
    expect(now.message).toMatch(/already in use/);
    expect(await a.core.invoke('sync.status', {})).toMatchObject({
      status: 'error',
      problem: 'workspace-in-use',
    });
    expect(syncStatusProblem('error', now.message)).toBe('workspace-in-use');
    // Nothing of A's business was lost on the device.
    const names = (await a.core.invoke('customer.list', {})).rows.map((c) => c.name);
    expect(names).toContain('张三');
  });

  it('an address that is not a sync server: wrong-server', async () => {
    const d = device('wrong-server');
    devices.push(d);
    const f = await failure(
      d.core.invoke('sync.signIn', {
        serverUrl: `${server.url}/not-here`,
        email: 'owner@example.com',
        password: PASSWORD,
        deviceName: 'x',
      }),
    );
    expect(f.problem).toBe('wrong-server');
  });

  it('an invite code used twice, or made up: invite-invalid', async () => {
    const { code } = await owner.client.createInvite(agentId);
    const first = device('agent1');
    devices.push(first);
    await first.core.invoke('sync.joinAsAgent', {
      serverUrl: server.url,
      code,
      email: 'agent@example.com',
      password: PASSWORD,
      deviceName: 'agent phone',
    });
    for (const c of [code, 'AAAA-BBBB-CCCC']) {
      const again = device('agent2');
      devices.push(again);
      const f = await failure(
        again.core.invoke('sync.joinAsAgent', {
          serverUrl: server.url,
          code: c,
          email: 'agent2@example.com',
          password: PASSWORD,
          deviceName: 'other phone',
        }),
      );
      expect(f).toMatchObject({ problem: 'invite-invalid', code: 'FORBIDDEN' });
      expect(f.message).toMatch(/invite code is not valid/);
    }
  });

  it('joining from a store with a business: store-not-empty (the client refuses)', async () => {
    const f = await failure(
      owner.core.invoke('sync.joinAsAgent', {
        serverUrl: server.url,
        code: 'AAAA-BBBB-CCCC',
        email: 'agent3@example.com',
        password: PASSWORD,
        deviceName: 'x',
      }),
    );
    expect(f).toMatchObject({ problem: 'store-not-empty', code: 'INVALID_STATE' });
  });

  it('a revoked device: device-revoked, from sync.now and from sync.status', async () => {
    const second = device('second');
    devices.push(second);
    await second.core.invoke('sync.signIn', {
      serverUrl: server.url,
      email: 'owner@example.com',
      password: PASSWORD,
      deviceName: 'second',
    });
    second.refreshCore();
    const deviceId = (await second.core.invoke('sync.status', {})).deviceId!;
    await owner.core.invoke('sync.revokeDevice', { deviceId });
    const now = await second.core.invoke('sync.now', {});
    expect(now).toMatchObject({ status: 'error', problem: 'device-revoked' });
    expect(now.message).toMatch(/signed out/);
    const status = await second.core.invoke('sync.status', {});
    expect(status).toMatchObject({ status: 'error', problem: 'device-revoked' });
    // Read from the status text alone (an automatic sync reports no error object).
    expect(syncStatusProblem('error', now.message)).toBe('device-revoked');
  });

  it('an app too old for the server: update-required', async () => {
    const old = new Device({ name: 'old', clock: systemClock, schemaVersion: 1 });
    devices.push(old);
    attachSyncClient(old.client);
    await old.core.invoke('sync.signIn', {
      serverUrl: server.url,
      email: 'owner@example.com',
      password: PASSWORD,
      deviceName: 'old',
    });
    const now = await old.core.invoke('sync.now', {});
    expect(now).toMatchObject({ status: 'update-required', problem: 'update-required' });
    expect((await old.core.invoke('sync.status', {})).problem).toBe('update-required');
  });

  it('nothing to explain when up to date or signed out', async () => {
    expect(await owner.core.invoke('sync.now', {})).toMatchObject({
      status: 'up-to-date',
      problem: null,
    });
    const local = device('local');
    devices.push(local);
    expect(await local.core.invoke('sync.status', {})).toMatchObject({
      status: 'signed-out',
      problem: null,
    });
  });

  it('the server gone: offline (sync.now and sign-in)', async () => {
    const gone = await startServer('sqlite');
    const d = device('gone');
    devices.push(d);
    await d.core.invoke('sync.signIn', {
      serverUrl: gone.url,
      email: 'gone@example.com',
      password: PASSWORD,
      deviceName: 'gone',
      createWorkspace: true,
      workspaceName: 'gone',
    });
    await gone.close();
    const now = await d.core.invoke('sync.now', {});
    expect(now).toMatchObject({ status: 'offline', problem: 'offline' });
    expect(now.message).toMatch(/cannot be reached/);
    const other = device('gone2');
    devices.push(other);
    const f = await failure(
      other.core.invoke('sync.signIn', {
        serverUrl: gone.url,
        email: 'gone@example.com',
        password: PASSWORD,
        deviceName: 'x',
      }),
    );
    expect(f.problem).toBe('offline');
  });
});

describe('sync problems: rate limit and a silent server', () => {
  let dir: string;
  let db: ServerDb;
  let silent: Server;
  const sockets = new Set<Socket>();
  const stores: Store[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qd-sync-problems-'));
    db = await createServerDb({ file: join(dir, 'server.sqlite') });
    silent = createServer((s) => void sockets.add(s));
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((ok) => silent.close(ok));
    for (const s of stores) await s.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  function contract(client: SyncClient) {
    attachSyncClient(client);
    return createCore({ store: client.store });
  }

  it('too many attempts: rate-limited', async () => {
    const app = await buildServer({ db, rateLimit: { max: 1000, credentialMax: 2 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const store = openStore(join(dir, 'rl.sqlite'));
      stores.push(store);
      const core = contract(new SyncClient({ store, auto: false }));
      const problems: (SyncProblem | undefined)[] = [];
      for (let i = 0; i < 3; i++) {
        const f = await failure(
          core.invoke('sync.signIn', {
            serverUrl: url,
            email: 'nobody@example.com',
            password: 'not the password',
            deviceName: 'x',
          }),
        );
        problems.push(f.problem);
      }
      expect(problems).toEqual(['wrong-password', 'wrong-password', 'rate-limited']);
      expect(
        syncStatusProblem('error', 'Too many requests: at most 2 in 60 s; retry in 1 minute'),
      ).toBe('rate-limited');
    } finally {
      await app.close();
    }
  });

  it('a server that never answers: timeout', async () => {
    const store = openStore(join(dir, 'silent.sqlite'));
    stores.push(store);
    const client = new SyncClient({ store, auto: false, requestTimeoutMs: 300 });
    const core = contract(client);
    const port = (silent.address() as { port: number }).port;
    const f = await failure(
      core.invoke('sync.signIn', {
        serverUrl: `http://127.0.0.1:${port}`,
        email: 'owner@example.com',
        password: PASSWORD,
        deviceName: 'desk',
      }),
    );
    expect(f.problem).toBe('timeout');
    expect(f.message).toMatch(/cannot be reached/);
    await client.close();
  });
});

describe('a server restored from an older copy of its data (sqlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qd-restore-'));
  const file = join(dir, 'server.sqlite');
  const jwtSecret = 'restore-test-secret-of-enough-length';
  let db: ServerDb;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let port = 0;
  let d: Device;

  const start = async () => {
    db = await createServerDb({ file });
    app = await buildServer({ db, rateLimit: false, jwtSecret });
    await app.listen({ host: '127.0.0.1', port });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  };
  /** Stops the server, puts `copy` in place of its file, and starts it again on the same port. */
  const restore = async (copy: string) => {
    await app.close();
    await db.destroy();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    copyFileSync(copy, file);
    await start();
  };
  const copyOfServer = async (name: string) => {
    const copy = join(dir, name);
    await sql`VACUUM INTO ${copy}`.execute(db.db);
    return copy;
  };
  const names = async () =>
    (await d.core.invoke('customer.list', {})).rows.map((c) => c.name).sort();
  const deviceState = () => ({
    cursor: getState(d.store.sqlite, 'cursor'),
    acked: getState(d.store.sqlite, 'acked_seq'),
    outbox: d.store.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get(),
  });

  beforeAll(async () => {
    await start();
    d = device('restored');
    await d.core.invoke('workspace.init', { name: '丙店' });
    await d.core.invoke('sync.signIn', {
      serverUrl: `http://127.0.0.1:${port}`,
      email: 'restore@example.com',
      password: PASSWORD,
      deviceName: 'd',
      createWorkspace: true,
      workspaceName: '丙店',
    });
    d.refreshCore();
  });

  afterAll(async () => {
    await d.dispose();
    await app.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the device stops with server-behind, changes nothing, and syncs on once the newest data is back', async () => {
    await d.core.invoke('customer.create', { name: '王五' });
    expect(await d.core.invoke('sync.now', {})).toMatchObject({ status: 'up-to-date' });
    const older = await copyOfServer('older.sqlite');
    await d.core.invoke('customer.create', { name: '赵六' });
    expect(await d.core.invoke('sync.now', {})).toMatchObject({ status: 'up-to-date' });
    const newest = await copyOfServer('newest.sqlite');

    // The server goes back to the older copy: it has no 赵六 and an older cursor.
    await restore(older);
    const before = deviceState();

    // Nothing to push: the pull finds the server behind this device.
    const pulled = await d.core.invoke('sync.now', {});
    expect(pulled).toMatchObject({ status: 'error', problem: 'server-behind' });
    expect(pulled.message).toMatch(/older than this device's/);
    expect(syncStatusProblem('error', pulled.message)).toBe('server-behind');
    expect(await d.core.invoke('sync.status', {})).toMatchObject({ problem: 'server-behind' });
    expect(deviceState()).toEqual(before);
    expect(await names()).toEqual(['王五', '赵六']);

    // A change made meanwhile: the push finds the server holding fewer of this device's changes
    // than it acknowledged, records nothing, and the change stays to be sent.
    await d.core.invoke('customer.create', { name: '孙七' });
    const pushed = await d.core.invoke('sync.now', {});
    expect(pushed).toMatchObject({ status: 'error', problem: 'server-behind' });
    expect(deviceState()).toEqual({ ...before, outbox: Number(before.outbox) + 1 });
    expect(await names()).toEqual(['孙七', '王五', '赵六']);
    const onServer = async () =>
      (
        await sql<{ data: string }>`SELECT data FROM sync_rows WHERE tbl = 'customers'`.execute(
          db.db,
        )
      ).rows.map((r) => (JSON.parse(r.data) as { name: string }).name);
    expect(await onServer()).toEqual(['王五']);

    // The newest data put back: the device syncs on, and the change made meanwhile goes up.
    await restore(newest);
    expect(await d.core.invoke('sync.now', {})).toMatchObject({ status: 'up-to-date' });
    expect((await onServer()).sort()).toEqual(['孙七', '王五', '赵六']);
    expect(await names()).toEqual(['孙七', '王五', '赵六']);
    expect(deviceState().outbox).toBe(0);
  });
});

describe('problem codes from errors and status texts (no server)', () => {
  const http = (
    kind: SyncHttpError['kind'],
    status: number | undefined,
    code?: string,
    message = 'x',
  ) => new SyncHttpError(kind, message, status, code === undefined ? undefined : { code, message });

  it('reads the error kind, the server code and the operation', () => {
    expect(syncProblemOf(http('unauthorized', 401, 'UNAUTHORIZED'), 'signIn')).toBe(
      'wrong-password',
    );
    expect(
      syncProblemOf(
        http('unauthorized', 401, 'UNAUTHORIZED', 'Refresh token expired; sign in again'),
        'sync',
      ),
    ).toBe('session-expired');
    expect(syncProblemOf(http('refused', 403, 'FORBIDDEN'), 'join')).toBe('invite-invalid');
    expect(syncProblemOf(http('refused', 403, 'FORBIDDEN'), 'conflicts')).toBe('forbidden');
    expect(syncProblemOf(http('refused', 400, 'VALIDATION'), 'signUp')).toBe('invalid-input');
    expect(syncProblemOf(http('server', 429, 'RATE_LIMITED'), 'sync')).toBe('rate-limited');
    expect(syncProblemOf(http('server', 502, undefined, 'HTTP 502'), 'sync')).toBe('server-error');
    expect(syncProblemOf(http('update-required', 426, 'UPDATE_REQUIRED'), 'sync')).toBe(
      'update-required',
    );
    expect(
      syncProblemOf(
        http(
          'refused',
          undefined,
          undefined,
          'The server expects change 3, which this device no longer holds',
        ),
        'sync',
      ),
    ).toBe('seq-gap');
    expect(syncProblemOf(new Error('disk full'), 'sync')).toBeNull();
  });

  it('reads the texts a status carries', () => {
    expect(syncStatusProblem('offline', null)).toBeNull();
    expect(
      syncStatusProblem(
        'offline',
        'The sync server cannot be reached: The operation was aborted due to timeout',
      ),
    ).toBe('timeout');
    expect(syncStatusProblem('offline', 'The sync server cannot be reached: fetch failed')).toBe(
      'offline',
    );
    expect(
      syncStatusProblem(
        'error',
        'Refresh token was already used; this device was signed out for safety. Sign in again',
      ),
    ).toBe('device-revoked');
    expect(syncStatusProblem('error', 'Internal server error')).toBe('server-error');
    expect(syncStatusProblem('error', 'something new')).toBe('unknown');
    expect(syncStatusProblem('up-to-date', null)).toBeNull();
  });
});
