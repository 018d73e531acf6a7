// What the screens, exports and CLI see of an order: plain camelCase objects.
import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  Database,
  FeeKind,
  OrderFeesTable,
  OrderLinesTable,
  OrderSource,
  OrderStatus,
  PaymentsTable,
  RefundLinesTable,
  RefundsTable,
} from '../../db/schema';
import { rowsOf } from '../../db/prepared';
import { notFound } from '../api/errors';
import { teamIds } from '../agents/scope';
import { balanceDue } from './payments';
import type { OrderRow } from './lifecycle';

export interface OrderSummary {
  id: string;
  orderNo: string;
  status: OrderStatus;
  source: OrderSource;
  customerId: string | null;
  customerName: string | null;
  groupId: string | null;
  agentId: string | null;
  campaignId: string | null;
  orderedOn: string;
  paidOn: string | null;
  goodsTotal: number;
  orderDiscount: number;
  shippingCharged: number;
  totalDue: number;
  paidTotal: number;
  refundedTotal: number;
  balanceDue: number;
  isWholesale: boolean;
}

export interface OrderLineView {
  id: string;
  lineNo: number;
  productId: string;
  sku: string;
  productName: string;
  category: string;
  quantity: number;
  unitPrice: number;
  lineDiscount: number;
  orderDiscountShare: number;
  netAmount: number;
  unitCost: number;
  cost: number;
  refundedQuantity: number;
  refundedAmount: number;
}

export interface OrderFeeView {
  id: string;
  kind: FeeKind;
  amount: number;
  note: string | null;
  createdAt: string;
}

export interface PaymentView {
  id: string;
  amount: number;
  method: string;
  paidOn: string;
  reference: string | null;
  createdAt: string;
}

export interface RefundView {
  id: string;
  orderId: string;
  refundedOn: string;
  /** Everything paid back: line amounts plus shipping. */
  amount: number;
  shippingAmount: number;
  restock: boolean;
  reason: string | null;
  createdAt: string;
  lines: { id: string; lineId: string; quantity: number; amount: number; costReversed: number }[];
}

export interface OrderView extends OrderSummary {
  confirmedAt: string | null;
  shippedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  shippingAddress: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  shippingRefunded: number;
  lines: OrderLineView[];
  fees: OrderFeeView[];
  payments: PaymentView[];
  refunds: RefundView[];
}

export function toSummary(o: OrderRow, customerName: string | null): OrderSummary {
  return {
    id: o.id,
    orderNo: o.order_no,
    status: o.status,
    source: o.source,
    customerId: o.customer_id,
    customerName,
    groupId: o.group_id,
    agentId: o.agent_id,
    campaignId: o.campaign_id,
    orderedOn: o.ordered_on,
    paidOn: o.paid_on,
    goodsTotal: o.goods_total,
    orderDiscount: o.order_discount,
    shippingCharged: o.shipping_charged,
    totalDue: o.total_due,
    paidTotal: o.paid_total,
    refundedTotal: o.refunded_total,
    balanceDue: balanceDue(o),
    isWholesale: o.is_wholesale === 1,
  };
}

function toRefundView(
  r: Selectable<RefundsTable>,
  lines: Selectable<RefundLinesTable>[],
): RefundView {
  return {
    id: r.id,
    orderId: r.order_id,
    refundedOn: r.refunded_on,
    amount: r.amount,
    shippingAmount: r.shipping_amount,
    restock: r.restock === 1,
    reason: r.reason,
    createdAt: r.created_at,
    lines: lines
      .filter((l) => l.refund_id === r.id)
      .map((l) => ({
        id: l.id,
        lineId: l.order_line_id,
        quantity: l.quantity,
        amount: l.amount,
        costReversed: l.cost_reversed,
      })),
  };
}

const REFUNDS = 'SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id';
const REFUND_LINES = `SELECT * FROM refund_lines
  WHERE refund_id IN (SELECT value FROM json_each(?)) ORDER BY id`;

export async function listRefunds(db: Kysely<Database>, orderId: string): Promise<RefundView[]> {
  const refunds = await rowsOf<Selectable<RefundsTable>>(db, REFUNDS, [orderId]);
  const lines = refunds.length
    ? await rowsOf<Selectable<RefundLinesTable>>(db, REFUND_LINES, [
        JSON.stringify(refunds.map((r) => r.id)),
      ])
    : [];
  return refunds.map((r) => toRefundView(r, lines));
}

const ORDER = `SELECT o.*, c.name AS customer_name FROM orders o
  LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?`;
const LINES = 'SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no';
const FEES = 'SELECT * FROM order_fees WHERE order_id = ? ORDER BY created_at, id';
const PAYMENTS = 'SELECT * FROM payments WHERE order_id = ? ORDER BY paid_on, id';

export async function getOrder(db: Kysely<Database>, id: string): Promise<OrderView> {
  const [o] = await rowsOf<OrderRow & { customer_name: string | null }>(db, ORDER, [id]);
  if (!o) throw notFound('Order', id);
  const lines = await rowsOf<Selectable<OrderLinesTable>>(db, LINES, [id]);
  const fees = await rowsOf<Selectable<OrderFeesTable>>(db, FEES, [id]);
  const payments = await rowsOf<Selectable<PaymentsTable>>(db, PAYMENTS, [id]);
  const refunds = await listRefunds(db, id);
  const refunded = new Map<string, { quantity: number; amount: number }>();
  for (const line of refunds.flatMap((r) => r.lines)) {
    const sofar = refunded.get(line.lineId) ?? { quantity: 0, amount: 0 };
    refunded.set(line.lineId, {
      quantity: sofar.quantity + line.quantity,
      amount: sofar.amount + line.amount,
    });
  }
  return {
    ...toSummary(o, o.customer_name),
    confirmedAt: o.confirmed_at,
    shippedAt: o.shipped_at,
    completedAt: o.completed_at,
    cancelledAt: o.cancelled_at,
    cancelReason: o.cancel_reason,
    shippingAddress: o.shipping_address,
    note: o.note,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    shippingRefunded: refunds.reduce((sum, r) => sum + r.shippingAmount, 0),
    lines: lines.map((l) => ({
      id: l.id,
      lineNo: l.line_no,
      productId: l.product_id,
      sku: l.sku,
      productName: l.product_name,
      category: l.category,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      lineDiscount: l.line_discount,
      orderDiscountShare: l.order_discount_share,
      netAmount: l.net_amount,
      unitCost: l.unit_cost,
      cost: l.cost,
      refundedQuantity: refunded.get(l.id)?.quantity ?? 0,
      refundedAmount: refunded.get(l.id)?.amount ?? 0,
    })),
    fees: fees.map((f) => ({
      id: f.id,
      kind: f.kind,
      amount: f.amount,
      note: f.note,
      createdAt: f.created_at,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      amount: p.amount,
      method: p.method,
      paidOn: p.paid_on,
      reference: p.reference,
      createdAt: p.created_at,
    })),
    refunds,
  };
}

export interface OrderFilter {
  status?: OrderStatus | undefined;
  customerId?: string | undefined;
  campaignId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  query?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * `team`: the calling agent, whose list holds only orders credited to it or its downline (and
 * names only the customers of that team); null: the owner, every order.
 */
export async function listOrders(
  db: Kysely<Database>,
  f: OrderFilter,
  team: string | null = null,
): Promise<{ rows: OrderSummary[]; total: number }> {
  let q =
    team === null
      ? db.selectFrom('orders as o').leftJoin('customers as c', 'c.id', 'o.customer_id')
      : db
          .selectFrom('orders as o')
          .leftJoin('customers as c', (join) =>
            join
              .onRef('c.id', '=', 'o.customer_id')
              .on('c.owner_agent_id', 'in', teamIds(db, team)),
          )
          .where('o.agent_id', 'in', teamIds(db, team));
  if (f.status) q = q.where('o.status', '=', f.status);
  if (f.customerId) q = q.where('o.customer_id', '=', f.customerId);
  if (f.campaignId) q = q.where('o.campaign_id', '=', f.campaignId);
  if (f.from) q = q.where('o.ordered_on', '>=', f.from);
  if (f.to) q = q.where('o.ordered_on', '<=', f.to);
  if (f.query) {
    // Order numbers are matched as typed, anywhere in the number ("0315-0002", "20260315").
    const pattern = `%${f.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`o.order_no LIKE ${pattern} ESCAPE '\\'`);
  }
  const { total } = await q
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('o')
    .select('c.name as customer_name')
    .orderBy('o.ordered_on', 'desc')
    .orderBy('o.order_no', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { rows: rows.map((r) => toSummary(r, r.customer_name)), total: Number(total) };
}
