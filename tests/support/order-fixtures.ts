// Fixtures for order, refund and campaign tests: catalog and customer rows written straight
// into the store (their own services are built elsewhere), stock brought in through the ledger.
import { expect } from 'vitest';
import { freshId } from '../../core/api/context';
import { recordMovement } from '../../core/stock/ledger';
import { rebuildPnl } from '../../db/pnl';
import type { CallResult } from '../../core/api/dispatcher';
import type { TestBusiness } from './store';

const AT = '2026-03-01T00:00:00.000Z';
let counter = 0;

export interface ProductFixture {
  sku?: string;
  name?: string;
  category?: string;
  retailPrice?: number;
  groupPrice?: number | null;
  /** Goods received before the test (a 'purchase' movement at this unit cost). */
  stock?: { quantity: number; unitCost: number };
}

export async function addProduct(biz: TestBusiness, p: ProductFixture = {}): Promise<string> {
  const id = freshId();
  counter += 1;
  await biz.store.db
    .insertInto('products')
    .values({
      id,
      sku: p.sku ?? `SKU-${counter}-${id.slice(-6)}`,
      name: p.name ?? `商品${counter}`,
      category: p.category ?? '零食',
      retail_price: p.retailPrice ?? 1000,
      group_price: p.groupPrice ?? null,
      supplier_id: null,
      created_at: AT,
      updated_at: AT,
      deleted_at: null,
    })
    .execute();
  if (p.stock) await receiveStock(biz, id, p.stock.quantity, p.stock.unitCost);
  return id;
}

export async function receiveStock(
  biz: TestBusiness,
  productId: string,
  quantity: number,
  unitCost: number,
  on = '2026-03-01',
): Promise<void> {
  await biz.store.db.transaction().execute((trx) =>
    recordMovement(
      trx,
      {},
      {
        productId,
        kind: 'purchase',
        quantity,
        unitCost,
        occurredOn: on,
        createdAt: AT,
      },
    ),
  );
}

export async function addCustomer(
  biz: TestBusiness,
  c: { name?: string; ownerAgentId?: string | null } = {},
): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('customers')
    .values({
      id,
      name: c.name ?? '张三',
      phone: null,
      wechat_id: null,
      source: null,
      notes: null,
      consent_at: null,
      owner_agent_id: c.ownerAgentId ?? null,
      external_ref: null,
      created_at: AT,
      updated_at: AT,
      deleted_at: null,
      erased_at: null,
    })
    .execute();
  return id;
}

export async function addGroup(biz: TestBusiness, name = '宝妈群'): Promise<string> {
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
      created_at: AT,
      updated_at: AT,
      deleted_at: null,
    })
    .execute();
  return id;
}

export async function joinGroup(
  biz: TestBusiness,
  groupId: string,
  customerId: string,
  joinedOn: string,
  leftOn: string | null = null,
): Promise<void> {
  await biz.store.db
    .insertInto('group_members')
    .values({ group_id: groupId, customer_id: customerId, joined_on: joinedOn, left_on: leftOn })
    .execute();
}

export function product(biz: TestBusiness, id: string) {
  return biz.store.sqlite
    .prepare('SELECT on_hand AS onHand, avg_cost AS avgCost FROM products WHERE id = ?')
    .get(id) as { onHand: number; avgCost: number };
}

export function movementSum(biz: TestBusiness, productId: string): number {
  return biz.store.sqlite
    .prepare('SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE product_id = ?')
    .pluck()
    .get(productId) as number;
}

export interface Figures {
  revenue: number;
  cogs: number;
  fees: number;
  orders: number;
}

/** Totals of pnl_daily (dimension 'total'), optionally of one campaign or one day. */
export function pnl(biz: TestBusiness, where: { campaignId?: string; day?: string } = {}): Figures {
  const dim = where.campaignId ? 'campaign' : 'total';
  const key = where.campaignId ?? '';
  const dayClause = where.day ? 'AND day = @day' : '';
  return biz.store.sqlite
    .prepare(
      `SELECT coalesce(sum(revenue), 0) AS revenue, coalesce(sum(cogs), 0) AS cogs,
              coalesce(sum(fees), 0) AS fees, coalesce(sum(orders), 0) AS orders
         FROM pnl_daily WHERE dim = @dim AND key = @key ${dayClause}`,
    )
    .get({ dim, key, ...(where.day ? { day: where.day } : {}) }) as Figures;
}

/** pnl_daily as kept incrementally, and as rebuilt from scratch on a copy of the same rows. */
export function pnlMatchesRebuild(biz: TestBusiness): { kept: unknown[]; rebuilt: unknown[] } {
  const read = () =>
    biz.store.sqlite
      .prepare(
        `SELECT * FROM pnl_daily
          WHERE revenue <> 0 OR cogs <> 0 OR fees <> 0 OR commissions <> 0 OR other_income <> 0 OR orders <> 0
          ORDER BY dim, day, key`,
      )
      .all();
  const kept = read();
  biz.store.sqlite.exec('SAVEPOINT rebuild_check');
  try {
    rebuildPnl(biz.store.sqlite);
    return { kept, rebuilt: read() };
  } finally {
    biz.store.sqlite.exec('ROLLBACK TO rebuild_check; RELEASE rebuild_check');
  }
}

/** Asserts a failed call: its error code, and the field path when given. */
export function expectFailure(r: CallResult, code: string, path?: string): void {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  if (r.ok) return;
  expect(r.error.code, r.error.message).toBe(code);
  if (path !== undefined) {
    expect(r.error.details?.issues?.map((i) => i.path)).toContain(path);
  }
}
