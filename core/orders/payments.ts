// Payments: the customer's money coming in, append-only. When the payments reach the total due
// the order becomes paid on that payment's day, which is when its money is recognised.
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { fieldError, invalidState } from '../api/errors';
import { moneyText } from './money-text';
import { ensureConfirmed, PAID_STATUSES, recognisePaid, type OrderRow } from './lifecycle';

export const PAYMENT_METHODS = ['wechat', 'alipay', 'cash', 'bank', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentSpec {
  amount: number;
  method: PaymentMethod;
  paidOn: string;
  reference: string | null;
}

function assertPayable(order: OrderRow): void {
  if (order.status === 'cancelled') {
    throw invalidState(`Order ${order.order_no} is cancelled; there is nothing to pay.`, {
      orderId: order.id,
      status: order.status,
    });
  }
  if (PAID_STATUSES.has(order.status)) {
    throw invalidState(
      `Order ${order.order_no} is already paid in full (${order.status}); there is no balance due.`,
      { orderId: order.id, status: order.status },
    );
  }
}

export const balanceDue = (order: Pick<OrderRow, 'status' | 'total_due' | 'paid_total'>) =>
  order.status === 'cancelled' ? 0 : Math.max(0, order.total_due - order.paid_total);

async function insertPayment(trx: Tx, ctx: Ctx, order: OrderRow, p: PaymentSpec): Promise<string> {
  const id = newId();
  const at = nowIso(ctx);
  await trx
    .insertInto('payments')
    .values({
      id,
      order_id: order.id,
      amount: p.amount,
      method: p.method,
      paid_on: p.paidOn,
      reference: p.reference,
      created_at: at,
    })
    .execute();
  order.paid_total += p.amount;
  await trx
    .updateTable('orders')
    .set({ paid_total: order.paid_total, updated_at: at })
    .where('id', '=', order.id)
    .execute();
  return id;
}

/** Records a (part) payment; a draft is confirmed first, since the customer has committed. */
export async function recordPayment(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  p: PaymentSpec,
): Promise<string> {
  assertPayable(order);
  const balance = balanceDue(order);
  if (p.amount > balance) {
    const money = await moneyText(trx);
    throw fieldError(
      'amount',
      balance === 0
        ? `order ${order.order_no} has no balance due; use order.markPaid to mark it paid`
        : `the balance due on order ${order.order_no} is ${money(balance)}; a payment of ${money(p.amount)} is more than that`,
    );
  }
  await ensureConfirmed(trx, ctx, order, today(ctx));
  const id = await insertPayment(trx, ctx, order, p);
  if (order.paid_total === order.total_due) await recognisePaid(trx, ctx, order, p.paidOn);
  return id;
}

/** Pays whatever is still due (nothing, for a free order) and marks the order paid. */
export async function payBalance(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  p: Omit<PaymentSpec, 'amount'>,
): Promise<void> {
  assertPayable(order);
  await ensureConfirmed(trx, ctx, order, today(ctx));
  const balance = balanceDue(order);
  if (balance > 0) await insertPayment(trx, ctx, order, { ...p, amount: balance });
  await recognisePaid(trx, ctx, order, p.paidOn);
}
