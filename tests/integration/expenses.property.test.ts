// Random sequences of expenses, income and reversals: the P&L rollup always equals the source
// rows, a reversal nets to zero, and a rebuild agrees with the incremental path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';
import { insertCampaign } from '../support/catalog-fixtures';
import { rebuildPnl } from '../../db/pnl';

let biz: TestBusiness;
let campaignId: string;
// Each run books into its own year, so runs sharing one store never see each other's figures:
// the business accepts days from 100 years back (its date window), the years 1951, 1952, ...
let year = 1950;
beforeAll(async () => {
  biz = await newBusiness();
  await biz.core.invoke('workspace.update', { dateYearsBack: 100 });
  campaignId = await insertCampaign(biz);
});
afterAll(async () => biz?.close());

const dayOfMonth = fc.integer({ min: 1, max: 9 });
const action = fc.oneof(
  fc.record({
    op: fc.constant('expense' as const),
    d: dayOfMonth,
    category: fc.constantFrom('ads', 'samples', 'rent', 'shipping', 'other' as const),
    amount: fc.integer({ min: 1, max: 1_000_000 }),
    forCampaign: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('income' as const),
    d: dayOfMonth,
    kind: fc.constantFrom('franchise', 'training', 'advertising', 'other' as const),
    amount: fc.integer({ min: 1, max: 1_000_000 }),
  }),
  // Reverse the n-th row recorded so far in this run (which may be a reversal, or reversed).
  fc.record({ op: fc.constant('reverse' as const), n: fc.nat() }),
);

const sqlite = () => biz.store.sqlite;
const pnlTotals = (from: string, to: string) =>
  sqlite()
    .prepare(
      `SELECT coalesce(sum(fees), 0) AS fees, coalesce(sum(other_income), 0) AS income
         FROM pnl_daily WHERE dim = 'total' AND day BETWEEN ? AND ?`,
    )
    .get(from, to) as { fees: number; income: number };
const sourceTotals = (from: string, to: string) => ({
  fees: sqlite()
    .prepare('SELECT coalesce(sum(amount), 0) FROM expenses WHERE spent_on BETWEEN ? AND ?')
    .pluck()
    .get(from, to) as number,
  income: sqlite()
    .prepare('SELECT coalesce(sum(amount), 0) FROM other_income WHERE received_on BETWEEN ? AND ?')
    .pluck()
    .get(from, to) as number,
});
const allPnl = (dayPrefix = '') =>
  sqlite()
    .prepare('SELECT * FROM pnl_daily WHERE day LIKE ? ORDER BY dim, day, key')
    .all(`${dayPrefix}%`);

const allMonthly = () =>
  sqlite().prepare('SELECT * FROM pnl_monthly ORDER BY dim, month, key').all();

describe('expense and income properties', () => {
  it('pnl_daily totals equal the source rows for any period; refused reversals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 1, maxLength: 15 }),
        dayOfMonth,
        dayOfMonth,
        async (actions, a, b) => {
          year += 1;
          const day = (d: number) => `${year}-03-0${d}`;
          const recorded: {
            kind: 'expense' | 'income';
            id: string;
            reversal: boolean;
            reversed: boolean;
          }[] = [];
          for (const act of actions) {
            if (act.op === 'expense') {
              const e = await biz.core.invoke('expense.record', {
                category: act.category,
                amount: act.amount,
                spentOn: day(act.d),
                campaignId: act.forCampaign ? campaignId : null,
              });
              recorded.push({ kind: 'expense', id: e.id, reversal: false, reversed: false });
            } else if (act.op === 'income') {
              const i = await biz.core.invoke('income.record', {
                kind: act.kind,
                amount: act.amount,
                receivedOn: day(act.d),
              });
              recorded.push({ kind: 'income', id: i.id, reversal: false, reversed: false });
            } else if (recorded.length > 0) {
              const target = recorded[act.n % recorded.length]!;
              const before = allPnl(String(year));
              const r = await biz.core.call(`${target.kind}.reverse`, { id: target.id });
              if (target.reversal || target.reversed) {
                expect(!r.ok && r.error.code).toBe('INVALID_STATE');
                expect(allPnl(String(year))).toEqual(before);
              } else {
                expect(r.ok).toBe(true);
                target.reversed = true;
                recorded.push({
                  kind: target.kind,
                  id: (r as { value: { id: string } }).value.id,
                  reversal: true,
                  reversed: false,
                });
              }
            }
          }
          const [from, to] = [day(Math.min(a, b)), day(Math.max(a, b))];
          expect(pnlTotals(from, to)).toEqual(sourceTotals(from, to));
          expect(pnlTotals(day(1), day(9))).toEqual(sourceTotals(day(1), day(9)));

          // Reversing everything left brings the whole run back to zero.
          for (const row of recorded.filter((x) => !x.reversal && !x.reversed)) {
            await biz.core.invoke(`${row.kind}.reverse` as 'expense.reverse', { id: row.id });
          }
          expect(pnlTotals(day(1), day(9))).toEqual({ fees: 0, income: 0 });

          const incremental = [allPnl(), allMonthly()];
          rebuildPnl(sqlite());
          expect([allPnl(), allMonthly()]).toEqual(incremental);
        },
      ),
      { numRuns: 40 },
    );
  });
});
