// Writing an order and its lines: used by order.create / order.update and by campaign joins.
import type { FeeKind, OrderSource } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { prepared } from '../../db/prepared';
import { tableSpec } from '../sync/tables';
import {
  attribute,
  productsForLines,
  requireGroup,
  type Attribution,
  type ProductFacts,
} from './capture';
import { priceLines, type PricedLine, type PricedOrder } from './pricing';
import { nextOrderNo } from './numbering';
import { moneyText } from './money-text';
import { takeGoodsOut, type OrderRow } from './lifecycle';
import { agentOfCustomer } from '../agents/agent';
import { requireAgentRef } from '../agents/references';
import { assertBusinessDays } from '../shared/day-window';

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

interface OrderLineToWrite extends PricedLine {
  product: ProductFacts;
}

/**
 * Prices the lines (at the product's retail price unless one is given) and captures each
 * product's SKU, name and category.
 */
async function priceOrder(
  trx: Tx,
  lines: readonly OrderLineSpec[],
  orderDiscount: number,
): Promise<{ lines: OrderLineToWrite[]; goodsTotal: number }> {
  const products = await productsForLines(
    trx,
    lines.map((l) => l.productId),
    (i) => `lines.${i}.productId`,
  );
  const toPrice = lines.map((l) => ({
    quantity: l.quantity,
    unitPrice: l.unitPrice ?? products.get(l.productId)!.retailPrice,
    lineDiscount: l.lineDiscount ?? 0,
  }));
  let priced: PricedOrder;
  try {
    priced = priceLines(toPrice, orderDiscount, String);
  } catch {
    // Refused: priced again to say why with amounts in the workspace currency (its settings
    // are read only then, not for every order).
    priced = priceLines(toPrice, orderDiscount, await moneyText(trx));
  }
  return {
    lines: priced.lines.map((line, i) => ({
      ...line,
      product: products.get(lines[i]!.productId)!,
    })),
    goodsTotal: priced.goodsTotal,
  };
}

const INSERT_LINE = `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, product_name,
  category, quantity, unit_price, line_discount, order_discount_share, net_amount)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Writes priced lines (line_no from 1); the lines of the order must not exist yet. */
function insertLines(
  ctx: Pick<Ctx, 'sqlite' | 'ids'>,
  orderId: string,
  lines: readonly OrderLineToWrite[],
) {
  const insert = prepared(ctx.sqlite, INSERT_LINE);
  lines.forEach((line, i) =>
    insert.run(
      newId(ctx),
      orderId,
      i + 1,
      line.product.id,
      line.product.sku,
      line.product.name,
      line.product.category,
      line.quantity,
      line.unitPrice,
      line.lineDiscount,
      line.orderDiscountShare,
      line.netAmount,
    ),
  );
}

const INSERT_FEE = `INSERT INTO order_fees (id, order_id, kind, amount, note, created_at)
  VALUES (?, ?, ?, ?, ?, ?)`;

export function insertFee(ctx: Ctx, orderId: string, fee: FeeSpec): string {
  const id = newId(ctx);
  prepared(ctx.sqlite, INSERT_FEE).run(
    id,
    orderId,
    fee.kind,
    fee.amount,
    fee.note ?? null,
    nowIso(ctx),
  );
  return id;
}

/** Every column of an order: the store's one list of them (core/sync/tables.ts). */
const ORDER_COLUMNS = tableSpec('orders')!.columns;
const INSERT_ORDER = `INSERT INTO orders (${ORDER_COLUMNS.join(', ')})
  VALUES (${ORDER_COLUMNS.map((c) => `@${c}`).join(', ')})`;

/**
 * Creates the order (a draft, or confirmed: stock moves on the order day) and returns its row
 * as written.
 */
export async function createOrder(trx: Tx, ctx: Ctx, spec: NewOrder): Promise<OrderRow> {
  await assertBusinessDays(trx, ctx, { orderedOn: spec.orderedOn });
  const who = await attribute(trx, spec);
  const at = nowIso(ctx);
  const id = newId(ctx);
  const priced = await priceOrder(trx, spec.lines, spec.orderDiscount);
  const order: OrderRow = {
    id,
    order_no: nextOrderNo(ctx.sqlite, spec.orderedOn),
    customer_id: who.customerId,
    group_id: who.groupId,
    agent_id: who.agentId,
    campaign_id: spec.campaignId ?? null,
    // A confirmed order is written as such; its goods leave stock once its lines are written.
    status: spec.status,
    ordered_on: spec.orderedOn,
    paid_on: null,
    confirmed_at: spec.status === 'confirmed' ? at : null,
    shipped_at: null,
    completed_at: null,
    completed_on: null,
    cancelled_at: null,
    cancel_reason: null,
    goods_total: priced.goodsTotal,
    order_discount: spec.orderDiscount,
    shipping_charged: spec.shippingCharged,
    total_due: priced.goodsTotal + spec.shippingCharged,
    paid_total: 0,
    refunded_total: 0,
    is_wholesale: await wholesaleFlag(trx, who.customerId),
    source: spec.source,
    shipping_address: spec.shippingAddress,
    note: spec.note,
    created_at: at,
    updated_at: at,
  };
  prepared(ctx.sqlite, INSERT_ORDER).run(order);
  insertLines(ctx, id, priced.lines);
  for (const fee of spec.fees) insertFee(ctx, id, fee);
  if (spec.status === 'confirmed') await takeGoodsOut(trx, ctx, order, spec.orderedOn, at);
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
  await assertBusinessDays(trx, ctx, { orderedOn: c.orderedOn });
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
    if (c.agentId) await requireAgentRef(trx, c.agentId, 'agentId');
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
    const priced = await priceOrder(trx, lines, orderDiscount);
    await trx.deleteFrom('order_lines').where('order_id', '=', order.id).execute();
    insertLines(ctx, order.id, priced.lines);
    goodsTotal = priced.goodsTotal;
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
