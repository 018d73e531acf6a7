// API methods of stock: purchases (goods in), adjustments, stocktakes, the movement ledger,
// stock levels and low stock. Every change goes through recordMovement (ledger.ts).
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction } from '../api/context';
import { id } from '../shared/schemas';
import { adjustInput, adjustStock } from './adjustments';
import { levelsInput, lowStock, stockLevels } from './levels';
import { movementsInput, productMovements } from './movements';
import {
  listPurchases,
  purchaseInput,
  purchaseListInput,
  readPurchase,
  recordPurchase,
} from './purchases';
import { readStocktake, recordStocktake, stocktakeInput } from './stocktakes';

export const stockMethods = {
  'purchase.record': method({
    summary: 'Record goods received (lines of product, quantity, unit cost); moves average cost.',
    mutates: true,
    input: purchaseInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => recordPurchase(trx, ctx, input));
    },
  }),

  'purchase.get': method({
    summary: 'One purchase with its lines.',
    mutates: false,
    input: z.object({ id }),
    async run(ctx, input) {
      return readPurchase(ctx.db, input.id);
    },
  }),

  'purchase.list': method({
    summary: 'Purchases, newest first, by received day range and supplier, with their total cost.',
    mutates: false,
    input: purchaseListInput,
    async run(ctx, input) {
      return listPurchases(ctx.db, input);
    },
  }),

  'stock.adjust': method({
    summary: 'Book damage, loss or a transfer out (units going out), or a signed correction.',
    mutates: true,
    input: adjustInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => adjustStock(trx, ctx, input));
    },
  }),

  'stock.stocktake': method({
    summary: 'Record a count; each difference from the books becomes a stocktake movement.',
    mutates: true,
    input: stocktakeInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => recordStocktake(trx, ctx, input));
    },
  }),

  'stocktake.get': method({
    summary: 'One recorded stocktake: expected, counted and the value of each difference.',
    mutates: false,
    input: z.object({ id }),
    async run(ctx, input) {
      return readStocktake(ctx.db, input.id);
    },
  }),

  'stock.movements': method({
    summary: "A product's movements with the running balance (newest first unless asked).",
    mutates: false,
    input: movementsInput,
    async run(ctx, input) {
      return productMovements(ctx.db, input);
    },
  }),

  'stock.levels': method({
    summary: 'On hand, average cost and stock value per product, with low and negative flags.',
    mutates: false,
    input: levelsInput,
    async run(ctx, input) {
      return stockLevels(ctx.db, input);
    },
  }),

  'stock.lowStock': method({
    summary: 'Active products at or below their low-stock threshold, negative stock first.',
    mutates: false,
    input: z.object({}),
    async run(ctx) {
      return lowStock(ctx.db);
    },
  }),
} satisfies Record<string, AnyMethod>;
