// The reports read only the rollup, by its primary keys: checked with EXPLAIN QUERY PLAN on every
// statement they run (no timing here; the benchmark measures speed).
import { afterEach, describe, expect, it } from 'vitest';
import { Kysely, SqliteDialect } from 'kysely';
import { newBusiness, type TestBusiness } from '../support/store';
import * as fx from '../support/figures-fixtures';
import type { Database } from '../../db/schema';
import { pnlReport, type PnlBreakdown } from '../../core/figures/report';
import { dashboardReport } from '../../core/figures/dashboard';
import { customerFigures } from '../../core/figures/customers';

let biz: TestBusiness;
afterEach(async () => biz?.close());

interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** A second Kysely over the same connection that records every statement it runs. */
function recordingDb(statements: Statement[]): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: biz.store.sqlite }),
    log: (event) => {
      statements.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
}

function plan(s: Statement): string[] {
  return (
    biz.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.parameters) as {
      detail: string;
    }[]
  ).map((r) => r.detail);
}

function expectRollupByPrimaryKey(statements: Statement[]) {
  const rollupReads = statements.filter((s) => /pnl_(daily|monthly)/.test(s.sql));
  expect(rollupReads.length).toBeGreaterThan(0);
  for (const s of statements) {
    const details = plan(s);
    if (process.env.SHOW_PLANS) console.log(s.sql.slice(0, 120), details);
    for (const d of details) {
      expect(d, s.sql).not.toMatch(/\b(orders|order_lines|order_fees|refunds|refund_lines)\b/);
      if (/pnl_(daily|monthly)/.test(d)) {
        expect(d, s.sql).toMatch(/^SEARCH pnl_(daily|monthly) USING PRIMARY KEY \(dim=\? AND/);
        // A range on the day/month column, not a walk over every key of the dimension.
        expect(d, s.sql).toMatch(/(day|month)[<>=]/);
      }
    }
  }
}

describe('query plans', () => {
  it('figures.pnl, figures.dashboard and figures.customers search the rollup by primary key', async () => {
    biz = await newBusiness();
    const p = await fx.product(biz, { name: '橙', sku: 'O' });
    const c = await fx.customer(biz, '张三');
    await fx.order(biz, {
      paidOn: '2026-03-02',
      customerId: c,
      lines: [{ productId: p, quantity: 1, unitPrice: 100, unitCost: 50 }],
    });
    const statements: Statement[] = [];
    const db = recordingDb(statements);
    // Loose days at both ends and whole months in between.
    const range = { from: '2025-01-15', to: '2026-03-10' };
    const breakdowns: PnlBreakdown[] = [
      'day',
      'week',
      'month',
      'product',
      'category',
      'group',
      'agent',
      'campaign',
      'customer',
      'fee',
    ];
    for (const by of breakdowns) await pnlReport(db, { ...range, by });
    await dashboardReport(db, range);
    await dashboardReport(db, { from: '2024-03-01', to: '2026-02-28' });
    await customerFigures(db, { ...range, rows: { limit: 10, offset: 0 } });
    expectRollupByPrimaryKey(statements);
  });
});
