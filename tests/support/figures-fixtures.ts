// Fixture rows for the figures tests, written straight into the store the way the services
// record them: the source rows, then addToPnl once per source in the same transaction.
import { sql } from 'kysely';
import { freshId } from '../../core/api/context';
import { addToPnl } from '../../core/figures/rollup';
import type { ExpenseCategory, FeeKind, IncomeKind } from '../../db/schema';
import type { TestBusiness } from './store';

const T = '2026-01-01T00:00:00.000Z';

export async function product(
  biz: TestBusiness,
  p: { name: string; sku: string; category?: string },
): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('products')
    .values({
      id,
      sku: p.sku,
      name: p.name,
      category: p.category ?? '',
      retail_price: 0,
      group_price: null,
      supplier_id: null,
      created_at: T,
      updated_at: T,
      deleted_at: null,
    })
    .execute();
  return id;
}

export async function customer(
  biz: TestBusiness,
  name: string,
  options: { erased?: boolean } = {},
): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('customers')
    .values({
      id,
      name,
      phone: null,
      wechat_id: null,
      source: null,
      notes: null,
      consent_at: null,
      owner_agent_id: null,
      external_ref: null,
      created_at: T,
      updated_at: T,
      deleted_at: null,
      erased_at: options.erased ? T : null,
    })
    .execute();
  return id;
}

export async function group(biz: TestBusiness, name: string): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('customer_groups')
    .values({
      id,
      platform: 'wechat',
      name,
      owner_agent_id: null,
      notes: null,
      external_ref: null,
      created_at: T,
      updated_at: T,
      deleted_at: null,
    })
    .execute();
  return id;
}

export async function campaign(biz: TestBusiness, name: string): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('campaigns')
    .values({
      id,
      name,
      group_id: null,
      starts_on: '2025-01-01',
      ends_on: '2027-12-31',
      status: 'open',
      outcome: null,
      note: null,
      created_at: T,
      updated_at: T,
      decided_at: null,
      closed_at: null,
    })
    .execute();
  return id;
}

export interface LineSpec {
  productId: string;
  category?: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  lineDiscount?: number;
}

export interface OrderSpec {
  /** null: the order is confirmed but not paid, so it is not in the figures. */
  paidOn: string | null;
  customerId?: string | null;
  groupId?: string | null;
  agentId?: string | null;
  campaignId?: string | null;
  shipping?: number;
  lines: LineSpec[];
  fees?: { kind: FeeKind; amount: number }[];
}

export interface RecordedOrder {
  orderId: string;
  lineIds: string[];
  feeIds: string[];
}

let orderNo = 0;

/** An order with its lines and fee lines; when paid, added to the rollup as the order service does. */
export async function order(biz: TestBusiness, o: OrderSpec): Promise<RecordedOrder> {
  return biz.store.db.transaction().execute(async (trx) => {
    const orderId = freshId();
    const lines = o.lines.map((l, i) => {
      const net = l.quantity * l.unitPrice - (l.lineDiscount ?? 0);
      return {
        id: freshId(),
        order_id: orderId,
        line_no: i + 1,
        product_id: l.productId,
        sku: `SKU-${i}`,
        product_name: `product ${i}`,
        category: l.category ?? '',
        quantity: l.quantity,
        unit_price: l.unitPrice,
        line_discount: l.lineDiscount ?? 0,
        net_amount: net,
        unit_cost: l.unitCost,
        cost: l.quantity * l.unitCost,
      };
    });
    const goods = lines.reduce((s, l) => s + l.net_amount, 0);
    const shipping = o.shipping ?? 0;
    const day = o.paidOn ?? '2026-01-01';
    await trx
      .insertInto('orders')
      .values({
        id: orderId,
        order_no: `T-${++orderNo}-${orderId.slice(-6)}`,
        customer_id: o.customerId ?? null,
        group_id: o.groupId ?? null,
        agent_id: o.agentId ?? null,
        campaign_id: o.campaignId ?? null,
        status: o.paidOn ? 'paid' : 'confirmed',
        ordered_on: day,
        paid_on: o.paidOn,
        confirmed_at: T,
        shipped_at: null,
        completed_at: null,
        completed_on: null,
        cancelled_at: null,
        cancel_reason: null,
        goods_total: goods,
        shipping_charged: shipping,
        total_due: goods + shipping,
        paid_total: o.paidOn ? goods + shipping : 0,
        shipping_address: null,
        note: null,
        created_at: T,
        updated_at: T,
      })
      .execute();
    if (lines.length > 0) await trx.insertInto('order_lines').values(lines).execute();
    const feeIds: string[] = [];
    for (const f of o.fees ?? []) {
      const id = freshId();
      feeIds.push(id);
      await trx
        .insertInto('order_fees')
        .values({
          id,
          order_id: orderId,
          kind: f.kind,
          amount: f.amount,
          note: null,
          created_at: T,
        })
        .execute();
    }
    if (o.paidOn) {
      await trx
        .insertInto('payments')
        .values({
          id: freshId(),
          order_id: orderId,
          amount: Math.max(goods + shipping, 1),
          method: 'wechat',
          paid_on: o.paidOn,
          reference: null,
          created_at: T,
        })
        .execute();
      await addToPnl(trx, 'order', orderId);
      for (const id of feeIds) await addToPnl(trx, 'order_fee', id);
    }
    return { orderId, lineIds: lines.map((l) => l.id), feeIds };
  });
}

export interface RefundSpec {
  orderId: string;
  refundedOn: string;
  lines: { lineId: string; quantity: number; amount: number; costReversed: number }[];
  shipping?: number;
  restock?: boolean;
}

export async function refund(biz: TestBusiness, r: RefundSpec): Promise<string> {
  return biz.store.db.transaction().execute(async (trx) => {
    const id = freshId();
    const amount = r.lines.reduce((s, l) => s + l.amount, 0) + (r.shipping ?? 0);
    await trx
      .insertInto('refunds')
      .values({
        id,
        order_id: r.orderId,
        refunded_on: r.refundedOn,
        amount,
        shipping_amount: r.shipping ?? 0,
        restock: r.restock === false ? 0 : 1,
        reason: null,
        created_at: T,
      })
      .execute();
    for (const l of r.lines) {
      await trx
        .insertInto('refund_lines')
        .values({
          id: freshId(),
          refund_id: id,
          order_line_id: l.lineId,
          quantity: l.quantity,
          amount: l.amount,
          cost_reversed: l.costReversed,
        })
        .execute();
    }
    await trx
      .updateTable('orders')
      .set({ refunded_total: sql<number>`refunded_total + ${amount}` })
      .where('id', '=', r.orderId)
      .execute();
    await addToPnl(trx, 'refund', id);
    return id;
  });
}

export async function expense(
  biz: TestBusiness,
  e: {
    category: ExpenseCategory;
    amount: number;
    spentOn: string;
    campaignId?: string | null;
    reversesId?: string | null;
  },
): Promise<string> {
  return biz.store.db.transaction().execute(async (trx) => {
    const id = freshId();
    await trx
      .insertInto('expenses')
      .values({
        id,
        category: e.category,
        amount: e.amount,
        spent_on: e.spentOn,
        campaign_id: e.campaignId ?? null,
        note: null,
        reverses_id: e.reversesId ?? null,
        created_at: T,
      })
      .execute();
    await addToPnl(trx, 'expense', id);
    return id;
  });
}

export async function income(
  biz: TestBusiness,
  i: {
    kind: IncomeKind;
    amount: number;
    receivedOn: string;
    agentId?: string | null;
    customerId?: string | null;
  },
): Promise<string> {
  return biz.store.db.transaction().execute(async (trx) => {
    const id = freshId();
    await trx
      .insertInto('other_income')
      .values({
        id,
        kind: i.kind,
        amount: i.amount,
        received_on: i.receivedOn,
        agent_id: i.agentId ?? null,
        customer_id: i.customerId ?? null,
        note: null,
        reverses_id: null,
        created_at: T,
      })
      .execute();
    await addToPnl(trx, 'income', id);
    return id;
  });
}
