// The first upload (POST /v1/sync/seed): a store whose business came partly from imports or
// the demo generator (no mutation made those rows) signs up, and the server ends up with every
// row: a second device holds the same rows and the same figures, and later changes that refer
// to imported rows are applied. The seed is for the owner of a brand-new workspace only, and
// an upload cut short resumes where it stopped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Device,
  diffRows,
  serverView,
  startServer,
  type SimServer,
  type StoreKind,
} from '../../sim/harness';
import { writeCsv } from '../../support/imports-fixtures';
import { systemClock } from '../../../core/api/context';
import { getState, outboxCount } from '../../../core/sync/device';
import { SyncClient, type Fetch } from '../../../core/sync/client';
import type { SyncDb } from '../../../server/sync/schema';
import { LATEST_VERSION } from '../../../db/migrations';

const PASSWORD = 'correct horse battery';
const RANGE = { from: '2024-01-01', to: '2026-12-31' };

/** A store with imported customers and products, and a few recorded orders for them. */
async function importedBusiness(d: Device): Promise<{ customers: string[]; products: string[] }> {
  await d.core.invoke('workspace.init', { name: '小店' });
  const customersFile = writeCsv(d.dir, 'customers.csv', [
    ['客户编号', '姓名', '手机', '微信号', '标签', '来源', '备注', '营销同意', '地址'],
    [
      'C001',
      '张三',
      '138 1234 5678',
      'zhangsan',
      'VIP、老客户',
      '朋友圈',
      '爱吃草莓',
      '是',
      '浙江省杭州市西湖区文三路100号',
    ],
    ['C002', '李四', '', '', 'VIP,宝妈', '', '', '否', ''],
    ['C003', '王五', '13900001111', '', '', '', '', '', ''],
  ]);
  await d.core.invoke('import.run', { kind: 'customers', file: customersFile });
  const productsFile = writeCsv(d.dir, 'products.csv', [
    ['商品编码', '商品名称', '分类', '单位', '零售价', '团购价', '库存预警', '成本', '期初库存'],
    ['A001', '丹东草莓 500g', '水果', '盒', '39.9', '35', '5', '22.368', '50'],
    ['A002', '土蜂蜜', '', '', '68', '', '', '30', '20'],
  ]);
  await d.core.invoke('import.run', { kind: 'products', file: productsFile });
  const q = (sql: string) => d.store.sqlite.prepare(sql).pluck().all() as string[];
  const customers = q('SELECT id FROM customers ORDER BY external_ref');
  const products = q('SELECT id FROM products ORDER BY sku');
  expect(customers).toHaveLength(3);
  expect(products).toHaveLength(2);
  for (let i = 0; i < 3; i++) {
    const o = await d.core.invoke('order.create', {
      customerId: customers[i]!,
      lines: [{ productId: products[i % 2]!, quantity: i + 1 }],
    });
    await d.core.invoke('order.markPaid', { orderId: o.id });
  }
  await d.core.invoke('expense.record', { category: 'ads', amount: 500 });
  return { customers, products };
}

async function figures(d: Device): Promise<unknown[]> {
  return [
    await d.core.invoke('figures.dashboard', RANGE),
    await d.core.invoke('figures.pnl', { ...RANGE, by: 'product' }),
    await d.core.invoke('figures.verify', {}),
  ];
}

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`first upload (${kind})`, () => {
    let server: SimServer;
    const devices: Device[] = [];
    let n = 0;
    const device = (name: string, fetch?: Fetch, extra: Partial<{ pageRows: number }> = {}) => {
      const d = new Device({ name, clock: systemClock, ...(fetch ? { fetch } : {}) });
      if (extra.pageRows !== undefined) {
        d.client = new SyncClient({
          store: d.store,
          clock: systemClock,
          auto: false,
          uploadPageRows: extra.pageRows,
          ...(fetch ? { fetch } : {}),
        });
      }
      devices.push(d);
      return d;
    };
    const email = () => `owner${++n}@example.com`;
    const sdb = () => server.db.db as unknown as SyncDb;

    async function signIn(d: Device, mail: string) {
      await d.client.signIn({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        deviceName: d.name,
      });
      d.refreshCore();
      await d.client.syncOnce();
    }

    /** Everything the server holds for the workspace, to prove a refusal changed nothing. */
    async function serverState(ws: string) {
      return {
        rows: await sdb()
          .selectFrom('sync_rows')
          .selectAll()
          .where('workspace_id', '=', ws)
          .orderBy('tbl')
          .orderBy('pk')
          .execute(),
        counter: await sdb()
          .selectFrom('sync_counters')
          .selectAll()
          .where('workspace_id', '=', ws)
          .execute(),
      };
    }

    beforeAll(async () => {
      server = await startServer(kind);
    });
    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server.close();
    });

    it('imported rows reach the server: a second device holds the same rows and figures', async () => {
      const a = device('a');
      const { customers, products } = await importedBusiness(a);
      const mail = email();
      const statuses: string[] = [];
      let pulledRows = 0;
      a.client = new SyncClient({
        store: a.store,
        clock: systemClock,
        auto: false,
        onStatus: (e) => statuses.push(e.status),
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          if (!url.endsWith('/v1/sync/pull')) return res;
          const text = await res.text();
          pulledRows += (JSON.parse(text) as { rows: unknown[] }).rows.length;
          return new Response(text, { status: res.status, headers: res.headers });
        },
      });
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'a',
      });
      await a.client.syncOnce();
      expect(statuses).toContain('syncing');
      expect(statuses.at(-1)).toBe('up-to-date');
      // The outbox was covered by the upload: nothing was pushed, nothing is pending.
      expect(await a.client.statusEvent()).toMatchObject({ status: 'up-to-date', pending: 0 });
      expect(getState(a.store.sqlite, 'seed_seq')).toBeNull();
      // What went up is not brought back down: the pull goes on from the upload's cursor.
      expect(pulledRows).toBe(0);
      const pushed = await sdb()
        .selectFrom('sync_mutations')
        .selectAll()
        .where('workspace_id', '=', s.workspace.id)
        .execute();
      expect(pushed).toEqual([]);
      expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);

      const b = device('b');
      await signIn(b, mail);
      expect(diffRows(b.rows(), a.rows())).toEqual([]);
      expect(b.rows().get('customers')!.size).toBe(3);
      expect(await figures(b)).toEqual(await figures(a));

      // Changes made afterwards refer to imported rows: the server applies them.
      const o = await b.core.invoke('order.create', {
        customerId: customers[1]!,
        lines: [{ productId: products[0]!, quantity: 2 }],
      });
      await b.core.invoke('order.markPaid', { orderId: o.id });
      await a.core.invoke('customer.update', { id: customers[2]!, notes: '从 a 改的' });
      await b.client.syncOnce();
      await a.client.syncOnce();
      await b.client.syncOnce();
      const results = await sdb()
        .selectFrom('sync_mutations')
        .select(['name', 'status', 'reason'])
        .where('workspace_id', '=', s.workspace.id)
        .orderBy('cursor')
        .execute();
      expect(results.map((r) => [r.name, r.status])).toEqual([
        ['order.create', 'applied'],
        ['order.markPaid', 'applied'],
        ['customer.update', 'applied'],
      ]);
      expect(b.store.sqlite.prepare('SELECT count(*) FROM sync_log').pluck().get()).toBe(0);
      expect(a.rows().get('orders')!.has(o.id)).toBe(true);
      expect(diffRows(b.rows(), a.rows())).toEqual([]);
      expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
      expect(await figures(b)).toEqual(await figures(a));
    });

    it('a tiny demo business (agents, commissions, refunds) goes up and comes down the same', async () => {
      const a = device('demo-a');
      await a.core.invoke('workspace.init', { name: '演示' });
      await a.core.invoke('demo.generate', {
        seed: 3,
        orders: 60,
        customers: 20,
        endDay: '2026-11-20',
      });
      const mail = email();
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '演示',
        deviceName: 'a',
      });
      await a.client.syncOnce();
      expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
      const b = device('demo-b');
      await signIn(b, mail);
      expect(diffRows(b.rows(), a.rows())).toEqual([]);
      expect(b.rows().get('commission_entries')!.size).toBeGreaterThan(0);
      expect(await figures(b)).toEqual(await figures(a));
    });

    it('signing in to an empty workspace with a business uploads it too', async () => {
      const empty = device('empty-owner');
      const mail = email();
      await empty.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '空的',
        deviceName: 'first',
      });
      await empty.client.syncOnce();
      const a = device('joins-with-business');
      const { customers, products } = await importedBusiness(a);
      await signIn(a, mail);
      expect(getState(a.store.sqlite, 'seed_seq')).toBeNull();
      expect(await a.client.statusEvent()).toMatchObject({ status: 'up-to-date', pending: 0 });
      // Another device may not upload a second business into it.
      const other = (await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: mail, password: PASSWORD, deviceName: 'other' }),
      }).then((res) => res.json())) as { accessToken: string };
      const second = await fetch(`${server.url}/v1/sync/seed`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${other.accessToken}`,
        },
        body: JSON.stringify({ schemaVersion: LATEST_VERSION, rows: [], done: true }),
      });
      expect(second.status).toBe(409);
      expect(((await second.json()) as { message: string }).message).toMatch(/Another device/);
      empty.refreshCore();
      await empty.client.syncOnce();
      expect(diffRows(empty.rows(), a.rows())).toEqual([]);
      expect(await figures(empty)).toEqual(await figures(a));
      const o = await empty.core.invoke('order.create', {
        customerId: customers[0]!,
        lines: [{ productId: products[1]!, quantity: 1 }],
      });
      await empty.client.syncOnce();
      await a.client.syncOnce();
      expect(a.rows().get('orders')!.has(o.id)).toBe(true);
      expect(empty.store.sqlite.prepare('SELECT count(*) FROM sync_log').pluck().get()).toBe(0);
    });

    it('is refused to an agent (403) and once the workspace has applied a change (409)', async () => {
      const a = device('refuse-a');
      await a.core.invoke('workspace.init', { name: '小店' });
      const agent = await a.core.invoke('agent.create', { name: '甲', tier: 'general' });
      const mail = email();
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'a',
      });
      await a.client.syncOnce();
      const { code } = await a.client.createInvite(agent.id);
      const ag = device('refuse-agent');
      const as = await ag.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: `agent${n}@example.com`,
        password: PASSWORD,
        deviceName: 'agent',
      });
      const post = async (token: string, body: unknown) => {
        const res = await fetch(`${server.url}/v1/sync/seed`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        return {
          status: res.status,
          body: (await res.json()) as { code: string; message: string },
        };
      };
      const row = {
        t: 'customers',
        k: 'c-x',
        d: {
          id: 'c-x',
          name: '外人',
          marketing_consent: 0,
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:00:00.000Z',
          source: null,
        },
      };
      const body = { schemaVersion: LATEST_VERSION, rows: [row], done: true };
      const before = await serverState(s.workspace.id);
      expect(await post(as.accessToken, body)).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect(await serverState(s.workspace.id)).toEqual(before);

      // The owner's token, but the workspace has dealt with a mutation.
      const b = device('refuse-b');
      await signIn(b, mail);
      await b.core.invoke('customer.create', { name: '新客户' });
      await b.client.syncOnce();
      const owner = (await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: mail, password: PASSWORD, deviceName: 'tool' }),
      }).then((r) => r.json())) as { accessToken: string };
      const held = await serverState(s.workspace.id);
      const refused = await post(owner.accessToken, body);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('CONFLICT');
      expect(refused.body.message).toMatch(/already in use/);
      expect(await serverState(s.workspace.id)).toEqual(held);

      // Malformed: a table that is not synced, a key that is not the row's.
      for (const bad of [
        { ...body, rows: [{ ...row, t: 'sync_state' }] },
        { ...body, rows: [{ ...row, k: 'other' }] },
      ]) {
        const r = await post(owner.accessToken, bad);
        expect(r.status).toBe(400);
      }
      expect(await serverState(s.workspace.id)).toEqual(held);
    });

    it('an upload cut short resumes where it stopped, with changes made meanwhile', async () => {
      let allowed = Infinity;
      let seeds = 0;
      const sent: number[] = [];
      const flaky: Fetch = async (url, init) => {
        if (url.endsWith('/v1/sync/seed')) {
          seeds += 1;
          sent.push((JSON.parse(String(init.body)) as { rows: unknown[] }).rows.length);
          if (seeds > allowed) throw new TypeError('fetch failed (test: network down)');
          if (seeds === allowed) {
            // The server commits, the answer is lost.
            const res = await fetch(url, init);
            await res.text();
            throw new TypeError('fetch failed (test: answer lost)');
          }
        }
        return fetch(url, init);
      };
      const a = device('resume-a', flaky, { pageRows: 25 });
      const { customers, products } = await importedBusiness(a);
      const more = writeCsv(a.dir, 'more.csv', [
        ['客户编号', '姓名', '手机', '标签'],
        ...Array.from({ length: 80 }, (_, i) => [
          `M${100 + i}`,
          `客户${i}`,
          `1390000${String(1000 + i)}`,
          '新客',
        ]),
      ]);
      await a.core.invoke('import.run', { kind: 'customers', file: more });
      const total = [...a.rows().values()].reduce((sum, m) => sum + m.size, 0);
      expect(total).toBeGreaterThan(100);
      const mail = email();
      allowed = 3;
      const s = await a.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: 'a',
      });
      await expect(a.client.syncOnce()).rejects.toThrow(/cannot be reached/);
      expect(getState(a.store.sqlite, 'seed_seq')).not.toBeNull();
      expect(
        getState(a.store.sqlite, 'seed_table') ?? getState(a.store.sqlite, 'seed_after'),
      ).not.toBeNull();
      const sentBefore = sent.length;
      const partial = await serverState(s.workspace.id);
      expect(partial.rows.length).toBeGreaterThan(0);
      expect(partial.rows.length).toBeLessThan(total);
      expect(
        await sdb()
          .selectFrom('sync_mutations')
          .selectAll()
          .where('workspace_id', '=', s.workspace.id)
          .execute(),
      ).toEqual([]);

      // Meanwhile the seller works on: an edit of an imported customer, new tags (rows deleted
      // and made), a new order.
      await a.core.invoke('customer.update', { id: customers[0]!, notes: '上传中改的' });
      await a.core.invoke('customer.setTags', { id: customers[0]!, tags: ['老客户', '吃货'] });
      const o = await a.core.invoke('order.create', {
        customerId: customers[2]!,
        lines: [{ productId: products[1]!, quantity: 1 }],
      });
      expect(outboxCount(a.store.sqlite).pending).toBeGreaterThan(2);

      // The app restarts (the upload position survives) and the network comes back.
      await a.crash();
      a.client = new SyncClient({
        store: a.store,
        clock: systemClock,
        auto: false,
        uploadPageRows: 40,
        fetch: flaky,
      });
      a.refreshCore();
      allowed = Infinity;
      await a.client.syncOnce();
      expect(getState(a.store.sqlite, 'seed_seq')).toBeNull();
      expect(await a.client.statusEvent()).toMatchObject({ status: 'up-to-date', pending: 0 });
      // It went on from the last page the device knew was taken (the lost answer's page again).
      const resent = sent.slice(sentBefore).reduce((x, y) => x + y, 0);
      expect(resent).toBeLessThan(total);
      expect(resent).toBeGreaterThan(total - 3 * 25 - 5);
      const results = await sdb()
        .selectFrom('sync_mutations')
        .select(['name', 'status'])
        .where('workspace_id', '=', s.workspace.id)
        .orderBy('seq')
        .execute();
      expect(results).toEqual([
        { name: 'customer.update', status: 'applied' },
        { name: 'customer.setTags', status: 'applied' },
        { name: 'order.create', status: 'applied' },
      ]);
      expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
      expect(a.rows().get('orders')!.has(o.id)).toBe(true);

      const b = device('resume-b');
      await signIn(b, mail);
      expect(diffRows(b.rows(), a.rows())).toEqual([]);
      expect(await figures(b)).toEqual(await figures(a));
    });
  });
}
