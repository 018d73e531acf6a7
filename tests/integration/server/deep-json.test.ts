// JSON that nests thousands of levels deep is refused with 400 before anything walks it: it
// used to run a push's size check (JSON.stringify) out of stack and answer 500. Checked on a
// real server over SQLite and PostgreSQL (the push, seed and pull routes reach the store), and
// on the browser-mode core host, whose calls reach the dispatcher and the outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDb } from '../../../server/db';
import { LATEST_VERSION } from '../../../db/migrations';
import { encodeHlc } from '../../../core/sync/hlc';
import { startWebHost, type WebHost } from '../../../core/host/web';
import { createCore } from '../../../core/api/dispatcher';
import { openStore } from '../../../db/store';
import { jsonTextDepth, MAX_JSON_DEPTH, valueDepth } from '../../../core/shared/json-depth';
import {
  createTestStore,
  startTestServer,
  type StoreKind,
  type TestServer,
  type TestStore,
} from './harness';

const PASSWORD = 'correct horse battery';

/** Arrays inside one another, `depth` levels: `[[[…]]]` as text. */
const nestedText = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nested = (depth: number): unknown => JSON.parse(nestedText(depth));

/** A push body whose one mutation's args carry `extra` (as text, so any depth can be sent). */
function pushText(extraText: string, seq = 1): string {
  return (
    `{"schemaVersion":${LATEST_VERSION},"seen":0,"mutations":[{"seq":${seq},"name":"customer.create",` +
    `"args":{"name":"张三","extra":${extraText}},"hlc":"${hlc()}","tz":480}]}`
  );
}

const hlc = (): string => encodeHlc({ wall: Date.now(), counter: 0, node: 'deepjson' });

function defineSuite(kind: StoreKind): void {
  describe(`deep JSON on the sync server (${kind})`, () => {
    let store: TestStore;
    let db: ServerDb;
    let server: TestServer;
    let token: string;
    let workspaceId: string;

    beforeAll(async () => {
      store = await createTestStore(kind);
      db = await store.open();
      server = await startTestServer(db);
      const s = await server.request<{ accessToken: string; workspace: { id: string } }>(
        'POST',
        '/v1/auth/signup',
        {
          json: {
            email: `deep-${kind}@example.com`,
            password: PASSWORD,
            workspaceName: '小店',
            deviceName: 'pc',
          },
        },
      );
      expect(s.status).toBe(201);
      token = s.body.accessToken;
      workspaceId = s.body.workspace.id;
    });

    afterAll(async () => {
      await server?.close();
      await db?.destroy();
      await store?.dispose();
    });

    const mutations = async () =>
      Number(
        (
          await sql<{
            n: number | string;
          }>`SELECT count(*) AS n FROM sync_mutations WHERE workspace_id = ${workspaceId}`.execute(
            db.db,
          )
        ).rows[0]!.n,
      );

    it('a push whose args nest 5,000 deep: 400 naming the limit, nothing recorded', async () => {
      const text = pushText(nestedText(5000));
      expect(Buffer.byteLength(text)).toBeLessThan(11_000);
      const res = await server.request('POST', '/v1/sync/push', { raw: text, token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'VALIDATION',
        details: { reason: 'too-deep', maxDepth: MAX_JSON_DEPTH },
      });
      expect(String(res.body.message)).toMatch(/more than 64 levels deep/);
      expect(await mutations()).toBe(0);
    });

    it('the same on the first upload, the pull and sign-in', async () => {
      const deep = nestedText(5000);
      const seed = await server.request('POST', '/v1/sync/seed', {
        raw: `{"schemaVersion":${LATEST_VERSION},"rows":[{"t":"customers","k":"x","d":{"a":${deep}}}]}`,
        token,
      });
      expect(seed.status).toBe(400);
      expect(seed.body).toMatchObject({ details: { reason: 'too-deep' } });
      const pull = await server.request('POST', '/v1/sync/pull', {
        raw: `{"schemaVersion":${LATEST_VERSION},"since":0,"after":${deep}}`,
        token,
      });
      expect(pull.status).toBe(400);
      expect(pull.body).toMatchObject({ details: { reason: 'too-deep' } });
      const login = await server.request('POST', '/v1/auth/login', {
        raw: `{"email":"deep-${kind}@example.com","password":${deep}}`,
      });
      expect(login.status).toBe(400);
      expect(login.body).toMatchObject({ details: { reason: 'too-deep' } });
      expect(await mutations()).toBe(0);
    });

    it('just under the limit, or brackets inside strings: the push goes through', async () => {
      // The body's own levels (body, mutations, a mutation, args) come on top of the extra's.
      const res = await server.request<{ results: { status: string }[]; lastAppliedSeq: number }>(
        'POST',
        '/v1/sync/push',
        { raw: pushText(nestedText(MAX_JSON_DEPTH - 4)), token },
      );
      expect(res.status).toBe(200);
      expect(res.body.lastAppliedSeq).toBe(1);
      const strings = await server.request<{ lastAppliedSeq: number }>('POST', '/v1/sync/push', {
        raw: pushText(JSON.stringify(nestedText(5000)), 2),
        token,
      });
      expect(strings.status).toBe(200);
      expect(strings.body.lastAppliedSeq).toBe(2);
      expect(await mutations()).toBe(2);
    });

    it('one level over the limit is refused', async () => {
      const res = await server.request('POST', '/v1/sync/push', {
        raw: pushText(nestedText(MAX_JSON_DEPTH - 3), 3),
        token,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ details: { reason: 'too-deep' } });
    });
  });
}

defineSuite('sqlite');
defineSuite('postgres');

describe('deep JSON on the browser-mode core host and the dispatcher', () => {
  let dir: string;
  let web: WebHost;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qd-deep-web-'));
    web = await startWebHost({ storeFile: join(dir, 'shop.sqlite'), rendererDir: dir });
    const init = await web.host.handle({
      id: 'i',
      method: 'workspace.init',
      input: { name: '店' },
    });
    expect(init.result).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    await web?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (body: string) =>
    fetch(`${new URL(web.url).origin}/api/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
      body,
    });

  it('a call whose input nests 5,000 deep: 400 naming the limit, nothing written', async () => {
    const res = await call(
      `{"id":"c1","method":"customer.create","input":{"name":"张三","extra":${nestedText(5000)}}}`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.message).toMatch(/more than 64 levels deep/);
    const list = await web.host.handle({ id: 'l', method: 'customer.list', input: {} });
    expect(JSON.stringify(list)).not.toContain('张三');
  });

  it('a call just under the limit still runs', async () => {
    const res = await call(
      `{"id":"c2","method":"customer.create","input":{"name":"李四","extra":${nestedText(MAX_JSON_DEPTH - 2)}}}`,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { ok: true } });
  });

  it('the dispatcher refuses a too-deep input as VALIDATION, not a stack overflow', async () => {
    const store = openStore(join(dir, 'direct.sqlite'));
    try {
      const core = createCore({ store });
      await core.invoke('workspace.init', { name: '店' });
      const r = await core.call('customer.create', { name: '王五', extra: nested(5000) });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', details: { reason: 'too-deep', maxDepth: MAX_JSON_DEPTH } },
      });
    } finally {
      await store.close();
    }
  });
});

describe('measuring depth without recursion', () => {
  it('counts brackets, not the ones inside strings, and stops early', () => {
    expect(jsonTextDepth('1')).toBe(0);
    expect(jsonTextDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonTextDepth('{"a":"[[[[\\"[[["}')).toBe(1);
    expect(jsonTextDepth(nestedText(1_000_000), 64)).toBe(65);
    expect(valueDepth(nested(1_000_000), 64)).toBe(65);
    expect(valueDepth({ a: [1, { b: [] }] })).toBe(4);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(valueDepth(loop, 64)).toBe(65);
  });
});
