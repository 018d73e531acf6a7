// Historical orders brought in by an import (core/imports). They are facts from the past: the
// lines keep the net amount and cost the source gave, nothing is re-priced or re-costed, and
// the money is recognised on the paid day the source gave. Runs inside the importer's
// transaction, so a failing row undoes the whole import.
import { z } from 'zod';
import type { FeeKind, OrderStatus } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { AppError } from '../api/errors';
import { day, id, nonNegativeMoney, quantity } from '../shared/schemas';
import { divRoundHalfUp } from '../money';
import { recordMovement } from '../stock/ledger';
import { addToPnl } from '../figures/rollup';
import { accrueCommissions } from '../commissions/ledger';
import { assertOrderNoFree } from './numbering';
import { productsForLines, requireCustomer, requireGroup } from './capture';
import { PAID_STATUSES } from './lifecycle';
import { requireAgentRef } from '../agents/references';
import { assertBusinessDays, assertOrderMoneyDay } from '../shared/day-window';

export interface ImportedOrderSpec {
  orderNo: string;
  orderedOn: string;
  paidOn: string | null;
  status: OrderStatus;
  customerId: string | null;
  groupId: string | null;
  agentId: string | null;
  shippingCharged: number;
  fees: { kind: FeeKind; amount: number }[];
  lines: {
    productId: string;
    quantity: number;
    unitPrice: number;
    netAmount: number;
    cost: number;
  }[];
  moveStock: boolean;
}

const FEE_KINDS = ['platform', 'payment', 'shipping', 'packaging', 'other'] as const;
const STATUSES = ['draft', 'confirmed', 'paid', 'shipped', 'completed', 'cancelled'] as const;

const specSchema = z
  .object({
    orderNo: z.string().trim().min(1, 'required').max(64, 'at most 64 characters'),
    orderedOn: day,
    paidOn: day.nullable(),
    status: z.enum(STATUSES),
    customerId: id.nullable(),
    groupId: id.nullable(),
    agentId: id.nullable(),
    shippingCharged: nonNegativeMoney,
    fees: z.array(z.object({ kind: z.enum(FEE_KINDS), amount: nonNegativeMoney })),
    lines: z
      .array(
        z.object({
          productId: id,
          quantity,
          unitPrice: nonNegativeMoney,
          netAmount: nonNegativeMoney,
          cost: nonNegativeMoney,
        }),
      )
      .min(1, 'an order needs at least one line'),
    moveStock: z.boolean(),
  })
  .superRefine((s, issue) => {
    // A paid day and a paid status go together: the paid day is when the money is recognised.
    if (PAID_STATUSES.has(s.status) && s.paidOn === null) {
      issue.addIssue({
        code: 'custom',
        path: ['paidOn'],
        message: `a ${s.status} order needs its paid day`,
      });
    }
    if (!PAID_STATUSES.has(s.status) && s.paidOn !== null) {
      issue.addIssue({
        code: 'custom',
        path: ['paidOn'],
        message: `a ${s.status} order has no paid day; use status paid, shipped or completed`,
      });
    }
  });

/** Statuses whose goods have left the shelf (a sale movement, when the import moves stock). */
const SOLD: ReadonlySet<OrderStatus> = new Set(['confirmed', 'paid', 'shipped', 'completed']);

export async function recordImportedOrder(
  trx: Tx,
  ctx: Ctx,
  spec: ImportedOrderSpec,
): Promise<{ id: string }> {
  const parsed = specSchema.safeParse(spec);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(input)',
      message: i.message,
    }));
    throw new AppError(
      'VALIDATION',
      `Imported order ${spec.orderNo}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const s = parsed.data;
  await assertOrderNoFree(trx, s.orderNo);
  if (s.customerId) await requireCustomer(trx, s.customerId);
  if (s.groupId) await requireGroup(trx, s.groupId);
  // History lies in the business's date window (wide enough by default for years of it), and
  // its payment on or after its order day.
  await assertBusinessDays(trx, ctx, { orderedOn: s.orderedOn });
  if (s.paidOn !== null) {
    assertOrderMoneyDay(ctx, s.paidOn, 'paidOn', { day: s.orderedOn, what: 'order day' });
  }
  // History may credit agents that were deleted since, but never one that does not exist.
  if (s.agentId) await requireAgentRef(trx, s.agentId, 'agentId', { allowDeleted: true });
  // History may name products that were deleted since.
  const products = await productsForLines(
    trx,
    s.lines.map((l) => l.productId),
    (i) => `lines.${i}.productId`,
    true,
  );

  const at = nowIso(ctx);
  const orderId = newId(ctx);
  const goodsTotal = s.lines.reduce((sum, l) => sum + l.netAmount, 0);
  const totalDue = goodsTotal + s.shippingCharged;
  const paid = s.paidOn !== null;
  const sold = SOLD.has(s.status);
  await trx
    .insertInto('orders')
    .values({
      id: orderId,
      order_no: s.orderNo,
      customer_id: s.customerId,
      group_id: s.groupId,
      agent_id: s.agentId,
      campaign_id: null,
      status: s.status,
      ordered_on: s.orderedOn,
      paid_on: s.paidOn,
      confirmed_at: sold ? at : null,
      shipped_at: s.status === 'shipped' || s.status === 'completed' ? at : null,
      completed_at: s.status === 'completed' ? at : null,
      completed_on: s.status === 'completed' ? today(ctx) : null,
      cancelled_at: s.status === 'cancelled' ? at : null,
      cancel_reason: null,
      goods_total: goodsTotal,
      order_discount: 0,
      shipping_charged: s.shippingCharged,
      total_due: totalDue,
      paid_total: paid ? totalDue : 0,
      refunded_total: 0,
      source: 'import',
      shipping_address: null,
      note: null,
      created_at: at,
      updated_at: at,
    })
    .execute();

  for (const [i, l] of s.lines.entries()) {
    const product = products.get(l.productId)!;
    const lineId = newId(ctx);
    const unitCost = divRoundHalfUp(l.cost, l.quantity);
    await trx
      .insertInto('order_lines')
      .values({
        id: lineId,
        order_id: orderId,
        line_no: i + 1,
        product_id: l.productId,
        sku: product.sku,
        product_name: product.name,
        category: product.category,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        // The source's net is the fact; the difference from list price is its discount.
        line_discount: Math.max(0, l.quantity * l.unitPrice - l.netAmount),
        order_discount_share: 0,
        net_amount: l.netAmount,
        unit_cost: unitCost,
        cost: l.cost,
      })
      .execute();
    if (s.moveStock && sold) {
      await recordMovement(trx, ctx, {
        productId: l.productId,
        kind: 'sale',
        quantity: -l.quantity,
        unitCost,
        occurredOn: s.orderedOn,
        createdAt: at,
        orderId,
        orderLineId: lineId,
        note: `import ${s.orderNo}`,
      });
    }
  }

  const feeIds: string[] = [];
  for (const fee of s.fees) {
    const feeId = newId(ctx);
    feeIds.push(feeId);
    await trx
      .insertInto('order_fees')
      .values({
        id: feeId,
        order_id: orderId,
        kind: fee.kind,
        amount: fee.amount,
        note: null,
        created_at: at,
      })
      .execute();
  }

  if (s.paidOn !== null) {
    if (totalDue > 0) {
      await trx
        .insertInto('payments')
        .values({
          id: newId(ctx),
          order_id: orderId,
          amount: totalDue,
          method: 'other',
          paid_on: s.paidOn,
          reference: `import ${s.orderNo}`,
          created_at: at,
        })
        .execute();
    }
    await addToPnl(trx, 'order', orderId);
    for (const feeId of feeIds) await addToPnl(trx, 'order_fee', feeId);
    await accrueCommissions(trx, ctx, orderId);
  }
  return { id: orderId };
}
