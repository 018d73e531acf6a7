import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { newBusiness, type TestBusiness } from '../support/store';
import { expectRefused, writeCsv } from '../support/imports-fixtures';
import type { Progress } from '../../core/api/context';
import { formatAmount } from '../../core/money';

let biz: TestBusiness;
let other: TestBusiness | undefined;
afterEach(async () => {
  await biz?.close();
  await other?.close();
  other = undefined;
});

const one = (b: TestBusiness, sql: string, ...params: unknown[]) =>
  b.store.sqlite.prepare(sql).get(...params) as Record<string, unknown>;

const TRICKY_NOTE = '爱吃草莓, 说 "要大的"\n每周五下单';

/** A business with customers, products (with stock) and orders, all brought in by imports. */
async function stockedBusiness(currency = 'CNY'): Promise<TestBusiness> {
  const b = await newBusiness({ currency });
  const customers = writeCsv(b.dir, 'c.csv', [
    ['客户编号', '姓名', '手机', '备注', '标签', '营销同意', '地址'],
    [
      'C1',
      '张三',
      '13812345678',
      TRICKY_NOTE,
      'VIP、老客户',
      '是',
      '浙江省杭州市西湖区文三路100号',
    ],
    ['C2', '李四', '13900001111', '', '', '否', ''],
  ]);
  const products = writeCsv(b.dir, 'p.csv', [
    ['商品编码', '商品名称', '分类', '零售价', '成本', '期初库存'],
    ['A1', '草莓', '水果', '39.9', '20', '50'],
    ['B1', '蜂蜜', '', '68', '30.5', '10'],
  ]);
  const orders = writeCsv(b.dir, 'o.csv', [
    [
      '订单号',
      '下单时间',
      '付款时间',
      '状态',
      '客户编号',
      '手机',
      '群',
      '商品编码',
      '数量',
      '单价',
      '成本金额',
      '运费',
      '平台费',
      '手续费',
    ],
    [
      'O1',
      '2026-03-01',
      '2026-03-01',
      '已完成',
      'C1',
      '',
      '草莓群',
      'A1',
      2,
      '39.90',
      '40',
      '10',
      '1.2',
      '0.6',
    ],
    ['O1', '2026-03-01', '', '', '', '', '', 'B1', 1, '68', '30.5', '', '', ''],
    ['O2', '2026-03-05', '', '已付款', 'C2', '', '', 'A1', 1, '35', '20', '', '', ''],
    ['O3', '2026-04-02', '', '待付款', 'C2', '', '', 'B1', 1, '68', '30.5', '', '', ''],
  ]);
  for (const [kind, file] of [
    ['customers', customers],
    ['products', products],
    ['orders', orders],
  ] as const) {
    const r = await b.core.invoke('import.run', { kind, file });
    expect(r.errors).toEqual([]);
  }
  return b;
}

async function readXlsx(file: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

describe('export.run', () => {
  it('writes customers as CSV: BOM, RFC 4180 quoting, masked phone and address, footer, logged', async () => {
    biz = await stockedBusiness();
    const file = join(biz.dir, 'customers.csv');
    const r = await biz.core.invoke('export.run', { kind: 'customers', file });
    expect(r).toMatchObject({ kind: 'customers', format: 'csv', rows: 2, masked: true });
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    // The comma, the quotes (doubled) and the line break stay inside one quoted field.
    expect(text).toContain(`"爱吃草莓, 说 ""要大的""\n每周五下单"`);
    const records = parse(text, { bom: true, relax_column_count: true }) as string[][];
    expect(records[0]).toEqual([
      '客户编号',
      '姓名',
      '手机',
      '微信号',
      '标签',
      '来源',
      '备注',
      '营销同意',
      '地址',
      '建档日期',
    ]);
    const zhang = records.find((r) => r[0] === 'C1')!;
    expect(zhang).toEqual([
      'C1',
      '张三',
      '138****5678',
      '',
      'VIP、老客户',
      '',
      TRICKY_NOTE,
      '是',
      '浙江省杭州市西湖区****',
      '2026-03-15',
    ]);
    // After the data: a blank line, then what, filters, when and which version.
    const blank = records.findIndex((r) => r.length === 1 && r[0] === '');
    expect(blank).toBe(3);
    const footer = records.slice(blank + 1).map((r) => r[0]);
    expect(footer).toEqual([
      '导出内容 Export: 客户 (customers)',
      '筛选条件 Filters: 全部 (all)',
      expect.stringMatching(/^导出时间 Made at: 2026-03-15T02:00:00.000Z$/),
      '软件版本 Version: QunDesk 0.1.0',
      expect.stringContaining('masked'),
    ]);
    const log = biz.store.sqlite
      .prepare('SELECT action, subject, detail FROM personal_data_log')
      .all() as { detail: string }[];
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'export', subject: 'customers' });
    expect(JSON.parse(log[0]!.detail)).toMatchObject({ file, rows: 2, masked: true });
  });

  it('writes customers unmasked as XLSX with a bold header and an About sheet', async () => {
    biz = await stockedBusiness();
    const file = join(biz.dir, 'customers.xlsx');
    const r = await biz.core.invoke('export.run', { kind: 'customers', file, unmasked: true });
    expect(r.masked).toBe(false);
    const wb = await readXlsx(file);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(3).value).toBe('13812345678');
    expect(sheet.getRow(2).getCell(9).value).toBe('浙江省杭州市西湖区文三路100号');
    expect(sheet.getRow(2).getCell(10).value).toEqual(new Date('2026-03-15T00:00:00.000Z'));
    const about = wb.getWorksheet('About')!;
    const lines = about
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? [row.slice(1).join(' | ')] : []));
    expect(lines).toContain('软件版本 Version | QunDesk 0.1.0');
    expect(lines).toContain('导出时间 Made at | 2026-03-15T02:00:00.000Z');
    expect(
      JSON.parse(String(one(biz, 'SELECT detail FROM personal_data_log').detail)),
    ).toMatchObject({ masked: false });
  });

  it('writes orders as XLSX: number and date cells, totals that match the store', async () => {
    biz = await stockedBusiness();
    const file = join(biz.dir, 'orders.xlsx');
    const progress: Progress[] = [];
    const r = await biz.core.invoke(
      'export.run',
      { kind: 'orders', file, from: '2026-03-01', to: '2026-03-31' },
      { onProgress: (p) => progress.push(p) },
    );
    expect(r.rows).toBe(3); // O1 (2 lines) and O2; O3 is in April
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
    const sheet = (await readXlsx(file)).worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    expect(sheet.getRow(2).getCell(col('下单日期')).value).toEqual(
      new Date('2026-03-01T00:00:00.000Z'),
    );
    expect(sheet.getRow(2).getCell(col('下单日期')).numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getRow(2).getCell(col('金额')).value).toBe(79.8);
    expect(sheet.getRow(2).getCell(col('金额')).numFmt).toBe('#,##0.00');
    expect(sheet.getRow(2).getCell(col('状态')).value).toBe('已完成');
    expect(sheet.getRow(2).getCell(col('手机')).value).toBe('138****5678');
    // Order fields sit on an order's first line only, so the totals count them once.
    expect(sheet.getRow(3).getCell(col('运费')).value).toBeNull();
    const totals = sheet.getRow(5);
    expect(totals.getCell(1).value).toBe('合计');
    expect(totals.font?.bold).toBe(true);
    const store = one(
      biz,
      "SELECT sum(l.net_amount) AS net, sum(l.cost) AS cost, sum(l.quantity) AS qty FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.ordered_on <= '2026-03-31'",
    );
    const cellTotal = (name: string) =>
      totals.getCell(col(name)).value as { formula: string; result: number };
    expect(cellTotal('金额')).toEqual({
      formula: `SUM(${String.fromCharCode(64 + col('金额'))}2:${String.fromCharCode(64 + col('金额'))}4)`,
      result: Number(store.net) / 100,
    });
    expect(cellTotal('成本金额').result).toBe(Number(store.cost) / 100);
    expect(cellTotal('数量').result).toBe(store.qty);
    expect(cellTotal('运费').result).toBe(10);
    expect(cellTotal('平台费').result).toBe(1.2);
    expect(one(biz, 'SELECT subject FROM personal_data_log')).toEqual({ subject: 'orders' });
  });

  it('an unmasked orders CSV imports back into another store with the same figures', async () => {
    biz = await stockedBusiness();
    const file = join(biz.dir, 'orders.csv');
    await biz.core.invoke('export.run', { kind: 'orders', file, unmasked: true });
    other = await newBusiness();
    const r = await other.core.invoke('import.run', { kind: 'orders', file, moveStock: false });
    expect(r).toMatchObject({ inserted: 3, errors: [] });
    const range = { from: '2026-01-01', to: '2026-12-31', by: 'month' } as const;
    expect((await other.core.invoke('figures.pnl', range)).totals).toEqual(
      (await biz.core.invoke('figures.pnl', range)).totals,
    );
    const customers = (b: TestBusiness) =>
      b.store.sqlite.prepare('SELECT name, phone, external_ref FROM customers ORDER BY name').all();
    expect(customers(other)).toEqual(customers(biz));

    // The XLSX (date cells, number cells, a totals row) imports back too: nothing new to add.
    const xlsx = join(biz.dir, 'orders.xlsx');
    await biz.core.invoke('export.run', { kind: 'orders', file: xlsx, unmasked: true });
    const before = other.snapshot();
    expect(await other.core.invoke('import.run', { kind: 'orders', file: xlsx })).toMatchObject({
      rows: 4,
      inserted: 0,
      skipped: 3,
      errors: [],
    });
    expect(other.snapshot()).toEqual(before);
  });

  it('a masked customers export cannot be imported as real phone numbers', async () => {
    biz = await stockedBusiness();
    const file = join(biz.dir, 'masked.csv');
    await biz.core.invoke('export.run', { kind: 'customers', file });
    other = await newBusiness();
    const r = await other.core.invoke('import.run', { kind: 'customers', file });
    expect(r.errors).toEqual([
      { row: 2, column: '手机', reason: expect.stringContaining('masked') },
      { row: 3, column: '手机', reason: expect.stringContaining('masked') },
    ]);
  });

  it('writes products and stock movements with amounts as decimal text', async () => {
    biz = await stockedBusiness();
    const products = join(biz.dir, 'products.csv');
    await biz.core.invoke('export.run', { kind: 'products', file: products });
    const p = parse(readFileSync(products, 'utf8'), {
      bom: true,
      relax_column_count: true,
    }) as string[][];
    expect(p[0]).toEqual([
      '商品编码',
      '商品名称',
      '分类',
      '单位',
      '零售价',
      '团购价',
      '库存预警',
      '库存',
      '平均成本',
      '库存金额',
      '状态',
    ]);
    // 50 in, 2 + 1 sold (O1, O2) and 1 in O3 (confirmed) leaves A1 at 47; B1 at 10 - 1 - 1.
    expect(p[1]).toEqual([
      'A1',
      '草莓',
      '水果',
      '件',
      '39.90',
      '',
      '0',
      '47',
      '20.00',
      '940.00',
      '在售',
    ]);
    expect(p[2]).toEqual([
      'B1',
      '蜂蜜',
      '',
      '件',
      '68.00',
      '',
      '0',
      '8',
      '30.50',
      '244.00',
      '在售',
    ]);
    expect(one(biz, 'SELECT count(*) AS n FROM personal_data_log')).toEqual({ n: 0 });

    const stock = join(biz.dir, 'stock.xlsx');
    const r = await biz.core.invoke('export.run', {
      kind: 'stock',
      file: stock,
      from: '2026-03-02',
      to: '2026-03-10',
    });
    expect(r.rows).toBe(1); // O2's sale only (opening stock came in on 03-15)
    const sheet = (await readXlsx(stock)).worksheets[0]!;
    expect((sheet.getRow(2).values as unknown[]).slice(1, 8)).toEqual([
      new Date('2026-03-05T00:00:00.000Z'),
      'A1',
      '草莓',
      '销售出库',
      -1,
      20,
      -20,
    ]);
  });

  it('formats amounts with the currency decimals (JPY: none)', async () => {
    biz = await stockedBusiness('JPY');
    const file = join(biz.dir, 'products.xlsx');
    await biz.core.invoke('export.run', { kind: 'products', file });
    const sheet = (await readXlsx(file)).worksheets[0]!;
    expect(sheet.getRow(2).getCell(5).value).toBe(40); // 39.9 rounded half-up to whole yen on import
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('#,##0');
  });

  it('refuses bad input with the field named, writing no file and changing nothing', async () => {
    biz = await stockedBusiness();
    const at = (name: string) => join(biz.dir, name);
    await expectRefused(
      biz,
      'export.run',
      { kind: 'refunds', file: at('x.csv') },
      'VALIDATION',
      'kind',
    );
    await expectRefused(
      biz,
      'export.run',
      { kind: 'orders', file: at('x.txt') },
      'VALIDATION',
      'file',
    );
    await expectRefused(
      biz,
      'export.run',
      { kind: 'orders', file: at('x.csv'), from: '2026-03-31', to: '2026-03-01' },
      'VALIDATION',
      'to',
    );
    await expectRefused(
      biz,
      'export.run',
      { kind: 'orders', file: at('x.csv'), from: '31/03/2026' },
      'VALIDATION',
      'from',
    );
    await expectRefused(
      biz,
      'export.run',
      { kind: 'products', file: at('x.csv'), from: '2026-03-01' },
      'VALIDATION',
      'from',
    );
    await expectRefused(
      biz,
      'export.run',
      { kind: 'orders', file: at('missing/x.csv') },
      'NOT_FOUND',
    );
    await expectRefused(
      biz,
      'report.export',
      { from: '2026-03-01', to: '2026-03-31', file: at('x.csv'), format: 'xlsx' },
      'VALIDATION',
      'format',
    );
    await expectRefused(
      biz,
      'report.export',
      { from: '2026-03-01', to: '2026-03-31', by: 'planet', file: at('x.csv') },
      'VALIDATION',
      'by',
    );
    expect(existsSync(at('x.csv'))).toBe(false);
  });
});

describe('report.export', () => {
  it('writes the same figures as figures.pnl, as CSV and as XLSX', async () => {
    biz = await stockedBusiness();
    const input = { from: '2026-03-01', to: '2026-04-30', by: 'product' } as const;
    const pnl = await biz.core.invoke('figures.pnl', input);
    const csv = join(biz.dir, 'pnl.csv');
    const r = await biz.core.invoke('report.export', { ...input, file: csv });
    expect(r).toMatchObject({ format: 'csv', rows: pnl.rows.length });
    const records = parse(readFileSync(csv, 'utf8'), {
      bom: true,
      relax_column_count: true,
    }) as string[][];
    expect(records[0]).toEqual([
      '商品',
      '营业收入',
      '销售成本',
      '毛利',
      '费用',
      '佣金',
      '其他收入',
      '净利润',
      '订单数',
    ]);
    const money = (n: number) => formatAmount(n, 2);
    const expected = [...pnl.rows.map((x) => ({ ...x })), { ...pnl.totals, label: '合计' }].map(
      (x) => [
        x.label,
        money(x.revenue),
        money(x.cogs),
        money(x.grossProfit),
        money(x.fees),
        money(x.commissions),
        money(x.otherIncome),
        money(x.netProfit),
        String(x.orders),
      ],
    );
    expect(records.slice(1, expected.length + 1)).toEqual(expected);

    const xlsx = join(biz.dir, 'pnl.xlsx');
    await biz.core.invoke('report.export', { ...input, file: xlsx, format: 'xlsx' });
    const sheet = (await readXlsx(xlsx)).worksheets[0]!;
    const totalsRow = sheet.getRow(pnl.rows.length + 2);
    expect((totalsRow.values as unknown[]).slice(1)).toEqual([
      '合计',
      pnl.totals.revenue / 100,
      pnl.totals.cogs / 100,
      pnl.totals.grossProfit / 100,
      pnl.totals.fees / 100,
      pnl.totals.commissions / 100,
      pnl.totals.otherIncome / 100,
      pnl.totals.netProfit / 100,
      pnl.totals.orders,
    ]);
  });

  it('logs a breakdown by customer as an export of personal data', async () => {
    biz = await stockedBusiness();
    await biz.core.invoke('report.export', {
      from: '2026-03-01',
      to: '2026-03-31',
      by: 'customer',
      file: join(biz.dir, 'c.xlsx'),
    });
    expect(one(biz, 'SELECT subject FROM personal_data_log')).toEqual({
      subject: 'report:customer',
    });
  });
});
