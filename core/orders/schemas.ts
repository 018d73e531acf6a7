// Input schemas of the order and refund methods.
import { z } from 'zod';
import {
  day,
  id,
  nonNegativeMoney,
  optionalText,
  page,
  positiveMoney,
  quantity,
  text,
} from '../shared/schemas';
import { PAYMENT_METHODS } from './payments';

export const FEE_KINDS = ['platform', 'payment', 'shipping', 'packaging', 'other'] as const;
export const ORDER_STATUSES = [
  'draft',
  'confirmed',
  'paid',
  'shipped',
  'completed',
  'cancelled',
] as const;

export const orderLineInput = z.object({
  productId: id,
  quantity,
  unitPrice: nonNegativeMoney.optional(),
  lineDiscount: nonNegativeMoney.optional(),
});

export const feeInput = z.object({
  kind: z.enum(FEE_KINDS),
  amount: positiveMoney,
  note: optionalText(200),
});

const lines = z.array(orderLineInput).min(1, 'an order needs at least one line').max(500);

export const createOrderInput = z.object({
  customerId: id.nullish(),
  /** Omitted: the customer's current group. null: none. */
  groupId: id.nullish(),
  /** Omitted: the customer's owner agent. null: none. */
  agentId: id.nullish(),
  orderedOn: day.optional(),
  status: z.enum(['draft', 'confirmed']).default('confirmed'),
  lines,
  orderDiscount: nonNegativeMoney.default(0),
  shippingCharged: nonNegativeMoney.default(0),
  fees: z.array(feeInput).max(50).default([]),
  shippingAddress: optionalText(500),
  note: optionalText(),
});

export const updateOrderInput = z.object({
  id,
  customerId: id.nullish(),
  groupId: id.nullish(),
  agentId: id.nullish(),
  orderedOn: day.optional(),
  lines: lines.optional(),
  orderDiscount: nonNegativeMoney.optional(),
  shippingCharged: nonNegativeMoney.optional(),
  shippingAddress: optionalText(500).optional(),
  note: optionalText().optional(),
});

export const byId = z.object({ id });

export const cancelOrderInput = z.object({ id, reason: optionalText(500) });

export const addFeeInput = feeInput.extend({ orderId: id });

export const removeFeeInput = z.object({ orderId: id, feeId: id });

export const paymentMethod = z.enum(PAYMENT_METHODS);

export const recordPaymentInput = z.object({
  orderId: id,
  amount: positiveMoney,
  method: paymentMethod,
  paidOn: day.optional(),
  reference: optionalText(200),
});

export const markPaidInput = z.object({
  orderId: id,
  paidOn: day.optional(),
  method: paymentMethod.default('other'),
  reference: optionalText(200),
});

export const listOrdersInput = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  customerId: id.optional(),
  campaignId: id.optional(),
  from: day.optional(),
  to: day.optional(),
  query: text(64).optional(),
  ...page,
});

export const createRefundInput = z.object({
  orderId: id,
  refundedOn: day.optional(),
  lines: z
    .array(
      z.object({
        lineId: id,
        quantity: z.number().int('quantity must be a whole number').min(0, 'must be 0 or more'),
        amount: nonNegativeMoney.optional(),
      }),
    )
    .max(500)
    .default([]),
  shippingAmount: nonNegativeMoney.default(0),
  restock: z.boolean(),
  reason: optionalText(500),
});

export const fullRefundInput = z.object({
  orderId: id,
  restock: z.boolean(),
  refundedOn: day.optional(),
  reason: optionalText(500),
});

export const listRefundsInput = z.object({ orderId: id });
