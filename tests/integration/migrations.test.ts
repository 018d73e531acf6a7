// A store created by every earlier schema version opens in this app: migrated, backed up
// first, data intact. A store written by a newer app is refused and left untouched.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, StoreTooNewError, checkIntegrity } from '../../db/store';
import { LATEST_VERSION, migrations } from '../../db/migrations';
import { rebuildPnl } from '../../db/pnl';
import { COMMISSION_DAILY_SELECT_V6 } from '../../db/migrations/006_completion_day';
import { dayAt } from '../../core/shared/days';
import { commissionRollupProblems } from '../support/agent-fixtures';
import type { TestBusiness } from '../support/store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-mig-'));
  dirs.push(dir);
  return join(dir, 'store.sqlite');
}

const T = '2025-01-01T00:00:00.000Z';

/**
 * Rows written with the SQL of each schema version, as that version's app would have.
 * Add an entry when a migration is added: every version must be covered.
 */
const seedAt: Record<number, (db: Database.Database) => void> = {
  1: (db) => {
    db.exec(`
      INSERT INTO settings (key, value) VALUES ('workspace.id', 'w1'), ('workspace.name', '老店'),
        ('workspace.currency', 'CNY'), ('workspace.refund_window_days', '7');
      INSERT INTO customers (id, name, phone, created_at, updated_at) VALUES ('c1', '张三', '13800138000', '${T}', '${T}');
      INSERT INTO products (id, sku, name, category, retail_price, created_at, updated_at)
        VALUES ('p1', 'SKU1', '赣南脐橙', '水果', 5990, '${T}', '${T}');
      INSERT INTO orders (id, order_no, customer_id, status, ordered_on, paid_on, goods_total,
        shipping_charged, total_due, paid_total, created_at, updated_at)
        VALUES ('o1', 'OLD-1', 'c1', 'paid', '2025-01-01', '2025-01-02', 11980, 1000, 12980, 12980, '${T}', '${T}');
      INSERT INTO order_lines (id, order_id, line_no, product_id, sku, product_name, category,
        quantity, unit_price, net_amount, unit_cost, cost)
        VALUES ('l1', 'o1', 1, 'p1', 'SKU1', '赣南脐橙', '水果', 2, 5990, 11980, 3000, 6000);
      INSERT INTO order_fees (id, order_id, kind, amount, created_at) VALUES ('f1', 'o1', 'payment', 78, '${T}');
      INSERT INTO payments (id, order_id, amount, method, paid_on, created_at) VALUES ('pay1', 'o1', 12980, 'wechat', '2025-01-02', '${T}');
      INSERT INTO expenses (id, category, amount, spent_on, created_at) VALUES ('e1', 'ads', 500, '2025-01-03', '${T}');
    `);
  },
  2: (db) => {
    // The v2 app kept the P&L rollup as it recorded things.
    seedAt[1]!(db);
    rebuildPnl(db);
  },
  3: (db) => {
    seedAt[2]!(db);
    db.exec(`INSERT INTO agents (id, name, tier, joined_on, created_at, updated_at)
      VALUES ('a1', '李代理', 'general', '2025-01-01', '${T}', '${T}');
      INSERT INTO agent_closure (ancestor, descendant, depth) VALUES ('a1', 'a1', 0);`);
  },
  4: (db) => {
    seedAt[3]!(db);
    db.exec(`INSERT INTO sync_outbox (seq, name, args, schema_version, hlc, tz, created_at)
      VALUES (1, 'customer.create', '{"name":"王五"}', 4, '000000000000001:00000:d1', 480, '${T}');`);
  },
  // v5 adds only the commission rollup (derived; see commission-rollup.test.ts).
  5: (db) => seedAt[4]!(db),
  // v6 adds orders.completed_on (see the completion-day test below).
  6: (db) => seedAt[5]!(db),
};

describe('migrations', () => {
  it('covers every schema version with seed data', () => {
    for (const m of migrations)
      expect(seedAt[m.version], `seed for v${m.version}`).toBeTypeOf('function');
  });

  for (const m of migrations.filter((x) => x.version < LATEST_VERSION)) {
    it(`opens a store created at schema v${m.version}`, async () => {
      const file = tempFile();
      const old = openStore(file, { targetVersion: m.version });
      expect(old.sqlite.pragma('user_version', { simple: true })).toBe(m.version);
      seedAt[m.version]!(old.sqlite);
      await old.close();

      const store = openStore(file);
      try {
        expect(store.openedAtVersion).toBe(m.version);
        expect(store.sqlite.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
        // Backed up before migrating, and the backup is the old version.
        expect(store.backupFile).not.toBeNull();
        expect(existsSync(store.backupFile!)).toBe(true);
        const backup = new Database(store.backupFile!, { readonly: true });
        expect(backup.pragma('user_version', { simple: true })).toBe(m.version);
        backup.close();
        // Data intact.
        const order = store.sqlite.prepare('SELECT * FROM orders WHERE id = ?').get('o1') as {
          total_due: number;
        };
        expect(order.total_due).toBe(12980);
        // Figures exist for what the old version recorded: revenue 119.80 + 10.00 shipping,
        // COGS 60.00, fees 0.78 + 5.00.
        const total = store.sqlite
          .prepare(
            "SELECT sum(revenue) r, sum(cogs) c, sum(fees) f, sum(orders) n FROM pnl_daily WHERE dim = 'total'",
          )
          .get() as { r: number; c: number; f: number; n: number };
        expect(total).toEqual({ r: 12980, c: 6000, f: 578, n: 1 });
        expect(checkIntegrity(store.sqlite).ok).toBe(true);
      } finally {
        await store.close();
      }
    });
  }

  it('a new store starts at the latest version without a backup', async () => {
    const store = openStore(tempFile());
    expect(store.openedAtVersion).toBe(0);
    expect(store.backupFile).toBeNull();
    expect(store.sqlite.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    // STRICT everywhere, and foreign keys on.
    const tables = store.sqlite
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%' AND name NOT LIKE 'customer_search_%'",
      ) // FTS5 shadow tables are SQLite's own
      .all() as { name: string; sql: string }[];
    for (const t of tables) expect(t.sql, t.name).toMatch(/STRICT/);
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.close();
  });

  it('refuses a store written by a newer app and leaves it untouched', async () => {
    const file = tempFile();
    const s = openStore(file);
    await s.close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    const before = readFileSync(file);
    expect(() => openStore(file)).toThrow(StoreTooNewError);
    expect(() => openStore(file)).toThrow(/newer QunDesk/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('ledgers refuse edits', async () => {
    const store = openStore(tempFile());
    seedAt[1]!(store.sqlite);
    expect(() => store.sqlite.exec("UPDATE payments SET amount = 1 WHERE id = 'pay1'")).toThrow(
      /append-only/,
    );
    expect(() => store.sqlite.exec("DELETE FROM expenses WHERE id = 'e1'")).toThrow(/append-only/);
    await store.close();
  });
  it('v5 -> v6: completion days backfilled in the local zone, the rollup rebuilt, captured', async () => {
    const file = tempFile();
    const old = openStore(file, { targetVersion: 5 });
    seedAt[5]!(old.sqlite);
    // A commission on o1 (agent a1), and o2 completed at 23:30 UTC: 07:30 the next day in China.
    const done = '2026-03-15T23:30:00.000Z';
    old.sqlite.exec(`
      INSERT INTO commission_plans (id, name, effective_from, base, direct_bp, created_at, updated_at)
        VALUES ('plan', '标准', '2025-01-01', 'net', 1000, '${T}', '${T}');
      UPDATE orders SET agent_id = 'a1' WHERE id = 'o1';
      INSERT INTO orders (id, order_no, agent_id, status, ordered_on, paid_on, completed_at, goods_total,
        total_due, paid_total, created_at, updated_at)
        VALUES ('o2', 'OLD-2', 'a1', 'completed', '2026-03-15', '2026-03-15', '${done}', 5990, 5990, 5990, '${T}', '${T}');
      INSERT INTO order_lines (id, order_id, line_no, product_id, sku, product_name, category,
        quantity, unit_price, net_amount, unit_cost, cost)
        VALUES ('l2', 'o2', 1, 'p1', 'SKU1', '赣南脐橙', '水果', 1, 5990, 5990, 3000, 3000);
      INSERT INTO commission_entries (id, kind, source_id, order_id, order_line_id, agent_id, level,
        credited_agent_id, plan_id, base_amount, rate_bp, amount, accrued_on, created_at)
        VALUES ('e1', 'accrual', 'o1', 'o1', 'l1', 'a1', 0, 'a1', 'plan', 11980, 1000, 1198, '2025-01-02', '${T}'),
               ('e2', 'accrual', 'o2', 'o2', 'l2', 'a1', 0, 'a1', 'plan', 5990, 1000, 599, '2026-03-15', '${T}');`);
    // What v5 rolled up: the UTC day.
    expect(
      old.sqlite
        .prepare("SELECT completed_on FROM commission_daily WHERE accrued_on = '2026-03-15'")
        .pluck()
        .get(),
    ).toBe('2026-03-15');
    await old.close();

    const store = openStore(file);
    try {
      const db = store.sqlite;
      const days = db.prepare('SELECT id, completed_on FROM orders ORDER BY id').all();
      // The day in this process's zone (the business's by default): 03-16 in Shanghai.
      expect(days).toEqual([
        { id: 'o1', completed_on: null },
        { id: 'o2', completed_on: dayAt(done) },
      ]);
      if (process.env.TZ === 'Asia/Shanghai') expect(dayAt(done)).toBe('2026-03-16');
      // commission_daily is its rebuild from the ledger, and follows the stored day.
      const stored = db
        .prepare('SELECT * FROM commission_daily WHERE amount <> 0 ORDER BY 1, 2, 3, 4')
        .raw()
        .all();
      const rebuilt = db
        .prepare(`SELECT * FROM (${COMMISSION_DAILY_SELECT_V6}) ORDER BY 1, 2, 3, 4`)
        .raw()
        .all();
      expect(stored).toEqual(rebuilt);
      expect(stored).toEqual([
        ['a1', '2025-01-02', 0, '', 1198],
        ['a1', '2026-03-15', 0, dayAt(done), 599],
      ]);
      expect(commissionRollupProblems({ store } as TestBusiness)).toEqual([]);
      db.exec("UPDATE orders SET completed_on = '2026-03-20' WHERE id = 'o2'");
      expect(commissionRollupProblems({ store } as TestBusiness)).toEqual([]);
      // The orders sync capture takes the new column into the row's before image.
      db.exec('UPDATE sync_capture SET seq = 7 WHERE id = 1');
      db.exec("UPDATE orders SET completed_on = '2026-03-21' WHERE id = 'o2'");
      db.exec('UPDATE sync_capture SET seq = NULL WHERE id = 1');
      const before = db
        .prepare("SELECT before FROM sync_undo WHERE seq = 7 AND tbl = 'orders' AND pk = 'o2'")
        .pluck()
        .get() as string;
      expect(JSON.parse(before)).toMatchObject({ id: 'o2', completed_on: '2026-03-20' });
      expect(checkIntegrity(db).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
