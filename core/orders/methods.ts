// API methods of orders, payments, fees and refunds.
import { method, type AnyMethod } from '../api/define';
import { inTransaction, today } from '../api/context';
import { assertDraft, cancelOrder, confirmOrder, requireOrder, setStatus } from './lifecycle';
import { createOrder, updateDraft } from './record';
import { payBalance, recordPayment } from './payments';
import { addFee, removeFee } from './fees';
import { createRefund, refundEverything } from './refunds';
import { getOrder, listOrders, listRefunds, type RefundView } from './read';
import {
  addFeeInput,
  byId,
  cancelOrderInput,
  createOrderInput,
  createRefundInput,
  fullRefundInput,
  listOrdersInput,
  listRefundsInput,
  markPaidInput,
  recordPaymentInput,
  removeFeeInput,
  updateOrderInput,
} from './schemas';

async function refundView(db: Parameters<typeof listRefunds>[0], orderId: string, id: string) {
  return (await listRefunds(db, orderId)).find((r) => r.id === id) as RefundView;
}

export const ordersMethods = {
  'order.create': method({
    summary: 'Record an order (confirmed by default: stock moves and unit costs are captured).',
    mutates: true,
    input: createOrderInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await createOrder(trx, ctx, {
          ...input,
          customerId: input.customerId ?? null,
          orderedOn: input.orderedOn ?? today(ctx),
          source: 'manual',
        });
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.get': method({
    summary:
      'One order with its lines (and what was refunded on each), fees, payments and refunds.',
    mutates: false,
    input: byId,
    async run(ctx, input) {
      return getOrder(ctx.db, input.id);
    },
  }),

  'order.list': method({
    summary: 'Orders by status, customer, campaign, order day range or order number, newest first.',
    mutates: false,
    input: listOrdersInput,
    async run(ctx, input) {
      return listOrders(ctx.db, input);
    },
  }),

  'order.update': method({
    summary: 'Change a draft order: lines, discount, shipping, customer, group, agent, note.',
    mutates: true,
    input: updateOrderInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        assertDraft(order, 'edited');
        await updateDraft(trx, ctx, order, input);
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.confirm': method({
    summary: 'Confirm a draft: the goods leave stock and each line captures its unit cost.',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        assertDraft(order, 'confirmed');
        await confirmOrder(trx, ctx, order, today(ctx));
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.addFee': method({
    summary: 'Add a fee line (platform, payment, shipping cost, packaging, other) to an order.',
    mutates: true,
    input: addFeeInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        await addFee(trx, ctx, order, input);
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.removeFee': method({
    summary: 'Remove a fee line from an order that is not paid yet.',
    mutates: true,
    input: removeFeeInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        await removeFee(trx, order, input.feeId);
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.recordPayment': method({
    summary: 'Record a payment (part or whole); the order becomes paid when the balance reaches 0.',
    mutates: true,
    input: recordPaymentInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        await recordPayment(trx, ctx, order, {
          amount: input.amount,
          method: input.method,
          paidOn: input.paidOn ?? today(ctx),
          reference: input.reference,
        });
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.markPaid': method({
    summary: 'Record a payment of the whole balance due and mark the order paid.',
    mutates: true,
    input: markPaidInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        await payBalance(trx, ctx, order, {
          method: input.method,
          paidOn: input.paidOn ?? today(ctx),
          reference: input.reference,
        });
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.ship': method({
    summary: 'Mark a paid order shipped.',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        await setStatus(trx, ctx, order, 'shipped');
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.complete': method({
    summary: 'Mark a paid or shipped order completed.',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        await setStatus(trx, ctx, order, 'completed');
        return getOrder(trx, order.id);
      });
    },
  }),

  'order.cancel': method({
    summary: 'Cancel an unpaid order; a confirmed order puts its goods back in stock.',
    mutates: true,
    input: cancelOrderInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        await cancelOrder(trx, ctx, order, input.reason, today(ctx));
        return getOrder(trx, order.id);
      });
    },
  }),

  'refund.create': method({
    summary:
      'Refund part of a paid order: lines (quantity and/or amount), shipping, with or without restock.',
    mutates: true,
    input: createRefundInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        const id = await createRefund(trx, ctx, order, {
          refundedOn: input.refundedOn ?? today(ctx),
          lines: input.lines,
          shippingAmount: input.shippingAmount,
          restock: input.restock,
          reason: input.reason,
        });
        return refundView(trx, order.id, id);
      });
    },
  }),

  'refund.full': method({
    summary: 'Refund everything not yet refunded on a paid order (lines and shipping).',
    mutates: true,
    input: fullRefundInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        const id = await refundEverything(trx, ctx, order, {
          restock: input.restock,
          refundedOn: input.refundedOn ?? today(ctx),
          reason: input.reason,
        });
        return refundView(trx, order.id, id);
      });
    },
  }),

  'refund.list': method({
    summary: 'The refunds of an order, oldest first, with their lines.',
    mutates: false,
    input: listRefundsInput,
    async run(ctx, input) {
      await requireOrder(ctx.db, input.orderId);
      return { rows: await listRefunds(ctx.db, input.orderId) };
    },
  }),
} satisfies Record<string, AnyMethod>;
