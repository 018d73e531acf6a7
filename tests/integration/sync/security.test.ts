// Sync against a running server from an attacker's side: an agent's token reaches only its
// subtree and the shared catalog, cannot change plans or money, and malformed, oversized or
// outdated requests are refused without changing anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, serverView, startServer, type SimServer, type StoreKind } from '../../sim/harness';
import { systemClock } from '../../../core/api/context';
import { getState } from '../../../core/sync/device';
import { SyncClient } from '../../../core/sync/client';
import type { SyncDb } from '../../../server/sync/schema';
import type { PullResponse, PushResponse } from '../../../core/sync/protocol';
import { LATEST_VERSION } from '../../../db/migrations';

const PASSWORD = 'correct horse battery';
const HLC = `${String(Date.now()).padStart(15, '0')}:00000:attacker`;

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`sync security (${kind})`, () => {
    let server: SimServer;
    let owner: Device;
    let agentDevice: Device;
    let agentToken: string;
    let ws: string;
    const ids: Record<string, string> = {};

    async function post<T>(path: string, body: unknown, token = agentToken, raw?: string) {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: raw ?? JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    }

    /** Everything the server holds for the workspace, to prove a refusal changed nothing. */
    async function serverState() {
      const db = server.db.db as unknown as SyncDb;
      return {
        rows: await db
          .selectFrom('sync_rows')
          .selectAll()
          .where('workspace_id', '=', ws)
          .orderBy('tbl')
          .orderBy('pk')
          .execute(),
        counter: await db
          .selectFrom('sync_counters')
          .selectAll()
          .where('workspace_id', '=', ws)
          .execute(),
        devices: await db
          .selectFrom('sync_devices')
          .selectAll()
          .where('workspace_id', '=', ws)
          .orderBy('device_id')
          .execute(),
      };
    }

    beforeAll(async () => {
      server = await startServer(kind);
      owner = new Device({ name: 'owner', clock: systemClock });
      const core = owner.core;
      await core.invoke('workspace.init', { name: '小店' });
      await core.invoke('plan.create', {
        name: '标准',
        effectiveFrom: '2026-01-01',
        base: 'net',
        rates: [1000, 300],
      });
      ids.a1 = (await core.invoke('agent.create', { name: '甲', tier: 'general' })).id;
      ids.a2 = (
        await core.invoke('agent.create', { name: '乙', tier: 'level1', uplineId: ids.a1 })
      ).id;
      ids.b = (await core.invoke('agent.create', { name: '丙', tier: 'general' })).id;
      const p = await core.invoke('product.create', { sku: 'P1', name: '脐橙', retailPrice: 1000 });
      ids.product = p.id;
      await core.invoke('purchase.record', {
        lines: [{ productId: p.id, quantity: 100, unitCost: 500 }],
      });
      ids.custA2 = (
        await core.invoke('customer.create', { name: '乙的客户', ownerAgentId: ids.a2 })
      ).id;
      ids.custB = (
        await core.invoke('customer.create', { name: '丙的客户', ownerAgentId: ids.b })
      ).id;
      for (const [cust, agent, key] of [
        [ids.custA2, ids.a2, 'orderA2'],
        [ids.custB, ids.b, 'orderB'],
      ] as const) {
        const o = await core.invoke('order.create', {
          customerId: cust,
          agentId: agent,
          lines: [{ productId: p.id, quantity: 2 }],
        });
        await core.invoke('order.markPaid', { orderId: o.id });
        ids[key] = o.id;
      }
      await core.invoke('expense.record', { category: 'ads', amount: 500 });
      const s = await owner.client.signUp({
        serverUrl: server.url,
        email: 'owner@example.com',
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'owner',
      });
      ws = s.workspace.id;
      await owner.client.syncOnce();
      const { code } = await owner.client.createInvite(ids.a1!);
      agentDevice = new Device({ name: 'agent', clock: systemClock });
      const as = await agentDevice.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: 'agent@example.com',
        password: PASSWORD,
        deviceName: 'agent',
      });
      agentToken = as.accessToken;
      agentDevice.refreshCore();
      await agentDevice.client.syncOnce();
    });

    afterAll(async () => {
      await owner?.dispose();
      await agentDevice?.dispose();
      await server?.close();
    });

    it('an agent device holds its subtree and the catalog, nothing else', async () => {
      const held = agentDevice.rows();
      expect(held.get('agents')!.has(ids.a1!)).toBe(true);
      expect(held.get('agents')!.has(ids.a2!)).toBe(true);
      expect(held.get('agents')!.has(ids.b!)).toBe(false);
      expect(held.get('customers')!.has(ids.custA2!)).toBe(true);
      expect(held.get('customers')!.has(ids.custB!)).toBe(false);
      expect(held.get('orders')!.has(ids.orderA2!)).toBe(true);
      expect(held.get('orders')!.has(ids.orderB!)).toBe(false);
      expect(held.get('products')!.has(ids.product!)).toBe(true);
      for (const ownerOnly of ['stock_movements', 'purchases', 'purchase_lines', 'expenses'])
        expect(held.get(ownerOnly)!.size, ownerOnly).toBe(0);
      const entries = [...held.get('commission_entries')!.values()];
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => e.agent_id === ids.a1 || e.agent_id === ids.a2)).toBe(true);
      const view = await serverView(server.db, ws, ids.a1!);
      for (const [tbl, rows] of held)
        expect([...rows.keys()].sort(), tbl).toEqual([...view.get(tbl)!.keys()].sort());
    });

    it("an agent's raw pull carries no row outside its subtree", async () => {
      for (const since of [0, 1]) {
        const res = await post<PullResponse>('/v1/sync/pull', {
          schemaVersion: LATEST_VERSION,
          since,
          limit: 2000,
        });
        expect(res.status).toBe(200);
        const text = JSON.stringify(res.body.rows.filter((r) => r.d !== null));
        for (const secret of [ids.b, ids.custB, ids.orderB, '丙的客户'])
          expect(text).not.toContain(secret);
        expect(
          res.body.rows.some((r) => r.d !== null && ['expenses', 'stock_movements'].includes(r.t)),
        ).toBe(false);
      }
    });

    it('an agent cannot change plans, money or rows outside its subtree: rejected, nothing changes', async () => {
      const before = await serverState();
      const lastSeq = (
        await post<PullResponse>('/v1/sync/pull', {
          schemaVersion: LATEST_VERSION,
          since: 0,
          limit: 1,
        })
      ).body.lastAppliedSeq;
      const attempts = [
        [
          'plan.create',
          { name: '我的计划', effectiveFrom: '2026-01-01', base: 'net', rates: [10000] },
        ],
        ['order.markPaid', { orderId: ids.orderB }],
        ['order.recordPayment', { orderId: ids.orderB, amount: 100, method: 'cash' }],
        ['refund.full', { orderId: ids.orderA2, restock: false }],
        [
          'settlement.generate',
          { agentId: ids.a1, periodFrom: '2026-01-01', periodTo: '2026-12-31' },
        ],
        ['customer.update', { id: ids.custB, name: '改' }],
        ['agent.move', { id: ids.b, uplineId: ids.a1 }],
        ['no.such.method', {}],
      ] as const;
      const res = await post<PushResponse>('/v1/sync/push', {
        schemaVersion: LATEST_VERSION,
        mutations: attempts.map(([name, args], i) => ({
          seq: lastSeq + i + 1,
          name,
          args,
          hlc: HLC,
          tz: 480,
        })),
      });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r) => r.status)).toEqual(attempts.map(() => 'rejected'));
      expect(res.body.results.slice(0, -1).every((r) => r.code === 'FORBIDDEN')).toBe(true);
      expect(res.body.results.at(-1)!.code).toBe('UNKNOWN_METHOD');
      const after = await serverState();
      expect(after.rows).toEqual(before.rows);
      expect(after.counter).toEqual(before.counter);
    });

    it('a replayed mutation naming a record the workspace does not have is rejected (issue 14)', async () => {
      // A device of the owner's that skipped its own checks (an old build, a crafted push): the
      // server replays the same core methods on its mirror, so the same reference checks run.
      const login = await post<{ accessToken: string }>('/v1/auth/login', {
        email: 'owner@example.com',
        password: PASSWORD,
        deviceName: 'old laptop',
      });
      expect(login.status).toBe(200);
      const token = login.body.accessToken;
      const before = await serverState();
      const line = [{ productId: ids.product, quantity: 1 }];
      const attempts = [
        ['order.create', { agentId: 'no-such', lines: line }, 'agentId'],
        ['order.create', { customerId: 'no-such', lines: line }, 'customerId'],
        ['customer.create', { name: '幽灵', ownerAgentId: 'no-such-agent' }, 'ownerAgentId'],
        ['group.create', { platform: 'wechat', name: '群', ownerAgentId: 'x' }, 'ownerAgentId'],
        ['income.record', { kind: 'training', amount: 100, agentId: 'no-such' }, 'agentId'],
        ['expense.record', { category: 'ads', amount: 100, campaignId: 'no-such' }, 'campaignId'],
      ] as const;
      const res = await post<PushResponse>(
        '/v1/sync/push',
        {
          schemaVersion: LATEST_VERSION,
          mutations: attempts.map(([name, args], i) => ({
            seq: i + 1,
            name,
            args,
            hlc: HLC,
            tz: 480,
          })),
        },
        token,
      );
      expect(res.status).toBe(200);
      expect(res.body.results.map((r) => [r.status, r.code])).toEqual(
        attempts.map(() => ['rejected', 'NOT_FOUND']),
      );
      res.body.results.forEach((r, i) =>
        expect(JSON.stringify(r), attempts[i]![0]).toContain(attempts[i]![2]),
      );
      const after = await serverState();
      expect(after.rows).toEqual(before.rows);
      expect(after.counter).toEqual(before.counter);
    });

    it('malformed, oversized and out-of-order pushes are refused without effect', async () => {
      const before = await serverState();
      const bad = [
        await post('/v1/sync/push', null, agentToken, '{"schemaVersion": 5, "mutations": ['),
        await post('/v1/sync/push', {
          schemaVersion: LATEST_VERSION,
          mutations: [{ seq: 1, name: 'x' }],
        }),
        await post('/v1/sync/push', {
          schemaVersion: LATEST_VERSION,
          mutations: [{ seq: 1, name: 'customer.create', args: {}, hlc: 'now', tz: 0 }],
        }),
        await post('/v1/sync/push', { schemaVersion: LATEST_VERSION, mutations: [] }),
        await post('/v1/sync/push', {
          schemaVersion: LATEST_VERSION,
          mutations: Array.from({ length: 201 }, (_, i) => ({
            seq: i + 1,
            name: 'customer.create',
            args: {},
            hlc: HLC,
            tz: 0,
          })),
        }),
        await post('/v1/sync/push', {
          schemaVersion: LATEST_VERSION,
          mutations: [
            {
              seq: 1,
              name: 'customer.create',
              args: { name: 'x'.repeat(3 * 1024 * 1024) },
              hlc: HLC,
              tz: 0,
            },
          ],
        }),
        await post('/v1/sync/push', {
          schemaVersion: LATEST_VERSION,
          mutations: [
            { seq: 2, name: 'customer.create', args: {}, hlc: HLC, tz: 0 },
            { seq: 1, name: 'customer.create', args: {}, hlc: HLC, tz: 0 },
          ],
        }),
      ];
      expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 413, 400]);
      const tampered = await post(
        '/v1/sync/pull',
        { schemaVersion: LATEST_VERSION, since: 0 },
        `${agentToken.slice(0, -4)}AAAA`,
      );
      expect(tampered.status).toBe(401);
      expect(await serverState()).toEqual(before);
    });

    it('a push with a gap stops at the gap', async () => {
      const last = (
        await post<PullResponse>('/v1/sync/pull', {
          schemaVersion: LATEST_VERSION,
          since: 0,
          limit: 1,
        })
      ).body.lastAppliedSeq;
      const res = await post<PushResponse>('/v1/sync/push', {
        schemaVersion: LATEST_VERSION,
        mutations: [{ seq: last + 5, name: 'plan.create', args: {}, hlc: HLC, tz: 0 }],
      });
      expect(res.body).toMatchObject({ results: [], lastAppliedSeq: last, gap: true });
    });

    it('an old client is told to update and loses nothing', async () => {
      const old = await post('/v1/sync/pull', { schemaVersion: 3, since: 0 });
      expect(old.status).toBe(426);
      expect(old.body).toMatchObject({ code: 'UPDATE_REQUIRED' });

      // The owner's device runs an older build for a while: its change waits in the outbox.
      await owner.core.invoke('customer.create', { name: '更新前的客户' });
      const oldClient = new SyncClient({ store: owner.store, auto: false, schemaVersion: 3 });
      await expect(oldClient.syncOnce()).rejects.toThrow(/too old/);
      expect((await oldClient.statusEvent()).status).toBe('update-required');
      expect(getState(owner.store.sqlite, 'update_required')).not.toBeNull();
      expect(owner.store.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get()).toBe(1);
      // Updated: the same store syncs and the customer reaches the server.
      await owner.client.syncOnce();
      expect(owner.store.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get()).toBe(0);
      const view = await serverView(server.db, ws, null);
      expect([...view.get('customers')!.values()].some((c) => c.name === '更新前的客户')).toBe(
        true,
      );
    });
  });
}
