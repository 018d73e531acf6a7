// The order's life: draft -> confirmed -> paid -> shipped -> completed, or cancelled while unpaid.
// Each step that moves stock or recognises money happens here, inside the caller's transaction.
import type { Kysely, Selectable } from 'kysely';
import type { Database, OrdersTable, OrderStatus } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { invalidState, notFound } from '../api/errors';
import { recordMovement } from '../stock/ledger';
import { addPaidOrderToPnl, addToPnl } from '../figures/rollup';
import { writeAccruals } from '../commissions/ledger';
import { prepared, rowsOf } from '../../db/prepared';

export type OrderRow = Selectable<OrdersTable>;

/** Statuses in which the customer has paid the whole order. */
export const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set(['paid', 'shipped', 'completed']);
export const UNPAID_STATUSES: ReadonlySet<OrderStatus> = new Set(['draft', 'confirmed']);

export async function requireOrder(db: Kysely<Database>, id: string): Promise<OrderRow> {
  const [row] = await rowsOf<OrderRow>(db, 'SELECT * FROM orders WHERE id = ?', [id]);
  if (!row) throw notFound('Order', id);
  return row;
}

export function assertDraft(order: OrderRow, doing: string): void {
  if (order.status === 'draft') return;
  const hint =
    order.status === 'confirmed'
      ? 'It is already confirmed: to change it, cancel it and record a new order.'
      : order.status === 'cancelled'
        ? 'It is cancelled: record a new order instead.'
        : 'It is paid: record a refund instead.';
  throw invalidState(
    `Order ${order.order_no} is ${order.status}; only a draft can be ${doing}. ${hint}`,
    {
      orderId: order.id,
      status: order.status,
    },
  );
}

/** Confirms a draft: its goods leave stock (takeGoodsOut) and it becomes confirmed. */
export async function confirmOrder(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  onDay: string,
): Promise<void> {
  const at = nowIso(ctx);
  await takeGoodsOut(trx, ctx, order, onDay, at);
  prepared(
    ctx.sqlite,
    "UPDATE orders SET status = 'confirmed', confirmed_at = ?, updated_at = ? WHERE id = ?",
  ).run(at, at, order.id);
  order.status = 'confirmed';
  order.confirmed_at = at;
  order.updated_at = at;
}

const LINES_LEAVING = `SELECT id, product_id, quantity FROM order_lines WHERE order_id = ?
  ORDER BY line_no`;

/**
 * What confirming does to stock: one 'sale' movement per line, and each line captures the
 * moving average unit cost at that moment (cost = quantity x unit cost). Stock may go negative.
 */
export async function takeGoodsOut(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  onDay: string,
  at: string,
): Promise<void> {
  const lines = prepared(ctx.sqlite, LINES_LEAVING).all(order.id) as {
    id: string;
    product_id: string;
    quantity: number;
  }[];
  const costLine = prepared(
    ctx.sqlite,
    'UPDATE order_lines SET unit_cost = ?, cost = ? WHERE id = ?',
  );
  for (const line of lines) {
    const moved = await recordMovement(trx, ctx, {
      productId: line.product_id,
      kind: 'sale',
      quantity: -line.quantity,
      occurredOn: onDay,
      createdAt: at,
      orderId: order.id,
      orderLineId: line.id,
      note: order.order_no,
    });
    costLine.run(moved.unitCost, line.quantity * moved.unitCost, line.id);
  }
}

/** Confirms the order if it is still a draft (a payment or a campaign join implies it). */
export async function ensureConfirmed(trx: Tx, ctx: Ctx, order: OrderRow, onDay: string) {
  if (order.status === 'draft') await confirmOrder(trx, ctx, order, onDay);
}

/**
 * The order is paid in full (its paid_total, as the caller holds it, is written with it): its
 * money is recognised on `paidOn`. The order's lines and
 * shipping, and each of its fees, are added to the P&L rollup exactly once, here.
 */
export async function recognisePaid(trx: Tx, ctx: Ctx, order: OrderRow, paidOn: string) {
  const at = nowIso(ctx);
  prepared(
    ctx.sqlite,
    "UPDATE orders SET status = 'paid', paid_on = ?, paid_total = ?, updated_at = ? WHERE id = ?",
  ).run(paidOn, order.paid_total, at, order.id);
  order.status = 'paid';
  order.paid_on = paidOn;
  order.updated_at = at;
  // Commissions with the plan and tree in force now; then the order and its commissions go
  // into the P&L together (one pass over the view), and each fee.
  await writeAccruals(trx, ctx, order);
  await addPaidOrderToPnl(trx, order.id);
  const fees = prepared(ctx.sqlite, 'SELECT id FROM order_fees WHERE order_id = ?')
    .pluck()
    .all(order.id) as string[];
  for (const fee of fees) await addToPnl(trx, 'order_fee', fee);
}

/**
 * Cancels an unpaid order. A confirmed order's sales are reversed by 'sale_cancel' movements
 * that bring the goods back at the unit cost each line captured.
 */
export async function cancelOrder(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  reason: string | null,
  onDay: string,
): Promise<void> {
  if (!UNPAID_STATUSES.has(order.status)) {
    throw invalidState(
      order.status === 'cancelled'
        ? `Order ${order.order_no} is already cancelled.`
        : `Order ${order.order_no} is ${order.status} (paid); it cannot be cancelled: refund it instead.`,
      { orderId: order.id, status: order.status },
    );
  }
  const at = nowIso(ctx);
  if (order.status === 'confirmed') {
    const lines = await trx
      .selectFrom('order_lines')
      .select(['id', 'product_id', 'quantity', 'unit_cost'])
      .where('order_id', '=', order.id)
      .orderBy('line_no')
      .execute();
    for (const line of lines) {
      await recordMovement(trx, ctx, {
        productId: line.product_id,
        kind: 'sale_cancel',
        quantity: line.quantity,
        unitCost: line.unit_cost,
        occurredOn: onDay,
        createdAt: at,
        orderId: order.id,
        orderLineId: line.id,
        note: order.order_no,
      });
    }
  }
  await trx
    .updateTable('orders')
    .set({ status: 'cancelled', cancelled_at: at, cancel_reason: reason, updated_at: at })
    .where('id', '=', order.id)
    .execute();
  order.status = 'cancelled';
  if (order.paid_total > order.refunded_total) {
    await returnPartPayment(trx, ctx, order, onDay, reason);
  }
}

/**
 * A cancelled order that had part payments: the money goes back to the customer as a refund
 * record with no lines (nothing was recognised in the P&L, so it contributes nothing there),
 * so payments in and refunds out still tell the whole cash story.
 */
async function returnPartPayment(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  onDay: string,
  reason: string | null,
): Promise<void> {
  const at = nowIso(ctx);
  const amount = order.paid_total - order.refunded_total;
  const id = newId(ctx);
  await trx
    .insertInto('refunds')
    .values({
      id,
      order_id: order.id,
      refunded_on: onDay,
      amount,
      shipping_amount: 0,
      restock: 0,
      reason: reason ? `Order cancelled: ${reason}` : 'Order cancelled: part payment returned',
      created_at: at,
    })
    .execute();
  await trx
    .updateTable('orders')
    .set({ refunded_total: order.refunded_total + amount })
    .where('id', '=', order.id)
    .execute();
  order.refunded_total += amount;
  await addToPnl(trx, 'refund', id);
}

export async function setStatus(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  to: 'shipped' | 'completed',
): Promise<void> {
  const from: readonly OrderStatus[] = to === 'shipped' ? ['paid'] : ['paid', 'shipped'];
  if (!from.includes(order.status)) {
    const hint = UNPAID_STATUSES.has(order.status)
      ? 'Record the payment first.'
      : order.status === 'cancelled'
        ? 'A cancelled order cannot move on.'
        : `It is already ${order.status}.`;
    throw invalidState(
      `Order ${order.order_no} is ${order.status}; only a ${from.join(' or ')} order can be marked ${to}. ${hint}`,
      { orderId: order.id, status: order.status },
    );
  }
  const at = nowIso(ctx);
  await trx
    .updateTable('orders')
    .set(
      to === 'shipped'
        ? { status: to, shipped_at: at, updated_at: at }
        : { status: to, completed_at: at, completed_on: today(ctx), updated_at: at },
    )
    .where('id', '=', order.id)
    .execute();
  order.status = to;
}
