// What is on the shelf: on hand, average cost and value per product, and what needs reordering.
// Negative stock (sold before the goods arrived) is flagged, never hidden.
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import type { Database, ProductsTable } from '../../db/schema';
import { page, text } from '../shared/schemas';
import { productFilter } from '../catalog/products';
import { stockStatus } from './status';

export const levelsInput = z.object({
  query: text(100).optional(),
  category: text(50).optional(),
  active: z.boolean().optional(),
  onlyLow: z.boolean().default(false),
  ...page,
});

export interface StockLevel {
  productId: string;
  sku: string;
  name: string;
  category: string;
  unit: string;
  active: boolean;
  onHand: number;
  avgCost: number;
  /** onHand x avgCost, 0 when onHand <= 0. */
  stockValue: number;
  threshold: number;
  /** onHand <= threshold. */
  low: boolean;
  /** onHand < 0. */
  negative: boolean;
}

function toLevel(r: Selectable<ProductsTable>): StockLevel {
  return {
    productId: r.id,
    sku: r.sku,
    name: r.name,
    category: r.category,
    unit: r.unit,
    active: r.active === 1,
    onHand: r.on_hand,
    avgCost: r.avg_cost,
    threshold: r.low_stock_threshold,
    ...stockStatus(r.on_hand, r.avg_cost, r.low_stock_threshold),
  };
}

/** Live products by SKU; `totalStockValue` covers every matching product, not just the page. */
export async function stockLevels(
  db: Kysely<Database>,
  input: z.output<typeof levelsInput>,
): Promise<{ rows: StockLevel[]; total: number; totalStockValue: number }> {
  const where = productFilter(input);
  const [rows, sums] = await Promise.all([
    db
      .selectFrom('products')
      .selectAll()
      .where(where)
      .orderBy('sku')
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    db
      .selectFrom('products')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        sql<number>`coalesce(sum(CASE WHEN on_hand > 0 THEN on_hand * avg_cost ELSE 0 END), 0)`.as(
          'value',
        ),
      ])
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toLevel), total: sums.n, totalStockValue: sums.value };
}

/**
 * Active, live products at or below their threshold: negative stock first (most negative
 * first), then the ones furthest below their threshold.
 */
export async function lowStock(
  db: Kysely<Database>,
): Promise<{ rows: StockLevel[]; count: number }> {
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where(productFilter({ active: true, onlyLow: true }))
    .orderBy(sql`on_hand < 0`, 'desc')
    .orderBy(sql`CASE WHEN on_hand < 0 THEN on_hand ELSE on_hand - low_stock_threshold END`)
    .orderBy('sku')
    .execute();
  return { rows: rows.map(toLevel), count: rows.length };
}
