// Fixtures for commission tests: agents and their closure rows written straight into the store
// (the agents service is built elsewhere), and small helpers to sell to a credited agent.
import { newId } from '../../core/api/context';
import type { TestBusiness } from './store';
import { addCustomer, addProduct } from './order-fixtures';

const AT = '2026-03-01T00:00:00.000Z';

export interface AgentFixture {
  name?: string;
  tier?: 'general' | 'level1' | 'level2';
  uplineId?: string | null;
  /** The agent as a buyer: a customer record of its own (wholesale orders). */
  withCustomer?: boolean;
}

/** Inserts an agent under `uplineId` and its closure rows (itself at depth 0, every ancestor). */
export async function addAgent(biz: TestBusiness, a: AgentFixture = {}): Promise<string> {
  const id = newId();
  const customerId = a.withCustomer
    ? await addCustomer(biz, { name: `${a.name ?? '代理'}本人` })
    : null;
  const db = biz.store.db;
  await db
    .insertInto('agents')
    .values({
      id,
      name: a.name ?? `代理${id.slice(-4)}`,
      phone: null,
      wechat_id: null,
      tier: a.tier ?? 'level2',
      joined_on: '2026-01-01',
      upline_id: a.uplineId ?? null,
      customer_id: customerId,
      notes: null,
      external_ref: null,
      created_at: AT,
      updated_at: AT,
      deleted_at: null,
    })
    .execute();
  await db.insertInto('agent_closure').values({ ancestor: id, descendant: id, depth: 0 }).execute();
  if (a.uplineId) {
    const ancestors = await db
      .selectFrom('agent_closure')
      .select(['ancestor', 'depth'])
      .where('descendant', '=', a.uplineId)
      .execute();
    for (const anc of ancestors) {
      await db
        .insertInto('agent_closure')
        .values({ ancestor: anc.ancestor, descendant: id, depth: anc.depth + 1 })
        .execute();
    }
  }
  return id;
}

/** The customer record of an agent (set with withCustomer). */
export async function agentCustomer(biz: TestBusiness, agentId: string): Promise<string> {
  const row = await biz.store.db
    .selectFrom('agents')
    .select('customer_id')
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  return row.customer_id!;
}

/** A chain top -> ... -> bottom of `depth` agents; returns them top first. */
export async function addChain(biz: TestBusiness, depth: number): Promise<string[]> {
  const ids: string[] = [];
  const tiers = ['general', 'level1', 'level2'] as const;
  for (let i = 0; i < depth; i++) {
    ids.push(
      await addAgent(biz, {
        name: `链${i}`,
        tier: tiers[Math.min(i, 2)]!,
        uplineId: ids[i - 1] ?? null,
      }),
    );
  }
  return ids;
}

/** Sells `lines` to a fresh customer credited to `agentId` and marks it paid on `paidOn`. */
export async function paidSale(
  biz: TestBusiness,
  agentId: string | null,
  lines: { productId: string; quantity: number; unitPrice?: number }[],
  paidOn: string,
  customerId?: string,
) {
  const c = customerId ?? (await addCustomer(biz));
  const o = await biz.core.invoke('order.create', { customerId: c, agentId, lines });
  return biz.core.invoke('order.markPaid', { orderId: o.id, paidOn });
}

export { addProduct };

/** Commission entries of an order (or every entry), oldest first, as stored. */
export function entries(biz: TestBusiness, orderId?: string) {
  return biz.store.sqlite
    .prepare(
      `SELECT * FROM commission_entries ${orderId ? 'WHERE order_id = ?' : ''} ORDER BY created_at, id`,
    )
    .all(...(orderId ? [orderId] : [])) as {
    id: string;
    kind: string;
    source_id: string;
    order_id: string;
    order_line_id: string;
    refund_id: string | null;
    reverses_id: string | null;
    agent_id: string;
    level: number;
    base_amount: number;
    rate_bp: number;
    amount: number;
    accrued_on: string;
  }[];
}

/** The commissions figure of the P&L rollup (dimension total). */
export function pnlCommissions(biz: TestBusiness): number {
  return biz.store.sqlite
    .prepare("SELECT coalesce(sum(commissions), 0) FROM pnl_daily WHERE dim = 'total'")
    .pluck()
    .get() as number;
}
