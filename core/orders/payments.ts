// Payments: the customer's money coming in, append-only. When the payments reach the total due
// the order becomes paid on that payment's day, which is when its money is recognised.
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { fieldError, invalidState } from '../api/errors';
import { moneyText } from './money-text';
import { prepared } from '../../db/prepared';
import { ensureConfirmed, PAID_STATUSES, recognisePaid, type OrderRow } from './lifecycle';
import { assertOrderMoneyDay } from '../shared/day-window';

export const PAYMENT_METHODS = ['wechat', 'alipay', 'cash', 'bank', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentSpec {
  amount: number;
  method: PaymentMethod;
  paidOn: string;
  reference: string | null;
  /** The input field the paid day came from (default paidOn), for the refusal to name. */
  paidOnPath?: string;
}

/** A payment is dated from the order's day to tomorrow. */
function assertPaidOn(ctx: Ctx, order: OrderRow, p: Pick<PaymentSpec, 'paidOn' | 'paidOnPath'>) {
  assertOrderMoneyDay(ctx, p.paidOn, p.paidOnPath ?? 'paidOn', {
    day: order.ordered_on,
    what: 'order day',
  });
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

const INSERT_PAYMENT = `INSERT INTO payments (id, order_id, amount, method, paid_on, reference,
  created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** Writes the payment; the order's paid_total moves in memory, for the caller to write. */
function insertPayment(ctx: Ctx, order: OrderRow, p: PaymentSpec): string {
  const id = newId(ctx);
  const at = nowIso(ctx);
  prepared(ctx.sqlite, INSERT_PAYMENT).run(
    id,
    order.id,
    p.amount,
    p.method,
    p.paidOn,
    p.reference,
    at,
  );
  order.paid_total += p.amount;
  order.updated_at = at;
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
  assertPaidOn(ctx, order, p);
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
  const id = insertPayment(ctx, order, p);
  if (order.paid_total === order.total_due) await recognisePaid(trx, ctx, order, p.paidOn);
  else
    prepared(ctx.sqlite, 'UPDATE orders SET paid_total = ?, updated_at = ? WHERE id = ?').run(
      order.paid_total,
      order.updated_at,
      order.id,
    );
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
  assertPaidOn(ctx, order, p);
  await ensureConfirmed(trx, ctx, order, today(ctx));
  const balance = balanceDue(order);
  if (balance > 0) insertPayment(ctx, order, { ...p, amount: balance });
  await recognisePaid(trx, ctx, order, p.paidOn);
}
