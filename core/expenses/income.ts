// Other income: franchise fees (加盟费), training fees (培训费), advertising, other. Each row is
// a P&L source (other income, on the day received). Like expenses, a mistake is undone by a
// reversal row on the same day, never by an edit. (The compliance view flags franchise and
// training fees as entry-fee risk; this module only records them.)
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import { z } from 'zod';
import type { Database, OtherIncomeTable } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { invalidState, notFound } from '../api/errors';
import { addToPnl } from '../figures/rollup';
import { day, id, optionalText, page, positiveMoney } from '../shared/schemas';
import { requireCustomer } from './references';
import { requireAgentRef } from '../agents/references';
import { assertBusinessDays } from '../shared/day-window';

export const INCOME_KINDS = ['franchise', 'training', 'advertising', 'other'] as const;

export const incomeInput = z.object({
  kind: z.enum(INCOME_KINDS),
  amount: positiveMoney,
  receivedOn: day.optional(),
  agentId: id.nullish(),
  customerId: id.nullish(),
  note: optionalText(),
});

export const incomeListInput = z
  .object({
    from: day.optional(),
    to: day.optional(),
    kind: z.enum(INCOME_KINDS).optional(),
    agentId: id.optional(),
    customerId: id.optional(),
    ...page,
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, {
    path: ['to'],
    message: 'must be on or after from',
  });

export interface Income {
  id: string;
  kind: (typeof INCOME_KINDS)[number];
  /** Negative on a reversal row. */
  amount: number;
  receivedOn: string;
  agentId: string | null;
  customerId: string | null;
  note: string | null;
  /** Set on a reversal row: the income it undoes. */
  reversesId: string | null;
  /** Set on an income that has been reversed: the reversal row. */
  reversedById: string | null;
  createdAt: string;
}

function selectIncome(db: Kysely<Database>) {
  return db
    .selectFrom('other_income as i')
    .leftJoin('other_income as r', 'r.reverses_id', 'i.id')
    .selectAll('i')
    .select('r.id as reversed_by_id');
}

function toIncome(r: Selectable<OtherIncomeTable> & { reversed_by_id: string | null }): Income {
  return {
    id: r.id,
    kind: r.kind,
    amount: r.amount,
    receivedOn: r.received_on,
    agentId: r.agent_id,
    customerId: r.customer_id,
    note: r.note,
    reversesId: r.reverses_id,
    reversedById: r.reversed_by_id,
    createdAt: r.created_at,
  };
}

export async function readIncome(db: Kysely<Database>, incomeId: string): Promise<Income> {
  const row = await selectIncome(db).where('i.id', '=', incomeId).executeTakeFirst();
  if (!row) throw notFound('Income', incomeId);
  return toIncome(row);
}

export async function recordIncome(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof incomeInput>,
): Promise<Income> {
  if (input.customerId) await requireCustomer(trx, input.customerId, 'customerId');
  if (input.agentId) await requireAgentRef(trx, input.agentId, 'agentId');
  await assertBusinessDays(trx, ctx, { receivedOn: input.receivedOn });
  const incomeId = newId(ctx);
  await trx
    .insertInto('other_income')
    .values({
      id: incomeId,
      kind: input.kind,
      amount: input.amount,
      received_on: input.receivedOn ?? today(ctx),
      agent_id: input.agentId ?? null,
      customer_id: input.customerId ?? null,
      note: input.note,
      reverses_id: null,
      created_at: nowIso(ctx),
    })
    .execute();
  await addToPnl(trx, 'income', incomeId);
  return readIncome(trx, incomeId);
}

export async function reverseIncome(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: { id: string; note: string | null },
): Promise<Income> {
  const original = await readIncome(trx, input.id);
  if (original.reversesId) {
    throw invalidState(
      `Income ${original.id} is itself the reversal of income ${original.reversesId}; ` +
        'to count that income again, record it as new income.',
      { id: original.id, state: 'reversal', reversesId: original.reversesId },
    );
  }
  if (original.reversedById) {
    throw invalidState(
      `Income ${original.id} was already reversed (by ${original.reversedById}); there is nothing left to undo.`,
      { id: original.id, state: 'reversed', reversedById: original.reversedById },
    );
  }
  const reversalId = newId(ctx);
  await trx
    .insertInto('other_income')
    .values({
      id: reversalId,
      kind: original.kind,
      amount: -original.amount,
      received_on: original.receivedOn,
      agent_id: original.agentId,
      customer_id: original.customerId,
      note: input.note,
      reverses_id: original.id,
      created_at: nowIso(ctx),
    })
    .execute();
  await addToPnl(trx, 'income', reversalId);
  return readIncome(trx, reversalId);
}

/** Newest first, reversal rows included; `totalAmount` nets every matching row, not just the page. */
export async function listIncome(
  db: Kysely<Database>,
  input: z.output<typeof incomeListInput>,
): Promise<{ rows: Income[]; total: number; totalAmount: number }> {
  const where = (eb: ExpressionBuilder<Database, 'other_income'>) => {
    const all: Expression<SqlBool>[] = [];
    if (input.from) all.push(eb('other_income.received_on', '>=', input.from));
    if (input.to) all.push(eb('other_income.received_on', '<=', input.to));
    if (input.kind) all.push(eb('other_income.kind', '=', input.kind));
    if (input.agentId) all.push(eb('other_income.agent_id', '=', input.agentId));
    if (input.customerId) all.push(eb('other_income.customer_id', '=', input.customerId));
    return eb.and(all);
  };
  const [rows, sums] = await Promise.all([
    selectIncome(db)
      .where('i.id', 'in', (eb) =>
        eb.selectFrom('other_income').select('other_income.id').where(where),
      )
      .orderBy('i.received_on', 'desc')
      .orderBy('i.id', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    db
      .selectFrom('other_income')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('amount'),
      ])
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toIncome), total: sums.n, totalAmount: sums.amount };
}
