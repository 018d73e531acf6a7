// The cloud server's auth and platform behaviour, run on SQLite and on PostgreSQL
// (auth.sqlite.test.ts, auth.pg.test.ts) against a real HTTP server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDb } from '../../../server/db';
import {
  createTestStore,
  startTestServer,
  type Reply,
  type StoreKind,
  type TestServer,
  type TestStore,
} from './harness';

interface Session {
  workspace: { id: string; name: string };
  user: { id: string; email: string };
  device: { id: string; name: string };
  role: 'owner' | 'agent';
  agentId: string | null;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

interface ErrorReply {
  code: string;
  message: string;
  details?: { issues?: { path: string; message: string }[] } & Record<string, unknown>;
}

const PASSWORD = 'correct horse battery';
let counter = 0;
const uniqueEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${++counter}@example.com`;

export function defineAuthSuite(kind: StoreKind): void {
  let store: TestStore;
  let db: ServerDb;
  let server: TestServer;
  let updatesDir: string;

  beforeAll(async () => {
    store = await createTestStore(kind);
    db = await store.open();
    updatesDir = mkdtempSync(join(tmpdir(), 'qd-updates-'));
    server = await startTestServer(db, { updatesDir });
  });

  afterAll(async () => {
    await server?.close();
    await db?.destroy();
    await store?.dispose();
    if (updatesDir) rmSync(updatesDir, { recursive: true, force: true });
  });

  const call = <T = ErrorReply>(
    method: string,
    path: string,
    options?: Parameters<TestServer['request']>[2],
  ): Promise<Reply<T>> => server.request<T>(method, path, options);

  async function signup(label = 'owner'): Promise<Session> {
    const res = await call<Session>('POST', '/v1/auth/signup', {
      json: {
        email: uniqueEmail(label),
        password: PASSWORD,
        workspaceName: `${label} shop`,
        deviceName: 'desk',
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.body;
  }

  async function login(email: string, deviceName = 'laptop'): Promise<Session> {
    const res = await call<Session>('POST', '/v1/auth/login', {
      json: { email, password: PASSWORD, deviceName },
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /**
   * An agent of the owner's workspace as the server holds it: its row in sync_rows, as the
   * owner's device pushes it when it syncs (the sync suites create agents that way).
   */
  async function holdAgent(owner: Session, agentId: string, deletedAt: string | null = null) {
    await db.db
      .insertInto('sync_rows' as never)
      .values({
        workspace_id: owner.workspace.id,
        tbl: 'agents',
        pk: agentId,
        data: JSON.stringify({ id: agentId, name: `代理 ${agentId}`, deleted_at: deletedAt }),
        version: 1,
        scope: agentId,
        once_shared: 0,
      } as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async function invite(
    owner: Session,
    agentId: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    await holdAgent(owner, agentId);
    const res = await call<{ code: string; agentId: string; expiresAt: string }>(
      'POST',
      '/v1/auth/invites',
      {
        token: owner.accessToken,
        json: { agentId, ...extra },
      },
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.agentId).toBe(agentId);
    return res.body.code;
  }

  const me = (token: string) => call<Session & ErrorReply>('GET', '/v1/auth/me', { token });

  async function countUsers(email: string): Promise<number> {
    const rows = await db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email.toLowerCase())
      .execute();
    return rows.length;
  }

  describe(`cloud server auth on ${kind}`, () => {
    it('reports health with the store reachable', async () => {
      const res = await call<{
        ok: boolean;
        db: { reachable: boolean; dialect: string };
        version: string;
      }>('GET', '/v1/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ok: true,
        db: { reachable: true, dialect: kind },
        version: expect.any(String),
      });
    });

    it('signs an owner up: workspace, owner member, device and working tokens', async () => {
      const s = await signup('signup');
      expect(s.role).toBe('owner');
      expect(s.agentId).toBeNull();
      expect(s.accessToken.split('.')).toHaveLength(3);
      const who = await me(s.accessToken);
      expect(who.status).toBe(200);
      expect(who.body).toMatchObject({
        workspace: { id: s.workspace.id, name: 'signup shop' },
        user: { id: s.user.id, email: s.user.email },
        device: { id: s.device.id, name: 'desk' },
        role: 'owner',
        agentId: null,
      });
      const member = await db.db
        .selectFrom('members')
        .selectAll()
        .where('workspace_id', '=', s.workspace.id)
        .executeTakeFirstOrThrow();
      expect(member).toMatchObject({ user_id: s.user.id, role: 'owner', agent_id: null });
      const user = await db.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', s.user.id)
        .executeTakeFirstOrThrow();
      expect(user.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(user.password_hash).not.toContain(PASSWORD);
    });

    it('refuses a second sign-up with the same email, whatever its case', async () => {
      const s = await signup('dup');
      const res = await call('POST', '/v1/auth/signup', {
        json: {
          email: s.user.email.toUpperCase(),
          password: PASSWORD,
          workspaceName: 'Other',
          deviceName: 'x',
        },
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CONFLICT');
      expect(await countUsers(s.user.email)).toBe(1);
    });

    it('refuses an invalid body with 400 naming each field, and creates nothing', async () => {
      const email = uniqueEmail('invalid');
      const res = await call('POST', '/v1/auth/signup', {
        json: { email, password: 'short', workspaceName: '', deviceName: 'desk' },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION');
      expect(res.body.details?.issues?.map((i) => i.path).sort()).toEqual([
        'password',
        'workspaceName',
      ]);
      expect(await countUsers(email)).toBe(0);
    });

    it('refuses malformed JSON with 400 and no effect', async () => {
      const email = uniqueEmail('malformed');
      const res = await call('POST', '/v1/auth/signup', {
        raw: `{"email":"${email}","password":"${PASSWORD}","workspaceName":"x","deviceName":"y"`,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION');
      expect(res.body.message).toMatch(/JSON/);
      expect(await countUsers(email)).toBe(0);
    });

    it('refuses an oversized body with 413 and no effect', async () => {
      const email = uniqueEmail('huge');
      const res = await call('POST', '/v1/auth/signup', {
        json: {
          email,
          password: PASSWORD,
          workspaceName: 'x'.repeat(1024 * 1024 + 10),
          deviceName: 'desk',
        },
      });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await countUsers(email)).toBe(0);
    });

    it('logs in a new device, refusing a wrong password and an unknown email alike', async () => {
      const s = await signup('login');
      const wrong = await call('POST', '/v1/auth/login', {
        json: { email: s.user.email, password: 'not the password', deviceName: 'x' },
      });
      const unknown = await call('POST', '/v1/auth/login', {
        json: { email: uniqueEmail('nobody'), password: PASSWORD, deviceName: 'x' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);

      const second = await login(s.user.email.toUpperCase(), 'phone');
      expect(second.workspace.id).toBe(s.workspace.id);
      expect(second.device.id).not.toBe(s.device.id);
      expect(second.role).toBe('owner');
      const list = await call<{ devices: { id: string; name: string; current: boolean }[] }>(
        'GET',
        '/v1/auth/devices',
        { token: second.accessToken },
      );
      expect(list.status).toBe(200);
      expect(list.body.devices.map((d) => [d.name, d.current])).toEqual([
        ['desk', false],
        ['phone', true],
      ]);
    });

    it('rotates refresh tokens: each works once and gives a new working pair', async () => {
      const s = await signup('rotate');
      const r1 = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: s.refreshToken },
      });
      expect(r1.status).toBe(200);
      expect(r1.body.refreshToken).not.toBe(s.refreshToken);
      expect((await me(r1.body.accessToken)).status).toBe(200);
      const r2 = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: r1.body.refreshToken },
      });
      expect(r2.status).toBe(200);
      expect((await me(r2.body.accessToken)).status).toBe(200);
      const rows = await db.db
        .selectFrom('refresh_tokens')
        .select(['token_hash', 'revoked_at', 'replaced_by'])
        .where('workspace_id', '=', s.workspace.id)
        .where('device_id', '=', s.device.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      expect(rows).toHaveLength(3);
      expect(rows.map((r) => r.revoked_at !== null)).toEqual([true, true, false]);
      for (const r of rows) {
        expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
        expect([s.refreshToken, r1.body.refreshToken, r2.body.refreshToken]).not.toContain(
          r.token_hash,
        );
      }
    });

    it('treats reuse of a rotated refresh token as theft: the device is revoked at once', async () => {
      const s = await signup('theft');
      const other = await login(s.user.email, 'other device');
      const r1 = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: s.refreshToken },
      });
      expect(r1.status).toBe(200);
      const r2 = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: r1.body.refreshToken },
      });
      expect(r2.status).toBe(200);

      // The first token shows up again after its successor was used: two holders.
      const reuse = await call('POST', '/v1/auth/refresh', {
        json: { refreshToken: s.refreshToken },
      });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('UNAUTHORIZED');
      expect(reuse.body.message).toMatch(/already used/);

      expect((await me(r2.body.accessToken)).status).toBe(401);
      const latest = await call('POST', '/v1/auth/refresh', {
        json: { refreshToken: r2.body.refreshToken },
      });
      expect(latest.status).toBe(401);
      // Only that device: the same login's other device is untouched.
      expect((await me(other.accessToken)).status).toBe(200);
    });

    it('treats reuse after the grace window as theft even when the successor is unused', async () => {
      const s = await signup('late-reuse');
      const r1 = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: s.refreshToken },
      });
      expect(r1.status).toBe(200);
      server.clock.advance(5 * 60_000);
      try {
        const reuse = await call('POST', '/v1/auth/refresh', {
          json: { refreshToken: s.refreshToken },
        });
        expect(reuse.status).toBe(401);
        const next = await call('POST', '/v1/auth/refresh', {
          json: { refreshToken: r1.body.refreshToken },
        });
        expect(next.status).toBe(401);
        const device = await db.db
          .selectFrom('devices')
          .select('revoked_at')
          .where('workspace_id', '=', s.workspace.id)
          .where('id', '=', s.device.id)
          .executeTakeFirstOrThrow();
        expect(device.revoked_at).not.toBeNull();
      } finally {
        server.clock.advance(-5 * 60_000);
      }
    });

    it('serves a prompt retry of a refresh whose response was lost, retiring the lost token', async () => {
      const s = await signup('retry');
      const lost = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: s.refreshToken },
      });
      expect(lost.status).toBe(200);
      const retry = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: s.refreshToken },
      });
      expect(retry.status).toBe(200);
      expect(retry.body.refreshToken).not.toBe(lost.body.refreshToken);
      expect((await me(retry.body.accessToken)).status).toBe(200);
      const next = await call<Session>('POST', '/v1/auth/refresh', {
        json: { refreshToken: retry.body.refreshToken },
      });
      expect(next.status).toBe(200);
    });

    it('refuses a missing, malformed, tampered or foreign-signed access token', async () => {
      const s = await signup('tamper');
      expect((await call('GET', '/v1/auth/me')).status).toBe(401);
      expect(
        (await call('GET', '/v1/auth/me', { headers: { authorization: 'Basic abc' } })).status,
      ).toBe(401);
      expect((await me('not-a-jwt')).status).toBe(401);

      const [header, payload, signature] = s.accessToken.split('.') as [string, string, string];
      const sig = Buffer.from(signature, 'base64url');
      sig[0] = sig[0]! ^ 0x01;
      const tampered = await me(`${header}.${payload}.${sig.toString('base64url')}`);
      expect(tampered.status).toBe(401);
      expect(tampered.body).toMatchObject({ code: 'UNAUTHORIZED', message: expect.any(String) });

      // Claims edited to become another role, signature kept.
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(
        JSON.stringify({ ...claims, role: 'owner', agent: null, ws: 'other' }),
      ).toString('base64url');
      expect((await me(`${header}.${forged}.${signature}`)).status).toBe(401);

      // alg=none.
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      expect((await me(`${none}.${payload}.`)).status).toBe(401);

      // A token signed by another server's secret.
      const { TokenSigner } = await import('../../../server/auth/tokens');
      const foreign = await new TokenSigner(
        'another-secret-0123456789-0123456789-xyz',
        () => new Date(),
      ).sign({
        userId: s.user.id,
        workspaceId: s.workspace.id,
        deviceId: s.device.id,
        role: 'owner',
        agentId: null,
      });
      expect((await me(foreign.token)).status).toBe(401);
      expect((await me(s.accessToken)).status).toBe(200);
    });

    it('refuses an expired access token; a refresh brings the device back', async () => {
      const s = await signup('expiry');
      server.clock.advance(16 * 60_000);
      try {
        const expired = await me(s.accessToken);
        expect(expired.status).toBe(401);
        expect(expired.body.message).toMatch(/expired/i);
        const refreshed = await call<Session>('POST', '/v1/auth/refresh', {
          json: { refreshToken: s.refreshToken },
        });
        expect(refreshed.status).toBe(200);
        expect((await me(refreshed.body.accessToken)).status).toBe(200);
      } finally {
        server.clock.advance(-16 * 60_000);
      }
    });

    it('refuses a revoked device immediately, though its access token has not expired', async () => {
      const owner = await signup('revoke');
      const laptop = await login(owner.user.email, 'laptop');
      expect((await me(laptop.accessToken)).status).toBe(200);

      const res = await call<{ device: { id: string; revokedAt: string } }>(
        'POST',
        `/v1/auth/devices/${laptop.device.id}/revoke`,
        { token: owner.accessToken },
      );
      expect(res.status).toBe(200);
      expect(res.body.device.revokedAt).toEqual(expect.any(String));

      const after = await me(laptop.accessToken);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('UNAUTHORIZED');
      expect(
        (await call('POST', '/v1/auth/refresh', { json: { refreshToken: laptop.refreshToken } }))
          .status,
      ).toBe(401);
      expect((await me(owner.accessToken)).status).toBe(200);
    });

    it('does not let an owner revoke or list another workspace’s devices', async () => {
      const a = await signup('ws-a');
      const b = await signup('ws-b');
      const res = await call('POST', `/v1/auth/devices/${b.device.id}/revoke`, {
        token: a.accessToken,
      });
      expect(res.status).toBe(404);
      expect((await me(b.accessToken)).status).toBe(200);
      const list = await call<{ devices: { id: string }[] }>('GET', '/v1/auth/devices', {
        token: a.accessToken,
      });
      expect(list.body.devices.map((d) => d.id)).toEqual([a.device.id]);
    });

    it('logs out: this device is revoked, the others stay', async () => {
      const s = await signup('logout');
      const other = await login(s.user.email);
      const out = await call('POST', '/v1/auth/logout', { token: s.accessToken });
      expect(out.status).toBe(204);
      expect((await me(s.accessToken)).status).toBe(401);
      expect(
        (await call('POST', '/v1/auth/refresh', { json: { refreshToken: s.refreshToken } })).status,
      ).toBe(401);
      expect((await me(other.accessToken)).status).toBe(200);
    });

    it('redeems an invite once, binding the new login to the agent', async () => {
      const owner = await signup('inviter');
      const code = await invite(owner, 'agent-7');
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const stored = await db.db
        .selectFrom('invites')
        .selectAll()
        .where('workspace_id', '=', owner.workspace.id)
        .executeTakeFirstOrThrow();
      expect(stored.code_hash).not.toContain(code.replace(/-/g, ''));
      expect(stored.agent_id).toBe('agent-7');

      const agentEmail = uniqueEmail('agent');
      const redeemed = await call<Session>('POST', '/v1/auth/invites/redeem', {
        // Typed by hand: lower case, no dashes.
        json: {
          code: code.replace(/-/g, '').toLowerCase(),
          email: agentEmail,
          password: PASSWORD,
          deviceName: 'agent phone',
        },
      });
      expect(redeemed.status, redeemed.text).toBe(201);
      expect(redeemed.body).toMatchObject({
        role: 'agent',
        agentId: 'agent-7',
        workspace: { id: owner.workspace.id },
      });
      const who = await me(redeemed.body.accessToken);
      expect(who.body).toMatchObject({ role: 'agent', agentId: 'agent-7' });

      const again = await call('POST', '/v1/auth/invites/redeem', {
        json: { code, email: uniqueEmail('second'), password: PASSWORD, deviceName: 'x' },
      });
      expect(again.status).toBe(403);
      expect(again.body.code).toBe('FORBIDDEN');
      const members = await db.db
        .selectFrom('members')
        .select(['role', 'agent_id'])
        .where('workspace_id', '=', owner.workspace.id)
        .orderBy('created_at')
        .execute();
      expect(members).toEqual([
        { role: 'owner', agent_id: null },
        { role: 'agent', agent_id: 'agent-7' },
      ]);
      const used = await db.db
        .selectFrom('invites')
        .select(['used_at', 'used_by_device'])
        .where('workspace_id', '=', owner.workspace.id)
        .executeTakeFirstOrThrow();
      expect(used.used_by_device).toBe(redeemed.body.device.id);

      // The agent's later logins land on the same agent.
      const relogin = await login(agentEmail, 'agent tablet');
      expect(relogin).toMatchObject({ role: 'agent', agentId: 'agent-7' });
    });

    it('refuses an invite for an agent the workspace does not have, naming agentId (issue 14)', async () => {
      const owner = await signup('invite-refs');
      const other = await signup('invite-other');
      await holdAgent(other, 'agent-of-other');
      await holdAgent(owner, 'agent-left', '2026-01-01T00:00:00.000Z');
      const count = async () =>
        (
          await db.db
            .selectFrom('invites')
            .select('code_hash')
            .where('workspace_id', '=', owner.workspace.id)
            .execute()
        ).length;
      const before = await count();
      for (const [agentId, status, code] of [
        ['agent-of-other', 404, 'NOT_FOUND'],
        ['no-such-agent', 404, 'NOT_FOUND'],
        ['agent-left', 400, 'VALIDATION'],
      ] as const) {
        const res = await call('POST', '/v1/auth/invites', {
          token: owner.accessToken,
          json: { agentId },
        });
        expect(res.status, res.text).toBe(status);
        expect(res.body.code).toBe(code);
        expect(res.body.details?.issues?.map((i) => i.path)).toEqual(['agentId']);
      }
      expect(await count()).toBe(before);
      // The other workspace's owner may invite its own agent.
      expect(await invite(other, 'agent-of-other')).toMatch(/^[0-9A-Z]{4}-/);
    });

    it('refuses an expired invite and an unknown code', async () => {
      const owner = await signup('expired-invite');
      const code = await invite(owner, 'agent-x', { expiresInHours: 1 });
      server.clock.advance(2 * 3600_000);
      try {
        const email = uniqueEmail('late');
        const late = await call('POST', '/v1/auth/invites/redeem', {
          json: { code, email, password: PASSWORD, deviceName: 'x' },
        });
        expect(late.status).toBe(403);
        expect(await countUsers(email)).toBe(0);
      } finally {
        server.clock.advance(-2 * 3600_000);
      }
      const unknown = await call('POST', '/v1/auth/invites/redeem', {
        json: {
          code: 'AAAA-BBBB-CCCC',
          email: uniqueEmail('u'),
          password: PASSWORD,
          deviceName: 'x',
        },
      });
      expect(unknown.status).toBe(403);
    });

    it('keeps agents away from owner-only routes', async () => {
      const owner = await signup('boss');
      const ownerLaptop = await login(owner.user.email);
      const code = await invite(owner, 'agent-1');
      const agent = (
        await call<Session>('POST', '/v1/auth/invites/redeem', {
          json: {
            code,
            email: uniqueEmail('sneaky'),
            password: PASSWORD,
            deviceName: 'agent phone',
          },
        })
      ).body;

      const list = await call('GET', '/v1/auth/devices', { token: agent.accessToken });
      expect(list.status).toBe(403);
      expect(list.body.code).toBe('FORBIDDEN');

      const revoke = await call('POST', `/v1/auth/devices/${ownerLaptop.device.id}/revoke`, {
        token: agent.accessToken,
      });
      expect(revoke.status).toBe(403);
      expect((await me(ownerLaptop.accessToken)).status).toBe(200);

      const before = await db.db
        .selectFrom('invites')
        .select('code_hash')
        .where('workspace_id', '=', owner.workspace.id)
        .execute();
      const inv = await call('POST', '/v1/auth/invites', {
        token: agent.accessToken,
        json: { agentId: 'agent-1' },
      });
      expect(inv.status).toBe(403);
      const after = await db.db
        .selectFrom('invites')
        .select('code_hash')
        .where('workspace_id', '=', owner.workspace.id)
        .execute();
      expect(after).toHaveLength(before.length);
    });

    it('serves the update feed folder', async () => {
      writeFileSync(join(updatesDir, 'latest.yml'), 'version: 9.9.9\npath: QunDesk-9.9.9.exe\n');
      const res = await fetch(`${server.base}/updates/latest.yml`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('version: 9.9.9');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const missing = await fetch(`${server.base}/updates/nope.yml`);
      expect(missing.status).toBe(404);
      // Nothing outside the folder: refused, and not a byte of it sent.
      const escape = await fetch(`${server.base}/updates/..%2f..%2fpackage.json`);
      expect([403, 404]).toContain(escape.status);
      expect(await escape.text()).not.toContain('"dependencies"');
      const dot = await fetch(`${server.base}/updates/..%2fupdates%2f.env`);
      expect([403, 404]).toContain(dot.status);
    });

    it('answers unknown routes with the error body', async () => {
      const res = await call('GET', '/v1/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        code: 'NOT_FOUND',
        message: expect.stringContaining('/v1/nothing-here'),
      });
    });
  });

  describe(`cloud server limits on ${kind}`, () => {
    it('rate-limits per device token, and per IP without one', async () => {
      const limited = await startTestServer(db, {
        rateLimit: { max: 3, timeWindowMs: 60_000, credentialMax: 10_000 },
      });
      try {
        const a = await signup('rl-a');
        const b = await signup('rl-b');
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push(
            (await limited.request('GET', '/v1/auth/me', { token: a.accessToken })).status,
          );
        expect(statuses).toEqual([200, 200, 200, 429]);
        const refused = await limited.request<ErrorReply>('GET', '/v1/auth/me', {
          token: a.accessToken,
        });
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('RATE_LIMITED');
        expect(refused.body.message).toMatch(/Too many requests.*retry in/);
        expect(refused.headers.get('retry-after')).not.toBeNull();
        // Another device is not starved by the first one.
        expect((await limited.request('GET', '/v1/auth/me', { token: b.accessToken })).status).toBe(
          200,
        );
      } finally {
        await limited.close();
      }
    });

    it('rate-limits password attempts per IP', async () => {
      const limited = await startTestServer(db, { rateLimit: { credentialMax: 2 } });
      try {
        const s = await signup('rl-cred');
        const attempt = () =>
          limited.request<ErrorReply>('POST', '/v1/auth/login', {
            json: { email: s.user.email, password: 'guess', deviceName: 'x' },
          });
        expect((await attempt()).status).toBe(401);
        expect((await attempt()).status).toBe(401);
        const third = await attempt();
        expect(third.status).toBe(429);
        expect(third.body.code).toBe('RATE_LIMITED');
      } finally {
        await limited.close();
      }
    });
  });

  describe(`server store on ${kind}`, () => {
    it('re-opens an already migrated store', async () => {
      const again = await store.open();
      try {
        const rows = await again.db.selectFrom('workspaces').select('id').execute();
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await again.destroy();
      }
    });

    it('refuses a store migrated by a newer server', async () => {
      await db.db
        .insertInto('kysely_migration' as never)
        .values({ name: '999_from_the_future', timestamp: new Date().toISOString() } as never)
        .execute();
      try {
        await expect(store.open()).rejects.toThrow(/migration/i);
      } finally {
        await db.db
          .deleteFrom('kysely_migration' as never)
          .where('name' as never, '=', '999_from_the_future' as never)
          .execute();
      }
    });
  });
}
