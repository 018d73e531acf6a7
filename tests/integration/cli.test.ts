import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { PNL_BREAKDOWNS, runCli } from '../../core/cli/program';
import { DIMENSION_BREAKDOWNS, TIME_BREAKDOWNS } from '../../core/figures/report';
import { methods } from '../../core/api/contract';
import { openStore } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';
import { writeCsv } from '../support/imports-fixtures';

const REPO = resolve(import.meta.dirname, '../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in this process (fast): exit code and what it printed. */
async function cli(
  args: string[],
  options: { env?: Record<string, string>; isTTY?: boolean } = {},
) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
  });
  return { code, out, err };
}

/** The real command, as a seller runs it (node + tsx): slow, so used for a few steps only. */
function spawnCli(args: string[], env: Record<string, string> = {}) {
  const { QUNDESK_STORE: _ignored, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['bin/qundesk.mjs', ...args], {
    cwd: REPO,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ORDERS = [
  [
    '订单号',
    '下单时间',
    '状态',
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
  ],
  [
    'S1',
    '2026-03-01',
    '已完成',
    '张三',
    '13812345678',
    '草莓群',
    'A1',
    '草莓',
    '2',
    '22.368',
    '20',
    '10',
    '1.5',
  ],
  ['S1', '2026-03-01', '', '', '', '', 'B1', '蜂蜜', '1', '68', '30', '', ''],
  ['S2', '2026-03-09', '已付款', '李四', '', '', 'A1', '草莓', '1', '39.9', '10', '', ''],
];

/** What figures.pnl says, read straight from the store file (not through the CLI). */
async function pnlFromStore(
  file: string,
  input: { from: string; to: string; by: 'month' | 'product' },
) {
  const store = openStore(file);
  try {
    return await createCore({ store }).invoke('figures.pnl', input);
  } finally {
    await store.close();
  }
}

describe('qundesk (spawned)', () => {
  it('init, import (store from the environment), report json, and exit 2 without a store', () => {
    const store = join(dir, 'shop.sqlite');
    const init = spawnCli(['--store', store, 'init', '--name', '小店', '--currency', 'CNY']);
    expect(init.code).toBe(0);
    expect(init.out).toContain('Started "小店" (CNY)');

    const file = writeCsv(dir, 'orders.csv', ORDERS, 'utf8-bom');
    // The store named by the environment this time.
    const imported = spawnCli(['import', 'orders', file], { QUNDESK_STORE: store });
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('Imported 2 orders');
    expect(imported.err).toContain('Importing orders: 100% (3/3)');

    const report = spawnCli([
      '--store',
      store,
      'report',
      'pnl',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--format',
      'json',
    ]);
    expect(report.code).toBe(0);
    const json = JSON.parse(report.out);
    expect(json.totals.revenue).toBe(4474 + 6800 + 1000 + 3990);

    const noStore = spawnCli(['report', 'pnl', '--from', '2026-03-01', '--to', '2026-03-31']);
    expect(noStore.code).toBe(2);
    expect(noStore.err).toContain('--store FILE');

    return pnlFromStore(store, { from: '2026-03-01', to: '2026-03-31', by: 'month' }).then((pnl) =>
      expect(json).toEqual(pnl),
    );
  });
});

describe('qundesk (in process)', () => {
  async function storeWithOrders() {
    const store = join(dir, 'shop.sqlite');
    expect((await cli(['--store', store, 'init'])).code).toBe(0);
    const r = await cli([
      '--store',
      store,
      'import',
      'orders',
      writeCsv(dir, 'orders.csv', ORDERS),
    ]);
    expect(r.code).toBe(0);
    return store;
  }

  it('call prints the JSON value; --list needs no store; bad calls exit 1 or 2', async () => {
    const store = await storeWithOrders();
    const got = await cli(['--store', store, 'call', 'workspace.get']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out).settings.name).toBe('我的小店');

    const pnl = await cli([
      '--store',
      store,
      'call',
      'figures.pnl',
      '{"from":"2026-03-01","to":"2026-03-31","by":"product"}',
    ]);
    expect(JSON.parse(pnl.out)).toEqual(
      await pnlFromStore(store, { from: '2026-03-01', to: '2026-03-31', by: 'product' }),
    );

    const list = await cli(['call', '--list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^import\.run\s+Import customers/m);
    expect(list.out).toMatch(/^export\.run\s+/m);

    const invalid = await cli([
      '--store',
      store,
      'call',
      'figures.pnl',
      '{"from":"2026-03-01","to":"2026-02-01"}',
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('  - to: must be on or after from (2026-03-01)');

    expect((await cli(['--store', store, 'call', 'no.such'])).code).toBe(2);
    expect((await cli(['--store', store, 'call', 'workspace.get', '{oops'])).err).toContain(
      'not valid JSON',
    );
    expect((await cli(['--store', store, 'call'])).code).toBe(2);
    const missing = await cli(['--store', join(dir, 'nope.sqlite'), 'call', 'workspace.get']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('qundesk --store');
    expect(existsSync(join(dir, 'nope.sqlite'))).toBe(false);
  });

  it('report pnl: an aligned table with totals, CSV on stdout, files with --out, usage errors exit 2', async () => {
    const store = await storeWithOrders();
    const range = ['--from', '2026-03-01', '--to', '2026-03-31'];
    const table = await cli(['--store', store, 'report', 'pnl', ...range, '--by', 'product']);
    expect(table.code).toBe(0);
    const lines = table.out.split('\n');
    expect(lines[0]).toBe('P&L 2026-03-01 to 2026-03-31, by product (CNY)');
    const total = lines.find((l) => l.startsWith('Total'))!;
    expect(total.split(/\s{2,}/)).toEqual([
      'Total',
      '162.64',
      '60.00',
      '102.64',
      '1.50',
      '0.00',
      '0.00',
      '101.14',
      '2',
    ]);
    // Every line of the table has the same display width (Chinese labels take two cells each).
    const header = lines.find((l) => l.startsWith('Product'))!;
    const caoMei = lines.find((l) => l.startsWith('草莓'))!;
    expect(caoMei.length + 2 /* two wide chars */).toBe(header.length);

    const csv = await cli(['--store', store, 'report', 'pnl', ...range, '--format', 'csv']);
    expect(csv.out.startsWith('\uFEFF月份,营业收入')).toBe(true);
    expect(csv.out).toContain(
      '\r\n2026-03,162.64,60.00,102.64,1.50,0.00,0.00,101.14,2\r\n合计,162.64',
    );

    const out = join(dir, 'pnl.xlsx');
    expect(
      (await cli(['--store', store, 'report', 'pnl', ...range, '--format', 'xlsx', '--out', out]))
        .code,
    ).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets[0]!.getRow(2).getCell(2).value).toBe(162.64);

    const jsonFile = join(dir, 'pnl.json');
    expect(
      (
        await cli([
          '--store',
          store,
          'report',
          'pnl',
          ...range,
          '--format',
          'json',
          '--out',
          jsonFile,
        ])
      ).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(jsonFile, 'utf8')).totals.netProfit).toBe(10114);

    expect(
      (await cli(['--store', store, 'report', 'pnl', ...range, '--format', 'xlsx'])).code,
    ).toBe(2);
    expect((await cli(['--store', store, 'report', 'pnl', ...range, '--by', 'planet'])).code).toBe(
      2,
    );
    expect(
      (await cli(['--store', store, 'report', 'pnl', '--from', '1/3/2026', '--to', '2026-03-31']))
        .code,
    ).toBe(2);
    expect((await cli(['--store', store, 'report', 'pnl', '--from', '2026-03-01'])).code).toBe(2);
    expect(
      (await cli(['--store', store, 'report', 'pnl', '--from', '2026-02-30', '--to', '2026-03-31']))
        .code,
    ).toBe(1);
  });

  it('import: --map, --dry-run, --no-stock, and a re-run that skips everything', async () => {
    const store = join(dir, 'shop.sqlite');
    await cli(['--store', store, 'init']);
    const file = writeCsv(dir, 'odd.csv', [
      ['单', '日', '货', '件', '价'],
      ['K1', '2026-03-02', 'Z1', '3', '5'],
    ]);
    const map = ['--map', 'order_no=单,ordered_at=日', '--map', 'sku=货,quantity=件,unit_price=价'];
    const dry = await cli(['--store', store, 'import', 'orders', file, ...map, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: would import 1 order from');
    expect(dry.out).toContain('Nothing was written.');
    const real = await cli(['--store', store, 'import', 'orders', file, ...map, '--no-stock']);
    expect(real.out).toContain('Imported 1 order from');
    expect(real.out).toContain('Created along the way: 1 product.');
    const again = await cli(['--store', store, 'import', 'orders', file, ...map]);
    expect(again.out).toContain('Imported 0 orders from');
    expect(again.out).toContain('1 already in the store, skipped');
    const s = openStore(store);
    expect(s.sqlite.prepare('SELECT count(*) AS n FROM stock_movements').get()).toEqual({ n: 0 });
    await s.close();

    const badMap = await cli(['--store', store, 'import', 'orders', file, '--map', 'order_no']);
    expect(badMap.code).toBe(2);
    const unknownColumn = await cli([
      '--store',
      store,
      'import',
      'orders',
      file,
      '--map',
      'order_no=Nope',
    ]);
    expect(unknownColumn.code).toBe(1);
    expect(unknownColumn.err).toContain('  - mapping.order_no: the file has no column "Nope"');
    expect((await cli(['--store', store, 'import', 'agents', file])).code).toBe(2);

    const bad = writeCsv(dir, 'bad.csv', [
      ORDERS[0]!,
      ['S9', '2026-13-01', '已完成', '', '', '', 'A1', '', 'two', '1', '', '', ''],
    ]);
    const refused = await cli(['--store', store, 'import', 'orders', bad]);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('Nothing was imported: 1 row of');
    expect(refused.err).toContain('  row 2, column 下单时间: 2026-13-01 is not a real date\n');
    expect(refused.err).toContain('  row 2, column 数量: "two" is not a whole number\n');
  });

  it('export: kinds, filters, masking, and progress lines on a pipe or one redrawn line on a terminal', async () => {
    const store = await storeWithOrders();
    const orders = join(dir, 'orders.csv');
    const r = await cli([
      '--store',
      store,
      'export',
      'orders',
      orders,
      '--from',
      '2026-03-05',
      '--to',
      '2026-03-31',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Wrote 1 rows of orders to ${orders} (phones and addresses masked)\n`);
    expect(r.err).toContain('Exporting 订单 (orders): 100% (1/1)\n');

    const tty = await cli(
      ['--store', store, 'export', 'customers', join(dir, 'c.csv'), '--unmasked'],
      { isTTY: true },
    );
    expect(tty.out).not.toContain('masked');
    expect(tty.err).toContain('\r\x1b[KExporting 客户 (customers): 100% (2/2)');
    expect(tty.err.endsWith('\r\x1b[K')).toBe(true);

    const products = await cli([
      '--store',
      store,
      'export',
      'products',
      join(dir, 'p.csv'),
      '--from',
      '2026-03-01',
    ]);
    expect(products.code).toBe(1);
    expect(products.err).toContain('from: products are exported as they are now');
    expect((await cli(['--store', store, 'export', 'orders', join(dir, 'o.pdf')])).code).toBe(1);
    expect((await cli(['--store', store, 'export', 'refunds', join(dir, 'o.csv')])).code).toBe(2);
  });

  it('init twice and demo option clashes are refused', async () => {
    const store = join(dir, 'shop.sqlite');
    expect((await cli(['--store', store, 'init', '--currency', 'jpy'])).out).toContain('(JPY)');
    const again = await cli(['--store', store, 'init']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already holds the business');
    const bad = await cli(['--store', join(dir, 'x.sqlite'), 'init', '--currency', 'XYZ']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('  - currency: use one of');
    expect((await cli(['--store', store, 'demo', '--scale', 'small', '--orders', '5'])).code).toBe(
      2,
    );
    expect((await cli(['--store', store, 'demo', '--orders', 'many'])).code).toBe(2);
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['--version'])).out).toBe('0.1.0\n');
  });

  it.skipIf(!Object.hasOwn(methods, 'demo.generate'))(
    'demo fills a store with orders, reporting progress',
    async () => {
      const store = join(dir, 'demo.sqlite');
      expect((await cli(['--store', store, 'init'])).code).toBe(0);
      const demo = await cli(
        ['--store', store, 'demo', '--seed', '7', '--orders', '200', '--customers', '50'],
        { isTTY: true },
      );
      expect(demo.err).not.toContain('error');
      expect(demo.err).toMatch(new RegExp(String.raw`\r\u001b\[K\w+: 100% \(`));
      expect(demo.out).toContain('Demo data written:');
      expect(demo.code).toBe(0);
      const report = await cli([
        '--store',
        store,
        'report',
        'pnl',
        '--from',
        '2020-01-01',
        '--to',
        '2029-12-31',
        '--format',
        'json',
      ]);
      expect(report.code).toBe(0);
      expect(JSON.parse(report.out).totals.orders).toBeGreaterThan(0);
    },
  );

  it('offers --by exactly the breakdowns figures.pnl accepts', () => {
    expect([...PNL_BREAKDOWNS]).toEqual([...TIME_BREAKDOWNS, ...DIMENSION_BREAKDOWNS]);
  });
});
