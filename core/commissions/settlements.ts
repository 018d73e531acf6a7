// Settlements: a statement per agent holding every payable entry accrued up to its period end
// (and the clawbacks carried from settled entries); then a payout record. A draft can be
// discarded; a paid settlement is final (the store refuses to change it).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { invalidState, notFound } from '../api/errors';
import { entryStatusSql, refundWindowDays } from './status';
import { assertBusinessDays } from '../shared/day-window';

export interface StatementLine {
  entryId: string;
  kind: 'accrual' | 'reversal';
  orderId: string;
  orderNo: string;
  lineNo: number;
  productId: string;
  sku: string;
  productName: string;
  level: number;
  creditedAgentId: string;
  baseAmount: number;
  rateBp: number;
  amount: number;
  accruedOn: string;
  refundId: string | null;
  reversesId: string | null;
}

export interface Settlement {
  id: string;
  agentId: string;
  agentName: string;
  periodFrom: string;
  periodTo: string;
  total: number;
  status: 'draft' | 'paid';
  paidOn: string | null;
  method: string | null;
  reference: string | null;
  paidBy: string | null;
  note: string | null;
  createdAt: string;
  entryCount: number;
}

export interface Statement extends Settlement {
  entries: StatementLine[];
}

async function requireAgent(db: Kysely<Database>, agentId: string) {
  const a = await db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (!a) throw notFound('Agent', agentId, 'agentId');
  return a;
}

export async function listSettlements(
  db: Kysely<Database>,
  filter: { agentId?: string | undefined; status?: 'draft' | 'paid' | undefined },
): Promise<Settlement[]> {
  let q = db
    .selectFrom('settlements as s')
    .innerJoin('agents as a', 'a.id', 's.agent_id')
    .selectAll('s')
    .select('a.name as agent_name')
    .select((eb) =>
      eb
        .selectFrom('settlement_entries as se')
        .select((e2) => e2.fn.countAll<number>().as('n'))
        .whereRef('se.settlement_id', '=', 's.id')
        .as('entry_count'),
    );
  if (filter.agentId) q = q.where('s.agent_id', '=', filter.agentId);
  if (filter.status) q = q.where('s.status', '=', filter.status);
  const rows = await q.orderBy('s.period_to').orderBy('s.id').execute();
  return rows.map((r) => ({
    id: r.id,
    agentId: r.agent_id,
    agentName: r.agent_name,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    total: r.total,
    status: r.status,
    paidOn: r.paid_on,
    method: r.method,
    reference: r.reference,
    paidBy: r.paid_by,
    note: r.note,
    createdAt: r.created_at,
    entryCount: Number(r.entry_count ?? 0),
  }));
}

export async function getStatement(db: Kysely<Database>, id: string): Promise<Statement> {
  const head = (await listSettlements(db, {})).find((s) => s.id === id);
  if (!head) throw notFound('Settlement', id);
  const rows = await db
    .selectFrom('settlement_entries as se')
    .innerJoin('commission_entries as e', 'e.id', 'se.entry_id')
    .innerJoin('order_lines as l', 'l.id', 'e.order_line_id')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .select([
      'e.id',
      'e.kind',
      'e.order_id',
      'o.order_no',
      'l.line_no',
      'l.product_id',
      'l.sku',
      'l.product_name',
      'e.level',
      'e.credited_agent_id',
      'e.base_amount',
      'e.rate_bp',
      'e.amount',
      'e.accrued_on',
      'e.refund_id',
      'e.reverses_id',
    ])
    .where('se.settlement_id', '=', id)
    .orderBy('e.accrued_on')
    .orderBy('o.order_no')
    .orderBy('l.line_no')
    .orderBy('e.level')
    .orderBy('e.id')
    .execute();
  return {
    ...head,
    entries: rows.map((r) => ({
      entryId: r.id,
      kind: r.kind,
      orderId: r.order_id,
      orderNo: r.order_no,
      lineNo: r.line_no,
      productId: r.product_id,
      sku: r.sku,
      productName: r.product_name,
      level: r.level,
      creditedAgentId: r.credited_agent_id,
      baseAmount: r.base_amount,
      rateBp: r.rate_bp,
      amount: r.amount,
      accruedOn: r.accrued_on,
      refundId: r.refund_id,
      reversesId: r.reverses_id,
    })),
  };
}

export interface GenerateSpec {
  agentId: string;
  periodFrom?: string | undefined;
  periodTo: string;
  asOf?: string | undefined;
  note?: string | null | undefined;
}

/** Drafts a statement of every payable entry of the agent accrued up to periodTo. */
export async function generateSettlement(trx: Tx, ctx: Ctx, spec: GenerateSpec): Promise<string> {
  await requireAgent(trx, spec.agentId);
  await assertBusinessDays(trx, ctx, { periodFrom: spec.periodFrom, periodTo: spec.periodTo });
  const asOf = spec.asOf ?? today(ctx);
  const windowDays = await refundWindowDays(trx);
  const entries = await trx
    .selectFrom('commission_entries as e')
    .select(['e.id', 'e.amount', 'e.accrued_on'])
    .where('e.agent_id', '=', spec.agentId)
    .where('e.accrued_on', '<=', spec.periodTo)
    .where(entryStatusSql(asOf, windowDays), '=', 'payable')
    .orderBy('e.accrued_on')
    .orderBy('e.id')
    .execute();
  if (entries.length === 0) {
    throw invalidState(
      `Nothing to settle: agent ${spec.agentId} has no payable commission accrued up to ${spec.periodTo} (as of ${asOf}).`,
      { agentId: spec.agentId, periodTo: spec.periodTo, asOf },
    );
  }
  const periodFrom = spec.periodFrom ?? entries[0]!.accrued_on;
  const at = nowIso(ctx);
  const id = newId(ctx);
  await trx
    .insertInto('settlements')
    .values({
      id,
      agent_id: spec.agentId,
      period_from: periodFrom < spec.periodTo ? periodFrom : spec.periodTo,
      period_to: spec.periodTo,
      total: entries.reduce((sum, e) => sum + e.amount, 0),
      status: 'draft',
      paid_on: null,
      method: null,
      reference: null,
      paid_by: null,
      note: spec.note ?? null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  for (const e of entries) {
    await trx
      .insertInto('settlement_entries')
      .values({ entry_id: e.id, settlement_id: id })
      .execute();
  }
  return id;
}

async function requireDraft(trx: Tx, id: string, doing: string) {
  const s = await trx
    .selectFrom('settlements')
    .select(['id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!s) throw notFound('Settlement', id);
  if (s.status !== 'draft') {
    throw invalidState(`Settlement ${id} is paid and final; only a draft can be ${doing}.`, {
      settlementId: id,
      status: s.status,
    });
  }
}

export async function discardSettlement(trx: Tx, id: string): Promise<void> {
  await requireDraft(trx, id, 'discarded');
  await trx.deleteFrom('settlement_entries').where('settlement_id', '=', id).execute();
  await trx.deleteFrom('settlements').where('id', '=', id).execute();
}

export interface Payout {
  paidOn?: string | undefined;
  method: string;
  reference?: string | null | undefined;
  paidBy?: string | null | undefined;
}

export async function markSettlementPaid(trx: Tx, ctx: Ctx, id: string, p: Payout) {
  await requireDraft(trx, id, 'marked paid');
  await trx
    .updateTable('settlements')
    .set({
      status: 'paid',
      paid_on: p.paidOn ?? today(ctx),
      method: p.method,
      reference: p.reference ?? null,
      paid_by: p.paidBy ?? null,
      updated_at: nowIso(ctx),
    })
    .where('id', '=', id)
    .execute();
}
