// Fixtures for commission tests: agents and their closure rows written straight into the store
// (the agents service is built elsewhere), and small helpers to sell to a credited agent.
import { freshId } from '../../core/api/context';
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
  const id = freshId();
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

/** Sells `lines` on `paidOn` to a fresh customer credited to `agentId` and marks it paid that day. */
export async function paidSale(
  biz: TestBusiness,
  agentId: string | null,
  lines: { productId: string; quantity: number; unitPrice?: number }[],
  paidOn: string,
  customerId?: string,
) {
  const c = customerId ?? (await addCustomer(biz));
  // Ordered on the paid day: a payment is never dated before its order.
  const o = await biz.core.invoke('order.create', {
    customerId: c,
    agentId,
    lines,
    orderedOn: paidOn,
  });
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

/**
 * The commission rollup (commission_daily) against the ledger recomputed here: the rows that
 * differ, as text (zero rows on either side count as missing).
 */
export function commissionRollupProblems(biz: TestBusiness): string[] {
  const db = biz.store.sqlite;
  const key = (r: { agent_id: string; accrued_on: string; level: number; completed_on: string }) =>
    `${r.agent_id}|${r.accrued_on}|${r.level}|${r.completed_on}`;
  type Row = {
    agent_id: string;
    accrued_on: string;
    level: number;
    completed_on: string;
    amount: number;
  };
  const rollup = new Map(
    (db.prepare('SELECT * FROM commission_daily WHERE amount <> 0').all() as Row[]).map((r) => [
      key(r),
      r.amount,
    ]),
  );
  const recomputed = new Map(
    (
      db
        .prepare(
          `SELECT e.agent_id, e.accrued_on, e.level,
                  CASE WHEN o.status = 'completed' THEN coalesce(o.completed_on, '') ELSE '' END AS completed_on,
                  sum(e.amount) AS amount
             FROM commission_entries e LEFT JOIN orders o ON o.id = e.order_id
            GROUP BY 1, 2, 3, 4 HAVING sum(e.amount) <> 0`,
        )
        .all() as Row[]
    ).map((r) => [key(r), r.amount]),
  );
  const problems: string[] = [];
  for (const k of new Set([...rollup.keys(), ...recomputed.keys()])) {
    if (rollup.get(k) !== recomputed.get(k))
      problems.push(`${k}: rollup ${rollup.get(k)} ledger ${recomputed.get(k)}`);
  }
  return problems;
}

/**
 * commission.report (all agents, and each agent alone) and commission.balances against the
 * status of every entry (entryStatusSql, the per-entry definition), on `asOf`.
 */
export async function reportMatchesEntries(biz: TestBusiness, asOf: string): Promise<string[]> {
  const { entryStatusSql } = await import('../../core/commissions/status');
  const windowDays = Number(
    biz.store.sqlite
      .prepare("SELECT value FROM settings WHERE key = 'workspace.refund_window_days'")
      .pluck()
      .get() ?? 7,
  );
  const from = '2026-01-01';
  const to = '2026-12-31';
  const rows = await biz.store.db
    .selectFrom('commission_entries as e')
    .innerJoin('agents as a', 'a.id', 'e.agent_id')
    .select(['e.agent_id', 'e.level', 'e.accrued_on', 'e.amount'])
    .select(entryStatusSql(asOf, windowDays).as('status'))
    .execute();
  const blank = () => ({
    level0: 0,
    level1: 0,
    level2: 0,
    total: 0,
    pending: 0,
    payable: 0,
    inDraft: 0,
    settled: 0,
  });
  const expected = new Map<string, ReturnType<typeof blank>>();
  const balances = new Map<string, ReturnType<typeof blank>>();
  for (const r of rows) {
    if (r.accrued_on <= asOf) {
      const b = balances.get(r.agent_id) ?? blank();
      b[r.status] += r.amount;
      balances.set(r.agent_id, b);
    }
    if (r.accrued_on < from || r.accrued_on > to) continue;
    const x = expected.get(r.agent_id) ?? blank();
    x[`level${r.level}` as 'level0'] += r.amount;
    x.total += r.amount;
    x[r.status] += r.amount;
    expected.set(r.agent_id, x);
  }
  const problems: string[] = [];
  const strip = (r: object) => {
    const { agentId: _a, agentName: _n, ...rest } = r as Record<string, unknown>;
    return rest;
  };
  const all = await biz.core.invoke('commission.report', { from, to, asOf });
  const got = new Map(all.rows.map((r) => [r.agentId, strip(r)]));
  const want = JSON.stringify([...expected].sort());
  if (JSON.stringify([...got].sort()) !== want)
    problems.push(`report on ${asOf}: ${JSON.stringify([...got].sort())} expected ${want}`);
  for (const agentId of expected.keys()) {
    const one = await biz.core.invoke('commission.report', { from, to, asOf, agentId });
    const mine = JSON.stringify(one.rows.map(strip));
    if (mine !== JSON.stringify([expected.get(agentId)]))
      problems.push(`report of ${agentId} on ${asOf}: ${mine}`);
  }
  for (const [agentId, b] of balances) {
    const got = await biz.core.invoke('commission.balances', { agentId, asOf });
    const want = { pending: b.pending, payable: b.payable, inDraft: b.inDraft, settled: b.settled };
    const have = {
      pending: got.pending,
      payable: got.payable,
      inDraft: got.inDraft,
      settled: got.settled,
    };
    if (JSON.stringify(have) !== JSON.stringify(want))
      problems.push(
        `balances of ${agentId} on ${asOf}: ${JSON.stringify(have)} expected ${JSON.stringify(want)}`,
      );
  }
  return problems;
}
