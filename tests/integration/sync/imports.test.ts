// Imports on a device signed in to a sync server: the file stays on the device, the rows it read
// go to the server as one synced mutation (import.rows) that the server replays with the same
// code and the same ids. A second device then holds the same rows and the same figures; a
// re-run skips what exists; a dry run and a refused import send nothing; an import too large
// to sync is refused up front; an agent may not import; demo data is refused while signed in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Device,
  diffRows,
  serverView,
  startServer,
  type SimServer,
  type StoreKind,
} from '../../sim/harness';
import { excelDay, writeCsv, writeXlsx, type SheetValue } from '../../support/imports-fixtures';
import { systemClock } from '../../../core/api/context';
import { readDay } from '../../../core/imports/cells';
import { resolveMapping } from '../../../core/imports/fields';
import { readSheet } from '../../../core/imports/sheet';
import { toWire } from '../../../core/imports/wire';
import type { Fetch } from '../../../core/sync/client';
import { outboxCount } from '../../../core/sync/device';
import { MAX_IMPORT_SYNC_BYTES, MAX_IMPORT_SYNC_ROWS } from '../../../core/sync/protocol';
import type { SyncDb } from '../../../server/sync/schema';
import { LATEST_VERSION } from '../../../db/migrations';

const PASSWORD = 'correct horse battery';
const RANGE = { from: '2024-01-01', to: '2026-12-31' };

const CUSTOMERS: SheetValue[][] = [
  ['客户编号', '姓名', '手机', '微信号', '标签', '来源', '备注', '营销同意', '地址', '内部备注'],
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
    '这一列没有映射，不会发送',
  ],
  ['C002', '李四', '', '', 'VIP,宝妈', '', '', '否', '', ''],
  ['C003', '王五', '13900001111', '', '', '', '', '', '', ''],
];

const PRODUCTS: SheetValue[][] = [
  ['商品编码', '商品名称', '分类', '单位', '零售价', '团购价', '库存预警', '成本', '期初库存'],
  ['A001', '丹东草莓 500g', '水果', '盒', '39.9', '35', '5', '22.368', '50'],
  ['A002', '土蜂蜜', '', '', '68', '', '', '30', '20'],
];

const ORDER_HEADER = [
  '订单号',
  '下单时间',
  '付款时间',
  '状态',
  '客户编号',
  '客户',
  '手机',
  '群',
  '商品编码',
  '商品名称',
  '数量',
  '单价',
  '成本金额',
  '运费',
  '平台费',
];

/** An XLSX of orders: real Excel date cells, a timestamp with a zone, new customer and product. */
const ORDERS: SheetValue[][] = [
  ORDER_HEADER,
  [
    'SO-1',
    excelDay('2026-03-01'),
    excelDay('2026-03-01'),
    '已完成',
    'C001',
    '张三',
    '',
    '草莓群',
    'A001',
    '',
    2,
    '39.90',
    '44.00',
    '10',
    '1.50',
  ],
  ['SO-1', excelDay('2026-03-01'), '', '', '', '', '', '', 'A002', '', 1, '68', '', '', ''],
  [
    'SO-2',
    '2026-03-02T23:30:00+08:00',
    '2026-03-02T23:30:00+08:00',
    '已付款',
    '',
    '赵六',
    '13700002222',
    '蜂蜜群',
    '',
    '野生核桃',
    3,
    '22.368',
    '',
    '',
    '',
  ],
  ['SO-3', '2026年3月3日', '', '待付款', 'C002', '李四', '', '', 'A001', '', 1, '39.9', '', '', ''],
];

async function figures(d: Device): Promise<unknown[]> {
  return [
    await d.core.invoke('figures.dashboard', RANGE),
    await d.core.invoke('figures.pnl', { ...RANGE, by: 'product' }),
    await d.core.invoke('figures.verify', {}),
  ];
}

/** The outbox as recorded: method names and args (for "no file path went out"). */
function outbox(d: Device): { name: string; args: string }[] {
  return d.store.sqlite.prepare('SELECT name, args FROM sync_outbox ORDER BY seq').all() as {
    name: string;
    args: string;
  }[];
}

/** A customer sheet of `rows` rows with long notes (at most 2,000 characters), about `bytesPerRow` bytes each as synced. */
function bulkyCustomers(from: number, rows: number, bytesPerRow: number): SheetValue[][] {
  const out: SheetValue[][] = [['客户编号', '姓名', '备注']];
  const note = '备注'.repeat(Math.floor(bytesPerRow / 6));
  for (let i = 0; i < rows; i++) out.push([`B${from + i}`, `客户${from + i}`, note]);
  return out;
}

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`imports on a signed-in device (${kind})`, () => {
    let server: SimServer;
    const devices: Device[] = [];
    let n = 0;
    const sdb = () => server.db.db as unknown as SyncDb;
    const device = (name: string, fetch?: Fetch) => {
      const d = new Device({ name, clock: systemClock, ...(fetch ? { fetch } : {}) });
      devices.push(d);
      return d;
    };

    /** A signed-up owner device with an empty business, synced. */
    async function owner(name: string): Promise<{ d: Device; mail: string; ws: string }> {
      const d = device(name);
      await d.core.invoke('workspace.init', { name: '小店' });
      const mail = `imports-${kind}-${++n}@example.com`;
      const s = await d.client.signUp({
        serverUrl: server.url,
        email: mail,
        password: PASSWORD,
        workspaceName: '小店',
        deviceName: name,
      });
      await d.client.syncOnce();
      return { d, mail, ws: s.workspace.id };
    }

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

    async function mutations(ws: string) {
      return sdb()
        .selectFrom('sync_mutations')
        .select(['name', 'status', 'code', 'reason'])
        .where('workspace_id', '=', ws)
        .orderBy('cursor')
        .orderBy('seq')
        .execute();
    }

    beforeAll(async () => {
      server = await startServer(kind);
    });
    afterAll(async () => {
      for (const d of devices) await d.dispose();
      await server.close();
    });

    it('customers, products and orders imported on device A reach the server and device B', async () => {
      const { d: a, mail, ws } = await owner('a');
      const customers = writeCsv(a.dir, 'customers.csv', CUSTOMERS, 'utf8-bom');
      const products = writeCsv(a.dir, 'products.csv', PRODUCTS);
      const orders = await writeXlsx(a.dir, 'orders.xlsx', ORDERS);

      // A dry run stays on the device: nothing is recorded.
      const dry = await a.core.invoke('import.run', {
        kind: 'customers',
        file: customers,
        dryRun: true,
      });
      expect(dry).toMatchObject({ inserted: 3, dryRun: true, errors: [] });
      expect(outbox(a)).toEqual([]);
      expect(a.rows().get('customers')!.size).toBe(0);

      expect(
        await a.core.invoke('import.run', { kind: 'customers', file: customers }),
      ).toMatchObject({
        rows: 3,
        inserted: 3,
        errors: [],
        dryRun: false,
      });
      expect(await a.core.invoke('import.run', { kind: 'products', file: products })).toMatchObject(
        {
          inserted: 2,
          errors: [],
        },
      );
      const o = await a.core.invoke('import.run', { kind: 'orders', file: orders });
      expect(o).toMatchObject({
        rows: 4,
        inserted: 3,
        errors: [],
        created: { customers: 1, groups: 2, products: 1 },
      });

      // Recorded as import.rows: the rows read, never the file's path, nor unmapped columns.
      const recorded = outbox(a);
      expect(recorded.map((r) => r.name)).toEqual(['import.rows', 'import.rows', 'import.rows']);
      for (const r of recorded) {
        expect(r.args).not.toContain(a.dir);
        expect(r.args).not.toContain('这一列没有映射');
      }
      // Excel date cells travel as dates.
      expect(recorded[2]!.args).toContain(`{"date":${excelDay('2026-03-01').getTime()}}`);

      await a.client.syncOnce();
      expect(await a.client.statusEvent()).toMatchObject({ status: 'up-to-date', pending: 0 });
      expect((await mutations(ws)).map((m) => [m.name, m.status])).toEqual([
        ['import.rows', 'applied'],
        ['import.rows', 'applied'],
        ['import.rows', 'applied'],
      ]);
      // The server replayed them with the same ids and the same rows.
      expect(diffRows(a.rows(), await serverView(server.db, ws, null))).toEqual([]);

      const b = device('b');
      await signIn(b, mail);
      const rowsA = a.rows();
      const rowsB = b.rows();
      for (const table of [
        'customers',
        'customer_groups',
        'products',
        'stock_movements',
        'orders',
        'order_lines',
        'order_fees',
      ]) {
        expect(rowsA.get(table)!.size, table).toBeGreaterThan(0);
        expect(
          diffRows(new Map([[table, rowsB.get(table)!]]), new Map([[table, rowsA.get(table)!]])),
          table,
        ).toEqual([]);
      }
      expect(diffRows(rowsB, rowsA)).toEqual([]);
      expect(rowsB.get('customers')!.size).toBe(4);
      expect(rowsB.get('orders')!.size).toBe(3);
      // SO-2 was paid at 23:30 in UTC+8: its day is the seller's, wherever it is replayed.
      const so2 = b.store.sqlite
        .prepare("SELECT paid_on FROM orders WHERE order_no = 'SO-2'")
        .get() as { paid_on: string };
      expect(so2.paid_on).toBe(
        a.store.sqlite.prepare("SELECT paid_on FROM orders WHERE order_no = 'SO-2'").pluck().get(),
      );
      expect(await figures(b)).toEqual(await figures(a));
      expect(await b.core.invoke('figures.verify', {})).toMatchObject({ ok: true });

      // Re-running an import skips what exists, on either device, and changes nothing.
      const again = await b.core.invoke('import.run', {
        kind: 'customers',
        file: writeCsv(b.dir, 'customers.csv', CUSTOMERS),
      });
      expect(again).toMatchObject({ inserted: 0, skipped: 3, errors: [] });
      const againOrders = await a.core.invoke('import.run', { kind: 'orders', file: orders });
      expect(againOrders).toMatchObject({ inserted: 0, skipped: 3, errors: [] });
      await b.client.syncOnce();
      await a.client.syncOnce();
      await b.client.syncOnce();
      expect((await mutations(ws)).map((m) => m.status)).toEqual(Array(5).fill('applied'));
      expect(diffRows(b.rows(), rowsA)).toEqual([]);
      expect(diffRows(a.rows(), rowsA)).toEqual([]);
      expect(diffRows(a.rows(), await serverView(server.db, ws, null))).toEqual([]);
      expect(await figures(b)).toEqual(await figures(a));
    });

    it('an import that refuses rows writes and sends nothing, and says why', async () => {
      const { d: a } = await owner('refused');
      const before = a.rows();
      const file = writeCsv(a.dir, 'bad.csv', [
        ['姓名', '手机'],
        ['张三', '13812345678'],
        ['李四', '138****5678'],
      ]);
      const r = await a.core.invoke('import.run', { kind: 'customers', file });
      expect(r.inserted).toBe(0);
      expect(r.errors).toEqual([{ row: 3, column: '手机', reason: expect.any(String) }]);
      expect(outbox(a)).toEqual([]);
      expect(diffRows(a.rows(), before)).toEqual([]);
    });

    // Megabytes of rows: on SQLite only (the size checks are the same whatever the server's store).
    it.runIf(kind === 'sqlite')(
      'an import too large to sync is refused up front; imports waiting to sync share one allowance',
      async () => {
        let online = true;
        const a = device('big', (url, init) =>
          online ? fetch(url, init) : Promise.reject(new TypeError('fetch failed: offline')),
        );
        await a.core.invoke('workspace.init', { name: '小店' });
        const s = await a.client.signUp({
          serverUrl: server.url,
          email: `imports-${kind}-big@example.com`,
          password: PASSWORD,
          workspaceName: '小店',
          deviceName: 'big',
        });
        await a.client.syncOnce();
        const before = a.rows();

        // About 1.2 x the limit in one file.
        const perRow = 5400;
        const tooMany = Math.ceil((MAX_IMPORT_SYNC_BYTES * 1.2) / perRow);
        const huge = writeCsv(a.dir, 'huge.csv', bulkyCustomers(0, tooMany, perRow));
        const r = await a.core.call('import.run', { kind: 'customers', file: huge });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.code).toBe('VALIDATION');
        expect(r.error.message).toMatch(/too large to sync/);
        expect(r.error.message).toContain(
          `at most ${MAX_IMPORT_SYNC_ROWS} rows and ${MAX_IMPORT_SYNC_BYTES / 1024 / 1024} MB`,
        );
        expect(r.error.details).toMatchObject({
          reason: 'import-too-large',
          rows: tooMany,
          limitBytes: MAX_IMPORT_SYNC_BYTES,
        });
        const partRows = r.error.details!.partRows as number;
        expect(partRows).toBeGreaterThan(0);
        expect(partRows).toBeLessThan(tooMany);
        expect(outbox(a)).toEqual([]);
        expect(diffRows(a.rows(), before)).toEqual([]);
        // Small rows, too many of them: the server would replay them all in one request.
        const manyRows: SheetValue[][] = [['姓名']];
        for (let i = 0; i <= MAX_IMPORT_SYNC_ROWS; i++) manyRows.push([`客户${i}`]);
        const many = await a.core.call('import.run', {
          kind: 'customers',
          file: writeCsv(a.dir, 'many.csv', manyRows),
        });
        expect(many.ok).toBe(false);
        if (many.ok) return;
        expect(many.error.details).toMatchObject({
          reason: 'import-too-large',
          rows: MAX_IMPORT_SYNC_ROWS + 1,
          partRows: MAX_IMPORT_SYNC_ROWS,
        });
        expect(outbox(a)).toEqual([]);

        // Two parts of about 0.6 x the limit, offline: the first waits to sync, the second would
        // take the waiting imports over the limit and is refused until the first has gone.
        online = false;
        const half = Math.floor(tooMany / 2);
        const part1 = writeCsv(a.dir, 'part1.csv', bulkyCustomers(0, half, perRow));
        const part2 = writeCsv(a.dir, 'part2.csv', bulkyCustomers(half, tooMany - half, perRow));
        expect(await a.core.invoke('import.run', { kind: 'customers', file: part1 })).toMatchObject(
          {
            inserted: half,
          },
        );
        const waiting = await a.core.call('import.run', { kind: 'customers', file: part2 });
        expect(waiting.ok).toBe(false);
        if (waiting.ok) return;
        expect(waiting.error.code).toBe('INVALID_STATE');
        expect(waiting.error.details).toMatchObject({ reason: 'imports-waiting' });
        expect(outbox(a).map((m) => m.name)).toEqual(['import.rows']);
        await expect(a.client.syncOnce()).rejects.toThrow(/cannot be reached/);

        // Online again: the first part (a push far above the ordinary 2 MiB) goes through.
        online = true;
        await a.client.syncOnce();
        expect(outboxCount(a.store.sqlite)).toMatchObject({ pending: 0 });
        expect((await mutations(s.workspace.id)).map((m) => [m.name, m.status])).toEqual([
          ['import.rows', 'applied'],
        ]);
        expect(a.rows().get('customers')!.size).toBe(half);
        expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);
        // Nothing waits any more: the second part goes in.
        expect(await a.core.invoke('import.run', { kind: 'customers', file: part2 })).toMatchObject(
          {
            inserted: tooMany - half,
          },
        );
        expect(outbox(a).map((m) => m.name)).toEqual(['import.rows']);
      },
      180_000,
    );

    it('demo data is refused while signed in, and nothing changes', async () => {
      const { d: a } = await owner('demo');
      const before = a.rows();
      const r = await a.core.call('demo.generate', { seed: 1, orders: 20, customers: 5 });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('INVALID_STATE');
      expect(r.error.details).toMatchObject({ reason: 'demo-signed-in' });
      expect(r.error.message).toMatch(/signed in to a sync server/);
      expect(outbox(a)).toEqual([]);
      expect(diffRows(a.rows(), before)).toEqual([]);
    });

    it('an agent may not import: refused on its device, and on the server from its token', async () => {
      const { d: a, ws } = await owner('agent-owner');
      const agentId = (await a.core.invoke('agent.create', { name: '一级', tier: 'level1' })).id;
      await a.client.syncOnce();
      const { code } = await a.client.createInvite(agentId);
      const ag = device('agent');
      const session = await ag.client.joinAsAgent({
        serverUrl: server.url,
        code,
        email: `imports-${kind}-agent@example.com`,
        password: PASSWORD,
        deviceName: 'agent phone',
      });
      ag.refreshCore();
      await ag.client.syncOnce();
      const file = writeCsv(ag.dir, 'customers.csv', CUSTOMERS);
      const local = await ag.core.call('import.run', { kind: 'customers', file });
      expect(local.ok).toBe(false);
      if (!local.ok) expect(local.error.code).toBe('FORBIDDEN');
      expect(outbox(ag)).toEqual([]);

      // A device that sends one anyway: the server authorizes from the token, not the args.
      const res = await fetch(`${server.url}/v1/sync/push`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${session.accessToken}`,
        },
        body: JSON.stringify({
          schemaVersion: LATEST_VERSION,
          mutations: [
            {
              seq: 1,
              name: 'import.rows',
              args: {
                kind: 'customers',
                mapping: { name: '姓名' },
                columns: ['姓名'],
                rows: [[2, '不该进来的客户']],
              },
              hlc: `${String(Date.now()).padStart(15, '0')}:00000:agentnode`,
              tz: 480,
            },
          ],
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: { status: string; code?: string }[] };
      expect(body.results).toEqual([
        expect.objectContaining({ status: 'rejected', code: 'FORBIDDEN' }),
      ]);
      const names = (await serverView(server.db, ws, null)).get('customers')!;
      expect([...names.values()].map((c) => c.name)).not.toContain('不该进来的客户');
    });
  });
}

describe('an import counts days in the calendar of its mutation', () => {
  it('a timestamp with a zone falls on the day of the given offset, not the process time zone', () => {
    // 2026-03-02T17:30Z: already the 3rd in Beijing, still the 2nd in London and New York.
    const cell = '2026-03-03T01:30:00+08:00';
    expect(readDay(cell, 480)).toEqual({ value: '2026-03-03' });
    expect(readDay(cell, 0)).toEqual({ value: '2026-03-02' });
    expect(readDay(cell, -300)).toEqual({ value: '2026-03-02' });
    // Without a zone the day is as written, whatever the offset.
    expect(readDay('2026-03-03 01:30', -300)).toEqual({ value: '2026-03-03' });
  });
});

/**
 * A customer sheet as sellers keep them (ref, name, phone, WeChat, tags, source, some notes,
 * consent, a Chinese street address), the same for the same row count.
 */
function typicalCustomers(rows: number): SheetValue[][] {
  const sur = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
  const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂';
  const city = ['浙江省杭州市西湖区文三路', '广东省深圳市南山区科技园南路', '上海市浦东新区张江路'];
  const tags = ['VIP', '老客户', '宝妈', '团长推荐', '水果', ''];
  const source = ['朋友圈', '小区群', '抖音', '小红书', '老客介绍'];
  let seed = 1;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = (a: readonly string[] | string) => a[rnd(a.length)]!;
  const out: SheetValue[][] = [
    ['客户编号', '姓名', '手机', '微信号', '标签', '来源', '备注', '营销同意', '地址'],
  ];
  for (let i = 0; i < rows; i++)
    out.push([
      `C${String(i + 1).padStart(6, '0')}`,
      pick(sur) + pick(given) + (rnd(2) ? pick(given) : ''),
      `13${String(100000000 + rnd(899999999)).slice(0, 9)}`,
      rnd(3) ? `wx_${rnd(1e6)}` : '',
      [pick(tags), pick(tags)].filter(Boolean).join('、'),
      pick(source),
      rnd(4) === 0 ? '爱吃草莓，周末送货' : '',
      rnd(2) ? '是' : '否',
      `${pick(city)}${rnd(300) + 1}号${rnd(20) + 1}栋${rnd(30) + 1}01室`,
    ]);
  return out;
}

describe('the size of an import as it syncs', () => {
  it('a typical 20,000-row customer sheet fits one import (about 170 bytes a row)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qd-import-size-'));
    try {
      const sizes: number[] = [];
      for (const rows of [5_000, 20_000]) {
        const sheet = await readSheet(writeCsv(dir, `c${rows}.csv`, typicalCustomers(rows)));
        const wire = toWire(sheet, resolveMapping('customers', sheet.columns, {}));
        expect(wire.rows).toHaveLength(rows);
        sizes.push(
          Buffer.byteLength(JSON.stringify({ kind: 'customers', moveStock: true, ...wire })),
        );
      }
      // As the README says: 5,000 rows ~0.85 MB, 20,000 rows ~3.4 MB.
      expect(sizes[0]! / 5_000).toBeGreaterThan(150);
      expect(sizes[0]! / 5_000).toBeLessThan(200);
      expect(sizes[1]!).toBeLessThan(MAX_IMPORT_SYNC_BYTES / 2);
      expect(20_000).toBeLessThanOrEqual(MAX_IMPORT_SYNC_ROWS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
