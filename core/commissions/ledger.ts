// The commission ledger: accruals written when an order becomes paid (plan and tree in force
// then), reversals written when a refund is recorded (cumulative, so a full refund nets every
// accrual to exactly zero). Append-only: nothing here edits or deletes an entry. Both run inside
// the caller's transaction and add what they wrote to the P&L rollup.
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { applyRate } from '../money';
import { nextReversal } from './reversal';
import { addToPnl } from '../figures/rollup';
import { prepared } from '../../db/prepared';
import { MAX_UPLINE_LEVELS, planInForceNow, rateFor } from './plans';

/** What writeAccruals needs of the order (the row recognisePaid already holds). */
export interface AccruingOrder {
  id: string;
  agent_id: string | null;
  customer_id: string | null;
  is_wholesale: number;
  paid_on: string | null;
}

const AGENT_OF_CUSTOMER = 'SELECT id FROM agents WHERE customer_id = ?';
const ACCRUED_ALREADY =
  "SELECT id FROM commission_entries WHERE source_id = ? AND kind = 'accrual' LIMIT 1";
const UPLINES = `SELECT c.ancestor AS agentId, c.depth AS level, a.tier AS tier
  FROM agent_closure c JOIN agents a ON a.id = c.ancestor
  WHERE c.descendant = ? AND c.depth <= ? ORDER BY c.depth`;
const ORDER_LINES = `SELECT id, product_id, category, net_amount, cost FROM order_lines
  WHERE order_id = ? ORDER BY line_no`;

const INSERT_ACCRUAL = `INSERT INTO commission_entries (id, kind, source_id, order_id,
  order_line_id, refund_id, reverses_id, agent_id, level, credited_agent_id, plan_id, base_amount,
  rate_bp, amount, accrued_on, created_at)
  VALUES (?, 'accrual', ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Writes the accruals of an order that has just become paid: one per line per beneficiary with
 * a rate above 0, amount = base x rate rounded half-up once. Does not touch the P&L: the caller
 * adds the order's 'commission' source (see accrueCommissions, recognisePaid). Returns how many
 * were written. The inserts go through one prepared statement on the store's connection, in
 * the caller's transaction (the hot path of recording a paid order).
 */
export async function writeAccruals(_trx: Tx, ctx: Ctx, order: AccruingOrder): Promise<number> {
  // Prepared statements on the store's connection: the caller's transaction (_trx) is open on it.
  const db = ctx.sqlite;
  if (order.paid_on === null || order.agent_id === null) return 0;
  if (order.is_wholesale === 1) return 0;
  // An agent's own purchase (a wholesale order, or an order whose customer is an agent's own
  // customer record) is not a commissionable sale: not to the agent, not to its uplines.
  if (order.customer_id !== null && prepared(db, AGENT_OF_CUSTOMER).get(order.customer_id))
    return 0;
  if (prepared(db, ACCRUED_ALREADY).get(order.id)) return 0;
  const plan = planInForceNow(db, order.paid_on);
  if (!plan) return 0;
  // The credited agent (level 0) and up to two uplines, in the tree as it is now (uplinesOf).
  const who = prepared(db, UPLINES).all(order.agent_id, MAX_UPLINE_LEVELS) as {
    agentId: string;
    level: number;
    tier: string;
  }[];
  if (who.length === 0) return 0;
  const lines = prepared(db, ORDER_LINES).all(order.id) as {
    id: string;
    product_id: string;
    category: string;
    net_amount: number;
    cost: number;
  }[];
  const at = nowIso(ctx);
  const insert = prepared(db, INSERT_ACCRUAL);
  let written = 0;
  for (const line of lines) {
    const base = plan.base === 'net' ? line.net_amount : Math.max(0, line.net_amount - line.cost);
    for (const b of who) {
      const rate = rateFor(plan, plan.overrides, {
        level: b.level,
        productId: line.product_id,
        category: line.category,
        beneficiaryTier: b.tier,
      });
      if (rate <= 0) continue;
      insert.run(
        newId(ctx),
        order.id,
        order.id,
        line.id,
        b.agentId,
        b.level,
        order.agent_id,
        plan.id,
        base,
        rate,
        applyRate(base, rate),
        order.paid_on,
        at,
      );
      written += 1;
    }
  }
  return written;
}

/** writeAccruals for an order read by id, then its commissions added to the P&L rollup. */
export async function accrueCommissions(trx: Tx, ctx: Ctx, orderId: string): Promise<number> {
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'agent_id', 'customer_id', 'is_wholesale', 'paid_on'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const written = await writeAccruals(trx, ctx, order);
  if (written > 0) await addToPnl(trx, 'commission', orderId);
  return written;
}

/**
 * Writes the reversals of a refund whose lines exist: for each accrual of a refunded line,
 * reversedAfter = accrual x refundedAmountAfter / line net (half-up), cumulative over the
 * line's refunds, and this refund reverses reversedAfter minus what was reversed before.
 */
export async function reverseCommissions(trx: Tx, ctx: Ctx, refundId: string): Promise<number> {
  const refund = await trx
    .selectFrom('refunds')
    .select(['id', 'order_id', 'refunded_on'])
    .where('id', '=', refundId)
    .executeTakeFirstOrThrow();
  const lines = await trx
    .selectFrom('refund_lines as rl')
    .innerJoin('order_lines as l', 'l.id', 'rl.order_line_id')
    .select(['l.id', 'l.net_amount'])
    .where('rl.refund_id', '=', refundId)
    .execute();
  const at = nowIso(ctx);
  let written = 0;
  for (const line of lines) {
    if (line.net_amount <= 0) continue;
    const accruals = await trx
      .selectFrom('commission_entries')
      .selectAll()
      .where('order_line_id', '=', line.id)
      .where('kind', '=', 'accrual')
      .orderBy('id')
      .execute();
    if (accruals.length === 0) continue;
    const refunded = await trx
      .selectFrom('refund_lines')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.val(0)).as('total'))
      .where('order_line_id', '=', line.id)
      .executeTakeFirstOrThrow();
    const refundedAfter = Math.min(Number(refunded.total), line.net_amount);
    for (const accrual of accruals) {
      const prior = await trx
        .selectFrom('commission_entries')
        .select((eb) => [
          eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.val(0)).as('amount'),
          eb.fn.coalesce(eb.fn.sum<number>('base_amount'), eb.val(0)).as('base'),
        ])
        .where('reverses_id', '=', accrual.id)
        .executeTakeFirstOrThrow();
      const reversal = nextReversal(
        { amount: accrual.amount, base: accrual.base_amount },
        line.net_amount,
        refundedAfter,
        { amount: Number(prior.amount), base: Number(prior.base) },
      );
      if (reversal.amount === 0) continue;
      await trx
        .insertInto('commission_entries')
        .values({
          id: newId(ctx),
          kind: 'reversal',
          source_id: refundId,
          order_id: refund.order_id,
          order_line_id: line.id,
          refund_id: refundId,
          reverses_id: accrual.id,
          agent_id: accrual.agent_id,
          level: accrual.level,
          credited_agent_id: accrual.credited_agent_id,
          plan_id: accrual.plan_id,
          base_amount: reversal.base,
          rate_bp: accrual.rate_bp,
          amount: reversal.amount,
          accrued_on: refund.refunded_on,
          created_at: at,
        })
        .execute();
      written += 1;
    }
  }
  if (written > 0) await addToPnl(trx, 'commission', refundId);
  return written;
}
