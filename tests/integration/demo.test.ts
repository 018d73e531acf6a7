import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';
import { demoFingerprint, demoInvariantProblems } from '../support/demo-fixtures';
import { commissionRollupProblems } from '../support/agent-fixtures';
import type { DemoSummary } from '../../core/demo/generator';
import { matchQuery } from '../../core/customers/search';

const END = '2026-03-15';

describe('demo.generate at small scale', () => {
  let biz: TestBusiness;
  let summary: DemoSummary;
  const progress: { label: string; done: number; total: number }[] = [];

  beforeAll(async () => {
    biz = await newBusiness();
    summary = await biz.core.invoke(
      'demo.generate',
      { seed: 7, scale: 'small', endDay: END },
      { onProgress: (p) => progress.push(p) },
    );
  });
  afterAll(async () => biz?.close());

  it('writes the business it reports', () => {
    const count = (t: string) =>
      biz.store.sqlite.prepare(`SELECT count(*) FROM ${t}`).pluck().get();
    expect(summary).toMatchObject({
      orders: 2000,
      customers: 500,
      products: count('products'),
      groups: count('customer_groups'),
      campaigns: count('campaigns'),
      refunds: count('refunds'),
      expenses: count('expenses'),
    });
    expect(count('orders')).toBe(2000);
    // The buyers, plus each agent's own buyer record.
    expect(summary.agents).toBe(8); // 500 customers / 66
    expect(count('agents')).toBe(summary.agents);
    expect(count('customers')).toBe(500 + summary.agents);
    expect(count('commission_entries')).toBe(summary.commissionEntries);
    expect(summary.products).toBeGreaterThanOrEqual(100);
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.ordersPerSecond).toBeGreaterThan(0);
    expect(progress.at(-1)?.label).toBe('Saving');
    expect(progress.some((p) => p.label === 'Orders')).toBe(true);
  });

  it('keeps every rule of the store (stock, money, refunds, rollup, foreign keys)', () => {
    expect(demoInvariantProblems(biz.store.sqlite)).toEqual([]);
  });

  it('puts the connection back as it was (WAL, foreign keys on)', () => {
    expect(biz.store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(biz.store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const indexes = biz.store.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'orders_customer'")
      .all();
    expect(indexes).toHaveLength(1);
  });

  it('looks like a real seller: two years, statuses, campaigns, refunds and fees', () => {
    const db = biz.store.sqlite;
    const span = db.prepare('SELECT min(ordered_on) lo, max(ordered_on) hi FROM orders').get() as {
      lo: string;
      hi: string;
    };
    expect(span.hi).toBe(END);
    expect(span.lo >= '2024-03-15' && span.lo <= '2024-04-15').toBe(true);
    const statuses = Object.fromEntries(
      (
        db.prepare('SELECT status, count(*) n FROM orders GROUP BY status').all() as {
          status: string;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
    expect(statuses.completed).toBeGreaterThan(1500);
    expect(statuses.cancelled).toBeGreaterThan(0);
    const campaigns = db
      .prepare("SELECT DISTINCT status || '/' || coalesce(outcome, '-') FROM campaigns ORDER BY 1")
      .pluck()
      .all();
    expect(campaigns).toEqual(
      expect.arrayContaining(['closed/failed', 'closed/succeeded', 'open/-']),
    );
    const kinds = db.prepare('SELECT DISTINCT kind FROM order_fees ORDER BY 1').pluck().all();
    expect(kinds).toEqual(expect.arrayContaining(['payment', 'shipping']));
    const restocks = db.prepare('SELECT count(DISTINCT restock) FROM refunds').pluck().get();
    expect(restocks).toBe(2);
    const partial = db
      .prepare(
        'SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.amount < o.total_due',
      )
      .pluck()
      .get() as number;
    expect(partial).toBeGreaterThan(0);
    const twice = db
      .prepare(
        'SELECT count(*) FROM (SELECT order_id FROM order_lines GROUP BY order_id, product_id HAVING count(*) > 1)',
      )
      .pluck()
      .get() as number;
    expect(twice).toBeGreaterThan(0);
    const compound = db
      .prepare(
        "SELECT count(*) FROM customers WHERE name LIKE '欧阳%' OR name LIKE '司马%' OR name LIKE '上官%' OR name LIKE '诸葛%' OR name LIKE '东方%' OR name LIKE '慕容%'",
      )
      .pluck()
      .get() as number;
    expect(compound).toBeGreaterThan(0);
    const phones = db
      .prepare(
        "SELECT count(*) FROM customers WHERE phone IS NOT NULL AND phone NOT GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'",
      )
      .pluck()
      .get();
    expect(phones).toBe(0);
    const low = db
      .prepare('SELECT count(*) FROM products WHERE on_hand >= low_stock_threshold')
      .pluck()
      .get() as number;
    expect(low / summary.products).toBeGreaterThan(0.6); // most products in stock
  });

  it('has an agent tree, orders credited to agents, wholesale orders and commissions', () => {
    const db = biz.store.sqlite;
    const one = <T>(sql: string) => db.prepare(sql).get() as T;
    const credited = one<{ n: number; all: number }>(
      'SELECT sum(agent_id IS NOT NULL) n, count(*) "all" FROM orders',
    );
    expect(credited.n / credited.all).toBeGreaterThan(0.4);
    expect(credited.n / credited.all).toBeLessThan(0.8);
    // Tiers follow the depth in the tree: 总代 at the top, 一级 below them, 二级 deeper.
    const tiers = db
      .prepare(
        `SELECT DISTINCT a.tier, (SELECT max(depth) FROM agent_closure WHERE descendant = a.id) d
           FROM agents a ORDER BY 2`,
      )
      .all() as { tier: string; d: number }[];
    expect(tiers.map((t) => t.tier)).toEqual(expect.arrayContaining(['general', 'level1']));
    for (const t of tiers)
      expect(t.tier).toBe(t.d === 0 ? 'general' : t.d <= 2 ? 'level1' : 'level2');
    expect(
      db.prepare('SELECT count(*) FROM agents WHERE upline_id IS NULL').pluck().get(),
    ).toBeGreaterThan(0);
    expect(
      db.prepare('SELECT count(*) FROM customers WHERE owner_agent_id IS NOT NULL').pluck().get(),
    ).toBeGreaterThan(200);
    expect(db.prepare("SELECT count(*) FROM customers WHERE source = 'agent'").pluck().get()).toBe(
      summary.agents,
    );
    // Wholesale orders: by an agent's own record, at a tier price, credited to no one.
    const wholesale = one<{ n: number; credited: number; entries: number }>(
      `SELECT count(*) n, sum(agent_id IS NOT NULL) credited,
              (SELECT count(*) FROM commission_entries e JOIN orders w ON w.id = e.order_id
                WHERE w.is_wholesale = 1) entries
         FROM orders o JOIN agents a ON a.customer_id = o.customer_id WHERE o.is_wholesale = 1`,
    );
    expect(wholesale.n).toBeGreaterThan(0);
    expect(wholesale.credited).toBe(0);
    expect(wholesale.entries).toBe(0);
    // Both kinds of entries, all three levels, and the category override at work.
    expect(
      db.prepare('SELECT DISTINCT kind FROM commission_entries ORDER BY 1').pluck().all(),
    ).toEqual(['accrual', 'reversal']);
    expect(
      db.prepare('SELECT DISTINCT level FROM commission_entries ORDER BY 1').pluck().all(),
    ).toEqual([0, 1, 2]);
    expect(
      db
        .prepare(
          "SELECT DISTINCT e.rate_bp FROM commission_entries e JOIN order_lines l ON l.id = e.order_line_id WHERE l.category = '护肤' AND e.level = 0",
        )
        .pluck()
        .all(),
    ).toEqual([1500]);
    // A fully refunded order's commissions net to zero per beneficiary.
    const full = db
      .prepare(
        `SELECT count(*) FROM (SELECT e.order_id, e.agent_id, sum(e.amount) s FROM commission_entries e
           JOIN orders o ON o.id = e.order_id WHERE o.refunded_total = o.paid_total
          GROUP BY e.order_id, e.agent_id HAVING s <> 0)`,
      )
      .pluck()
      .get();
    expect(full).toBe(0);
    // The P&L by agent has data, and its commissions are the ledger's.
    const byAgent = one<{ keys: number; commissions: number }>(
      "SELECT count(DISTINCT key) keys, sum(commissions) commissions FROM pnl_daily WHERE dim = 'agent' AND key <> ''",
    );
    expect(byAgent.keys).toBeGreaterThan(1);
    expect(byAgent.commissions).toBe(
      db.prepare('SELECT sum(amount) FROM commission_entries').pluck().get(),
    );
    // The commission rollup (kept by the store's triggers under the bulk load) is the ledger's.
    expect(commissionRollupProblems(biz)).toEqual([]);
  });

  it('indexes customers for search (name, phone prefix, pinyin initials)', async () => {
    const db = biz.store.sqlite;
    const c = db
      .prepare(
        "SELECT rowid, name, phone, name_initials FROM customers WHERE phone IS NOT NULL AND name_initials <> '' ORDER BY rowid LIMIT 1 OFFSET 17",
      )
      .get() as { rowid: number; name: string; phone: string; name_initials: string };
    const search = async (query: string) =>
      (await biz.core.invoke('customer.search', { query, limit: 50 })).map((h) => h.name);
    expect(await search(c.name)).toContain(c.name);
    expect(await search(c.phone.slice(0, 7))).toContain(c.name);
    // Initials match many people; the customer is among the index's matches.
    const byInitials = db
      .prepare('SELECT rowid FROM customer_search WHERE customer_search MATCH ?')
      .pluck()
      .all(matchQuery(c.name_initials));
    expect(byInitials).toContain(c.rowid);
  });

  it('gives the same business for the same seed and end day, and another for another seed', async () => {
    const again = await newBusiness();
    const other = await newBusiness();
    try {
      await again.core.invoke('demo.generate', { seed: 7, scale: 'small', endDay: END });
      await other.core.invoke('demo.generate', { seed: 8, scale: 'small', endDay: END });
      expect(demoFingerprint(again.store.sqlite)).toEqual(demoFingerprint(biz.store.sqlite));
      expect(demoFingerprint(other.store.sqlite)).not.toEqual(demoFingerprint(biz.store.sqlite));
      // Not just counts: the very same rows, ids included.
      const orders = (b: TestBusiness) =>
        b.store.sqlite.prepare('SELECT * FROM orders ORDER BY id').all();
      expect(orders(again)).toEqual(orders(biz));
    } finally {
      await again.close();
      await other.close();
    }
  });
});

describe('demo.generate refuses', () => {
  let biz: TestBusiness | undefined;
  afterAll(async () => biz?.close());

  it('a store that already has customers, leaving it unchanged', async () => {
    biz = await newBusiness();
    biz.store.sqlite
      .prepare(
        "INSERT INTO customers (id, name, created_at, updated_at) VALUES ('c1', '张三', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
      )
      .run();
    const before = biz.snapshot();
    const r = await biz.core.call('demo.generate', { scale: 'small', endDay: END });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_STATE');
      expect(r.error.message).toMatch(/empty store/);
      expect(r.error.details?.tables).toEqual(['customers']);
    }
    expect(biz.snapshot()).toEqual(before);
    expect(biz.store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(biz.store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    await biz.close();
    biz = undefined;
  });

  it('a store without a business', async () => {
    biz = await newBusiness({ init: false });
    const r = await biz.core.call('demo.generate', { scale: 'small', endDay: END });
    expect(!r.ok && r.error.code).toBe('INVALID_STATE');
    expect(biz.store.sqlite.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(0);
    await biz.close();
    biz = undefined;
  });

  it.each([
    [{ scale: 'huge' }, 'scale'],
    [{ orders: 0 }, 'orders'],
    [{ orders: 1.5 }, 'orders'],
    [{ customers: -1 }, 'customers'],
    [{ seed: 'one' }, 'seed'],
    [{ endDay: '2026-02-30' }, 'endDay'],
    [{ endDay: '15/03/2026' }, 'endDay'],
  ])('bad input %j names the field', async (input, path) => {
    biz = await newBusiness();
    const before = biz.snapshot();
    const r = await biz.core.call('demo.generate', input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.details?.issues?.map((i) => i.path)).toContain(path);
    }
    expect(biz.snapshot()).toEqual(before);
    await biz.close();
    biz = undefined;
  });

  it('to leave anything behind when cancelled', async () => {
    biz = await newBusiness();
    const before = biz.snapshot();
    const abort = new AbortController();
    const r = await biz.core.call(
      'demo.generate',
      { scale: 'small', endDay: END, orders: 30_000, customers: 300 },
      { signal: abort.signal, onProgress: (p) => p.label === 'Orders' && abort.abort() },
    );
    expect(!r.ok && r.error.code).toBe('CANCELLED');
    expect(biz.snapshot()).toEqual(before);
    expect(biz.store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(biz.store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    // The indexes dropped for the load are back.
    expect(
      biz.store.sqlite
        .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'orders_customer'")
        .pluck()
        .get(),
    ).toBe(1);
    // And the store still takes a demo afterwards.
    await biz.core.invoke('demo.generate', {
      scale: 'small',
      endDay: END,
      orders: 300,
      customers: 50,
    });
    expect(demoInvariantProblems(biz.store.sqlite)).toEqual([]);
  });
});

describe('demo.generate for any seed', () => {
  it('keeps the rules for small businesses of any seed, size and end day', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 120 }),
        fc.date({ min: new Date('2021-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        async (seed, orders, customers, end) => {
          const biz = await newBusiness();
          try {
            const endDay = end.toISOString().slice(0, 10);
            const out = await biz.core.invoke('demo.generate', { seed, orders, customers, endDay });
            expect(out.orders).toBe(orders);
            expect(demoInvariantProblems(biz.store.sqlite)).toEqual([]);
          } finally {
            await biz.close();
          }
        },
      ),
      { numRuns: 6 },
    );
  });
});
