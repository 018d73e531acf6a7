// Fee lines of an order (platform, payment, shipping cost, packaging, other): what selling it
// cost the seller. Each fee is its own P&L source, recognised on the order's paid day.
import type { Ctx, Tx } from '../api/context';
import { AppError, invalidState } from '../api/errors';
import { addToPnl } from '../figures/rollup';
import { insertFee, type FeeSpec } from './record';
import type { OrderRow } from './lifecycle';

export async function addFee(trx: Tx, ctx: Ctx, order: OrderRow, fee: FeeSpec): Promise<string> {
  if (order.status === 'cancelled') {
    throw invalidState(`Order ${order.order_no} is cancelled; fees can no longer be added to it.`, {
      orderId: order.id,
      status: order.status,
    });
  }
  const id = insertFee(ctx, order.id, fee);
  // Already paid: the order's money was recognised without this fee, so add the fee now.
  if (order.paid_on !== null) await addToPnl(trx, 'order_fee', id);
  return id;
}

export async function removeFee(trx: Tx, order: OrderRow, feeId: string): Promise<void> {
  const fee = await trx
    .selectFrom('order_fees')
    .select('id')
    .where('id', '=', feeId)
    .where('order_id', '=', order.id)
    .executeTakeFirst();
  if (!fee) {
    throw new AppError('NOT_FOUND', `Order ${order.order_no} has no fee ${feeId}.`, {
      what: 'Order fee',
      id: feeId,
      issues: [{ path: 'feeId', message: 'not a fee of this order' }],
    });
  }
  if (order.paid_on !== null) {
    throw invalidState(
      `Order ${order.order_no} is paid, so its fees are already in the figures and cannot be removed. ` +
        'To offset a fee entered by mistake, record other income of the same amount.',
      { orderId: order.id, status: order.status },
    );
  }
  await trx.deleteFrom('order_fees').where('id', '=', feeId).execute();
}
