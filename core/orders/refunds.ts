// Refunds: separate records, never edits of the order. Limits are cumulative per line (what
// was refunded before counts), and the default amount for a quantity follows the same
// cumulative rule, so refunding a line in parts sums exactly to its net amount (and, with
// restock, its cost).
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { fieldError, invalidState } from '../api/errors';
import { mulDivRoundHalfUp } from '../money';
import { recordMovement } from '../stock/ledger';
import { addToPnl } from '../figures/rollup';
import { reverseCommissions } from '../commissions/ledger';
import { moneyText } from './money-text';
import { PAID_STATUSES, type OrderRow } from './lifecycle';
import { assertOrderMoneyDay } from '../shared/day-window';

export interface RefundLineSpec {
  lineId: string;
  /** Units the customer gives back (0: a price adjustment, which needs an amount). */
  quantity: number;
  /** Default: the line's net amount in proportion to the quantity (cumulative rule). */
  amount?: number | undefined;
}

export interface RefundSpec {
  refundedOn: string;
  lines: RefundLineSpec[];
  shippingAmount: number;
  restock: boolean;
  reason: string | null;
  /** The input field the refund day came from (default refundedOn), for the refusal to name. */
  refundedOnPath?: string;
}

interface LineRefundState {
  id: string;
  lineNo: number;
  productId: string;
  sku: string;
  quantity: number;
  netAmount: number;
  unitCost: number;
  cost: number;
  refundedQuantity: number;
  refundedAmount: number;
  restockedQuantity: number;
  costReversed: number;
}

export interface OrderRefundState {
  lines: Map<string, LineRefundState>;
  shippingRefunded: number;
}

/** What has been refunded so far on each line of the order, and on its shipping. */
export async function refundState(trx: Tx, orderId: string): Promise<OrderRefundState> {
  const rows = await trx
    .selectFrom('order_lines as l')
    .leftJoin('refund_lines as rl', 'rl.order_line_id', 'l.id')
    .leftJoin('refunds as r', 'r.id', 'rl.refund_id')
    .select((eb) => [
      'l.id',
      'l.line_no',
      'l.product_id',
      'l.sku',
      'l.quantity',
      'l.net_amount',
      'l.unit_cost',
      'l.cost',
      eb.fn.coalesce(eb.fn.sum<number>('rl.quantity'), eb.val(0)).as('refunded_quantity'),
      eb.fn.coalesce(eb.fn.sum<number>('rl.amount'), eb.val(0)).as('refunded_amount'),
      eb.fn
        .coalesce(
          eb.fn.sum<number>(
            eb.case().when('r.restock', '=', 1).then(eb.ref('rl.quantity')).else(0).end(),
          ),
          eb.val(0),
        )
        .as('restocked_quantity'),
      eb.fn.coalesce(eb.fn.sum<number>('rl.cost_reversed'), eb.val(0)).as('cost_reversed'),
    ])
    .where('l.order_id', '=', orderId)
    .groupBy('l.id')
    .orderBy('l.line_no')
    .execute();
  const shipping = await trx
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('shipping_amount'), eb.val(0)).as('total'))
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return {
    lines: new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          lineNo: r.line_no,
          productId: r.product_id,
          sku: r.sku,
          quantity: r.quantity,
          netAmount: r.net_amount,
          unitCost: r.unit_cost,
          cost: r.cost,
          refundedQuantity: Number(r.refunded_quantity),
          refundedAmount: Number(r.refunded_amount),
          restockedQuantity: Number(r.restocked_quantity),
          costReversed: Number(r.cost_reversed),
        },
      ]),
    ),
    shippingRefunded: Number(shipping.total),
  };
}

function assertRefundable(order: OrderRow): void {
  if (PAID_STATUSES.has(order.status)) return;
  throw invalidState(
    order.status === 'cancelled'
      ? `Order ${order.order_no} is cancelled; there is nothing to refund.`
      : `Order ${order.order_no} is ${order.status} and not paid; cancel it instead of refunding.`,
    { orderId: order.id, status: order.status },
  );
}

interface PlannedLine {
  line: LineRefundState;
  quantity: number;
  amount: number;
  costReversed: number;
}

export async function createRefund(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  spec: RefundSpec,
): Promise<string> {
  assertRefundable(order);
  // Money goes back on or after the day it came in (the paid day), and not ahead of time.
  assertOrderMoneyDay(ctx, spec.refundedOn, spec.refundedOnPath ?? 'refundedOn', {
    day: order.paid_on ?? order.ordered_on,
    what: order.paid_on === null ? 'order day' : 'paid day',
  });
  const money = await moneyText(trx);
  const state = await refundState(trx, order.id);
  const seen = new Set<string>();
  const planned: PlannedLine[] = spec.lines.map((given, i) => {
    const path = `lines.${i}`;
    const line = state.lines.get(given.lineId);
    if (!line) throw fieldError(`${path}.lineId`, `not a line of order ${order.order_no}`);
    if (seen.has(given.lineId)) {
      throw fieldError(
        `${path}.lineId`,
        `line ${line.lineNo} is already in this refund; list it once`,
      );
    }
    seen.add(given.lineId);
    const qtyLeft = line.quantity - line.refundedQuantity;
    if (given.quantity > qtyLeft) {
      throw fieldError(
        `${path}.quantity`,
        `only ${qtyLeft} of the ${line.quantity} units of line ${line.lineNo} (${line.sku}) are left to refund`,
      );
    }
    const amountLeft = line.netAmount - line.refundedAmount;
    const qtyAfter = line.refundedQuantity + given.quantity;
    let amount: number;
    if (given.amount === undefined) {
      if (given.quantity === 0) {
        throw fieldError(
          `${path}.amount`,
          'give a quantity to take back, or an amount for a price adjustment',
        );
      }
      // Cumulative: the line's net in proportion to everything refunded after this one,
      // minus what was already refunded, so the parts of a whole refund sum to the net.
      const target = mulDivRoundHalfUp(line.netAmount, qtyAfter, line.quantity);
      amount = Math.min(Math.max(target - line.refundedAmount, 0), amountLeft);
    } else {
      amount = given.amount;
      if (amount > amountLeft) {
        throw fieldError(
          `${path}.amount`,
          `at most ${money(amountLeft)} is left to refund on line ${line.lineNo} (${line.sku}): ` +
            `net ${money(line.netAmount)}, already refunded ${money(line.refundedAmount)}`,
        );
      }
      if (amount === 0 && given.quantity === 0) {
        throw fieldError(
          `${path}.amount`,
          'nothing to refund on this line: give a quantity or an amount',
        );
      }
    }
    let costReversed = 0;
    if (spec.restock && given.quantity > 0) {
      const costTarget = mulDivRoundHalfUp(
        line.cost,
        line.restockedQuantity + given.quantity,
        line.quantity,
      );
      costReversed = Math.min(
        Math.max(costTarget - line.costReversed, 0),
        line.cost - line.costReversed,
      );
    }
    return { line, quantity: given.quantity, amount, costReversed };
  });

  const shippingLeft = order.shipping_charged - state.shippingRefunded;
  if (spec.shippingAmount > shippingLeft) {
    throw fieldError(
      'shippingAmount',
      `at most ${money(shippingLeft)} of the shipping charged (${money(order.shipping_charged)}) is left to refund`,
    );
  }
  const total = planned.reduce((sum, p) => sum + p.amount, 0) + spec.shippingAmount;
  if (total === 0 && !planned.some((p) => p.quantity > 0)) {
    throw fieldError(
      'lines',
      'nothing to refund: give lines with a quantity or an amount, or a shipping amount',
    );
  }

  const at = nowIso(ctx);
  const refundId = newId(ctx);
  await trx
    .insertInto('refunds')
    .values({
      id: refundId,
      order_id: order.id,
      refunded_on: spec.refundedOn,
      // What goes back to the customer: line amounts and shipping together.
      amount: total,
      shipping_amount: spec.shippingAmount,
      restock: spec.restock ? 1 : 0,
      reason: spec.reason,
      created_at: at,
    })
    .execute();
  for (const p of planned) {
    await trx
      .insertInto('refund_lines')
      .values({
        id: newId(ctx),
        refund_id: refundId,
        order_line_id: p.line.id,
        quantity: p.quantity,
        amount: p.amount,
        cost_reversed: p.costReversed,
      })
      .execute();
    if (spec.restock && p.quantity > 0) {
      // Back on the shelf at the cost the sale captured.
      await recordMovement(trx, ctx, {
        productId: p.line.productId,
        kind: 'refund_restock',
        quantity: p.quantity,
        unitCost: p.line.unitCost,
        occurredOn: spec.refundedOn,
        createdAt: at,
        orderId: order.id,
        orderLineId: p.line.id,
        refundId,
        note: order.order_no,
      });
    }
  }
  order.refunded_total += total;
  await trx
    .updateTable('orders')
    .set({ refunded_total: order.refunded_total, updated_at: at })
    .where('id', '=', order.id)
    .execute();
  await addToPnl(trx, 'refund', refundId);
  // Reverses the refunded share of the lines' commission accruals (and adds it to the P&L).
  await reverseCommissions(trx, ctx, refundId);
  return refundId;
}

/** What a full refund would give back now: every line's remaining units and amount, and shipping. */
export async function remainingRefund(
  trx: Tx,
  order: OrderRow,
): Promise<{ lines: RefundLineSpec[]; shippingAmount: number } | null> {
  const state = await refundState(trx, order.id);
  const lines: RefundLineSpec[] = [];
  for (const line of state.lines.values()) {
    const qtyLeft = line.quantity - line.refundedQuantity;
    const amountLeft = line.netAmount - line.refundedAmount;
    // With units left, the default amount is exactly the net still unrefunded.
    if (qtyLeft > 0) lines.push({ lineId: line.id, quantity: qtyLeft });
    else if (amountLeft > 0) lines.push({ lineId: line.id, quantity: 0, amount: amountLeft });
  }
  const shippingAmount = order.shipping_charged - state.shippingRefunded;
  return lines.length === 0 && shippingAmount === 0 ? null : { lines, shippingAmount };
}

/** Refunds everything not refunded yet (lines and shipping). */
export async function refundEverything(
  trx: Tx,
  ctx: Ctx,
  order: OrderRow,
  options: {
    restock: boolean;
    refundedOn: string;
    reason: string | null;
    refundedOnPath?: string;
  },
): Promise<string> {
  assertRefundable(order);
  const rest = await remainingRefund(trx, order);
  if (!rest) {
    throw invalidState(`Order ${order.order_no} is already fully refunded.`, {
      orderId: order.id,
      refundedTotal: order.refunded_total,
    });
  }
  return createRefund(trx, ctx, order, { ...options, ...rest });
}
