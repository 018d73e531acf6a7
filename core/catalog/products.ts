// Products: what the seller sells, at which prices, and (read from the stock caches) how many
// are on hand and what they are worth. Soft-deleted, because orders and the stock ledger keep
// pointing at them; a deleted product keeps its SKU until it is restored.
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import type { Database, ProductsTable } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { AppError, notFound } from '../api/errors';
import { stockStatus } from '../stock/status';
import type { ProductInput, ProductPatch } from './product-input';
import { deletedReference, missingReference } from './references';
import { containsText } from './search';
import { requireSupplier } from './suppliers';

export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  unit: string;
  retailPrice: number;
  groupPrice: number | null;
  lowStockThreshold: number;
  active: boolean;
  supplierId: string | null;
  /** Price per agent tier code. */
  tierPrices: Record<string, number>;
  onHand: number;
  /** Moving weighted average unit cost. */
  avgCost: number;
  stockValue: number;
  low: boolean;
  negative: boolean;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export type ProductRow = Selectable<ProductsTable>;

function toProduct(r: ProductRow, tierPrices: Record<string, number>): Product {
  return {
    id: r.id,
    sku: r.sku,
    name: r.name,
    category: r.category,
    unit: r.unit,
    retailPrice: r.retail_price,
    groupPrice: r.group_price,
    lowStockThreshold: r.low_stock_threshold,
    active: r.active === 1,
    supplierId: r.supplier_id,
    tierPrices,
    onHand: r.on_hand,
    avgCost: r.avg_cost,
    ...stockStatus(r.on_hand, r.avg_cost, r.low_stock_threshold),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  };
}

async function withTierPrices(db: Kysely<Database>, rows: ProductRow[]): Promise<Product[]> {
  if (rows.length === 0) return [];
  const tiers = await db
    .selectFrom('product_tier_prices')
    .selectAll()
    .where(
      'product_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('tier')
    .execute();
  const byProduct = new Map<string, Record<string, number>>();
  for (const t of tiers) {
    const prices = byProduct.get(t.product_id) ?? {};
    prices[t.tier] = t.price;
    byProduct.set(t.product_id, prices);
  }
  return rows.map((r) => toProduct(r, byProduct.get(r.id) ?? {}));
}

/** The product (deleted or not), or null. */
export async function readProduct(
  db: Kysely<Database>,
  productId: string,
): Promise<Product | null> {
  const row = await db
    .selectFrom('products')
    .selectAll()
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!row) return null;
  return (await withTierPrices(db, [row]))[0]!;
}

/** For imports: the product holding this SKU (deleted ones too: the SKU stays taken), or null. */
export async function findProductBySku(db: Kysely<Database>, sku: string): Promise<Product | null> {
  const row = await db
    .selectFrom('products')
    .selectAll()
    .where('sku', '=', sku.trim())
    .executeTakeFirst();
  if (!row) return null;
  return (await withTierPrices(db, [row]))[0]!;
}

/**
 * A product an operation may use (receive, adjust, count): it exists and is not deleted.
 * `field` names the input field that pointed at it (e.g. "lines.2.productId").
 */
export async function requireProduct(
  db: Kysely<Database>,
  productId: string,
  field: string,
): Promise<ProductRow> {
  const row = await db
    .selectFrom('products')
    .selectAll()
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!row) throw missingReference('Product', productId, field);
  if (row.deleted_at) {
    throw deletedReference(
      'Product',
      `${row.sku} ${row.name}`,
      productId,
      field,
      'restore it (product.restore) or choose another product',
    );
  }
  return row;
}

async function assertSkuFree(
  db: Kysely<Database>,
  sku: string,
  exceptId: string | null,
): Promise<void> {
  const holder = await db
    .selectFrom('products')
    .select(['id', 'name', 'deleted_at'])
    .where('sku', '=', sku)
    .executeTakeFirst();
  if (!holder || holder.id === exceptId) return;
  const hint = holder.deleted_at
    ? `the deleted product "${holder.name}"; restore that product or choose another SKU`
    : `"${holder.name}"; choose another SKU`;
  throw new AppError('CONFLICT', `SKU ${sku} is already used by ${hint}.`, {
    field: 'sku',
    sku,
    productId: holder.id,
  });
}

async function replaceTierPrices(trx: Tx, productId: string, prices: Record<string, number>) {
  await trx.deleteFrom('product_tier_prices').where('product_id', '=', productId).execute();
  const rows = Object.entries(prices).map(([tier, price]) => ({
    product_id: productId,
    tier,
    price,
  }));
  if (rows.length > 0) await trx.insertInto('product_tier_prices').values(rows).execute();
}

/**
 * Creates a product from parsed `productInput` (product.create and imports share this path).
 * Throws CONFLICT when the SKU is taken, NOT_FOUND / INVALID_STATE for a bad supplierId.
 */
export async function createProductTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: ProductInput,
): Promise<Product> {
  await assertSkuFree(trx, input.sku, null);
  if (input.supplierId) await requireSupplier(trx, input.supplierId, 'supplierId');
  const productId = newId(ctx);
  const now = nowIso(ctx);
  await trx
    .insertInto('products')
    .values({
      id: productId,
      sku: input.sku,
      name: input.name,
      category: input.category,
      unit: input.unit,
      retail_price: input.retailPrice,
      group_price: input.groupPrice,
      low_stock_threshold: input.lowStockThreshold,
      active: input.active ? 1 : 0,
      supplier_id: input.supplierId,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
  await replaceTierPrices(trx, productId, input.tierPrices);
  return (await readProduct(trx, productId))!;
}

/** Changes the given fields only; `tierPrices`, when given, replaces the whole set. */
export async function updateProductTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  productId: string,
  patch: ProductPatch,
): Promise<Product> {
  const current = await readProduct(trx, productId);
  if (!current) throw notFound('Product', productId);
  if (current.deletedAt) {
    throw new AppError(
      'INVALID_STATE',
      `Product ${current.sku} "${current.name}" is deleted; restore it (product.restore) before changing it.`,
      { id: productId, state: 'deleted' },
    );
  }
  if (patch.sku !== undefined && patch.sku !== current.sku) {
    await assertSkuFree(trx, patch.sku, productId);
  }
  if (patch.supplierId) await requireSupplier(trx, patch.supplierId, 'supplierId');

  const columns = {
    sku: patch.sku,
    name: patch.name,
    category: patch.category,
    unit: patch.unit,
    retail_price: patch.retailPrice,
    group_price: patch.groupPrice,
    low_stock_threshold: patch.lowStockThreshold,
    active: patch.active === undefined ? undefined : patch.active ? 1 : 0,
    supplier_id: patch.supplierId,
  };
  const set = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0 && patch.tierPrices === undefined) return current;
  await trx
    .updateTable('products')
    .set({ ...set, updated_at: nowIso(ctx) })
    .where('id', '=', productId)
    .execute();
  if (patch.tierPrices !== undefined) await replaceTierPrices(trx, productId, patch.tierPrices);
  return (await readProduct(trx, productId))!;
}

/** Soft delete (or restore): the product leaves (or returns to) the lists; history keeps it. */
export async function setProductDeleted(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  productId: string,
  deleted: boolean,
): Promise<Product> {
  const current = await readProduct(trx, productId);
  if (!current) throw notFound('Product', productId);
  // Deleting a deleted product (or restoring a live one) is already done: leave it as it is.
  if ((current.deletedAt !== null) === deleted) return current;
  const now = nowIso(ctx);
  await trx
    .updateTable('products')
    .set({ deleted_at: deleted ? now : null, updated_at: now })
    .where('id', '=', productId)
    .execute();
  return (await readProduct(trx, productId))!;
}

export interface ProductFilter {
  /** Substring of the SKU or the name. */
  query?: string | undefined;
  category?: string | undefined;
  active?: boolean | undefined;
  includeDeleted?: boolean | undefined;
  /** Only products at or below their low-stock threshold. */
  onlyLow?: boolean | undefined;
}

/** The WHERE clause of product lists (catalog and stock levels share it). */
export function productFilter(f: ProductFilter) {
  return (eb: ExpressionBuilder<Database, 'products'>) => {
    const all: Expression<SqlBool>[] = [];
    if (!f.includeDeleted) all.push(eb('products.deleted_at', 'is', null));
    if (f.query) all.push(containsText(['products.sku', 'products.name'], f.query));
    if (f.category !== undefined) all.push(eb('products.category', '=', f.category));
    if (f.active !== undefined) all.push(eb('products.active', '=', f.active ? 1 : 0));
    if (f.onlyLow) all.push(eb('products.on_hand', '<=', eb.ref('products.low_stock_threshold')));
    return eb.and(all);
  };
}

export async function listProducts(
  db: Kysely<Database>,
  filter: ProductFilter & { limit: number; offset: number },
): Promise<{ rows: Product[]; total: number }> {
  const where = productFilter(filter);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('products')
      .selectAll()
      .where(where)
      .orderBy('sku')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: await withTierPrices(db, rows), total: count.n };
}

/** Categories in use by live products, with how many products each holds ('' = none given). */
export async function productCategories(
  db: Kysely<Database>,
): Promise<{ category: string; products: number }[]> {
  return db
    .selectFrom('products')
    .select((eb) => ['category', eb.fn.countAll<number>().as('products')])
    .where('deleted_at', 'is', null)
    .groupBy('category')
    .orderBy('category')
    .execute();
}
