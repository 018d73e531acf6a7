// The commission rollup (migration 5): filled from the ledger when an older store is migrated,
// and kept equal to the ledger by its triggers whatever writes the rows and in whatever order
// (sync lays rows down with foreign keys off: an entry may come before its order, an order may
// be replaced or removed).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import type { TestBusiness } from '../support/store';
import { commissionRollupProblems } from '../support/agent-fixtures';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-rollup-'));
  dirs.push(dir);
  return join(dir, 'store.sqlite');
}

const T = '2026-03-01T00:00:00.000Z';

/**
 * Agents, a plan, and orders 'o1' (completed on 2026-03-05, at noon UTC: that day in every zone
 * the tests run in), 'o2' (paid) with one line each. withDay: the store has orders.completed_on
 * (migration 6) and the order carries its completion day, as the services write it.
 */
function seedLedgerless(db: Database.Database, withDay = true): void {
  const day = (d: string) => (withDay ? [', completed_on', `, ${d}`] : ['', '']);
  db.exec(`
    INSERT INTO products (id, sku, name, category, retail_price, created_at, updated_at)
      VALUES ('p1', 'SKU1', '赣南脐橙', '水果', 5990, '${T}', '${T}');
    INSERT INTO agents (id, name, tier, joined_on, created_at, updated_at)
      VALUES ('a1', '总代', 'general', '2026-01-01', '${T}', '${T}'),
             ('a2', '一级', 'level1', '2026-01-01', '${T}', '${T}');
    INSERT INTO agent_closure (ancestor, descendant, depth)
      VALUES ('a1', 'a1', 0), ('a2', 'a2', 0), ('a1', 'a2', 1);
    INSERT INTO commission_plans (id, name, effective_from, base, direct_bp, level1_bp, created_at, updated_at)
      VALUES ('plan', '标准', '2026-01-01', 'net', 1000, 300, '${T}', '${T}');
    INSERT INTO orders (id, order_no, agent_id, status, ordered_on, paid_on, completed_at, goods_total,
      total_due, paid_total, created_at, updated_at${day('')[0]})
      VALUES ('o1', 'N1', 'a2', 'completed', '2026-03-01', '2026-03-01', '2026-03-05T12:00:00.000Z',
              10000, 10000, 10000, '${T}', '${T}'${day("'2026-03-05'")[1]}),
             ('o2', 'N2', 'a2', 'paid', '2026-03-02', '2026-03-02', NULL, 20000, 20000, 20000, '${T}', '${T}'${day('NULL')[1]});
    INSERT INTO order_lines (id, order_id, line_no, product_id, sku, product_name, category,
      quantity, unit_price, net_amount, unit_cost, cost)
      VALUES ('l1', 'o1', 1, 'p1', 'SKU1', '赣南脐橙', '水果', 1, 10000, 10000, 3000, 3000),
             ('l2', 'o2', 1, 'p1', 'SKU1', '赣南脐橙', '水果', 2, 10000, 20000, 3000, 6000);
  `);
}

const insertEntry = (
  db: Database.Database,
  id: string,
  order: string,
  agent: string,
  level: number,
  amount: number,
) =>
  db
    .prepare(
      `INSERT INTO commission_entries (id, kind, source_id, order_id, order_line_id, agent_id, level,
         credited_agent_id, plan_id, base_amount, rate_bp, amount, accrued_on, created_at)
       VALUES (?, 'accrual', ?, ?, ?, ?, ?, 'a2', 'plan', 10000, 1000, ?, ?, '${T}')`,
    )
    .run(
      id,
      order,
      order,
      order === 'o1' ? 'l1' : 'l2',
      agent,
      level,
      amount,
      order === 'o1' ? '2026-03-01' : '2026-03-02',
    );

const rows = (db: Database.Database) =>
  db
    .prepare(
      'SELECT agent_id, accrued_on, level, completed_on, amount FROM commission_daily WHERE amount <> 0 ORDER BY 1, 2, 3, 4',
    )
    .all();

describe('commission rollup', () => {
  it('is filled from the ledger when a v3 store is migrated', async () => {
    const file = tempFile();
    const old = openStore(file, { targetVersion: 3 });
    seedLedgerless(old.sqlite, false);
    insertEntry(old.sqlite, 'e1', 'o1', 'a2', 0, 1000);
    insertEntry(old.sqlite, 'e2', 'o1', 'a1', 1, 300);
    insertEntry(old.sqlite, 'e3', 'o2', 'a2', 0, 2000);
    await old.close();

    const store = openStore(file);
    try {
      expect(rows(store.sqlite)).toEqual([
        {
          agent_id: 'a1',
          accrued_on: '2026-03-01',
          level: 1,
          completed_on: '2026-03-05',
          amount: 300,
        },
        {
          agent_id: 'a2',
          accrued_on: '2026-03-01',
          level: 0,
          completed_on: '2026-03-05',
          amount: 1000,
        },
        { agent_id: 'a2', accrued_on: '2026-03-02', level: 0, completed_on: '', amount: 2000 },
      ]);
      expect(commissionRollupProblems({ store } as TestBusiness)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('follows rows laid down in any order: entries before orders, completion, removal', async () => {
    const store = openStore(tempFile());
    const db = store.sqlite;
    const biz = { store } as TestBusiness;
    try {
      db.pragma('foreign_keys = OFF');
      // Sync-style: the ledger rows arrive before their orders.
      insertEntry(db, 'e1', 'o1', 'a2', 0, 1000);
      insertEntry(db, 'e3', 'o2', 'a2', 0, 2000);
      expect(rows(db)).toEqual([
        { agent_id: 'a2', accrued_on: '2026-03-01', level: 0, completed_on: '', amount: 1000 },
        { agent_id: 'a2', accrued_on: '2026-03-02', level: 0, completed_on: '', amount: 2000 },
      ]);
      seedLedgerless(db);
      expect(commissionRollupProblems(biz)).toEqual([]);
      expect(rows(db)[0]).toMatchObject({ completed_on: '2026-03-05', amount: 1000 });
      // An order completed later; another replaced with a different completion day; one removed.
      db.exec(
        "UPDATE orders SET status = 'completed', completed_at = '2026-03-09T23:30:00.000Z', completed_on = '2026-03-10' WHERE id = 'o2'",
      );
      expect(commissionRollupProblems(biz)).toEqual([]);
      db.exec(
        "UPDATE orders SET completed_at = '2026-03-07T01:00:00.000Z', completed_on = '2026-03-07' WHERE id = 'o1'",
      );
      expect(commissionRollupProblems(biz)).toEqual([]);
      db.exec("DELETE FROM orders WHERE id = 'o1'");
      expect(rows(db)).toContainEqual({
        agent_id: 'a2',
        accrued_on: '2026-03-01',
        level: 0,
        completed_on: '',
        amount: 1000,
      });
      // Ledger rows replaced and removed (sync's applying mode lifts the append-only guards).
      db.exec(
        'DROP TRIGGER commission_entries_append_only_u; DROP TRIGGER commission_entries_append_only_d;',
      );
      db.exec("UPDATE commission_entries SET amount = 1500, agent_id = 'a1' WHERE id = 'e3'");
      db.exec("DELETE FROM commission_entries WHERE id = 'e1'");
      expect(rows(db)).toEqual([
        {
          agent_id: 'a1',
          accrued_on: '2026-03-02',
          level: 0,
          completed_on: '2026-03-10',
          amount: 1500,
        },
      ]);
    } finally {
      await store.close();
    }
  });
});
