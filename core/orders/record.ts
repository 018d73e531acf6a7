// Writing an order and its lines: used by order.create / order.update and by campaign joins.
import type { FeeKind, OrderSource } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { attribute, productsForLines, requireGroup, type Attribution } from './capture';
import { priceLines } from './pricing';
import { nextOrderNo } from './numbering';
import { moneyText } from './money-text';
import { confirmOrder, requireOrder, type OrderRow } from './lifecycle';
import { agentOfCustomer } from '../agents/agent';

/** 1 when the buyer is an agent's own customer record: a wholesale order (no commission). */
async function wholesaleFlag(trx: Tx, customerId: string | null): Promise<number> {
  return customerId !== null && (await agentOfCustomer(trx, customerId)) !== null ? 1 : 0;
}

export interface OrderLineSpec {
  productId: string;
  quantity: number;
  /** Default: the product's retail price. */
  unitPrice?: number | undefined;
  lineDiscount?: number | undefined;
}

export interface FeeSpec {
  kind: FeeKind;
  amount: number;
  note?: string | null | undefined;
}

export interface NewOrder {
  customerId: string | null;
  /** undefined: the customer's current group; null: none. */
  groupId?: string | null | undefined;
  /** undefined: the customer's owner agent; null: none. */
  agentId?: string | null | undefined;
  campaignId?: string | null;
  source: OrderSource;
  orderedOn: string;
  status: 'draft' | 'confirmed';
  lines: OrderLineSpec[];
  orderDiscount: number;
  shippingCharged: number;
  fees: FeeSpec[];
  shippingAddress: string | null;
  note: string | null;
}

/**
 * Prices the lines, captures each product's SKU, name and category, and writes them (line_no
 * from 1). Returns the goods total. The lines of the order must not exist yet.
 */
export async function writeLines(
  trx: Tx,
  orderId: string,
  lines: readonly OrderLineSpec[],
  orderDiscount: number,
): Promise<number> {
  const products = await productsForLines(
    trx,
    lines.map((l) => l.productId),
    (i) => `lines.${i}.productId`,
  );
  const priced = priceLines(
    lines.map((l) => ({
      quantity: l.quantity,
      unitPrice: l.unitPrice ?? products.get(l.productId)!.retailPrice,
      lineDiscount: l.lineDiscount ?? 0,
    })),
    orderDiscount,
    await moneyText(trx),
  );
  for (const [i, line] of priced.lines.entries()) {
    const product = products.get(lines[i]!.productId)!;
    await trx
      .insertInto('order_lines')
      .values({
        id: newId(),
        order_id: orderId,
        line_no: i + 1,
        product_id: product.id,
        sku: product.sku,
        product_name: product.name,
        category: product.category,
        quantity: line.quantity,
        unit_price: line.unitPrice,
        line_discount: line.lineDiscount,
        order_discount_share: line.orderDiscountShare,
        net_amount: line.netAmount,
      })
      .execute();
  }
  return priced.goodsTotal;
}

export async function insertFee(trx: Tx, ctx: Ctx, orderId: string, fee: FeeSpec): Promise<string> {
  const id = newId();
  await trx
    .insertInto('order_fees')
    .values({
      id,
      order_id: orderId,
      kind: fee.kind,
      amount: fee.amount,
      note: fee.note ?? null,
      created_at: nowIso(ctx),
    })
    .execute();
  return id;
}

/** Creates the order (a draft, or confirmed: stock moves on the order day). */
export async function createOrder(trx: Tx, ctx: Ctx, spec: NewOrder): Promise<OrderRow> {
  const who = await attribute(trx, spec);
  const at = nowIso(ctx);
  const id = newId();
  await trx
    .insertInto('orders')
    .values({
      id,
      order_no: await nextOrderNo(trx, spec.orderedOn),
      customer_id: who.customerId,
      group_id: who.groupId,
      agent_id: who.agentId,
      campaign_id: spec.campaignId ?? null,
      status: 'draft',
      ordered_on: spec.orderedOn,
      paid_on: null,
      confirmed_at: null,
      shipped_at: null,
      completed_at: null,
      cancelled_at: null,
      cancel_reason: null,
      order_discount: spec.orderDiscount,
      shipping_charged: spec.shippingCharged,
      is_wholesale: await wholesaleFlag(trx, who.customerId),
      source: spec.source,
      shipping_address: spec.shippingAddress,
      note: spec.note,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const goodsTotal = await writeLines(trx, id, spec.lines, spec.orderDiscount);
  await trx
    .updateTable('orders')
    .set({ goods_total: goodsTotal, total_due: goodsTotal + spec.shippingCharged })
    .where('id', '=', id)
    .execute();
  for (const fee of spec.fees) await insertFee(trx, ctx, id, fee);
  const order = await requireOrder(trx, id);
  if (spec.status === 'confirmed') await confirmOrder(trx, ctx, order, spec.orderedOn);
  return order;
}

export interface DraftChanges {
  customerId?: string | null | undefined;
  groupId?: string | null | undefined;
  agentId?: string | null | undefined;
  orderedOn?: string | undefined;
  lines?: OrderLineSpec[] | undefined;
  orderDiscount?: number | undefined;
  shippingCharged?: number | undefined;
  shippingAddress?: string | null | undefined;
  note?: string | null | undefined;
}

/**
 * Applies changes to a draft. A new customer brings their current group and owner agent
 * unless those are given too. New lines (or a new order discount) re-price every line.
 */
export async function updateDraft(trx: Tx, ctx: Ctx, order: OrderRow, c: DraftChanges) {
  const customerChanged = c.customerId !== undefined && c.customerId !== order.customer_id;
  let who: Attribution = {
    customerId: order.customer_id,
    groupId: order.group_id,
    agentId: order.agent_id,
  };
  if (customerChanged) {
    who = await attribute(trx, {
      customerId: c.customerId ?? null,
      groupId: c.groupId,
      agentId: c.agentId,
    });
  } else {
    // Only what is given is checked: a kept group stays even if it was deleted since.
    if (c.groupId) await requireGroup(trx, c.groupId);
    if (c.groupId !== undefined) who.groupId = c.groupId;
    if (c.agentId !== undefined) who.agentId = c.agentId;
  }

  const orderDiscount = c.orderDiscount ?? order.order_discount;
  let goodsTotal = order.goods_total;
  if (c.lines !== undefined || c.orderDiscount !== undefined) {
    const lines: OrderLineSpec[] =
      c.lines ??
      (
        await trx
          .selectFrom('order_lines')
          .select(['product_id', 'quantity', 'unit_price', 'line_discount'])
          .where('order_id', '=', order.id)
          .orderBy('line_no')
          .execute()
      ).map((l) => ({
        productId: l.product_id,
        quantity: l.quantity,
        unitPrice: l.unit_price,
        lineDiscount: l.line_discount,
      }));
    // Drafts have moved no stock and have no refunds, so their lines can be rewritten.
    await trx.deleteFrom('order_lines').where('order_id', '=', order.id).execute();
    goodsTotal = await writeLines(trx, order.id, lines, orderDiscount);
  }
  const shippingCharged = c.shippingCharged ?? order.shipping_charged;
  await trx
    .updateTable('orders')
    .set({
      customer_id: who.customerId,
      group_id: who.groupId,
      agent_id: who.agentId,
      is_wholesale: await wholesaleFlag(trx, who.customerId),
      ordered_on: c.orderedOn ?? order.ordered_on,
      order_discount: orderDiscount,
      shipping_charged: shippingCharged,
      goods_total: goodsTotal,
      total_due: goodsTotal + shippingCharged,
      shipping_address:
        c.shippingAddress !== undefined ? c.shippingAddress : order.shipping_address,
      note: c.note !== undefined ? c.note : order.note,
      updated_at: nowIso(ctx),
    })
    .where('id', '=', order.id)
    .execute();
}
