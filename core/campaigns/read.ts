// What a campaign looks like on screen: its products with what was sold against each cap, its
// participants (distinct customers with orders that are not cancelled) and its orders.
import type { Kysely, Selectable } from 'kysely';
import type { CampaignsTable, CampaignStatus, Database } from '../../db/schema';
import { notFound } from '../api/errors';
import { listOrders, type OrderSummary } from '../orders/read';

export type CampaignRow = Selectable<CampaignsTable>;

export interface CampaignProductView {
  productId: string;
  sku: string;
  name: string;
  groupPrice: number;
  perBuyerLimit: number | null;
  stockCap: number | null;
  soldQuantity: number;
  /** Units still available under the cap (null: no cap). */
  remainingCap: number | null;
}

export interface ParticipantView {
  customerId: string;
  customerName: string;
  orderCount: number;
  quantity: number;
}

export interface CampaignSummary {
  id: string;
  name: string;
  groupId: string | null;
  startsOn: string;
  endsOn: string;
  minParticipants: number;
  status: CampaignStatus;
  outcome: 'succeeded' | 'failed' | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  decidedAt: string | null;
  closedAt: string | null;
  participantCount: number;
}

export interface CampaignView extends CampaignSummary {
  products: CampaignProductView[];
  participants: ParticipantView[];
  orders: OrderSummary[];
}

export async function requireCampaign(
  db: Kysely<Database>,
  id: string,
  path?: string,
): Promise<CampaignRow> {
  const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Campaign', id, path);
  return row;
}

/** Units sold per product in the campaign, on orders that are not cancelled (one buyer, or all). */
export async function soldByProduct(
  db: Kysely<Database>,
  campaignId: string,
  customerId?: string,
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select((eb) => ['l.product_id', eb.fn.sum<number>('l.quantity').as('sold')])
    .where('o.campaign_id', '=', campaignId)
    .where('o.status', '<>', 'cancelled');
  if (customerId !== undefined) q = q.where('o.customer_id', '=', customerId);
  const rows = await q.groupBy('l.product_id').execute();
  return new Map(rows.map((r) => [r.product_id, Number(r.sold)]));
}

async function participants(db: Kysely<Database>, campaignId: string): Promise<ParticipantView[]> {
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .innerJoin('order_lines as l', 'l.order_id', 'o.id')
    .select((eb) => [
      'o.customer_id',
      'c.name',
      eb.fn.count<number>('o.id').distinct().as('order_count'),
      eb.fn.sum<number>('l.quantity').as('quantity'),
    ])
    .where('o.campaign_id', '=', campaignId)
    .where('o.status', '<>', 'cancelled')
    .groupBy(['o.customer_id', 'c.name'])
    .orderBy('c.name')
    .execute();
  return rows.map((r) => ({
    customerId: r.customer_id!,
    customerName: r.name,
    orderCount: Number(r.order_count),
    quantity: Number(r.quantity),
  }));
}

export async function participantCount(db: Kysely<Database>, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.count<number>('customer_id').distinct().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function toSummary(c: CampaignRow, count: number): CampaignSummary {
  return {
    id: c.id,
    name: c.name,
    groupId: c.group_id,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    minParticipants: c.min_participants,
    status: c.status,
    outcome: c.outcome,
    note: c.note,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    decidedAt: c.decided_at,
    closedAt: c.closed_at,
    participantCount: count,
  };
}

export async function getCampaign(db: Kysely<Database>, id: string): Promise<CampaignView> {
  const c = await requireCampaign(db, id);
  const products = await db
    .selectFrom('campaign_products as cp')
    .innerJoin('products as p', 'p.id', 'cp.product_id')
    .select([
      'cp.product_id',
      'p.sku',
      'p.name',
      'cp.group_price',
      'cp.per_buyer_limit',
      'cp.stock_cap',
    ])
    .where('cp.campaign_id', '=', id)
    .orderBy('p.sku')
    .execute();
  const sold = await soldByProduct(db, id);
  const people = await participants(db, id);
  // A campaign's orders are a bounded list (one group's joins): no paging here.
  const orders = await listOrders(db, {
    campaignId: id,
    limit: Number.MAX_SAFE_INTEGER,
    offset: 0,
  });
  return {
    ...toSummary(c, people.length),
    products: products.map((p) => {
      const soldQuantity = sold.get(p.product_id) ?? 0;
      return {
        productId: p.product_id,
        sku: p.sku,
        name: p.name,
        groupPrice: p.group_price,
        perBuyerLimit: p.per_buyer_limit,
        stockCap: p.stock_cap,
        soldQuantity,
        remainingCap: p.stock_cap === null ? null : Math.max(0, p.stock_cap - soldQuantity),
      };
    }),
    participants: people,
    orders: orders.rows,
  };
}

export async function listCampaigns(
  db: Kysely<Database>,
  status?: CampaignStatus,
): Promise<{ rows: CampaignSummary[] }> {
  let q = db.selectFrom('campaigns as c');
  if (status) q = q.where('c.status', '=', status);
  const rows = await q
    .selectAll('c')
    .select((eb) =>
      eb
        .selectFrom('orders as o')
        .select((sub) => sub.fn.count<number>('o.customer_id').distinct().as('n'))
        .whereRef('o.campaign_id', '=', 'c.id')
        .where('o.status', '<>', 'cancelled')
        .as('participant_count'),
    )
    .orderBy('c.starts_on', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return { rows: rows.map((r) => toSummary(r, Number(r.participant_count ?? 0))) };
}
