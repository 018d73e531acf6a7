// Product import: one row per product, recognised by SKU (re-importing adds nothing twice).
// Opening stock, when given, enters the ledger as one 'opening' movement at the given cost.
import { z } from 'zod';
import { nowIso, today } from '../api/context';
import { createProductTx, findProductBySku } from '../catalog/products';
import { productInput, type ProductInput } from '../catalog/product-input';
import { recordMovement } from '../stock/ledger';
import { readAmount, readText, readWhole } from './cells';
import type { KindImporter, WriteEnv } from './run';
import { cellField } from './rows';

export interface ProductRow {
  product: ProductInput;
  cost: number | null;
  openingStock: number | null;
}

const INPUT_FIELDS: Record<string, string> = {
  sku: 'sku',
  name: 'name',
  category: 'category',
  unit: 'unit',
  retailPrice: 'retail_price',
  groupPrice: 'group_price',
  lowStockThreshold: 'low_stock_threshold',
};

const fieldOf = (path: string): string | null => INPUT_FIELDS[path.split('.')[0] ?? ''] ?? null;

export const productImport: KindImporter<ProductRow> = {
  fieldOf,

  rowSchema(decimals) {
    const amount = cellField((c) => readAmount(c, decimals));
    return z
      .object({
        sku: cellField((c) => readText(c, 64)).required,
        name: cellField((c) => readText(c, 200)).required,
        category: cellField((c) => readText(c, 50)).optional,
        unit: cellField((c) => readText(c, 20)).optional,
        retail_price: amount.required,
        group_price: amount.optional,
        low_stock_threshold: cellField((c) => readWhole(c, 0)).optional,
        cost: amount.optional,
        opening_stock: cellField((c) => readWhole(c, 0)).optional,
      })
      .transform((r, ctx): ProductRow => {
        const parsed = productInput.safeParse({
          sku: r.sku,
          name: r.name,
          category: r.category ?? '',
          unit: r.unit ?? undefined,
          retailPrice: r.retail_price.minor,
          groupPrice: r.group_price?.minor ?? null,
          lowStockThreshold: r.low_stock_threshold ?? 0,
        });
        if (!parsed.success) {
          for (const i of parsed.error.issues) {
            ctx.addIssue({
              code: 'custom',
              path: [fieldOf(i.path.map(String).join('.')) ?? 'sku'],
              message: i.message,
            });
          }
          return z.NEVER;
        }
        return { product: parsed.data, cost: r.cost?.minor ?? null, openingStock: r.opening_stock };
      });
  },

  async write(env, rows) {
    const { trx, ctx, report, tick } = env;
    let inserted = 0;
    let skipped = 0;
    const seen = new Map<string, number>();
    for (const [i, { row, data }] of rows.entries()) {
      const { product } = data;
      const firstRow = seen.get(product.sku);
      const existing = firstRow === undefined ? await findProductBySku(trx, product.sku) : null;
      if (firstRow !== undefined) {
        skipped++;
        report.warn(row, 'sku', `SKU ${product.sku} is already on row ${firstRow}: skipped`);
      } else if (existing) {
        skipped++;
        seen.set(product.sku, row);
        if (existing.name !== product.name) {
          report.warn(
            row,
            'name',
            `SKU ${product.sku} is already in the catalog as "${existing.name}": kept it, skipped this row`,
          );
        }
      } else {
        seen.set(product.sku, row);
        try {
          const created = await createProductTx(trx, ctx, product);
          await bookOpeningStock(env, row, data, created.id);
          inserted++;
        } catch (err) {
          report.failWith(row, err, fieldOf);
        }
      }
      tick(i + 1);
    }
    return { inserted, skipped };
  },
};

async function bookOpeningStock(
  { trx, ctx, report }: WriteEnv,
  row: number,
  d: ProductRow,
  productId: string,
) {
  if (d.openingStock === null || d.openingStock === 0) {
    if (d.cost !== null)
      report.warn(row, 'cost', 'a cost is only used with opening stock: ignored');
    return;
  }
  if (d.cost === null)
    report.warn(row, 'opening_stock', 'opening stock without a cost: booked at cost 0');
  await recordMovement(trx, ctx, {
    productId,
    kind: 'opening',
    quantity: d.openingStock,
    unitCost: d.cost ?? 0,
    occurredOn: today(ctx),
    createdAt: nowIso(ctx),
    note: 'import: opening stock',
  });
}
