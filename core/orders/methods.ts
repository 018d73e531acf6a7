// API methods of orders, payments, fees and refunds.
import { method, type AnyMethod } from '../api/define';
import { answer, inTransaction, today, type Ctx, type Tx } from '../api/context';
import {
  assertAgentInTeam,
  assertCustomerInScope,
  assertGroupInScope,
  assertOrderInScope,
  callingAgent,
} from '../agents/scope';
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

/** Owner and agent: an agent records and follows the sales of its own team. */
const TEAM = ['owner', 'agent'] as const;

/**
 * What an agent may sell: to a customer of its team (or nobody in particular), credited to
 * itself (the default) or someone of its downline, in a group of its team. The order lands in
 * the agent's sync scope (orders are scoped by agent_id), so its device keeps it.
 */
async function teamSale<
  T extends { customerId?: string | null; groupId?: string | null; agentId?: string | null },
>(ctx: Ctx, trx: Tx, input: T, keptAgentId?: string | null): Promise<T> {
  const self = callingAgent(ctx);
  if (self === null) return input;
  const scoped = { ...ctx, db: trx };
  if (input.customerId) await assertCustomerInScope(scoped, input.customerId, 'customerId');
  if (input.groupId) await assertGroupInScope(scoped, input.groupId, 'groupId');
  const agentId =
    input.agentId !== undefined ? input.agentId : keptAgentId !== undefined ? keptAgentId : self;
  await assertAgentInTeam(scoped, agentId, 'agentId', 'credit an order');
  return { ...input, agentId };
}

/** An agent acts only on orders credited to its team. */
const ownOrder = (ctx: Ctx, trx: Tx, orderId: string, path: string) =>
  assertOrderInScope({ ...ctx, db: trx }, orderId, path);

async function refundView(db: Parameters<typeof listRefunds>[0], orderId: string, id: string) {
  return (await listRefunds(db, orderId)).find((r) => r.id === id) as RefundView;
}

export const ordersMethods = {
  'order.create': method({
    summary: 'Record an order (confirmed by default: stock moves and unit costs are captured).',
    mutates: true,
    roles: TEAM,
    input: createOrderInput,
    async run(ctx, given) {
      return inTransaction(ctx, async (trx) => {
        const input = await teamSale(ctx, trx, given);
        const order = await createOrder(trx, ctx, {
          ...input,
          customerId: input.customerId ?? null,
          orderedOn: input.orderedOn ?? today(ctx),
          source: 'manual',
        });
        return answer(ctx, () => getOrder(trx, order.id));
      });
    },
  }),

  'order.get': method({
    summary:
      'One order with its lines (and what was refunded on each), fees, payments and refunds.',
    mutates: false,
    roles: TEAM,
    input: byId,
    async run(ctx, input) {
      await assertOrderInScope(ctx, input.id, 'id');
      return getOrder(ctx.db, input.id);
    },
  }),

  'order.list': method({
    summary: 'Orders by status, customer, campaign, order day range or order number, newest first.',
    mutates: false,
    roles: TEAM,
    input: listOrdersInput,
    async run(ctx, input) {
      return listOrders(ctx.db, input, callingAgent(ctx));
    },
  }),

  'order.update': method({
    summary: 'Change a draft order: lines, discount, shipping, customer, group, agent, note.',
    mutates: true,
    roles: TEAM,
    input: updateOrderInput,
    async run(ctx, given) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, given.id);
        await ownOrder(ctx, trx, order.id, 'id');
        // An agent's draft keeps its credited agent unless a new one is named.
        const input = await teamSale(ctx, trx, given, order.agent_id);
        assertDraft(order, 'edited');
        await updateDraft(trx, ctx, order, input);
        return answer(ctx, () => getOrder(trx, order.id));
      });
    },
  }),

  'order.confirm': method({
    summary: 'Confirm a draft: the goods leave stock and each line captures its unit cost.',
    mutates: true,
    roles: TEAM,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        await ownOrder(ctx, trx, order.id, 'id');
        assertDraft(order, 'confirmed');
        await confirmOrder(trx, ctx, order, today(ctx));
        return answer(ctx, () => getOrder(trx, order.id));
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
        return answer(ctx, () => getOrder(trx, order.id));
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
        return answer(ctx, () => getOrder(trx, order.id));
      });
    },
  }),

  'order.recordPayment': method({
    summary: 'Record a payment (part or whole); the order becomes paid when the balance reaches 0.',
    mutates: true,
    roles: TEAM,
    input: recordPaymentInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        await ownOrder(ctx, trx, order.id, 'orderId');
        await recordPayment(trx, ctx, order, {
          amount: input.amount,
          method: input.method,
          paidOn: input.paidOn ?? today(ctx),
          reference: input.reference,
        });
        return answer(ctx, () => getOrder(trx, order.id));
      });
    },
  }),

  'order.markPaid': method({
    summary: 'Record a payment of the whole balance due and mark the order paid.',
    mutates: true,
    roles: TEAM,
    input: markPaidInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.orderId);
        await ownOrder(ctx, trx, order.id, 'orderId');
        await payBalance(trx, ctx, order, {
          method: input.method,
          paidOn: input.paidOn ?? today(ctx),
          reference: input.reference,
        });
        return answer(ctx, () => getOrder(trx, order.id));
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
        return answer(ctx, () => getOrder(trx, order.id));
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
        return answer(ctx, () => getOrder(trx, order.id));
      });
    },
  }),

  'order.cancel': method({
    summary: 'Cancel an unpaid order; a confirmed order puts its goods back in stock.',
    mutates: true,
    roles: TEAM,
    input: cancelOrderInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const order = await requireOrder(trx, input.id);
        await ownOrder(ctx, trx, order.id, 'id');
        await cancelOrder(trx, ctx, order, input.reason, today(ctx));
        return answer(ctx, () => getOrder(trx, order.id));
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
    roles: TEAM,
    input: listRefundsInput,
    async run(ctx, input) {
      await requireOrder(ctx.db, input.orderId);
      await assertOrderInScope(ctx, input.orderId, 'orderId');
      return { rows: await listRefunds(ctx.db, input.orderId) };
    },
  }),
} satisfies Record<string, AnyMethod>;
