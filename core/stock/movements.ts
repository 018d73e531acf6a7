// One product's stock ledger with the running balance after each movement. The balance runs in
// the order things happened (day, then entry order), so after the newest movement it equals
// on hand; filters and paging apply after it is computed.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, MovementKind } from '../../db/schema';
import { notFound } from '../api/errors';
import { day, id, page } from '../shared/schemas';

export const movementsInput = z
  .object({
    productId: id,
    from: day.optional(),
    to: day.optional(),
    order: z.enum(['newest_first', 'oldest_first']).default('newest_first'),
    ...page,
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, {
    path: ['to'],
    message: 'must be on or after from',
  });

export interface Movement {
  id: string;
  kind: MovementKind;
  /** Signed: positive in, negative out. */
  quantity: number;
  unitCost: number;
  occurredOn: string;
  /** On hand right after this movement. */
  balance: number;
  orderId: string | null;
  orderLineId: string | null;
  purchaseId: string | null;
  refundId: string | null;
  stocktakeId: string | null;
  note: string | null;
  createdAt: string;
}

export async function productMovements(
  db: Kysely<Database>,
  input: z.output<typeof movementsInput>,
): Promise<{
  productId: string;
  order: 'newest_first' | 'oldest_first';
  onHand: number;
  rows: Movement[];
  total: number;
}> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'on_hand'])
    .where('id', '=', input.productId)
    .executeTakeFirst();
  if (!product) throw notFound('Product', input.productId);

  // UUIDv7 ids sort in the order movements were entered, so (day, id) is a total order.
  const ledger = db
    .selectFrom('stock_movements')
    .selectAll()
    .select((eb) =>
      eb.fn
        .sum<number>('quantity')
        .over((ob) => ob.orderBy('occurred_on').orderBy('id'))
        .as('balance'),
    )
    .where('product_id', '=', input.productId);
  let q = db.selectFrom(ledger.as('m')).selectAll();
  if (input.from) q = q.where('occurred_on', '>=', input.from);
  if (input.to) q = q.where('occurred_on', '<=', input.to);
  const dir = input.order === 'newest_first' ? 'desc' : 'asc';
  const [rows, count] = await Promise.all([
    q
      .orderBy('occurred_on', dir)
      .orderBy('id', dir)
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    productId: product.id,
    order: input.order,
    onHand: product.on_hand,
    total: count.n,
    rows: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      quantity: r.quantity,
      unitCost: r.unit_cost,
      occurredOn: r.occurred_on,
      balance: r.balance,
      orderId: r.order_id,
      orderLineId: r.order_line_id,
      purchaseId: r.purchase_id,
      refundId: r.refund_id,
      stocktakeId: r.stocktake_id,
      note: r.note,
      createdAt: r.created_at,
    })),
  };
}
