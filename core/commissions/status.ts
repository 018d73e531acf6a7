// Where an entry stands, derived (entries are never edited): settled = in a paid settlement;
// inDraft = in a draft settlement; payable = the order is completed and the refund window has
// passed, or a reversal whose accrual is settled (the clawback goes into the next settlement);
// pending = the rest.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema';
import { requireSettings } from '../workspace/settings';

export const ENTRY_STATUSES = ['pending', 'payable', 'inDraft', 'settled'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/**
 * SQL for the status of the entry aliased `e` on `asOf`, given the refund window in days.
 * Bind-safe: both values go in as parameters.
 */
export function entryStatusSql(asOf: string, windowDays: number): RawBuilder<EntryStatus> {
  return sql<EntryStatus>`(CASE
    WHEN EXISTS (SELECT 1 FROM settlement_entries se JOIN settlements s ON s.id = se.settlement_id
                  WHERE se.entry_id = e.id AND s.status = 'paid') THEN 'settled'
    WHEN EXISTS (SELECT 1 FROM settlement_entries se WHERE se.entry_id = e.id) THEN 'inDraft'
    WHEN EXISTS (SELECT 1 FROM orders o WHERE o.id = e.order_id AND o.status = 'completed'
                    AND o.completed_at IS NOT NULL
                    AND date(o.completed_at, '+' || ${windowDays} || ' days') <= ${asOf}) THEN 'payable'
    WHEN e.kind = 'reversal' AND EXISTS (
           SELECT 1 FROM settlement_entries se JOIN settlements s ON s.id = se.settlement_id
            WHERE se.entry_id = e.reverses_id AND s.status = 'paid') THEN 'payable'
    ELSE 'pending' END)`;
}

export async function refundWindowDays(db: Kysely<Database>): Promise<number> {
  return (await requireSettings(db)).refundWindowDays;
}

export interface Balances {
  pending: number;
  payable: number;
  inDraft: number;
  settled: number;
}

/** An agent's commission balances on a day, by status (every entry counts in exactly one). */
export async function commissionBalances(
  db: Kysely<Database>,
  agentId: string,
  asOf: string,
): Promise<Balances> {
  const windowDays = await refundWindowDays(db);
  const rows = await db
    .selectFrom('commission_entries as e')
    .select([entryStatusSql(asOf, windowDays).as('status')])
    .select((eb) => eb.fn.sum<number>('e.amount').as('amount'))
    .where('e.agent_id', '=', agentId)
    .where('e.accrued_on', '<=', asOf)
    .groupBy('status')
    .execute();
  const out: Balances = { pending: 0, payable: 0, inDraft: 0, settled: 0 };
  for (const r of rows) out[r.status] += Number(r.amount);
  return out;
}
