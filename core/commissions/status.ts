// Where an entry stands, derived (entries are never edited): settled = in a paid settlement;
// inDraft = in a draft settlement; payable = the order is completed and the refund window has
// passed, or a reversal whose accrual is settled (the clawback goes into the next settlement);
// pending = the rest. The completion day is the business day stored with the order
// (orders.completed_on, migration 6).
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
                    AND o.completed_on IS NOT NULL
                    AND date(o.completed_on, '+' || ${windowDays} || ' days') <= ${asOf}) THEN 'payable'
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

/** Commissions of one agent at one level in one status (entryStatusSql's status). */
export interface StatusSum {
  agentId: string;
  agentName: string;
  level: number;
  status: EntryStatus;
  amount: number;
}

/**
 * Commissions accrued in [from, to] ('' = from the start) by agent, level and status on `asOf`,
 * for one agent or all: the same figures as summing entryStatusSql over the entries, read from
 * the rollup (commission_daily, migrations 5 and 6) instead of testing each entry. The rollup says
 * pending or payable from the order's completion day; then the entries that sit in settlements
 * are moved to settled / inDraft, and reversals of entries in paid settlements that would still
 * be pending are moved to payable (the carried clawback). Those two reads go through the
 * agent's settlements (an agent's settlement holds only its own entries), so their cost
 * follows the settled entries, not the whole ledger. Agents not in the agents table are left
 * out, as a join on the entries would.
 */
export async function commissionStatusSums(
  db: Kysely<Database>,
  q: {
    from: string;
    to: string;
    asOf: string;
    /** One agent only. */
    agentId?: string | undefined;
    /** The agents of this agent's subtree (itself included) only. */
    teamOf?: string | undefined;
  },
): Promise<StatusSum[]> {
  const windowDays = await refundWindowDays(db);
  const only = (column: string) =>
    q.teamOf !== undefined
      ? sql`${sql.ref(column)} IN (SELECT descendant FROM agent_closure WHERE ancestor = ${q.teamOf})`
      : sql`1`;
  // payable <=> completed day + window <= asOf <=> completed day <= asOf - window (whole days).
  const { cutoff } = (
    await sql<{
      cutoff: string | null;
    }>`SELECT date(${q.asOf}, ${String(-windowDays)} || ' days') AS cutoff`.execute(db)
  ).rows[0]!;
  const agent = q.agentId;
  // One row per agent: totals and payable parts per level, summed in the rollup's key order
  // (no sort), then the agent's name.
  const byLevel = (level: number) => sql.raw(`(d.level = ${level})`);
  const payableDay = sql`d.completed_on <> '' AND d.completed_on <= ${cutoff}`;
  const rolled = await sql<{
    agent_id: string;
    name: string;
    t0: number;
    t1: number;
    t2: number;
    p0: number;
    p1: number;
    p2: number;
  }>`
    SELECT x.*, a.name FROM (
      SELECT d.agent_id,
             sum(d.amount * ${byLevel(0)}) AS t0, sum(d.amount * ${byLevel(1)}) AS t1,
             sum(d.amount * ${byLevel(2)}) AS t2,
             sum(CASE WHEN ${payableDay} THEN d.amount * ${byLevel(0)} ELSE 0 END) AS p0,
             sum(CASE WHEN ${payableDay} THEN d.amount * ${byLevel(1)} ELSE 0 END) AS p1,
             sum(CASE WHEN ${payableDay} THEN d.amount * ${byLevel(2)} ELSE 0 END) AS p2
        FROM commission_daily d
       WHERE ${agent === undefined ? only('d.agent_id') : sql`d.agent_id = ${agent}`}
         AND d.accrued_on >= ${q.from} AND d.accrued_on <= ${q.to}
       GROUP BY d.agent_id
    ) x JOIN agents a ON a.id = x.agent_id`.execute(db);
  const payableOrder = sql`(o.status = 'completed' AND o.completed_on <= ${cutoff})`;
  // Entries in settlements: from their rollup status to settled (paid) or inDraft.
  const settledFrom =
    agent === undefined
      ? // CROSS JOIN keeps the (small) settlement entries driving the loop; otherwise the
        // planner walks the whole ledger by accrual day and probes settlements for each entry.
        sql`settlement_entries se CROSS JOIN commission_entries e ON e.id = se.entry_id
            LEFT JOIN settlements s ON s.id = se.settlement_id`
      : sql`settlements s JOIN settlement_entries se ON se.settlement_id = s.id
            JOIN commission_entries e ON e.id = se.entry_id AND e.agent_id = ${agent}`;
  const inSettlements = await sql<{
    agent_id: string;
    level: number;
    from_status: EntryStatus;
    to_status: EntryStatus;
    amount: number;
  }>`
    SELECT e.agent_id, e.level,
           CASE WHEN ${payableOrder} THEN 'payable' ELSE 'pending' END AS from_status,
           CASE WHEN s.status = 'paid' THEN 'settled' ELSE 'inDraft' END AS to_status,
           sum(e.amount) AS amount
      FROM ${settledFrom}
      LEFT JOIN orders o ON o.id = e.order_id
     WHERE ${agent === undefined ? only('e.agent_id') : sql`s.agent_id = ${agent}`}
       AND e.accrued_on >= ${q.from} AND e.accrued_on <= ${q.to}
     GROUP BY 1, 2, 3, 4`.execute(db);
  // Reversals of entries in paid settlements, in no settlement themselves, whose order is not
  // payable yet: carried into the next settlement, so payable now.
  const carried = await sql<{ agent_id: string; level: number; amount: number }>`
    SELECT r.agent_id, r.level, sum(r.amount) AS amount
      FROM settlements s JOIN settlement_entries se ON se.settlement_id = s.id
      JOIN commission_entries r ON r.reverses_id = se.entry_id AND r.kind = 'reversal'
      LEFT JOIN orders o ON o.id = r.order_id
     WHERE s.status = 'paid'
       AND ${agent === undefined ? only('r.agent_id') : sql`s.agent_id = ${agent} AND r.agent_id = ${agent}`}
       AND r.accrued_on >= ${q.from} AND r.accrued_on <= ${q.to}
       AND NOT EXISTS (SELECT 1 FROM settlement_entries x WHERE x.entry_id = r.id)
       AND (CASE WHEN ${payableOrder} THEN 1 ELSE 0 END) = 0
     GROUP BY 1, 2`.execute(db);

  const sums = new Map<string, StatusSum>();
  const names = new Map<string, string>();
  const add = (agentId: string, level: number, status: EntryStatus, amount: number) => {
    const name = names.get(agentId);
    if (name === undefined) return; // not in the agents table
    const key = `${agentId}\u0000${level}\u0000${status}`;
    const row = sums.get(key);
    if (row) row.amount += amount;
    else sums.set(key, { agentId, agentName: name, level, status, amount });
  };
  for (const r of rolled.rows) {
    names.set(r.agent_id, r.name);
    const totals = [r.t0, r.t1, r.t2];
    [r.p0, r.p1, r.p2].forEach((p, level) => {
      add(r.agent_id, level, 'payable', Number(p));
      add(r.agent_id, level, 'pending', Number(totals[level]) - Number(p));
    });
  }
  for (const r of inSettlements.rows) {
    add(r.agent_id, r.level, r.from_status, -Number(r.amount));
    add(r.agent_id, r.level, r.to_status, Number(r.amount));
  }
  for (const r of carried.rows) {
    add(r.agent_id, r.level, 'pending', -Number(r.amount));
    add(r.agent_id, r.level, 'payable', Number(r.amount));
  }
  return [...sums.values()];
}

/** An agent's commission balances on a day, by status (every entry counts in exactly one). */
export async function commissionBalances(
  db: Kysely<Database>,
  agentId: string,
  asOf: string,
): Promise<Balances> {
  const out: Balances = { pending: 0, payable: 0, inDraft: 0, settled: 0 };
  for (const r of await commissionStatusSums(db, { from: '', to: asOf, asOf, agentId })) {
    out[r.status] += r.amount;
  }
  return out;
}
