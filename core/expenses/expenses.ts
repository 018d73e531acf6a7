// Expenses not tied to one order (ads, samples, rent...). Each row is a P&L source (fees, on
// the day spent). Rows are never edited: a mistake is undone by a reversal row on the same day,
// so the day's figures read as if the expense had never been entered.
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import { z } from 'zod';
import type { Database, ExpensesTable } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { invalidState, notFound } from '../api/errors';
import { addToPnl } from '../figures/rollup';
import { day, id, optionalText, page, positiveMoney } from '../shared/schemas';
import { requireCampaign } from './references';
import { assertBusinessDays } from '../shared/day-window';

export const EXPENSE_CATEGORIES = [
  'ads',
  'samples',
  'subscription',
  'rent',
  'salary',
  'shipping',
  'packaging',
  'other',
] as const;

export const expenseInput = z.object({
  category: z.enum(EXPENSE_CATEGORIES),
  amount: positiveMoney,
  spentOn: day.optional(),
  campaignId: id.nullish(),
  note: optionalText(),
});

export const reverseInput = z.object({ id, note: optionalText() });

export const expenseListInput = z
  .object({
    from: day.optional(),
    to: day.optional(),
    category: z.enum(EXPENSE_CATEGORIES).optional(),
    campaignId: id.optional(),
    ...page,
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, {
    path: ['to'],
    message: 'must be on or after from',
  });

export interface Expense {
  id: string;
  category: (typeof EXPENSE_CATEGORIES)[number];
  /** Negative on a reversal row. */
  amount: number;
  spentOn: string;
  campaignId: string | null;
  note: string | null;
  /** Set on a reversal row: the expense it undoes. */
  reversesId: string | null;
  /** Set on an expense that has been reversed: the reversal row. */
  reversedById: string | null;
  createdAt: string;
}

function selectExpenses(db: Kysely<Database>) {
  return db
    .selectFrom('expenses as e')
    .leftJoin('expenses as r', 'r.reverses_id', 'e.id')
    .selectAll('e')
    .select('r.id as reversed_by_id');
}

function toExpense(r: Selectable<ExpensesTable> & { reversed_by_id: string | null }): Expense {
  return {
    id: r.id,
    category: r.category,
    amount: r.amount,
    spentOn: r.spent_on,
    campaignId: r.campaign_id,
    note: r.note,
    reversesId: r.reverses_id,
    reversedById: r.reversed_by_id,
    createdAt: r.created_at,
  };
}

export async function readExpense(db: Kysely<Database>, expenseId: string): Promise<Expense> {
  const row = await selectExpenses(db).where('e.id', '=', expenseId).executeTakeFirst();
  if (!row) throw notFound('Expense', expenseId);
  return toExpense(row);
}

export async function recordExpense(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof expenseInput>,
): Promise<Expense> {
  if (input.campaignId) await requireCampaign(trx, input.campaignId, 'campaignId');
  await assertBusinessDays(trx, ctx, { spentOn: input.spentOn });
  const expenseId = newId(ctx);
  await trx
    .insertInto('expenses')
    .values({
      id: expenseId,
      category: input.category,
      amount: input.amount,
      spent_on: input.spentOn ?? today(ctx),
      campaign_id: input.campaignId ?? null,
      note: input.note,
      reverses_id: null,
      created_at: nowIso(ctx),
    })
    .execute();
  await addToPnl(trx, 'expense', expenseId);
  return readExpense(trx, expenseId);
}

export async function reverseExpense(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof reverseInput>,
): Promise<Expense> {
  const original = await readExpense(trx, input.id);
  if (original.reversesId) {
    throw invalidState(
      `Expense ${original.id} is itself the reversal of expense ${original.reversesId}; ` +
        'to count that expense again, record it as a new expense.',
      { id: original.id, state: 'reversal', reversesId: original.reversesId },
    );
  }
  if (original.reversedById) {
    throw invalidState(
      `Expense ${original.id} was already reversed (by ${original.reversedById}); there is nothing left to undo.`,
      { id: original.id, state: 'reversed', reversedById: original.reversedById },
    );
  }
  const reversalId = newId(ctx);
  await trx
    .insertInto('expenses')
    .values({
      id: reversalId,
      category: original.category,
      amount: -original.amount,
      spent_on: original.spentOn,
      campaign_id: original.campaignId,
      note: input.note,
      reverses_id: original.id,
      created_at: nowIso(ctx),
    })
    .execute();
  await addToPnl(trx, 'expense', reversalId);
  return readExpense(trx, reversalId);
}

/** Newest first, reversal rows included; `totalAmount` nets every matching row, not just the page. */
export async function listExpenses(
  db: Kysely<Database>,
  input: z.output<typeof expenseListInput>,
): Promise<{ rows: Expense[]; total: number; totalAmount: number }> {
  const where = (eb: ExpressionBuilder<Database, 'expenses'>) => {
    const all: Expression<SqlBool>[] = [];
    if (input.from) all.push(eb('expenses.spent_on', '>=', input.from));
    if (input.to) all.push(eb('expenses.spent_on', '<=', input.to));
    if (input.category) all.push(eb('expenses.category', '=', input.category));
    if (input.campaignId) all.push(eb('expenses.campaign_id', '=', input.campaignId));
    return eb.and(all);
  };
  const [rows, sums] = await Promise.all([
    selectExpenses(db)
      .where('e.id', 'in', (eb) => eb.selectFrom('expenses').select('expenses.id').where(where))
      .orderBy('e.spent_on', 'desc')
      .orderBy('e.id', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    db
      .selectFrom('expenses')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('amount'),
      ])
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toExpense), total: sums.n, totalAmount: sums.amount };
}
