// Purchases: goods received from a supplier at a cost. Each line books a 'purchase' movement,
// which moves the product's moving average cost. A purchase is not an expense: its cost reaches
// the P&L as COGS when the goods are sold.
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { fieldError, notFound } from '../api/errors';
import { requireProduct } from '../catalog/products';
import { requireSupplier } from '../catalog/suppliers';
import { day, id, nonNegativeMoney, optionalText, page, quantity } from '../shared/schemas';
import { recordMovement } from './ledger';
import { assertBusinessDays } from '../shared/day-window';

const purchaseLine = z
  .object({ productId: id, quantity, unitCost: nonNegativeMoney })
  .refine((l) => Number.isSafeInteger(l.quantity * l.unitCost), {
    path: ['unitCost'],
    message: 'quantity x unit cost is too large',
  });

export const purchaseInput = z.object({
  supplierId: id.nullish(),
  receivedOn: day.optional(),
  reference: optionalText(100),
  note: optionalText(),
  lines: z.array(purchaseLine).min(1, 'add at least one line').max(500, 'at most 500 lines'),
});

export const purchaseListInput = z
  .object({ from: day.optional(), to: day.optional(), supplierId: id.optional(), ...page })
  .refine((r) => !r.from || !r.to || r.from <= r.to, {
    path: ['to'],
    message: 'must be on or after from',
  });

export interface PurchaseLine {
  id: string;
  productId: string;
  sku: string;
  productName: string;
  quantity: number;
  unitCost: number;
  lineCost: number;
}

export interface PurchaseSummary {
  id: string;
  supplierId: string | null;
  supplierName: string | null;
  receivedOn: string;
  reference: string | null;
  note: string | null;
  totalCost: number;
  lineCount: number;
  createdAt: string;
}

export interface Purchase extends PurchaseSummary {
  lines: PurchaseLine[];
}

export async function recordPurchase(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof purchaseInput>,
): Promise<Purchase> {
  if (input.supplierId) await requireSupplier(trx, input.supplierId, 'supplierId');
  for (const [i, line] of input.lines.entries()) {
    await requireProduct(trx, line.productId, `lines.${i}.productId`);
  }
  const lineCosts = input.lines.map((l) => l.quantity * l.unitCost);
  const totalCost = lineCosts.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(totalCost)) throw fieldError('lines', 'the total cost is too large');

  const purchaseId = newId(ctx);
  const now = nowIso(ctx);
  await assertBusinessDays(trx, ctx, { receivedOn: input.receivedOn });
  const receivedOn = input.receivedOn ?? today(ctx);
  await trx
    .insertInto('purchases')
    .values({
      id: purchaseId,
      supplier_id: input.supplierId ?? null,
      received_on: receivedOn,
      reference: input.reference,
      note: input.note,
      total_cost: totalCost,
      created_at: now,
    })
    .execute();
  // Lines in the order given: the same product twice moves its average twice, as two
  // deliveries would.
  for (const [i, line] of input.lines.entries()) {
    await trx
      .insertInto('purchase_lines')
      .values({
        id: newId(ctx),
        purchase_id: purchaseId,
        product_id: line.productId,
        quantity: line.quantity,
        unit_cost: line.unitCost,
        line_cost: lineCosts[i]!,
      })
      .execute();
    await recordMovement(trx, ctx, {
      productId: line.productId,
      kind: 'purchase',
      quantity: line.quantity,
      unitCost: line.unitCost,
      occurredOn: receivedOn,
      createdAt: now,
      purchaseId,
    });
  }
  return readPurchase(trx, purchaseId);
}

function summaries(db: Kysely<Database>) {
  return db
    .selectFrom('purchases')
    .leftJoin('suppliers', 'suppliers.id', 'purchases.supplier_id')
    .select((eb) => [
      'purchases.id',
      'purchases.supplier_id',
      'suppliers.name as supplier_name',
      'purchases.received_on',
      'purchases.reference',
      'purchases.note',
      'purchases.total_cost',
      'purchases.created_at',
      eb
        .selectFrom('purchase_lines as l')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('l.purchase_id', '=', 'purchases.id')
        .as('line_count'),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['executeTakeFirstOrThrow']>>;

function toSummary(r: SummaryRow): PurchaseSummary {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    supplierName: r.supplier_name,
    receivedOn: r.received_on,
    reference: r.reference,
    note: r.note,
    totalCost: r.total_cost,
    lineCount: r.line_count ?? 0,
    createdAt: r.created_at,
  };
}

export async function readPurchase(db: Kysely<Database>, purchaseId: string): Promise<Purchase> {
  const head = await summaries(db).where('purchases.id', '=', purchaseId).executeTakeFirst();
  if (!head) throw notFound('Purchase', purchaseId);
  const lines = await db
    .selectFrom('purchase_lines as l')
    .innerJoin('products as pr', 'pr.id', 'l.product_id')
    .select([
      'l.id',
      'l.product_id',
      'pr.sku',
      'pr.name',
      'l.quantity',
      'l.unit_cost',
      'l.line_cost',
    ])
    .where('l.purchase_id', '=', purchaseId)
    .orderBy('l.id') // UUIDv7: the order the lines were entered
    .execute();
  return {
    ...toSummary(head),
    lines: lines.map((l) => ({
      id: l.id,
      productId: l.product_id,
      sku: l.sku,
      productName: l.name,
      quantity: l.quantity,
      unitCost: l.unit_cost,
      lineCost: l.line_cost,
    })),
  };
}

/** Newest first; `totalCost` sums every purchase that matches, not just this page. */
export async function listPurchases(
  db: Kysely<Database>,
  input: z.output<typeof purchaseListInput>,
): Promise<{ rows: PurchaseSummary[]; total: number; totalCost: number }> {
  const where = (eb: ExpressionBuilder<Database, 'purchases'>) => {
    const all: Expression<SqlBool>[] = [];
    if (input.from) all.push(eb('purchases.received_on', '>=', input.from));
    if (input.to) all.push(eb('purchases.received_on', '<=', input.to));
    if (input.supplierId) all.push(eb('purchases.supplier_id', '=', input.supplierId));
    return eb.and(all);
  };
  const [rows, sums] = await Promise.all([
    summaries(db)
      .where(where)
      .orderBy('purchases.received_on', 'desc')
      .orderBy('purchases.id', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    db
      .selectFrom('purchases')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('total_cost'), eb.lit(0)).as('cost'),
      ])
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toSummary), total: sums.n, totalCost: sums.cost };
}
