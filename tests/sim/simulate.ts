// The sync simulator: owner and agent devices against a real server over HTTP, driven by one
// seed. Devices record random operations from the contract offline, sync over a network that
// drops, loses, duplicates and replays requests, crash between a write and its push, and run
// on skewed clocks. Agent devices sell too: they write in their team's scope, try writes
// outside it (refused by their own core, nothing recorded) and, as a tampered client would,
// record some anyway (refused by the server). After quiescence the checks in checkWorld must hold.
import { expect } from 'vitest';
import type { Clock } from '../../core/api/context';
import { AppError } from '../../core/api/errors';
import { createRecorder, getState } from '../../core/sync/device';
import { createCore } from '../../core/api/dispatcher';
import { isSyncedMethod } from '../../core/sync/capture';
import { methods, type MethodName } from '../../core/api/contract';
import { applyRate } from '../../core/money';
import type { SyncDb } from '../../server/sync/schema';
import {
  Device,
  diffRows,
  serverView,
  snapshotReady,
  startServer,
  type SimServer,
  type StoreKind,
} from './harness';
import { Network, NO_FAULTS } from './network';
import { rng, type Rng } from './random';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/**
 * The current run's trace: its steps, calls, sync outcomes and what went on the wire, in order.
 * Two runs of one seed leave the same (SimConfig.trace; SIM_TRACE_DIR writes one file per run).
 * Runs go one at a time (one test file).
 */
let trace: string[] = [];

export interface SimConfig {
  seed: number;
  kind: StoreKind;
  owners: number;
  agents: number;
  steps: number;
  /** Given: the run's trace is added to it (two runs of one seed must leave the same). */
  trace?: string[];
}

export interface SimReport {
  seed: number;
  kind: StoreKind;
  mutations: number;
  applied: number;
  rejected: number;
  /** Of those, made on agent devices: applied, rejected, and out-of-scope writes forced through. */
  agentApplied: number;
  agentRejected: number;
  tampered: number;
  syncs: number;
  syncFailures: number;
  crashes: number;
  scopeChecks: number;
  network: Network['stats'];
}

const START = Date.parse('2026-03-10T02:00:00.000Z');
const PASSWORD = 'simulated password 1';
const PLAN_RATES = [1000, 300, 100];

interface SimDevice {
  device: Device;
  role: 'owner' | 'agent';
  agentId: string | null;
  made: number;
  /** Pushed seqs of out-of-scope writes recorded past the device's own checks. */
  tampered: number[];
}

class SimClock implements Clock {
  constructor(
    private readonly world: { now: number },
    readonly skewMs: number,
  ) {}
  now(): Date {
    return new Date(this.world.now + this.skewMs);
  }
}

export async function simulate(cfg: SimConfig): Promise<SimReport> {
  const r = rng(cfg.seed);
  const world = { now: START };
  const net = new Network(r);
  trace = net.trace;
  let failed: unknown = null;
  // Every workspace gets a snapshot: the owner devices that join after the first upload take
  // their first sync from it (core/sync/snapshot.ts) and must end like every other device.
  const server = await startServer(cfg.kind, () => new Date(world.now), {
    snapshots: { minRows: 1, refreshRows: 1_000_000 },
  });
  const report: SimReport = {
    seed: cfg.seed,
    kind: cfg.kind,
    mutations: 0,
    applied: 0,
    rejected: 0,
    agentApplied: 0,
    agentRejected: 0,
    tampered: 0,
    syncs: 0,
    syncFailures: 0,
    crashes: 0,
    scopeChecks: 0,
    network: net.stats,
  };
  const devices: SimDevice[] = [];
  const newDevice = (name: string, skewMs: number, role: 'owner' | 'agent'): SimDevice => {
    const d: SimDevice = {
      device: new Device({
        name,
        clock: new SimClock(world, skewMs),
        fetch: net.fetchFor(),
        random: r,
        pullLimit: r.pick([7, 50, 1000]),
        // SIM_REQUEST_TIMEOUT_MS: a short request timeout plays a slow machine (how long a run
        // takes against the client's 30 s); nothing the run checks may depend on it.
        ...(process.env.SIM_REQUEST_TIMEOUT_MS
          ? { requestTimeoutMs: Number(process.env.SIM_REQUEST_TIMEOUT_MS) }
          : {}),
        // Made from the seed (not drawn from r, so the draws stay as they were).
        // SIM_NODE_SALT: other ids for the same seed (another run to explore, replayable too).
        node: createHash('sha256')
          .update(`${cfg.seed}/${process.env.SIM_NODE_SALT ?? ''}${name}`)
          .digest('base64url')
          .slice(0, 12),
      }),
      role,
      agentId: null,
      made: 0,
      tampered: [],
    };
    devices.push(d);
    return d;
  };
  try {
    // ---- setup: the first owner records a business, signs up, the others join ----------
    const first = newDevice('owner0', 0, 'owner');
    const agents = await seedBusiness(first, r);
    const session = await first.device.client.signUp({
      serverUrl: server.url,
      email: 'owner@sim.test',
      password: PASSWORD,
      workspaceName: '模拟小店',
      deviceName: 'owner0',
    });
    const ws = session.workspace.id;
    expect(await sync(first, report), 'the first upload').toBe(true);
    // The business recorded before the sign-up went up whole (the first upload, as rows): none
    // of those mutations is pushed.
    first.made = 0;
    // The snapshot is built in the background after the upload: waited for, so that the run
    // does not depend on how fast that process is.
    const snapshotCursor = await snapshotReady(server.url, await login(server.url));
    trace.push(`snapshot ready at ${snapshotCursor}`);
    for (let i = 1; i < cfg.owners; i++) {
      // Skewed clocks: a few hours either way, and one device a day ahead (clamped by the server).
      const skew = i === cfg.owners - 1 ? 26 * 3600_000 : r.int(-3, 3) * 3600_000;
      const d = newDevice(`owner${i}`, skew, 'owner');
      await d.device.client.signIn({
        serverUrl: server.url,
        email: 'owner@sim.test',
        password: PASSWORD,
        deviceName: `owner${i}`,
      });
      d.device.refreshCore();
      await sync(d, report);
      if (i === 1)
        expect(
          getState(d.device.store.sqlite, 'snapshot_cursor'),
          'an owner that joins takes its first sync from the snapshot',
        ).toBe(String(snapshotCursor));
    }
    for (let i = 0; i < cfg.agents; i++) {
      const agentId = agents[i % agents.length]!;
      const { code } = await first.device.client.createInvite(agentId);
      const d = newDevice(`agent${i}`, r.int(-2, 2) * 3600_000, 'agent');
      d.agentId = agentId;
      await d.device.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: `agent${i}@sim.test`,
        password: PASSWORD,
        deviceName: `agent${i}`,
      });
      d.device.refreshCore();
      await syncAndCheckScope(d, server, ws, report);
    }

    // ---- the run -----------------------------------------------------------------------
    net.faults = { drop: 0.1, lostResponse: 0.1, duplicate: 0.08, stale: 0.08 };
    for (let step = 0; step < cfg.steps; step++) {
      world.now += r.int(0, 40) * 60_000;
      const d = r.pick(devices);
      const action = r();
      trace.push(`step ${step} ${d.device.name} ${action.toFixed(6)}`);
      if (action < 0.6) {
        if (d.role === 'owner') await randomOperation(d, r, report);
        else if (r.chance(0.2)) await agentReads(d);
        else await agentOperation(d, first, r, report);
      } else if (action < 0.88) {
        if (d.role === 'agent') await syncAndCheckScope(d, server, ws, report);
        else await sync(d, report);
      } else if (action < 0.94) {
        trace.push(`crash ${d.device.name}`);
        report.crashes += 1;
        await d.device.crash();
        d.device.refreshCore();
      } else {
        await net.deliverStale();
      }
    }

    // ---- quiescence: a quiet network, everyone syncs until nothing is left ------------
    net.faults = NO_FAULTS;
    while (net.stats.staleDelivered < 1e9) {
      const before = net.stats.staleDelivered;
      await net.deliverStale();
      if (net.stats.staleDelivered === before) break;
    }
    for (let round = 0; round < 3; round++) {
      for (const d of devices) {
        if (d.role === 'agent') await syncAndCheckScope(d, server, ws, report);
        else await sync(d, report);
      }
    }
    trace.push('checkWorld');
    await checkWorld(server, ws, devices, report);
    return report;
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    trace.push(`report ${JSON.stringify(report)}`);
    cfg.trace?.push(...trace);
    const dir = process.env.SIM_TRACE_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      trace.push(`failed ${failed === null ? 'no' : String((failed as Error).stack ?? failed)}`);
      const salt = process.env.SIM_NODE_SALT ?? '';
      writeFileSync(
        join(
          dir,
          `${cfg.kind}-${cfg.seed}-${salt}-${Date.now()}${failed === null ? '' : '-FAILED'}.txt`,
        ),
        `${trace.join('\n')}\n`,
      );
    }
    for (const d of devices) await d.device.dispose().catch(() => undefined);
    await server.close();
  }
}

async function sync(d: SimDevice, report: SimReport): Promise<boolean> {
  report.syncs += 1;
  try {
    await d.device.client.syncOnce();
    trace.push(`sync ${d.device.name} ok`);
    return true;
  } catch (err) {
    trace.push(`sync ${d.device.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    report.syncFailures += 1;
    return false;
  }
}

/** After a full sync an agent device holds nothing the server would not show it. */
async function syncAndCheckScope(
  d: SimDevice,
  server: SimServer,
  ws: string,
  report: SimReport,
): Promise<void> {
  if (!(await sync(d, report))) return;
  const view = await serverView(server.db, ws, d.agentId);
  const held = d.device.rows();
  for (const [tbl, rows] of held) {
    for (const key of rows.keys()) {
      expect(
        view.get(tbl)?.has(key),
        `${d.device.name} holds ${tbl} ${key} outside its scope`,
      ).toBe(true);
    }
  }
  report.scopeChecks += 1;
}

/** Calls a contract method; a refusal by the local core is part of the game (nothing recorded). */
async function call(
  d: SimDevice,
  report: SimReport,
  method: string,
  input: unknown,
): Promise<unknown> {
  const res = await d.device.core.call(method, input);
  trace.push(`call ${d.device.name} ${method} ${res.ok ? 'ok' : res.error.code}`);
  if (!res.ok) return null;
  if (methods[method as MethodName].mutates && isSyncedMethod(method)) {
    d.made += 1;
    report.mutations += 1;
  }
  return res.value;
}

async function seedBusiness(d: SimDevice, r: Rng): Promise<string[]> {
  const core = d.device.core;
  const report = { mutations: 0 } as SimReport;
  const made = async (m: string, input: unknown) => {
    const v = await call(d, report, m, input);
    if (v === null) throw new Error(`seeding ${m} failed`);
    return v as { id: string };
  };
  await made('workspace.init', { name: '模拟小店' });
  await made('plan.create', {
    name: '标准',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates: PLAN_RATES,
  });
  const a1 = await made('agent.create', { name: '总代一', tier: 'general' });
  const a2 = await made('agent.create', { name: '一级二', tier: 'level1', uplineId: a1.id });
  const a3 = await made('agent.create', { name: '二级三', tier: 'level2', uplineId: a2.id });
  const a4 = await made('agent.create', { name: '总代四', tier: 'general' });
  for (let i = 0; i < 3; i++) {
    const p = await made('product.create', {
      sku: `S0-${i}`,
      name: `商品${i}`,
      retailPrice: r.int(5, 50) * 100,
    });
    await made('purchase.record', { lines: [{ productId: p.id, quantity: 50, unitCost: 300 }] });
  }
  for (const owner of [a1.id, a2.id, a3.id, a4.id, null])
    await made('customer.create', {
      name: `顾客${owner?.slice(-4) ?? '直营'}`,
      ownerAgentId: owner,
    });
  void core;
  return [a1.id, a2.id, a3.id, a4.id];
}

/**
 * Ids from a device, sorted: what r.pick draws from must not depend on the order the rows were
 * laid down in (pulled pages come in the server's text order, a collation on PostgreSQL).
 */
const ids = (d: SimDevice, sql: string): string[] =>
  (d.device.store.sqlite.prepare(sql).pluck().all() as string[]).sort();

async function randomOperation(d: SimDevice, r: Rng, report: SimReport): Promise<void> {
  const products = ids(d, 'SELECT id FROM products WHERE deleted_at IS NULL');
  const customers = ids(d, 'SELECT id FROM customers WHERE deleted_at IS NULL');
  const agents = ids(d, 'SELECT id FROM agents WHERE deleted_at IS NULL');
  const n = report.mutations;
  const kind = r.int(0, 15);
  if (products.length === 0 || customers.length === 0) {
    // A device that has not pulled yet has nothing to refer to: it records new things only.
    if (r.chance(0.5)) await call(d, report, 'customer.create', { name: `新客${n}` });
    return;
  }
  switch (kind) {
    case 0:
      await call(d, report, 'customer.create', {
        name: `顾客${d.device.name}-${n}`,
        ownerAgentId: r.chance(0.6) && agents.length > 0 ? r.pick(agents) : null,
      });
      break;
    case 1:
      await call(d, report, 'customer.update', { id: r.pick(customers), notes: `备注${n}` });
      break;
    case 2:
      await call(d, report, 'customer.update', {
        id: r.pick(customers),
        ...(r.chance(0.5)
          ? { name: `改名${n}` }
          : { ownerAgentId: r.chance(0.7) && agents.length > 0 ? r.pick(agents) : null }),
      });
      break;
    case 3:
      await call(d, report, 'product.create', {
        sku: `S-${d.device.name}-${n}`,
        name: `新品${n}`,
        retailPrice: r.int(5, 80) * 100,
      });
      break;
    case 4:
      await call(d, report, 'product.update', {
        id: r.pick(products),
        retailPrice: r.int(5, 80) * 100,
      });
      break;
    case 5:
      await call(d, report, 'purchase.record', {
        lines: [
          { productId: r.pick(products), quantity: r.int(1, 30), unitCost: r.int(1, 40) * 100 },
        ],
      });
      break;
    case 6:
    case 7:
    case 8: {
      const customerId = r.pick(customers);
      const order = (await call(d, report, 'order.create', {
        customerId,
        ...(r.chance(0.5) && agents.length > 0 ? { agentId: r.pick(agents) } : {}),
        lines: [{ productId: r.pick(products), quantity: r.int(1, 4) }],
      })) as { id: string } | null;
      if (order && r.chance(0.7)) await call(d, report, 'order.markPaid', { orderId: order.id });
      break;
    }
    case 9: {
      const open = ids(d, "SELECT id FROM orders WHERE status IN ('confirmed', 'draft')");
      if (open.length > 0) await call(d, report, 'order.markPaid', { orderId: r.pick(open) });
      break;
    }
    case 10: {
      const paid = ids(d, "SELECT id FROM orders WHERE status IN ('paid', 'shipped')");
      if (paid.length > 0) {
        const id = r.pick(paid);
        await call(d, report, 'order.ship', { id });
        if (r.chance(0.5)) await call(d, report, 'order.complete', { id });
      }
      break;
    }
    case 11: {
      const paid = ids(d, "SELECT id FROM orders WHERE status IN ('paid', 'shipped', 'completed')");
      if (paid.length > 0)
        await call(d, report, 'refund.full', { orderId: r.pick(paid), restock: r.chance(0.5) });
      break;
    }
    case 12: {
      const open = ids(d, "SELECT id FROM orders WHERE status IN ('confirmed', 'draft')");
      if (open.length > 0) await call(d, report, 'order.cancel', { id: r.pick(open) });
      break;
    }
    case 13:
      await call(d, report, 'stock.adjust', {
        productId: r.pick(products),
        kind: r.pick(['damage', 'loss', 'adjustment'] as const),
        quantity: -r.int(1, 3),
      });
      break;
    case 14:
      if (agents.length > 1 && r.chance(0.5)) {
        await call(d, report, 'agent.move', {
          id: r.pick(agents),
          uplineId: r.chance(0.3) ? null : r.pick(agents),
        });
      } else {
        await call(d, report, 'agent.create', {
          name: `代理${n}`,
          tier: 'level2',
          uplineId: agents.length > 0 ? r.pick(agents) : null,
        });
      }
      break;
    default:
      await call(d, report, 'expense.record', { category: 'ads', amount: r.int(1, 50) * 100 });
  }
}

async function agentReads(d: SimDevice): Promise<void> {
  // An agent's device reads; a write it tries is refused by its own core (nothing recorded).
  await d.device.core.call('agent.list', {});
  // It reads its team's customers and orders (everything it holds is its team).
  for (const m of ['customer.list', 'order.list', 'product.list', 'group.list']) {
    const res = await d.device.core.call(m, { limit: 5 });
    if (!res.ok)
      throw new AppError('INTERNAL', `${m} refused on an agent device: ${res.error.message}`);
  }
  const refused = await d.device.core.call('plan.create', {
    name: 'x',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates: [10000],
  });
  if (refused.ok) throw new AppError('INTERNAL', 'an agent device changed a plan');
}

/**
 * An agent device at work: in its team's scope (what it holds is its team), sometimes outside
 * it. Out-of-scope writes through its own core are refused and leave nothing to push; a few
 * are recorded anyway by a core that skips the device's checks (a tampered client), so the
 * server has to refuse them.
 */
async function agentOperation(
  d: SimDevice,
  owner: SimDevice,
  r: Rng,
  report: SimReport,
): Promise<void> {
  const products = ids(d, 'SELECT id FROM products WHERE deleted_at IS NULL');
  const customers = ids(
    d,
    'SELECT id FROM customers WHERE deleted_at IS NULL AND erased_at IS NULL',
  );
  const team = ids(d, 'SELECT id FROM agents WHERE deleted_at IS NULL');
  const open = ids(d, "SELECT id FROM orders WHERE status IN ('confirmed', 'draft')");
  const n = report.mutations;
  const kind = r.int(0, 11);
  if (products.length === 0 || kind === 0 || (customers.length === 0 && kind < 9)) {
    await call(d, report, 'customer.create', {
      name: `代理客${d.device.name}-${n}`,
      ...(r.chance(0.4) && team.length > 0 ? { ownerAgentId: r.pick(team) } : {}),
      ...(r.chance(0.3) ? { addresses: [{ recipient: `收件人${n}`, detail: `路${n}号` }] } : {}),
    });
    return;
  }
  switch (kind) {
    case 1:
      await call(d, report, 'customer.update', { id: r.pick(customers), notes: `代理备注${n}` });
      break;
    case 2:
      await call(d, report, 'customer.update', {
        id: r.pick(customers),
        ...(r.chance(0.5) || team.length === 0
          ? { name: `代理改名${n}` }
          : { ownerAgentId: r.pick(team) }),
      });
      break;
    case 3:
      await call(d, report, 'customer.addAddress', {
        customerId: r.pick(customers),
        recipient: `收件人${n}`,
        detail: `街${n}号`,
      });
      break;
    case 4:
    case 5:
    case 6: {
      const order = (await call(d, report, 'order.create', {
        ...(r.chance(0.9) ? { customerId: r.pick(customers) } : {}),
        ...(r.chance(0.4) && team.length > 0 ? { agentId: r.pick(team) } : {}),
        lines: [{ productId: r.pick(products), quantity: r.int(1, 4) }],
      })) as { id: string; totalDue: number } | null;
      if (order && r.chance(0.3) && order.totalDue > 1)
        await call(d, report, 'order.recordPayment', {
          orderId: order.id,
          amount: Math.floor(order.totalDue / 2),
          method: 'wechat',
        });
      if (order && r.chance(0.6)) await call(d, report, 'order.markPaid', { orderId: order.id });
      break;
    }
    case 7:
      if (open.length > 0) await call(d, report, 'order.markPaid', { orderId: r.pick(open) });
      break;
    case 8:
      if (open.length > 0) await call(d, report, 'order.cancel', { id: r.pick(open) });
      break;
    case 9:
    case 10:
      await outOfScope(d, owner, r, report, products);
      break;
    default:
      await tamperedWrite(d, r, customers, products);
  }
}

/** Writes naming rows outside the agent's team: its own core refuses them, nothing recorded. */
async function outOfScope(
  d: SimDevice,
  owner: SimDevice,
  r: Rng,
  report: SimReport,
  products: string[],
): Promise<void> {
  // Rows the first owner device holds and this agent device does not.
  const outside = (tbl: string) => {
    const held = new Set(ids(d, `SELECT id FROM ${tbl}`));
    return ids(owner, `SELECT id FROM ${tbl}`).filter((id) => !held.has(id));
  };
  // Agents outside its team as its own store knows the team (closure rows under itself).
  const team = new Set(
    d.device.store.sqlite
      .prepare('SELECT descendant FROM agent_closure WHERE ancestor = ?')
      .pluck()
      .all(d.agentId) as string[],
  );
  const agents = ids(owner, 'SELECT id FROM agents').filter((id) => !team.has(id));
  const customers = outside('customers');
  const orders = outside('orders');
  const attempts: [string, unknown][] = [];
  if (agents.length > 0) {
    attempts.push(['customer.create', { name: '越界客', ownerAgentId: r.pick(agents) }]);
    if (products.length > 0)
      attempts.push([
        'order.create',
        { agentId: r.pick(agents), lines: [{ productId: r.pick(products), quantity: 1 }] },
      ]);
  }
  if (customers.length > 0) {
    attempts.push(['customer.update', { id: r.pick(customers), notes: '越界' }]);
    if (products.length > 0)
      attempts.push([
        'order.create',
        { customerId: r.pick(customers), lines: [{ productId: r.pick(products), quantity: 1 }] },
      ]);
  }
  if (orders.length > 0) attempts.push(['order.markPaid', { orderId: r.pick(orders) }]);
  if (attempts.length === 0) return;
  const [method, input] = r.pick(attempts);
  const seq = getState(d.device.store.sqlite, 'last_seq');
  const res = await d.device.core.call(method, input);
  expect(res.ok, `${d.device.name}: ${method} outside its team was allowed`).toBe(false);
  if (!res.ok) expect(['FORBIDDEN', 'NOT_FOUND'], res.error.message).toContain(res.error.code);
  expect(getState(d.device.store.sqlite, 'last_seq'), 'a refused write was recorded').toBe(seq);
  report.scopeChecks += 1;
}

/**
 * A write outside the agent's team recorded past the device's own checks (a tampered or buggy
 * client): it runs locally as if by the owner and goes to the server, which must refuse it.
 */
async function tamperedWrite(
  d: SimDevice,
  r: Rng,
  customers: string[],
  products: string[],
): Promise<void> {
  const store = d.device.store;
  const clock = d.device.options.clock;
  const rogue = createCore({
    store,
    clock,
    actor: { role: 'owner' },
    recorder: createRecorder(store, clock),
  });
  const [method, input] = r.chance(0.5)
    ? ['customer.update', { id: r.pick(customers), ownerAgentId: null }]
    : [
        'order.create',
        {
          customerId: r.pick(customers),
          agentId: null,
          lines: [{ productId: r.pick(products), quantity: 1 }],
        },
      ];
  const res = await rogue.call(method, input);
  if (!res.ok) return;
  d.made += 1;
  const sqlite = store.sqlite;
  d.tampered.push(
    Number(getState(sqlite, 'last_seq')) - Number(getState(sqlite, 'seq_offset') ?? 0),
  );
}

async function checkWorld(server: SimServer, ws: string, devices: SimDevice[], report: SimReport) {
  const sdb = server.db.db as unknown as SyncDb;
  for (const d of devices) {
    const sqlite = d.device.store.sqlite;
    const label = `${d.device.name} (seed ${report.seed}, ${report.kind})`;
    // Nothing left to send, and the device equals the server's view of its scope.
    expect(
      sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get(),
      `${label}: outbox`,
    ).toBe(0);
    const diff = diffRows(d.device.rows(), await serverView(server.db, ws, d.agentId));
    expect(diff, `${label}: device differs from the server`).toEqual([]);
    // Every mutation made is on the server once, applied or rejected; rejections are in the log.
    const deviceId = getState(sqlite, 'device_id')!;
    const done = await sdb
      .selectFrom('sync_mutations')
      .select(['seq', 'status', 'code', 'reason'])
      .where('workspace_id', '=', ws)
      .where('device_id', '=', deviceId)
      .orderBy('seq')
      .execute();
    expect(done.length, `${label}: mutations on the server`).toBe(d.made);
    done.forEach((m, i) => expect(Number(m.seq)).toBe(i + 1));
    const rejected = done.filter((m) => m.status === 'rejected').length;
    const logged = sqlite.prepare('SELECT count(*) FROM sync_log').pluck().get() as number;
    expect(logged, `${label}: rejected mutations in the sync log`).toBe(rejected);
    // Out-of-scope writes that got past the device were refused by the server (a profile edit
    // whose every field was changed later elsewhere is dropped before it runs: no effect either).
    for (const seq of d.tampered) {
      const m = done.find((x) => Number(x.seq) === seq)!;
      const outcome = m.status === 'rejected' ? m.code : (m.reason ?? 'applied with effect');
      expect(
        ['FORBIDDEN', 'every field was changed later elsewhere'],
        `${label}: tampered mutation ${seq}`,
      ).toContain(outcome);
    }
    report.applied += done.length - rejected;
    if (d.role === 'agent') {
      report.agentApplied += done.length - rejected;
      report.agentRejected += rejected;
      report.tampered += d.tampered.length;
    }
    report.rejected += rejected;
    if (d.role === 'owner') {
      const verify = (await d.device.core.invoke('figures.verify', {})) as { ok: boolean };
      expect(verify.ok, `${label}: P&L rollup equals its recomputation`).toBe(true);
    }
  }
  // Stock equals the sum of movements; commissions equal a recomputation from the lines.
  const view = await serverView(server.db, ws, null);
  const moves = [...view.get('stock_movements')!.values()];
  for (const p of view.get('products')!.values()) {
    const sum = moves
      .filter((m) => m.product_id === p.id)
      .reduce((s, m) => s + Number(m.quantity), 0);
    expect(p.on_hand, `product ${String(p.id)} on hand`).toBe(sum);
  }
  const lines = view.get('order_lines')!;
  const orders = view.get('orders')!;
  const accruals = [...view.get('commission_entries')!.values()].filter(
    (e) => e.kind === 'accrual',
  );
  for (const e of accruals) {
    const line = lines.get(String(e.order_line_id))!;
    expect(e.base_amount).toBe(line.net_amount);
    expect(e.rate_bp).toBe(PLAN_RATES[Number(e.level)]);
    expect(e.amount).toBe(applyRate(Number(e.base_amount), Number(e.rate_bp)));
  }
  for (const o of orders.values()) {
    if (o.paid_on === null || o.agent_id === null || o.is_wholesale === 1) continue;
    const own = [...lines.values()].filter((l) => l.order_id === o.id);
    const direct = accruals.filter((e) => e.order_id === o.id && e.level === 0);
    expect(direct.length, `order ${String(o.id)}: one direct accrual per line`).toBe(own.length);
  }
}

/** An access token of the owner (for asking about the snapshot). */
async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@sim.test', password: PASSWORD, deviceName: 'probe' }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}
