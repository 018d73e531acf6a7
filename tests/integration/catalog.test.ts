import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import { addProduct, expectRefused } from '../support/catalog-fixtures';
import { createProductTx, findProductBySku, productInput } from '../../core/catalog/methods';
import { inTransaction, systemClock } from '../../core/api/context';

let biz: TestBusiness;
beforeEach(async () => {
  biz = await newBusiness();
});
afterEach(async () => biz?.close());

describe('product.create / product.get', () => {
  it('creates a product with defaults, tier prices and zero stock', async () => {
    const p = await biz.core.invoke('product.create', {
      sku: ' TEA-01 ',
      name: '红茶',
      retailPrice: 3990,
      tierPrices: { zongdai: 2500, level1: 2990 },
    });
    expect(p).toMatchObject({
      sku: 'TEA-01',
      name: '红茶',
      category: '',
      unit: '件',
      retailPrice: 3990,
      groupPrice: null,
      lowStockThreshold: 0,
      active: true,
      supplierId: null,
      tierPrices: { level1: 2990, zongdai: 2500 },
      onHand: 0,
      avgCost: 0,
      stockValue: 0,
      low: true,
      negative: false,
      deletedAt: null,
    });
    expect(await biz.core.invoke('product.get', { id: p.id })).toEqual(p);
  });

  it('shows stock value from on hand and average cost', async () => {
    const p = await addProduct(biz, { lowStockThreshold: 5 });
    await biz.core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 10, unitCost: 250 }],
    });
    const got = await biz.core.invoke('product.get', { id: p.id });
    expect(got).toMatchObject({ onHand: 10, avgCost: 250, stockValue: 2500, low: false });
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    await expectRefused(biz, 'product.create', { name: 'x', retailPrice: 1 }, 'VALIDATION', 'sku');
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: 'x', retailPrice: 12.5 },
      'VALIDATION',
      'retailPrice',
    );
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: 'x', retailPrice: -1 },
      'VALIDATION',
      'retailPrice',
    );
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: 'x', retailPrice: 1, tierPrices: { gold: -5 } },
      'VALIDATION',
      'tierPrices.gold',
    );
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: 'x', retailPrice: 1, lowStockThreshold: -1 },
      'VALIDATION',
      'lowStockThreshold',
    );
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: '  ', retailPrice: 1 },
      'VALIDATION',
      'name',
    );
  });

  it('refuses a taken SKU with CONFLICT naming it', async () => {
    const p = await addProduct(biz, { sku: 'DUP', name: '甲' });
    const err = await expectRefused(
      biz,
      'product.create',
      { sku: 'DUP', name: '乙', retailPrice: 1 },
      'CONFLICT',
      'sku',
    );
    expect(err.message).toContain('DUP');
    expect(err.details?.productId).toBe(p.id);
  });

  it('refuses an unknown or deleted supplier, naming supplierId', async () => {
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: 'x', retailPrice: 1, supplierId: 'nope' },
      'NOT_FOUND',
      'supplierId',
    );
    const s = await biz.core.invoke('supplier.create', { name: '老王' });
    await biz.core.invoke('supplier.delete', { id: s.id });
    await expectRefused(
      biz,
      'product.create',
      { sku: 'A', name: 'x', retailPrice: 1, supplierId: s.id },
      'INVALID_STATE',
      'supplierId',
    );
  });

  it('product.get of an unknown id is NOT_FOUND', async () => {
    const err = await expectRefused(biz, 'product.get', { id: 'missing' }, 'NOT_FOUND');
    expect(err.details).toMatchObject({ what: 'Product', id: 'missing' });
  });
});

describe('product.update', () => {
  it('changes only the given fields; tier prices replace the set; null clears', async () => {
    const s = await biz.core.invoke('supplier.create', { name: '供货商' });
    const p = await biz.core.invoke('product.create', {
      sku: 'A-1',
      name: '苹果',
      category: '水果',
      retailPrice: 500,
      groupPrice: 450,
      supplierId: s.id,
      tierPrices: { a: 400, b: 420 },
    });
    const u = await biz.core.invoke('product.update', {
      id: p.id,
      name: '红富士',
      groupPrice: null,
      tierPrices: { c: 300 },
    });
    expect(u).toMatchObject({
      sku: 'A-1',
      name: '红富士',
      category: '水果',
      retailPrice: 500,
      groupPrice: null,
      supplierId: s.id,
      tierPrices: { c: 300 },
    });
    const cleared = await biz.core.invoke('product.update', {
      id: p.id,
      supplierId: null,
      active: false,
    });
    expect(cleared).toMatchObject({ supplierId: null, active: false, name: '红富士' });
  });

  it('allows a free SKU and refuses a taken one with CONFLICT', async () => {
    const a = await addProduct(biz, { sku: 'A' });
    await addProduct(biz, { sku: 'B', name: '乙' });
    expect((await biz.core.invoke('product.update', { id: a.id, sku: 'A2' })).sku).toBe('A2');
    expect((await biz.core.invoke('product.update', { id: a.id, sku: 'A2' })).sku).toBe('A2');
    const err = await expectRefused(
      biz,
      'product.update',
      { id: a.id, sku: 'B' },
      'CONFLICT',
      'sku',
    );
    expect(err.message).toContain('SKU B');
    expect(err.message).toContain('乙');
  });

  it('refuses bad input, unknown and deleted products', async () => {
    const p = await addProduct(biz);
    await expectRefused(
      biz,
      'product.update',
      { id: p.id, retailPrice: 'x' },
      'VALIDATION',
      'retailPrice',
    );
    await expectRefused(biz, 'product.update', { id: p.id, sku: '' }, 'VALIDATION', 'sku');
    await expectRefused(biz, 'product.update', { name: 'x' }, 'VALIDATION', 'id');
    await expectRefused(biz, 'product.update', { id: 'nope', name: 'x' }, 'NOT_FOUND');
    await expectRefused(
      biz,
      'product.update',
      { id: p.id, supplierId: 'nope' },
      'NOT_FOUND',
      'supplierId',
    );
    await biz.core.invoke('product.delete', { id: p.id });
    const err = await expectRefused(
      biz,
      'product.update',
      { id: p.id, name: 'x' },
      'INVALID_STATE',
    );
    expect(err.message).toContain('restore');
  });
});

describe('product.delete / product.restore', () => {
  it('soft-deletes: hidden from lists, readable, SKU stays taken until restored', async () => {
    const p = await addProduct(biz, { sku: 'GONE', category: '杂货' });
    const d = await biz.core.invoke('product.delete', { id: p.id });
    expect(d.deletedAt).not.toBeNull();
    // Deleting again leaves it as it is.
    expect(await biz.core.invoke('product.delete', { id: p.id })).toEqual(d);
    expect((await biz.core.invoke('product.list', {})).total).toBe(0);
    expect((await biz.core.invoke('product.list', { includeDeleted: true })).total).toBe(1);
    expect(await biz.core.invoke('product.categories', {})).toEqual([]);
    const err = await expectRefused(
      biz,
      'product.create',
      { sku: 'GONE', name: 'x', retailPrice: 1 },
      'CONFLICT',
      'sku',
    );
    expect(err.message).toContain('deleted');
    const r = await biz.core.invoke('product.restore', { id: p.id });
    expect(r.deletedAt).toBeNull();
    expect((await biz.core.invoke('product.list', {})).total).toBe(1);
  });

  it('refuses unknown ids and bad input', async () => {
    await expectRefused(biz, 'product.delete', { id: 'nope' }, 'NOT_FOUND');
    await expectRefused(biz, 'product.delete', {}, 'VALIDATION', 'id');
    await expectRefused(biz, 'product.restore', { id: 'nope' }, 'NOT_FOUND');
  });
});

describe('product.list / product.categories', () => {
  beforeEach(async () => {
    await addProduct(biz, { sku: 'TEA-GREEN', name: '绿茶', category: '茶' });
    await addProduct(biz, { sku: 'TEA-BLACK', name: '红茶', category: '茶', active: false });
    await addProduct(biz, { sku: 'CUP-1', name: '茶杯', category: '茶具' });
    await addProduct(biz, { sku: '50%_OFF', name: '福袋' });
  });

  it('filters by SKU/name substring (ASCII case-insensitive), category and active', async () => {
    const bySku = await biz.core.invoke('product.list', { query: 'tea' });
    expect(bySku.rows.map((r) => r.sku)).toEqual(['TEA-BLACK', 'TEA-GREEN']);
    const byName = await biz.core.invoke('product.list', { query: '茶' });
    expect(byName.total).toBe(3);
    // % and _ are plain characters, not wildcards.
    expect((await biz.core.invoke('product.list', { query: '%_' })).rows.map((r) => r.sku)).toEqual(
      ['50%_OFF'],
    );
    expect((await biz.core.invoke('product.list', { category: '茶' })).total).toBe(2);
    expect((await biz.core.invoke('product.list', { category: '' })).total).toBe(1);
    expect((await biz.core.invoke('product.list', { active: false })).rows[0]?.sku).toBe(
      'TEA-BLACK',
    );
  });

  it('pages with a total of all matches', async () => {
    const first = await biz.core.invoke('product.list', { limit: 3 });
    const second = await biz.core.invoke('product.list', { limit: 3, offset: 3 });
    expect(first.total).toBe(4);
    expect(first.rows).toHaveLength(3);
    expect(second.rows).toHaveLength(1);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(4);
  });

  it('refuses bad paging', async () => {
    await expectRefused(biz, 'product.list', { limit: 0 }, 'VALIDATION', 'limit');
    await expectRefused(biz, 'product.list', { offset: -1 }, 'VALIDATION', 'offset');
  });

  it('counts products per category', async () => {
    expect(await biz.core.invoke('product.categories', {})).toEqual([
      { category: '', products: 1 },
      { category: '茶', products: 2 },
      { category: '茶具', products: 1 },
    ]);
  });
});

describe('exports for imports', () => {
  it('createProductTx and findProductBySku share the product.create path', async () => {
    const ctx = {
      db: biz.store.db,
      sqlite: biz.store.sqlite,
      clock: systemClock,
      actor: { role: 'owner' as const },
      progress: () => {},
    };
    const parsed = productInput.parse({ sku: 'IMP-1', name: '导入', retailPrice: 100 });
    const created = await inTransaction(ctx, (trx) => createProductTx(trx, ctx, parsed));
    expect((await findProductBySku(biz.store.db, ' IMP-1 '))?.id).toBe(created.id);
    expect(await findProductBySku(biz.store.db, 'nope')).toBeNull();
    await expect(
      inTransaction(ctx, (trx) => createProductTx(trx, ctx, parsed)),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('suppliers', () => {
  it('creates, updates, lists and soft-deletes', async () => {
    const s = await biz.core.invoke('supplier.create', {
      name: '义乌批发',
      contact: 'Li',
      phone: '13800000000',
    });
    expect(s).toMatchObject({ name: '义乌批发', contact: 'Li', notes: null, deletedAt: null });
    const u = await biz.core.invoke('supplier.update', { id: s.id, notes: '月结', contact: null });
    expect(u).toMatchObject({ name: '义乌批发', contact: null, notes: '月结' });
    await biz.core.invoke('supplier.create', { name: '广州档口' });
    expect(
      (await biz.core.invoke('supplier.list', { query: '138' })).rows.map((r) => r.id),
    ).toEqual([s.id]);
    expect((await biz.core.invoke('supplier.list', {})).total).toBe(2);
    const d = await biz.core.invoke('supplier.delete', { id: s.id });
    expect(d.deletedAt).not.toBeNull();
    expect(await biz.core.invoke('supplier.delete', { id: s.id })).toEqual(d);
    expect((await biz.core.invoke('supplier.list', {})).total).toBe(1);
    expect((await biz.core.invoke('supplier.list', { includeDeleted: true })).total).toBe(2);
    expect((await biz.core.invoke('supplier.get', { id: s.id })).deletedAt).toBe(d.deletedAt);
  });

  it('refuses bad input, unknown and deleted suppliers', async () => {
    await expectRefused(biz, 'supplier.create', { name: '' }, 'VALIDATION', 'name');
    await expectRefused(
      biz,
      'supplier.create',
      { name: 'x', phone: 'x'.repeat(41) },
      'VALIDATION',
      'phone',
    );
    await expectRefused(biz, 'supplier.update', { id: 'nope', name: 'x' }, 'NOT_FOUND');
    await expectRefused(biz, 'supplier.delete', { id: 'nope' }, 'NOT_FOUND');
    await expectRefused(biz, 'supplier.get', { id: 'nope' }, 'NOT_FOUND');
    await expectRefused(biz, 'supplier.list', { limit: 5000 }, 'VALIDATION', 'limit');
    const s = await biz.core.invoke('supplier.create', { name: 'x' });
    await biz.core.invoke('supplier.delete', { id: s.id });
    await expectRefused(biz, 'supplier.update', { id: s.id, name: 'y' }, 'INVALID_STATE');
  });
});
