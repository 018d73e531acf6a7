// API methods of the catalog: products (prices, tier prices, stock figures) and suppliers.
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction } from '../api/context';
import { notFound } from '../api/errors';
import { id, page, text } from '../shared/schemas';
import { productInput, productPatch } from './product-input';
import {
  createProductTx,
  listProducts,
  productCategories,
  readProduct,
  setProductDeleted,
  updateProductTx,
} from './products';
import {
  createSupplier,
  deleteSupplier,
  listSuppliers,
  readSupplier,
  supplierInput,
  supplierListInput,
  supplierPatch,
  updateSupplier,
} from './suppliers';

// For the import engineer (and orders): one code path for creating products.
export { createProductTx, findProductBySku, requireProduct, updateProductTx } from './products';
export type { Product } from './products';
export { productInput, productPatch, type ProductInput } from './product-input';

const byId = z.object({ id });

export const catalogMethods = {
  'product.create': method({
    summary: 'Add a product (SKU, name, prices, tier prices, low-stock threshold, supplier).',
    mutates: true,
    input: productInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => createProductTx(trx, ctx, input));
    },
  }),

  'product.update': method({
    summary: 'Change some fields of a product; tierPrices, when given, replaces the whole set.',
    mutates: true,
    input: productPatch.extend({ id }),
    async run(ctx, { id: productId, ...patch }) {
      return inTransaction(ctx, (trx) => updateProductTx(trx, ctx, productId, patch));
    },
  }),

  'product.delete': method({
    summary: 'Remove a product from the lists (soft delete: orders and stock history keep it).',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => setProductDeleted(trx, ctx, input.id, true));
    },
  }),

  'product.restore': method({
    summary: 'Bring a deleted product back (with its SKU, stock and history).',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => setProductDeleted(trx, ctx, input.id, false));
    },
  }),

  'product.get': method({
    summary: 'One product with tier prices, on hand, average cost and stock value.',
    mutates: false,
    // The catalog is shared: an agent reads it to sell, only the owner changes it.
    roles: ['owner', 'agent'],
    input: byId,
    async run(ctx, input) {
      const product = await readProduct(ctx.db, input.id);
      if (!product) throw notFound('Product', input.id);
      return product;
    },
  }),

  'product.list': method({
    summary: 'Products by SKU, filtered by SKU/name substring, category and active flag.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({
      query: text(100).optional(),
      category: text(50).optional(),
      active: z.boolean().optional(),
      includeDeleted: z.boolean().default(false),
      ...page,
    }),
    async run(ctx, input) {
      return listProducts(ctx.db, input);
    },
  }),

  'product.categories': method({
    summary: 'Categories of live products with how many products each holds.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({}),
    async run(ctx) {
      return productCategories(ctx.db);
    },
  }),

  'supplier.create': method({
    summary: 'Add a supplier (name, contact, phone, notes).',
    mutates: true,
    input: supplierInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => createSupplier(trx, ctx, input));
    },
  }),

  'supplier.update': method({
    summary: 'Change some fields of a supplier.',
    mutates: true,
    input: supplierPatch,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => updateSupplier(trx, ctx, input));
    },
  }),

  'supplier.delete': method({
    summary: 'Remove a supplier from the lists (soft delete: purchases keep it).',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => deleteSupplier(trx, ctx, input.id));
    },
  }),

  'supplier.get': method({
    summary: 'One supplier (deleted ones too).',
    mutates: false,
    input: byId,
    async run(ctx, input) {
      return readSupplier(ctx.db, input.id);
    },
  }),

  'supplier.list': method({
    summary: 'Suppliers by name, filtered by a name/contact/phone substring.',
    mutates: false,
    input: supplierListInput,
    async run(ctx, input) {
      return listSuppliers(ctx.db, input);
    },
  }),
} satisfies Record<string, AnyMethod>;
