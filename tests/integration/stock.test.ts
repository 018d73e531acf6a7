import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addProduct, expectRefused } from '../support/catalog-fixtures';

let biz: TestBusiness;
beforeEach(async () => {
  biz = await newBusiness({ clock: testClock('2026-03-15T10:00:00+08:00') });
});
afterEach(async () => biz?.close());

const sumOfMovements = (productId: string) =>
  biz.store.sqlite
    .prepare('SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE product_id = ?')
    .pluck()
    .get(productId) as number;

describe('purchase.record / purchase.get', () => {
  it('books each line as a purchase movement and moves the weighted average, half-up', async () => {
    const s = await biz.core.invoke('supplier.create', { name: '义乌批发' });
    const tea = await addProduct(biz, { sku: 'TEA' });
    const cup = await addProduct(biz, { sku: 'CUP' });
    const p = await biz.core.invoke('purchase.record', {
      supplierId: s.id,
      reference: 'INV-7',
      lines: [
        { productId: tea.id, quantity: 10, unitCost: 100 },
        { productId: cup.id, quantity: 4, unitCost: 0 },
        { productId: tea.id, quantity: 5, unitCost: 130 },
      ],
    });
    expect(p).toMatchObject({
      supplierId: s.id,
      supplierName: '义乌批发',
      receivedOn: '2026-03-15',
      reference: 'INV-7',
      note: null,
      totalCost: 1000 + 0 + 650,
      lineCount: 3,
    });
    expect(p.lines.map((l) => [l.sku, l.quantity, l.unitCost, l.lineCost])).toEqual([
      ['TEA', 10, 100, 1000],
      ['CUP', 4, 0, 0],
      ['TEA', 5, 130, 650],
    ]);
    // (10 x 100 + 5 x 130) / 15 = 110
    expect(await biz.core.invoke('product.get', { id: tea.id })).toMatchObject({
      onHand: 15,
      avgCost: 110,
    });
    // (15 x 110 + 3 x 101) / 18 = 108.5 -> 109 (half-up)
    await biz.core.invoke('purchase.record', {
      receivedOn: '2026-03-16',
      lines: [{ productId: tea.id, quantity: 3, unitCost: 101 }],
    });
    expect(await biz.core.invoke('product.get', { id: tea.id })).toMatchObject({
      onHand: 18,
      avgCost: 109,
    });
    expect(await biz.core.invoke('purchase.get', { id: p.id })).toEqual(p);
    const kinds = biz.store.sqlite
      .prepare(
        'SELECT kind, quantity, unit_cost, purchase_id FROM stock_movements WHERE product_id = ? ORDER BY id',
      )
      .all(tea.id);
    expect(kinds).toEqual([
      { kind: 'purchase', quantity: 10, unit_cost: 100, purchase_id: p.id },
      { kind: 'purchase', quantity: 5, unit_cost: 130, purchase_id: p.id },
      { kind: 'purchase', quantity: 3, unit_cost: 101, purchase_id: expect.any(String) },
    ]);
  });

  it('ignores negative stock when averaging: goods arriving after oversell come in at their cost', async () => {
    const p = await addProduct(biz);
    await biz.core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 2, unitCost: 500 }],
    });
    await biz.core.invoke('stock.adjust', { productId: p.id, kind: 'adjustment', quantity: -5 });
    await biz.core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 10, unitCost: 300 }],
    });
    expect(await biz.core.invoke('product.get', { id: p.id })).toMatchObject({
      onHand: 7,
      avgCost: 300,
    });
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    const p = await addProduct(biz);
    const line = { productId: p.id, quantity: 1, unitCost: 100 };
    await expectRefused(biz, 'purchase.record', { lines: [] }, 'VALIDATION', 'lines');
    await expectRefused(biz, 'purchase.record', {}, 'VALIDATION', 'lines');
    await expectRefused(
      biz,
      'purchase.record',
      { lines: [line, { ...line, quantity: 0 }] },
      'VALIDATION',
      'lines.1.quantity',
    );
    await expectRefused(
      biz,
      'purchase.record',
      { lines: [{ ...line, unitCost: -1 }] },
      'VALIDATION',
      'lines.0.unitCost',
    );
    await expectRefused(
      biz,
      'purchase.record',
      { lines: [{ ...line, unitCost: 1.5 }] },
      'VALIDATION',
      'lines.0.unitCost',
    );
    await expectRefused(
      biz,
      'purchase.record',
      { receivedOn: '2026-02-30', lines: [line] },
      'VALIDATION',
      'receivedOn',
    );
    await expectRefused(
      biz,
      'purchase.record',
      { lines: [line, line, { ...line, productId: 'nope' }] },
      'NOT_FOUND',
      'lines.2.productId',
    );
    await expectRefused(
      biz,
      'purchase.record',
      { supplierId: 'nope', lines: [line] },
      'NOT_FOUND',
      'supplierId',
    );
    const gone = await addProduct(biz);
    await biz.core.invoke('product.delete', { id: gone.id });
    await expectRefused(
      biz,
      'purchase.record',
      { lines: [line, { ...line, productId: gone.id }] },
      'INVALID_STATE',
      'lines.1.productId',
    );
    await expectRefused(biz, 'purchase.get', { id: 'nope' }, 'NOT_FOUND');
  });
});

describe('purchase.list', () => {
  it('filters by received day and supplier, newest first, with the total cost of all matches', async () => {
    const a = await biz.core.invoke('supplier.create', { name: 'A' });
    const b = await biz.core.invoke('supplier.create', { name: 'B' });
    const p = await addProduct(biz);
    const buy = (supplierId: string, receivedOn: string, unitCost: number) =>
      biz.core.invoke('purchase.record', {
        supplierId,
        receivedOn,
        lines: [{ productId: p.id, quantity: 1, unitCost }],
      });
    const p1 = await buy(a.id, '2026-03-01', 100);
    const p2 = await buy(b.id, '2026-03-05', 200);
    const p3 = await buy(a.id, '2026-03-10', 400);
    const all = await biz.core.invoke('purchase.list', {});
    expect(all.rows.map((r) => r.id)).toEqual([p3.id, p2.id, p1.id]);
    expect(all).toMatchObject({ total: 3, totalCost: 700 });
    const march = await biz.core.invoke('purchase.list', { from: '2026-03-02', to: '2026-03-10' });
    expect(march).toMatchObject({ total: 2, totalCost: 600 });
    const fromA = await biz.core.invoke('purchase.list', { supplierId: a.id, limit: 1 });
    expect(fromA.rows.map((r) => r.id)).toEqual([p3.id]);
    expect(fromA).toMatchObject({ total: 2, totalCost: 500 });
    expect(fromA.rows[0]).toMatchObject({ supplierName: 'A', lineCount: 1 });
    expect(await biz.core.invoke('purchase.list', { from: '2027-01-01' })).toEqual({
      rows: [],
      total: 0,
      totalCost: 0,
    });
  });

  it('refuses a reversed or malformed period', async () => {
    await expectRefused(
      biz,
      'purchase.list',
      { from: '2026-03-10', to: '2026-03-01' },
      'VALIDATION',
      'to',
    );
    await expectRefused(biz, 'purchase.list', { from: '3/1/2026' }, 'VALIDATION', 'from');
  });
});

describe('stock.adjust', () => {
  it('books units going out at the average cost, leaving the average as it is', async () => {
    const p = await addProduct(biz);
    await biz.core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 10, unitCost: 120 }],
    });
    const d = await biz.core.invoke('stock.adjust', {
      productId: p.id,
      kind: 'damage',
      quantity: 3,
      note: '摔碎',
    });
    expect(d).toMatchObject({
      kind: 'damage',
      quantity: -3,
      unitCost: 120,
      onHand: 7,
      avgCost: 120,
      negative: false,
    });
    await biz.core.invoke('stock.adjust', { productId: p.id, kind: 'loss', quantity: 1 });
    await biz.core.invoke('stock.adjust', {
      productId: p.id,
      kind: 'transfer_out',
      quantity: 2,
      occurredOn: '2026-03-14',
    });
    const up = await biz.core.invoke('stock.adjust', {
      productId: p.id,
      kind: 'adjustment',
      quantity: 4,
    });
    expect(up).toMatchObject({ quantity: 4, onHand: 8, avgCost: 120 });
    const down = await biz.core.invoke('stock.adjust', {
      productId: p.id,
      kind: 'adjustment',
      quantity: -20,
    });
    expect(down).toMatchObject({ onHand: -12, avgCost: 120, negative: true });
    expect(sumOfMovements(p.id)).toBe(-12);
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    const p = await addProduct(biz);
    const ok = { productId: p.id, kind: 'damage', quantity: 1 };
    await expectRefused(biz, 'stock.adjust', { ...ok, quantity: 0 }, 'VALIDATION', 'quantity');
    await expectRefused(biz, 'stock.adjust', { ...ok, quantity: -2 }, 'VALIDATION', 'quantity');
    await expectRefused(
      biz,
      'stock.adjust',
      { ...ok, kind: 'loss', quantity: 1.5 },
      'VALIDATION',
      'quantity',
    );
    await expectRefused(
      biz,
      'stock.adjust',
      { ...ok, kind: 'adjustment', quantity: 0 },
      'VALIDATION',
      'quantity',
    );
    await expectRefused(biz, 'stock.adjust', { ...ok, kind: 'sale' }, 'VALIDATION', 'kind');
    await expectRefused(
      biz,
      'stock.adjust',
      { ...ok, occurredOn: '2026-13-01' },
      'VALIDATION',
      'occurredOn',
    );
    await expectRefused(
      biz,
      'stock.adjust',
      { ...ok, productId: 'nope' },
      'NOT_FOUND',
      'productId',
    );
  });
});

describe('stock.stocktake / stocktake.get', () => {
  it('records expected vs counted and books only the differences, gains at the average cost', async () => {
    const a = await addProduct(biz, { sku: 'A' });
    const b = await addProduct(biz, { sku: 'B' });
    const c = await addProduct(biz, { sku: 'C' });
    await biz.core.invoke('purchase.record', {
      lines: [
        { productId: a.id, quantity: 10, unitCost: 200 },
        { productId: b.id, quantity: 5, unitCost: 300 },
        { productId: c.id, quantity: 1, unitCost: 50 },
      ],
    });
    await biz.core.invoke('stock.adjust', { productId: c.id, kind: 'adjustment', quantity: -4 });
    const before = biz.store.sqlite
      .prepare('SELECT count(*) FROM stock_movements')
      .pluck()
      .get() as number;
    const st = await biz.core.invoke('stock.stocktake', {
      countedOn: '2026-03-14',
      note: '月末盘点',
      lines: [
        { productId: a.id, counted: 8 },
        { productId: b.id, counted: 5 },
        { productId: c.id, counted: 2 },
      ],
    });
    expect(st).toMatchObject({
      countedOn: '2026-03-14',
      note: '月末盘点',
      differenceValue: -400 + 0 + 250,
    });
    expect(
      st.lines.map((l) => [l.sku, l.expected, l.counted, l.difference, l.differenceValue]),
    ).toEqual([
      ['A', 10, 8, -2, -400],
      ['B', 5, 5, 0, 0],
      ['C', -3, 2, 5, 250],
    ]);
    const after = biz.store.sqlite
      .prepare('SELECT count(*) FROM stock_movements')
      .pluck()
      .get() as number;
    expect(after - before).toBe(2); // none for B: counted what the books said
    for (const [p, counted, avg] of [
      [a, 8, 200],
      [b, 5, 300],
      [c, 2, 50],
    ] as const) {
      expect(await biz.core.invoke('product.get', { id: p.id })).toMatchObject({
        onHand: counted,
        avgCost: avg,
      });
      expect(sumOfMovements(p.id)).toBe(counted);
    }
    expect(await biz.core.invoke('stocktake.get', { id: st.id })).toEqual(st);
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    const p = await addProduct(biz);
    const q = await addProduct(biz);
    await expectRefused(biz, 'stock.stocktake', { lines: [] }, 'VALIDATION', 'lines');
    await expectRefused(
      biz,
      'stock.stocktake',
      { lines: [{ productId: p.id, counted: -1 }] },
      'VALIDATION',
      'lines.0.counted',
    );
    await expectRefused(
      biz,
      'stock.stocktake',
      {
        lines: [
          { productId: p.id, counted: 1 },
          { productId: q.id, counted: 1 },
          { productId: p.id, counted: 2 },
        ],
      },
      'VALIDATION',
      'lines.2.productId',
    );
    await expectRefused(
      biz,
      'stock.stocktake',
      {
        lines: [
          { productId: p.id, counted: 3 },
          { productId: 'nope', counted: 1 },
        ],
      },
      'NOT_FOUND',
      'lines.1.productId',
    );
    await expectRefused(
      biz,
      'stock.stocktake',
      { countedOn: 'today', lines: [{ productId: p.id, counted: 1 }] },
      'VALIDATION',
      'countedOn',
    );
    await expectRefused(biz, 'stocktake.get', { id: 'nope' }, 'NOT_FOUND');
  });
});

describe('stock.movements', () => {
  it('lists the ledger with a running balance by day, newest first unless asked', async () => {
    const p = await addProduct(biz);
    await biz.core.invoke('purchase.record', {
      receivedOn: '2026-03-10',
      lines: [{ productId: p.id, quantity: 10, unitCost: 100 }],
    });
    await biz.core.invoke('stock.adjust', {
      productId: p.id,
      kind: 'damage',
      quantity: 2,
      occurredOn: '2026-03-12',
    });
    // Entered later but received earlier: the balance follows the days goods moved.
    await biz.core.invoke('purchase.record', {
      receivedOn: '2026-03-05',
      lines: [{ productId: p.id, quantity: 4, unitCost: 100 }],
    });
    await biz.core.invoke('stock.adjust', {
      productId: p.id,
      kind: 'loss',
      quantity: 1,
      occurredOn: '2026-03-12',
    });

    const newest = await biz.core.invoke('stock.movements', { productId: p.id });
    expect(newest.order).toBe('newest_first');
    expect(newest.onHand).toBe(11);
    expect(newest.total).toBe(4);
    expect(newest.rows.map((r) => [r.occurredOn, r.kind, r.quantity, r.balance])).toEqual([
      ['2026-03-12', 'loss', -1, 11],
      ['2026-03-12', 'damage', -2, 12],
      ['2026-03-10', 'purchase', 10, 14],
      ['2026-03-05', 'purchase', 4, 4],
    ]);
    const oldest = await biz.core.invoke('stock.movements', {
      productId: p.id,
      order: 'oldest_first',
    });
    expect(oldest.rows.map((r) => r.balance)).toEqual([4, 14, 12, 11]);

    // A period keeps the balance carried in from before it.
    const window = await biz.core.invoke('stock.movements', {
      productId: p.id,
      from: '2026-03-10',
      to: '2026-03-11',
    });
    expect(window.rows.map((r) => [r.kind, r.balance])).toEqual([['purchase', 14]]);
    expect(window.total).toBe(1);

    const paged = await biz.core.invoke('stock.movements', {
      productId: p.id,
      limit: 2,
      offset: 1,
    });
    expect(paged.rows.map((r) => r.balance)).toEqual([12, 14]);
    expect(paged.total).toBe(4);
  });

  it('refuses an unknown product and bad periods', async () => {
    await expectRefused(biz, 'stock.movements', { productId: 'nope' }, 'NOT_FOUND');
    const p = await addProduct(biz);
    await expectRefused(
      biz,
      'stock.movements',
      { productId: p.id, from: '2026-03-10', to: '2026-03-09' },
      'VALIDATION',
      'to',
    );
    await expectRefused(
      biz,
      'stock.movements',
      { productId: p.id, order: 'random' },
      'VALIDATION',
      'order',
    );
    await expectRefused(biz, 'stock.movements', {}, 'VALIDATION', 'productId');
  });
});

describe('stock.levels / stock.lowStock', () => {
  it('shows value and flags; negative stock is flagged and worth 0, never hidden', async () => {
    const ok = await addProduct(biz, { sku: 'A-OK', category: '茶', lowStockThreshold: 2 });
    const low = await addProduct(biz, { sku: 'B-LOW', category: '茶', lowStockThreshold: 5 });
    const neg = await addProduct(biz, { sku: 'C-NEG', category: '杯', lowStockThreshold: 0 });
    await addProduct(biz, {
      sku: 'D-OFF',
      category: '杯',
      active: false,
      lowStockThreshold: 1,
    });
    const gone = await addProduct(biz, { sku: 'E-GONE' });
    await biz.core.invoke('purchase.record', {
      lines: [
        { productId: ok.id, quantity: 10, unitCost: 100 },
        { productId: low.id, quantity: 5, unitCost: 40 },
        { productId: neg.id, quantity: 1, unitCost: 70 },
      ],
    });
    await biz.core.invoke('stock.adjust', { productId: neg.id, kind: 'adjustment', quantity: -4 });
    await biz.core.invoke('product.delete', { id: gone.id });

    const levels = await biz.core.invoke('stock.levels', {});
    expect(levels.total).toBe(4);
    expect(levels.totalStockValue).toBe(1000 + 200);
    expect(
      levels.rows.map((r) => [
        r.sku,
        r.onHand,
        r.avgCost,
        r.stockValue,
        r.threshold,
        r.low,
        r.negative,
      ]),
    ).toEqual([
      ['A-OK', 10, 100, 1000, 2, false, false],
      ['B-LOW', 5, 40, 200, 5, true, false],
      ['C-NEG', -3, 70, 0, 0, true, true],
      ['D-OFF', 0, 0, 0, 1, true, false],
    ]);
    const onlyLow = await biz.core.invoke('stock.levels', { onlyLow: true, category: '茶' });
    expect(onlyLow.rows.map((r) => r.sku)).toEqual(['B-LOW']);
    expect(
      (await biz.core.invoke('stock.levels', { query: 'neg' })).rows.map((r) => r.sku),
    ).toEqual(['C-NEG']);
    expect((await biz.core.invoke('stock.levels', { active: false })).total).toBe(1);

    const lowStock = await biz.core.invoke('stock.lowStock', {});
    expect(lowStock.rows.map((r) => [r.sku, r.negative])).toEqual([
      ['C-NEG', true],
      ['B-LOW', false],
    ]);
    expect(lowStock.count).toBe(2);
  });

  it('refuses bad filters', async () => {
    await expectRefused(biz, 'stock.levels', { onlyLow: 'yes' }, 'VALIDATION', 'onlyLow');
    await expectRefused(biz, 'stock.levels', { limit: 0 }, 'VALIDATION', 'limit');
  });
});

describe('the ledger stays append-only', () => {
  it('refuses edits and deletes of movements', async () => {
    const p = await addProduct(biz);
    await biz.core.invoke('stock.adjust', { productId: p.id, kind: 'adjustment', quantity: 1 });
    expect(() => biz.store.sqlite.exec('UPDATE stock_movements SET quantity = 5')).toThrow(
      /append-only/,
    );
    expect(() => biz.store.sqlite.exec('DELETE FROM stock_movements')).toThrow(/append-only/);
  });
});
