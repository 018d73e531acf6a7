// The stock movement ledger: the only way stock changes. On-hand is the sum of movements;
// products.on_hand and products.avg_cost are caches updated in the same transaction.
// Negative stock is allowed (sellers take orders before goods arrive) and flagged by
// stock.levels / stock.lowStock (`negative`), never hidden.
//
// Average cost rule: goods coming in at a known cost (purchase, opening, restock, cancelled
// sale) move the average; everything else (sales, damage, stocktake gains and losses,
// adjustments) is booked at the current average and leaves it as it is.
import type { Ctx, Tx } from '../api/context';
import { newId } from '../api/context';
import { notFound } from '../api/errors';
import { divRoundHalfUp } from '../money';
import { rowsOf } from '../../db/prepared';
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

const PRODUCT_STOCK = 'SELECT on_hand, avg_cost FROM products WHERE id = ?';
const INSERT_MOVEMENT = `INSERT INTO stock_movements (id, product_id, kind, quantity, unit_cost,
  occurred_on, order_id, order_line_id, purchase_id, refund_id, stocktake_id, note, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATE_STOCK = 'UPDATE products SET on_hand = ?, avg_cost = ?, updated_at = ? WHERE id = ?';

export async function recordMovement(
  trx: Tx,
  ctx: Pick<Ctx, 'ids'>,
  m: MovementInput,
): Promise<MovementResult> {
  // Callers validate their input; these guard the ledger against a caller's bug.
  if (!Number.isSafeInteger(m.quantity) || m.quantity === 0) {
    throw new RangeError(
      `recordMovement: quantity must be a non-zero whole number, got ${m.quantity}`,
    );
  }
  if (m.unitCost !== undefined && (!Number.isSafeInteger(m.unitCost) || m.unitCost < 0)) {
    throw new RangeError(`recordMovement: unitCost must be a whole number of minor units >= 0`);
  }
  const [product] = await rowsOf<{ on_hand: number; avg_cost: number }>(trx, PRODUCT_STOCK, [
    m.productId,
  ]);
  if (!product) throw notFound('Product', m.productId);

  let unitCost = product.avg_cost;
  let avgCost = product.avg_cost;
  if (m.quantity > 0 && COSTED_INBOUND.has(m.kind)) {
    unitCost = m.unitCost ?? product.avg_cost;
    avgCost = nextAverageCost(product.on_hand, product.avg_cost, m.quantity, unitCost);
  }
  const onHand = product.on_hand + m.quantity;
  const id = newId(ctx);
  await rowsOf(trx, INSERT_MOVEMENT, [
    id,
    m.productId,
    m.kind,
    m.quantity,
    unitCost,
    m.occurredOn,
    m.orderId ?? null,
    m.orderLineId ?? null,
    m.purchaseId ?? null,
    m.refundId ?? null,
    m.stocktakeId ?? null,
    m.note ?? null,
    m.createdAt,
  ]);
  await rowsOf(trx, UPDATE_STOCK, [onHand, avgCost, m.createdAt, m.productId]);
  return { id, unitCost, onHand, avgCost };
}
