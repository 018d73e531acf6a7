// An agent device runs its own sales over real sync: offline it records a customer, an order and
// the payment; once online they reach the server, which replays them as that agent (from its
// token), computes the commissions for the agent and its uplines, and the owner's device pulls
// them. Writes outside the agent's team that its stale device still allowed are rejected by
// the server with FORBIDDEN and land in the agent's sync log; the device ends equal to the
// server's view of its scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Device,
  diffRows,
  serverView,
  startServer,
  type SimServer,
  type StoreKind,
} from '../../sim/harness';
import { systemClock } from '../../../core/api/context';
import { applyRate } from '../../../core/money';
import type { Fetch } from '../../../core/sync/client';
import type { Row } from '../../../core/sync/tables';

const PASSWORD = 'correct horse battery';
const RATES = [1000, 300, 100];

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`an agent device records its own sales (${kind})`, () => {
    let server: SimServer;
    let owner: Device;
    let agent: Device;
    let ws: string;
    let online = true;
    const ids: Record<string, string> = {};
    // The agent's network: off while it works offline.
    const agentFetch: Fetch = (url, init) =>
      online ? fetch(url, init) : Promise.reject(new TypeError('fetch failed: offline'));

    beforeAll(async () => {
      server = await startServer(kind);
      owner = new Device({ name: 'owner', clock: systemClock });
      const core = owner.core;
      await core.invoke('workspace.init', { name: '小店' });
      await core.invoke('plan.create', {
        name: '标准',
        effectiveFrom: '2026-01-01',
        base: 'net',
        rates: RATES,
      });
      ids.top = (await core.invoke('agent.create', { name: '总代', tier: 'general' })).id;
      ids.b = (
        await core.invoke('agent.create', { name: '一级', tier: 'level1', uplineId: ids.top })
      ).id;
      ids.c = (
        await core.invoke('agent.create', { name: '二级', tier: 'level2', uplineId: ids.b })
      ).id;
      ids.x = (await core.invoke('agent.create', { name: '别家', tier: 'general' })).id;
      ids.p = (
        await core.invoke('product.create', { sku: 'P1', name: '脐橙', retailPrice: 1250 })
      ).id;
      await core.invoke('purchase.record', {
        lines: [{ productId: ids.p, quantity: 100, unitCost: 500 }],
      });
      ids.custX = (
        await core.invoke('customer.create', { name: '别家客', ownerAgentId: ids.x })
      ).id;
      const s = await owner.client.signUp({
        serverUrl: server.url,
        email: `owner-${kind}@example.com`,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'owner',
      });
      ws = s.workspace.id;
      await owner.client.syncOnce();
      const { code } = await owner.client.createInvite(ids.b);
      agent = new Device({ name: 'agent', clock: systemClock, fetch: agentFetch });
      await agent.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: `agent-${kind}@example.com`,
        password: PASSWORD,
        deviceName: 'agent phone',
      });
      agent.refreshCore();
      await agent.client.syncOnce();
    });

    afterAll(async () => {
      await owner?.dispose();
      await agent?.dispose();
      await server?.close();
    });

    const outbox = (d: Device) =>
      d.store.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get() as number;

    it('records a customer, an order and its payment offline; the server applies them', async () => {
      online = false;
      const customer = await agent.core.invoke('customer.create', {
        name: '李阿姨',
        phone: '13900000001',
        addresses: [{ recipient: '李阿姨', detail: '幸福路8号' }],
      });
      expect(customer.ownerAgentId).toBe(ids.b);
      const order = await agent.core.invoke('order.create', {
        customerId: customer.id,
        lines: [{ productId: ids.p!, quantity: 3, lineDiscount: 150 }],
        shippingCharged: 800,
      });
      expect(order.agentId).toBe(ids.b);
      const paid = await agent.core.invoke('order.recordPayment', {
        orderId: order.id,
        amount: order.totalDue,
        method: 'wechat',
      });
      expect(paid.status).toBe('paid');
      ids.customer = customer.id;
      ids.order = order.id;
      await expect(agent.client.syncOnce()).rejects.toThrow();
      expect(outbox(agent)).toBe(3);

      online = true;
      await agent.client.syncOnce();
      expect(outbox(agent)).toBe(0);
      expect(await agent.core.invoke('sync.log', {})).toEqual([]);
      const view = await serverView(server.db, ws, null);
      expect(view.get('customers')!.get(customer.id)).toMatchObject({ owner_agent_id: ids.b });
      expect(view.get('orders')!.get(order.id)).toMatchObject({
        agent_id: ids.b,
        customer_id: customer.id,
        status: 'paid',
        total_due: 3 * 1250 - 150 + 800,
        paid_total: 3 * 1250 - 150 + 800,
      });
      const payments = [...view.get('payments')!.values()].filter((p) => p.order_id === order.id);
      expect(payments.map((p) => p.amount)).toEqual([3 * 1250 - 150 + 800]);
      // The server's sale moved stock and captured the cost, which the agent's device could not.
      const line = [...view.get('order_lines')!.values()].find((l) => l.order_id === order.id)!;
      expect(line.unit_cost).toBe(500);
      // The agent's device holds exactly its scope as the server sees it.
      expect(diffRows(agent.rows(), await serverView(server.db, ws, ids.b!))).toEqual([]);
    });

    it('the server computes the commissions; the owner pulls them (base x rate)', async () => {
      await owner.client.syncOnce();
      const order = await owner.core.invoke('order.get', { id: ids.order! });
      expect(order).toMatchObject({ agentId: ids.b, status: 'paid' });
      const entries = [...owner.rows().get('commission_entries')!.values()]
        .filter((e) => e.order_id === ids.order && e.kind === 'accrual')
        .sort((a, b) => Number(a.level) - Number(b.level));
      const base = 3 * 1250 - 150;
      expect(entries.map((e) => [e.agent_id, e.level, e.base_amount, e.rate_bp])).toEqual([
        [ids.b, 0, base, RATES[0]],
        [ids.top, 1, base, RATES[1]],
      ]);
      for (const e of entries) expect(e.amount).toBe(applyRate(base, Number(e.rate_bp)));
      // The owner's figures agree with the server's rows.
      expect(diffRows(owner.rows(), await serverView(server.db, ws, null))).toEqual([]);
      // The agent holds its own entry, not its upline's.
      const held = [...agent.rows().get('commission_entries')!.values()].filter(
        (e: Row) => e.order_id === ids.order,
      );
      expect(held.map((e) => e.agent_id)).toEqual([ids.b]);
      const mine = await agent.core.invoke('commission.entries', { orderId: ids.order! });
      expect(mine.map((e) => e.amount)).toEqual([applyRate(base, RATES[0]!)]);
    });

    it('writes outside its team are rejected by the server (FORBIDDEN) and logged on the device', async () => {
      // The agent still believes C is in its downline and the customer is its own...
      const second = await agent.core.invoke('customer.create', { name: '王叔' });
      await agent.client.syncOnce();
      await owner.client.syncOnce();
      // ...but the owner moves C to another team and hands the customer to another agent.
      await owner.core.invoke('agent.move', { id: ids.c!, uplineId: ids.x! });
      await owner.core.invoke('customer.update', { id: second.id, ownerAgentId: ids.x! });
      await owner.client.syncOnce();

      online = false;
      const forC = await agent.core.invoke('order.create', {
        customerId: ids.customer!,
        agentId: ids.c!,
        lines: [{ productId: ids.p!, quantity: 1 }],
      });
      await agent.core.invoke('customer.update', { id: second.id, notes: '老主顾' });
      // Its own customer and order are still fine.
      const ok = await agent.core.invoke('order.create', {
        customerId: ids.customer!,
        lines: [{ productId: ids.p!, quantity: 1 }],
      });
      // And what its own device already refuses is never sent.
      const local = await agent.core.call('order.create', {
        customerId: ids.customer!,
        agentId: ids.x!,
        lines: [{ productId: ids.p!, quantity: 1 }],
      });
      expect(!local.ok && local.error.code).toBe('FORBIDDEN');
      expect(outbox(agent)).toBe(3);

      online = true;
      await agent.client.syncOnce();
      expect(outbox(agent)).toBe(0);
      const log = (await agent.core.invoke('sync.log', {})) as {
        name: string;
        code: string;
        reason: string;
      }[];
      expect(log.map((l) => [l.name, l.code])).toEqual([
        ['customer.update', 'FORBIDDEN'],
        ['order.create', 'FORBIDDEN'],
      ]);
      expect(log[0]!.reason).toMatch(/^id: customer .* does not belong to you or your downline/);
      expect(log[1]!.reason).toMatch(/^agentId: agent .* is not you or in your downline/);

      const view = await serverView(server.db, ws, null);
      expect(view.get('orders')!.has(forC.id)).toBe(false);
      expect(view.get('orders')!.get(ok.id)).toMatchObject({ agent_id: ids.b });
      expect(view.get('customers')!.get(second.id)).toMatchObject({
        owner_agent_id: ids.x,
        notes: null,
      });
      // The device dropped what left its scope and equals the server's view of it.
      const held = agent.rows();
      expect(held.get('agents')!.has(ids.c!)).toBe(false);
      expect(held.get('customers')!.has(second.id)).toBe(false);
      expect(held.get('orders')!.has(forC.id)).toBe(false);
      expect(diffRows(held, await serverView(server.db, ws, ids.b!))).toEqual([]);
    });
  });
}
