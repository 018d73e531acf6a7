// API methods of expenses and other income. Recording (or reversing) one adds it to the P&L
// rollup in the same transaction.
import { method, type AnyMethod } from '../api/define';
import { inTransaction } from '../api/context';
import {
  expenseInput,
  expenseListInput,
  listExpenses,
  recordExpense,
  reverseExpense,
  reverseInput,
} from './expenses';
import { incomeInput, incomeListInput, listIncome, recordIncome, reverseIncome } from './income';

export const expensesMethods = {
  'expense.record': method({
    summary:
      'Record an expense not tied to one order (ads, samples, rent...), optionally for a campaign.',
    mutates: true,
    input: expenseInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => recordExpense(trx, ctx, input));
    },
  }),

  'expense.reverse': method({
    summary: 'Undo an expense entered by mistake: a reversal row on the same day (never an edit).',
    mutates: true,
    input: reverseInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => reverseExpense(trx, ctx, input));
    },
  }),

  'expense.list': method({
    summary: 'Expenses and their reversals, newest first, with the net total.',
    mutates: false,
    input: expenseListInput,
    async run(ctx, input) {
      return listExpenses(ctx.db, input);
    },
  }),

  'income.record': method({
    summary: 'Record other income: franchise, training, advertising or other.',
    mutates: true,
    input: incomeInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => recordIncome(trx, ctx, input));
    },
  }),

  'income.reverse': method({
    summary: 'Undo income entered by mistake: a reversal row on the same day (never an edit).',
    mutates: true,
    input: reverseInput,
    async run(ctx, input) {
      return inTransaction(ctx, (trx) => reverseIncome(trx, ctx, input));
    },
  }),

  'income.list': method({
    summary: 'Other income and its reversals, newest first, with the net total.',
    mutates: false,
    input: incomeListInput,
    async run(ctx, input) {
      return listIncome(ctx.db, input);
    },
  }),
} satisfies Record<string, AnyMethod>;
