// What a seller (or an import row) says about a product. The create schema carries the
// defaults; the patch schema has none, so a partial update never resets a field it omits.
import { z } from 'zod';
import { id, nonNegativeMoney, requiredText, text } from '../shared/schemas';

export const sku = z.string().trim().min(1, 'required').max(64, 'at most 64 characters');

/** An agent tier's code (e.g. "zongdai", "level1"); tiers themselves arrive with agents. */
export const tierCode = z.string().trim().min(1, 'required').max(32, 'at most 32 characters');

const fields = {
  sku,
  name: requiredText(200),
  category: text(50),
  unit: requiredText(20),
  retailPrice: nonNegativeMoney,
  groupPrice: nonNegativeMoney.nullable(),
  lowStockThreshold: z.number().int('use whole units').min(0, 'must be 0 or more'),
  active: z.boolean(),
  supplierId: id.nullable(),
  /** Price per agent tier; on update the given map replaces the whole set. */
  tierPrices: z.record(tierCode, nonNegativeMoney),
};

/** product.create, and each row of a product import once its columns are mapped. */
export const productInput = z.object({
  ...fields,
  category: fields.category.default(''),
  unit: fields.unit.default('件'),
  groupPrice: fields.groupPrice.default(null),
  lowStockThreshold: fields.lowStockThreshold.default(0),
  active: fields.active.default(true),
  supplierId: fields.supplierId.default(null),
  tierPrices: fields.tierPrices.default({}),
});

export type ProductInput = z.output<typeof productInput>;

/** product.update: any subset of the fields; null clears groupPrice and supplierId. */
export const productPatch = z.object(fields).partial();

export type ProductPatch = z.output<typeof productPatch>;
