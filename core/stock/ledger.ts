// The stock movement ledger: the only way stock changes. On-hand is the sum of movements;
// products.on_hand and products.avg_cost are caches updated in the same transaction.
// Negative stock is allowed (sellers take orders before goods arrive) and flagged by
// stock.levels / stock.lowStock (`negative`), never hidden.
//
// Average cost rule: goods coming in at a known cost (purchase, opening, restock, cancelled
// sale) move the average; everything else (sales, damage, stocktake gains and losses,
// adjustments) is booked at the current average and leaves it as it is.
import type { Tx } from '../api/context';
import { newId } from '../api/context';
import { notFound } from '../api/errors';
import { divRoundHalfUp } from '../money';
import type { MovementKind } from '../../db/schema';

/** Inbound kinds that bring goods in at a known cost and so move the average. */
const COSTED_INBOUND: ReadonlySet<MovementKind> = new Set([
  'opening',
  'purchase',
  'refund_restock',
  'sale_cancel',
]);

export interface MovementInput {
  productId: string;
  kind: MovementKind;
  /** Signed: positive in, negative out. */
  quantity: number;
  /** Unit cost of goods coming in (purchase, restock). Ignored for outbound moves. */
  unitCost?: number;
  occurredOn: string;
  createdAt: string;
  orderId?: string | null;
  orderLineId?: string | null;
  purchaseId?: string | null;
  refundId?: string | null;
  stocktakeId?: string | null;
  note?: string | null;
}

export interface MovementResult {
  id: string;
  /** Unit cost the movement was booked at (for a sale: the moving average, captured). */
  unitCost: number;
  onHand: number;
  avgCost: number;
}

/**
 * Moving weighted average: only stock on hand (never a negative balance) weighs against the
 * incoming goods; rounded half-up to the minor unit.
 */
export function nextAverageCost(
  onHand: number,
  avgCost: number,
  quantityIn: number,
  unitCostIn: number,
): number {
  if (quantityIn <= 0) throw new RangeError('nextAverageCost: quantityIn must be more than 0');
  const base = Math.max(onHand, 0);
  return divRoundHalfUp(base * avgCost + quantityIn * unitCostIn, base + quantityIn);
}

export async function recordMovement(trx: Tx, m: MovementInput): Promise<MovementResult> {
  // Callers validate their input; these guard the ledger against a caller's bug.
  if (!Number.isSafeInteger(m.quantity) || m.quantity === 0) {
    throw new RangeError(
      `recordMovement: quantity must be a non-zero whole number, got ${m.quantity}`,
    );
  }
  if (m.unitCost !== undefined && (!Number.isSafeInteger(m.unitCost) || m.unitCost < 0)) {
    throw new RangeError(`recordMovement: unitCost must be a whole number of minor units >= 0`);
  }
  const product = await trx
    .selectFrom('products')
    .select(['on_hand', 'avg_cost'])
    .where('id', '=', m.productId)
    .executeTakeFirst();
  if (!product) throw notFound('Product', m.productId);

  let unitCost = product.avg_cost;
  let avgCost = product.avg_cost;
  if (m.quantity > 0 && COSTED_INBOUND.has(m.kind)) {
    unitCost = m.unitCost ?? product.avg_cost;
    avgCost = nextAverageCost(product.on_hand, product.avg_cost, m.quantity, unitCost);
  }
  const onHand = product.on_hand + m.quantity;
  const id = newId();
  await trx
    .insertInto('stock_movements')
    .values({
      id,
      product_id: m.productId,
      kind: m.kind,
      quantity: m.quantity,
      unit_cost: unitCost,
      occurred_on: m.occurredOn,
      order_id: m.orderId ?? null,
      order_line_id: m.orderLineId ?? null,
      purchase_id: m.purchaseId ?? null,
      refund_id: m.refundId ?? null,
      stocktake_id: m.stocktakeId ?? null,
      note: m.note ?? null,
      created_at: m.createdAt,
    })
    .execute();
  await trx
    .updateTable('products')
    .set({ on_hand: onHand, avg_cost: avgCost, updated_at: m.createdAt })
    .where('id', '=', m.productId)
    .execute();
  return { id, unitCost, onHand, avgCost };
}
