// Stocktakes: the seller counts what is really on the shelf. Each line keeps what the books
// expected (on hand when the count is recorded) and what was counted; a difference books a
// 'stocktake' movement at the current average cost, so on hand afterwards equals the count.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { notFound } from '../api/errors';
import { day, id, optionalText } from '../shared/schemas';
import { requireProduct } from '../catalog/products';
import { recordMovement } from './ledger';
import { assertBusinessDays } from '../shared/day-window';

export const stocktakeInput = z.object({
  countedOn: day.optional(),
  note: optionalText(),
  lines: z
    .array(
      z.object({
        productId: id,
        counted: z
          .number()
          .int('count whole units')
          .min(0, 'must be 0 or more')
          .refine(Number.isSafeInteger, 'too large'),
      }),
    )
    .min(1, 'count at least one product')
    .max(5000, 'at most 5000 lines')
    .superRefine((lines, issues) => {
      const seen = new Map<string, number>();
      lines.forEach((l, i) => {
        const first = seen.get(l.productId);
        if (first === undefined) seen.set(l.productId, i);
        else {
          issues.addIssue({
            code: 'custom',
            path: [i, 'productId'],
            message: `this product is already counted on line ${first}; count it once`,
          });
        }
      });
    }),
});

export interface StocktakeLine {
  productId: string;
  sku: string;
  productName: string;
  /** On hand in the books when the count was recorded. */
  expected: number;
  counted: number;
  /** counted - expected: positive found, negative missing. */
  difference: number;
  /** Value of the difference at the average cost of the time (0 when none). */
  differenceValue: number;
}

export interface Stocktake {
  id: string;
  countedOn: string;
  note: string | null;
  createdAt: string;
  lines: StocktakeLine[];
  /** Sum of the differences' values: negative when goods went missing. */
  differenceValue: number;
}

export async function recordStocktake(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof stocktakeInput>,
): Promise<Stocktake> {
  const products = [];
  for (const [i, line] of input.lines.entries()) {
    products.push(await requireProduct(trx, line.productId, `lines.${i}.productId`));
  }
  const stocktakeId = newId(ctx);
  const now = nowIso(ctx);
  await assertBusinessDays(trx, ctx, { countedOn: input.countedOn });
  const countedOn = input.countedOn ?? today(ctx);
  await trx
    .insertInto('stocktakes')
    .values({ id: stocktakeId, counted_on: countedOn, note: input.note, created_at: now })
    .execute();
  for (const [i, line] of input.lines.entries()) {
    const expected = products[i]!.on_hand;
    await trx
      .insertInto('stocktake_lines')
      .values({
        stocktake_id: stocktakeId,
        product_id: line.productId,
        expected,
        counted: line.counted,
      })
      .execute();
    if (line.counted !== expected) {
      await recordMovement(trx, ctx, {
        productId: line.productId,
        kind: 'stocktake',
        quantity: line.counted - expected,
        occurredOn: countedOn,
        createdAt: now,
        stocktakeId,
        note: input.note,
      });
    }
  }
  return readStocktake(trx, stocktakeId);
}

export async function readStocktake(db: Kysely<Database>, stocktakeId: string): Promise<Stocktake> {
  const head = await db
    .selectFrom('stocktakes')
    .selectAll()
    .where('id', '=', stocktakeId)
    .executeTakeFirst();
  if (!head) throw notFound('Stocktake', stocktakeId);
  const lines = await db
    .selectFrom('stocktake_lines as l')
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .leftJoin('stock_movements as m', (j) =>
      j.onRef('m.stocktake_id', '=', 'l.stocktake_id').onRef('m.product_id', '=', 'l.product_id'),
    )
    .select(['l.product_id', 'p.sku', 'p.name', 'l.expected', 'l.counted', 'm.unit_cost'])
    .where('l.stocktake_id', '=', stocktakeId)
    .orderBy('p.sku')
    .execute();
  const out = lines.map((l) => {
    const difference = l.counted - l.expected;
    return {
      productId: l.product_id,
      sku: l.sku,
      productName: l.name,
      expected: l.expected,
      counted: l.counted,
      difference,
      differenceValue: difference === 0 ? 0 : difference * (l.unit_cost ?? 0),
    };
  });
  return {
    id: head.id,
    countedOn: head.counted_on,
    note: head.note,
    createdAt: head.created_at,
    lines: out,
    differenceValue: out.reduce((a, l) => a + l.differenceValue, 0),
  };
}
