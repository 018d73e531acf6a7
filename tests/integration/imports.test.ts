import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { newBusiness, type TestBusiness } from '../support/store';
import { excelDay, expectRefused, writeCsv, writeXlsx } from '../support/imports-fixtures';
import type { Progress } from '../../core/api/context';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const rows = (sql: string, ...params: unknown[]) =>
  biz.store.sqlite.prepare(sql).all(...params) as Record<string, unknown>[];
const one = (sql: string, ...params: unknown[]) =>
  biz.store.sqlite.prepare(sql).get(...params) as Record<string, unknown>;

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
  '分类',
  '数量',
  '单价',
  '金额',
  '成本金额',
  '运费',
  '平台费',
];

describe('customer import', () => {
  it('imports a UTF-8 CSV with BOM, then a re-run changes nothing', async () => {
    biz = await newBusiness();
    const file = writeCsv(
      biz.dir,
      'customers.csv',
      [
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
        ['', '王五', '13900001111', '', '', '', '', '', ''],
      ],
      'utf8-bom',
    );
    const r = await biz.core.invoke('import.run', { kind: 'customers', file });
    expect(r).toMatchObject({
      kind: 'customers',
      rows: 3,
      inserted: 3,
      skipped: 0,
      errors: [],
      dryRun: false,
    });
    const zhang = one("SELECT * FROM customers WHERE external_ref = 'C001'");
    expect(zhang).toMatchObject({
      name: '张三',
      phone: '13812345678',
      wechat_id: 'zhangsan',
      marketing_consent: 1,
      source: '朋友圈',
    });
    expect(
      rows('SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag', zhang.id).map(
        (t) => t.tag,
      ),
    ).toEqual(['VIP', '老客户']);
    expect(
      one(
        'SELECT detail, recipient, is_default FROM customer_addresses WHERE customer_id = ?',
        zhang.id,
      ),
    ).toEqual({
      detail: '浙江省杭州市西湖区文三路100号',
      recipient: '张三',
      is_default: 1,
    });

    const before = biz.snapshot();
    const again = await biz.core.invoke('import.run', { kind: 'customers', file });
    expect(again).toMatchObject({ inserted: 0, skipped: 3, errors: [] });
    expect(biz.snapshot()).toEqual(before);
  });

  it('reads a GBK CSV saved by Chinese Excel, and keys ref-less rows by phone', async () => {
    biz = await newBusiness();
    const file = writeCsv(
      biz.dir,
      'gbk.csv',
      [
        ['姓名', '电话', '备注'],
        ['赵六', '+86 137-0000-2222', '老顾客，常买蜂蜜'],
        ['钱七', '13700003333', ''],
        ['赵六的同名', '13700002222', '同一个电话'],
      ],
      'gbk',
    );
    const r = await biz.core.invoke('import.run', { kind: 'customers', file });
    expect(r).toMatchObject({ inserted: 2, skipped: 1, errors: [] });
    expect(r.warnings).toEqual([
      { row: 4, column: '电话', message: 'the same customer as row 2: skipped' },
    ]);
    expect(one("SELECT notes, phone FROM customers WHERE name = '赵六'")).toEqual({
      notes: '老顾客，常买蜂蜜',
      phone: '13700002222',
    });
  });

  it('reads ="00123" cells (numbers kept as text by shop exports) as their text', async () => {
    biz = await newBusiness();
    const file = `${biz.dir}/shop.csv`;
    writeFileSync(file, '客户编号,姓名,手机\r\n="00123",孙八,="13700004444"\r\n');
    const r = await biz.core.invoke('import.run', { kind: 'customers', file });
    expect(r.errors).toEqual([]);
    expect(one("SELECT external_ref, phone FROM customers WHERE name = '孙八'")).toEqual({
      external_ref: '00123',
      phone: '13700004444',
    });
  });

  it('reports every bad row with its row, column and reason, and writes nothing', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'bad.csv', [
      ['name', 'phone', 'marketing_consent', 'tags'],
      ['好客户', '13800000001', 'yes', ''],
      ['', '13800000002', '', ''],
      ['坏电话', 'call me', '', ''],
      ['不清楚', '', 'maybe', ''],
      ['长标签', '', '', 'x'.repeat(31)],
    ]);
    const before = biz.snapshot();
    const r = await biz.core.invoke('import.run', { kind: 'customers', file });
    expect(r.inserted).toBe(0);
    expect(r.errors).toEqual([
      { row: 3, column: 'name', reason: 'required: this cell is empty' },
      { row: 4, column: 'phone', reason: expect.stringContaining('digits') },
      { row: 5, column: 'marketing_consent', reason: expect.stringContaining('not yes or no') },
      { row: 6, column: 'tags', reason: expect.stringContaining('longer than 30') },
    ]);
    expect(biz.snapshot()).toEqual(before);
  });
});

describe('product import', () => {
  it('imports an XLSX with opening stock at cost; a re-run skips by SKU', async () => {
    biz = await newBusiness();
    const file = await writeXlsx(biz.dir, 'products.xlsx', [
      ['商品编码', '商品名称', '分类', '单位', '零售价', '团购价', '库存预警', '成本', '期初库存'],
      ['A001', '丹东草莓 500g', '水果', '盒', 39.9, '35', 5, 22.368, 10],
      ['A002', '土蜂蜜', '', '', '¥68.00', null, null, null, null],
    ]);
    const r = await biz.core.invoke('import.run', { kind: 'products', file });
    expect(r).toMatchObject({ rows: 2, inserted: 2, skipped: 0, errors: [] });
    expect(
      one(
        "SELECT name, category, unit, retail_price, group_price, low_stock_threshold, on_hand, avg_cost FROM products WHERE sku = 'A001'",
      ),
    ).toEqual({
      name: '丹东草莓 500g',
      category: '水果',
      unit: '盒',
      retail_price: 3990,
      group_price: 3500,
      low_stock_threshold: 5,
      on_hand: 10,
      avg_cost: 2237,
    });
    expect(rows('SELECT kind, quantity, unit_cost, occurred_on FROM stock_movements')).toEqual([
      { kind: 'opening', quantity: 10, unit_cost: 2237, occurred_on: '2026-03-15' },
    ]);
    expect(one("SELECT unit, retail_price FROM products WHERE sku = 'A002'")).toEqual({
      unit: '件',
      retail_price: 6800,
    });

    const before = biz.snapshot();
    const renamed = await writeXlsx(biz.dir, 'renamed.xlsx', [
      ['sku', 'name', 'retail_price'],
      ['A001', '草莓', 1],
    ]);
    const again = await biz.core.invoke('import.run', { kind: 'products', file: renamed });
    expect(again).toMatchObject({ inserted: 0, skipped: 1, errors: [] });
    expect(again.warnings[0]).toMatchObject({ row: 2, column: 'name' });
    expect(biz.snapshot()).toEqual(before);
  });
});

describe('order import', () => {
  const orderRows = () => [
    ORDER_HEADER,
    [
      'SO-1',
      '2026-03-01 10:12:00',
      '2026-03-01 10:15',
      '已完成',
      'C001',
      '张三',
      '13812345678',
      '草莓群',
      'A001',
      '丹东草莓',
      '水果',
      2,
      '39.90',
      '',
      '44.00',
      '10',
      '1.50',
    ],
    [
      'SO-1',
      '2026-03-01 10:12:00',
      '',
      '',
      '',
      '',
      '',
      '',
      'B001',
      '土蜂蜜',
      '',
      1,
      '22.368',
      '',
      '',
      '',
      '',
    ],
    [
      'SO-2',
      '2026/3/2',
      '',
      '已付款',
      '',
      '李四',
      '',
      '草莓群',
      'A001',
      '草莓（大果）',
      '',
      1,
      '39.9',
      '35',
      '22',
      '',
      '',
    ],
    [
      'SO-3',
      '2026年3月3日',
      '',
      '待付款',
      '',
      '',
      '',
      '',
      'A001',
      '',
      '',
      1,
      '39.9',
      '',
      '',
      '',
      '',
    ],
    [
      'SO-4',
      '2026-03-04',
      '',
      '已取消',
      '',
      '李四',
      '',
      '蜂蜜群',
      'B001',
      '',
      '',
      3,
      '20',
      '',
      '',
      '',
      '',
    ],
  ];

  it('imports orders from CSV: grouping, statuses, rounding, created customers/groups/products, P&L and stock', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'orders.csv', orderRows());
    const progress: Progress[] = [];
    const r = await biz.core.invoke(
      'import.run',
      { kind: 'orders', file },
      { onProgress: (p) => progress.push(p) },
    );
    expect(r).toMatchObject({
      kind: 'orders',
      rows: 5,
      inserted: 4,
      skipped: 0,
      errors: [],
      created: { customers: 2, groups: 2, products: 2 },
    });
    // A product keeps its first name; the differing name is a warning, not an error.
    expect(r.warnings).toContainEqual({
      row: 4,
      column: '商品名称',
      message: expect.stringContaining('kept "丹东草莓"'),
    });
    // Lines with no cost get the product's average cost, said once per line.
    expect(r.warnings).toContainEqual({
      row: 3,
      column: '成本金额',
      message: expect.stringContaining('average cost'),
    });

    const so1 = one("SELECT * FROM orders WHERE order_no = 'SO-1'");
    expect(so1).toMatchObject({
      status: 'completed',
      ordered_on: '2026-03-01',
      paid_on: '2026-03-01',
      shipping_charged: 1000,
      source: 'import',
    });
    const lines = rows(
      'SELECT sku, product_name, quantity, unit_price, net_amount, cost FROM order_lines WHERE order_id = ? ORDER BY line_no',
      so1.id,
    );
    expect(lines).toEqual([
      {
        sku: 'A001',
        product_name: '丹东草莓',
        quantity: 2,
        unit_price: 3990,
        net_amount: 7980,
        cost: 4400,
      },
      {
        sku: 'B001',
        product_name: '土蜂蜜',
        quantity: 1,
        unit_price: 2237,
        net_amount: 2237,
        cost: 0,
      },
    ]);
    expect(rows('SELECT kind, amount FROM order_fees WHERE order_id = ?', so1.id)).toEqual([
      { kind: 'platform', amount: 150 },
    ]);
    expect(one("SELECT paid_on, status, goods_total FROM orders WHERE order_no = 'SO-2'")).toEqual({
      paid_on: '2026-03-02',
      status: 'paid',
      goods_total: 3500,
    });
    expect(one("SELECT paid_on, status FROM orders WHERE order_no = 'SO-3'")).toEqual({
      paid_on: null,
      status: 'confirmed',
    });
    expect(one("SELECT paid_on, status FROM orders WHERE order_no = 'SO-4'")).toEqual({
      paid_on: null,
      status: 'cancelled',
    });
    // Customers: by ref (C001) and by name (李四, twice in the sheet, created once).
    expect(rows('SELECT name, external_ref, phone FROM customers ORDER BY name')).toEqual([
      { name: '张三', external_ref: 'C001', phone: '13812345678' },
      { name: '李四', external_ref: null, phone: null },
    ]);
    expect(rows('SELECT name, platform FROM customer_groups ORDER BY name')).toEqual([
      { name: '草莓群', platform: 'wechat' },
      { name: '蜂蜜群', platform: 'wechat' },
    ]);
    // Stock: sales of confirmed..completed orders move out; the cancelled one does not.
    expect(one("SELECT on_hand FROM products WHERE sku = 'A001'")).toEqual({ on_hand: -4 });
    expect(one("SELECT on_hand FROM products WHERE sku = 'B001'")).toEqual({ on_hand: -1 });
    // P&L: SO-1 and SO-2 are paid: 7980 + 2237 + 1000 shipping + 3500.
    expect(
      one(
        "SELECT sum(revenue) AS revenue, sum(cogs) AS cogs, sum(fees) AS fees, sum(orders) AS orders FROM pnl_daily WHERE dim = 'total'",
      ),
    ).toEqual({
      revenue: 14717,
      cogs: 6600,
      fees: 150,
      orders: 2,
    });
    // Progress reached the end of both phases.
    expect(progress.at(-1)).toEqual({ label: 'Importing orders', done: 5, total: 5 });
    expect(progress.some((p) => p.label === 'Checking orders' && p.done === 5)).toBe(true);

    const before = biz.snapshot();
    const again = await biz.core.invoke('import.run', { kind: 'orders', file });
    expect(again).toMatchObject({
      inserted: 0,
      skipped: 4,
      errors: [],
      created: { customers: 0, groups: 0, products: 0 },
    });
    expect(biz.snapshot()).toEqual(before);
  });

  it('--no-stock brings in history without stock movements; a dry run writes nothing', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'orders.csv', orderRows());
    const before = biz.snapshot();
    const dry = await biz.core.invoke('import.run', { kind: 'orders', file, dryRun: true });
    expect(dry).toMatchObject({
      dryRun: true,
      inserted: 4,
      errors: [],
      created: { customers: 2, groups: 2, products: 2 },
    });
    expect(biz.snapshot()).toEqual(before);

    const r = await biz.core.invoke('import.run', { kind: 'orders', file, moveStock: false });
    expect(r.inserted).toBe(4);
    expect(one('SELECT count(*) AS n FROM stock_movements')).toEqual({ n: 0 });
    expect(one("SELECT on_hand FROM products WHERE sku = 'A001'")).toEqual({ on_hand: 0 });
  });

  it('reads XLSX with Excel date cells and date serial numbers, and warns on conflicting order fields', async () => {
    biz = await newBusiness();
    const file = await writeXlsx(biz.dir, 'orders.xlsx', [
      [
        'Order No',
        'Order Date',
        'Paid At',
        'Status',
        'Customer',
        'SKU',
        'Product',
        'Qty',
        'Price',
        'Line Total',
        'Unit Cost',
        'Profit',
        'Shipping',
      ],
      [
        'X1',
        excelDay('2026-02-27'),
        excelDay('2026-02-28'),
        'paid',
        'Amy',
        'P1',
        'Tea',
        3,
        22.368,
        null,
        10,
        null,
        0,
      ],
      ['X1', excelDay('2026-02-27'), null, 'paid', 'Amy', 'P2', 'Cup', 1, 15, 12.5, null, null, 6],
      ['X2', 46083, null, 'shipped', 'Bob', 'P1', 'Tea', 1, null, 30, null, 8.25, null],
    ]);
    const r = await biz.core.invoke('import.run', { kind: 'orders', file });
    expect(r).toMatchObject({ inserted: 2, errors: [] });
    expect(r.warnings).toContainEqual({
      row: 3,
      column: 'Shipping',
      message: expect.stringContaining('row 2'),
    });
    const x1 = one("SELECT * FROM orders WHERE order_no = 'X1'");
    expect(x1).toMatchObject({
      ordered_on: '2026-02-27',
      paid_on: '2026-02-28',
      shipping_charged: 0,
      goods_total: 6710 + 1250,
    });
    // 3 x 22.368 = 67.104 is rounded once, per line: 67.10 (not 3 x 22.37).
    expect(
      rows(
        'SELECT unit_price, net_amount, cost, line_discount FROM order_lines WHERE order_id = ? ORDER BY line_no',
        x1.id,
      ),
    ).toEqual([
      { unit_price: 2237, net_amount: 6710, cost: 3000, line_discount: 1 },
      { unit_price: 1500, net_amount: 1250, cost: 0, line_discount: 250 },
    ]);
    // 46083 is Excel's serial for 2026-03-02; cost = amount - profit.
    const x2 = one("SELECT * FROM orders WHERE order_no = 'X2'");
    expect(x2).toMatchObject({
      ordered_on: '2026-03-02',
      paid_on: '2026-03-02',
      status: 'shipped',
    });
    expect(
      one('SELECT unit_price, net_amount, cost FROM order_lines WHERE order_id = ?', x2.id),
    ).toEqual({ unit_price: 3000, net_amount: 3000, cost: 2175 });
  });

  it('reports every rejected row (row, column, reason) and leaves the store unchanged', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'bad-orders.csv', [
      [
        'order_no',
        'ordered_at',
        'status',
        'sku',
        'product_name',
        'quantity',
        'unit_price',
        'line_profit',
        'customer_phone',
      ],
      ['OK-1', '2026-03-01', 'paid', 'A', 'A', '1', '10', '', ''],
      ['B-1', '2026-02-30', 'paid', 'A', 'A', '1', '10', '', ''],
      ['B-2', '2026-03-01', 'lost', 'A', 'A', '0', 'ten', '', ''],
      ['B-3', '2026-03-01', 'paid', '', '', '1', '', '', ''],
      ['B-4', '2026-03-01', 'paid', 'A', 'A', '1.5', '10', '20', 'abc'],
      ['', 'yesterday', '', 'A', 'A', '1', '-3', '', ''],
      ['B-6', '2026-03-01', 'paid', 'A', 'A', '1', '10', '11', ''],
    ]);
    const before = biz.snapshot();
    const r = await biz.core.invoke('import.run', { kind: 'orders', file });
    expect(r.inserted).toBe(0);
    expect(r.errors).toEqual([
      { row: 3, column: 'ordered_at', reason: '2026-02-30 is not a real date' },
      { row: 4, column: 'status', reason: expect.stringContaining('not an order status') },
      { row: 4, column: 'quantity', reason: 'must be more than 0' },
      { row: 4, column: 'unit_price', reason: expect.stringContaining('not an amount') },
      { row: 5, column: 'sku', reason: 'give a SKU or a product name' },
      { row: 6, column: 'quantity', reason: '"1.5" is not a whole number' },
      { row: 7, column: 'order_no', reason: 'required: this cell is empty' },
      {
        row: 7,
        column: 'ordered_at',
        reason: expect.stringContaining('"yesterday" is not a date'),
      },
      { row: 7, column: 'unit_price', reason: 'must be 0 or more' },
      { row: 8, column: 'line_profit', reason: expect.stringContaining('cost would be below 0') },
    ]);
    expect(biz.snapshot()).toEqual(before);
  });

  it('credits agents by id or by their ref; an unknown agent is an error of its row and column', async () => {
    // Issue 14: an order naming an agent that does not exist was stored as it was.
    biz = await newBusiness();
    const agent = await biz.core.invoke('agent.create', {
      name: '王代理',
      tier: 'level1',
      externalRef: 'DL-007',
    });
    const header = ['order_no', 'ordered_at', 'status', 'sku', 'quantity', 'unit_price', '代理'];
    const bad = writeCsv(biz.dir, 'agents-bad.csv', [
      header,
      ['A-1', '2026-03-01', 'confirmed', 'A', '1', '10', 'DL-007'],
      ['A-2', '2026-03-01', 'confirmed', 'A', '1', '10', 'no-such-agent'],
    ]);
    const before = biz.snapshot();
    const r = await biz.core.invoke('import.run', { kind: 'orders', file: bad });
    expect(r.inserted).toBe(0);
    expect(r.errors).toEqual([
      { row: 3, column: '代理', reason: expect.stringContaining('no agent') },
    ]);
    expect(biz.snapshot()).toEqual(before);

    const good = writeCsv(biz.dir, 'agents-good.csv', [
      header,
      ['A-1', '2026-03-01', 'confirmed', 'A', '1', '10', 'DL-007'],
      ['A-2', '2026-03-01', 'confirmed', 'A', '1', '10', agent.id],
    ]);
    const ok = await biz.core.invoke('import.run', { kind: 'orders', file: good });
    expect(ok.errors).toEqual([]);
    expect(rows('SELECT order_no, agent_id FROM orders ORDER BY order_no')).toEqual([
      { order_no: 'A-1', agent_id: agent.id },
      { order_no: 'A-2', agent_id: agent.id },
    ]);
  });

  it('keeps line amounts exact: imported net amounts sum to the P&L revenue (property)', async () => {
    biz = await newBusiness();
    const amount = fc
      .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 999 }))
      .map(([w, f]) => `${w}.${String(f).padStart(3, '0')}`);
    const line = fc.record({ quantity: fc.integer({ min: 1, max: 9 }), price: amount });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(line, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        async (orders) => {
          run++;
          const sheet = [['order_no', 'ordered_at', 'sku', 'quantity', 'unit_price']];
          orders.forEach((ls, o) =>
            ls.forEach((l) =>
              sheet.push([`P${run}-${o}`, '2026-01-05', `S${run}`, String(l.quantity), l.price]),
            ),
          );
          const file = writeCsv(biz.dir, `p${run}.csv`, sheet);
          const before = one(
            "SELECT coalesce(sum(revenue), 0) AS revenue FROM pnl_daily WHERE dim = 'total'",
          ).revenue as number;
          const r = await biz.core.invoke('import.run', { kind: 'orders', file });
          expect(r.errors).toEqual([]);
          // Each line: quantity x price (3 decimals) rounded half-up once, to fen.
          const expected = orders.flat().reduce((sum, l) => {
            const milli = BigInt(l.price.replace('.', '')) * BigInt(l.quantity);
            return sum + Number((milli + 5n) / 10n);
          }, 0);
          const after = one("SELECT sum(revenue) AS revenue FROM pnl_daily WHERE dim = 'total'")
            .revenue as number;
          expect(after - before).toBe(expected);
          const again = await biz.core.invoke('import.run', { kind: 'orders', file });
          expect(again.inserted).toBe(0);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('import.preview and mapping', () => {
  it('shows columns, the first 20 rows, the suggested mapping and the row count', async () => {
    biz = await newBusiness();
    const sheet = [['Order No', '下单日期', '商品编码', '数量', '单价（元）', 'Remark']];
    for (let i = 0; i < 25; i++) sheet.push([`N${i}`, '2026-03-01', 'A', '1', '5', '']);
    const file = writeCsv(biz.dir, 'preview.csv', sheet);
    const before = biz.snapshot();
    const p = await biz.core.invoke('import.preview', { kind: 'orders', file });
    expect(p.columns).toEqual(['Order No', '下单日期', '商品编码', '数量', '单价（元）', 'Remark']);
    expect(p.rowCount).toBe(25);
    expect(p.sampleRows).toHaveLength(20);
    expect(p.sampleRows[0]).toEqual({
      row: 2,
      values: {
        'Order No': 'N0',
        下单日期: '2026-03-01',
        商品编码: 'A',
        数量: '1',
        '单价（元）': '5',
        Remark: null,
      },
    });
    expect(p.suggestedMapping).toEqual({
      order_no: 'Order No',
      ordered_at: '下单日期',
      sku: '商品编码',
      quantity: '数量',
      unit_price: '单价（元）',
    });
    expect(p.fields.find((f) => f.field === 'order_no')).toMatchObject({
      required: true,
      column: 'Order No',
    });

    const mapped = await biz.core.invoke('import.preview', {
      kind: 'orders',
      file,
      mapping: { sku: 'Remark', product_name: '商品编码' },
    });
    expect(mapped.suggestedMapping).toMatchObject({ sku: 'Remark', product_name: '商品编码' });
    expect(biz.snapshot()).toEqual(before);
  });

  it('uses the seller mapping over the suggestion', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'custom.csv', [
      ['单号', '日子', '货', '件', '钱'],
      ['M1', '2026-03-01', 'Z9', '2', '3.5'],
    ]);
    const mapping = { ordered_at: '日子', sku: '货', quantity: '件', line_total: '钱' };
    const r = await biz.core.invoke('import.run', { kind: 'orders', file, mapping });
    expect(r).toMatchObject({ inserted: 1, errors: [] });
    expect(one('SELECT quantity, unit_price, net_amount FROM order_lines')).toEqual({
      quantity: 2,
      unit_price: 175,
      net_amount: 350,
    });
  });

  it('refuses bad input and bad mappings with the field named, changing nothing', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'c.csv', [['姓名'], ['甲']]);
    await expectRefused(biz, 'import.run', { kind: 'agents', file }, 'VALIDATION', 'kind');
    await expectRefused(biz, 'import.run', { kind: 'customers', file: '' }, 'VALIDATION', 'file');
    await expectRefused(
      biz,
      'import.run',
      { kind: 'customers', file, dryRun: 'yes' },
      'VALIDATION',
      'dryRun',
    );
    await expectRefused(
      biz,
      'import.run',
      { kind: 'customers', file: `${biz.dir}/none.csv` },
      'NOT_FOUND',
    );
    await expectRefused(
      biz,
      'import.run',
      { kind: 'customers', file: `${biz.dir}/old.xls` },
      'VALIDATION',
      'file',
    );
    await expectRefused(
      biz,
      'import.run',
      { kind: 'customers', file, mapping: { shoe_size: '姓名' } },
      'VALIDATION',
      'mapping.shoe_size',
    );
    await expectRefused(
      biz,
      'import.run',
      { kind: 'customers', file, mapping: { phone: '电话' } },
      'VALIDATION',
      'mapping.phone',
    );
    await expectRefused(biz, 'import.run', { kind: 'products', file }, 'VALIDATION', 'mapping.sku');
    await expectRefused(
      biz,
      'import.preview',
      { kind: 'customers', file, mapping: { name: 'Nope' } },
      'VALIDATION',
      'mapping.name',
    );
  });

  it('stops when the caller cancels, importing nothing', async () => {
    biz = await newBusiness();
    const file = writeCsv(biz.dir, 'c.csv', [['姓名'], ['甲'], ['乙']]);
    const before = biz.snapshot();
    const controller = new AbortController();
    const r = await biz.core.call(
      'import.run',
      { kind: 'customers', file },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.label === 'Importing customers' && p.done === 1) controller.abort();
        },
      },
    );
    expect(!r.ok && r.error.code).toBe('CANCELLED');
    expect(biz.snapshot()).toEqual(before);
  });

  it('refuses to import before the business exists', async () => {
    biz = await newBusiness({ init: false });
    const file = writeCsv(biz.dir, 'c.csv', [['姓名'], ['甲']]);
    await expectRefused(biz, 'import.run', { kind: 'customers', file }, 'INVALID_STATE');
  });
});
