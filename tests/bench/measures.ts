// The measures: each runs the work through the core (core.invoke, as the app does) and the
// same work by hand on a separate raw better-sqlite3 connection, over the same store.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import { createCore, type Core } from '../../core/api/dispatcher';
import { matchQuery } from '../../core/customers/search';
import { emit, emitError, log, median, sample } from './report';
import { generateStore, type DemoStoreSpec } from './demo-store';

/** The dashboard's range: the 24 calendar months ending with endDay's month. */
export function dashboardRange(endDay: string): { from: string; to: string } {
  const year = Number(endDay.slice(0, 4));
  const month = Number(endDay.slice(5, 7));
  const first = year * 12 + (month - 1) - 23;
  const from = `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, '0')}-01`;
  return { from, to: endDay };
}

/** The headline totals straight from pnl_daily (the memory child's bare baseline). */
const RAW_DASHBOARD = `
  SELECT sum(revenue) AS revenue, sum(revenue - cogs) AS gross_profit,
         sum(revenue - cogs - fees - commissions + other_income) AS net_profit
    FROM pnl_daily WHERE dim = 'total' AND key = '' AND day BETWEEN ? AND ?`;

/**
 * The same three dashboard figures by hand: the monthly trend, the top 10 products and the fee
 * breakdown, each from pnl_monthly for whole months plus pnl_daily for the part-month at the
 * end. Binds: fromMonth, endMonth (exclusive), endMonthStart, to.
 */
const monthsAndDays = (dim: string, cols: string) => `
  SELECT month, key, ${cols} FROM pnl_monthly WHERE dim = '${dim}' AND month >= ? AND month < ?
  UNION ALL
  SELECT substr(day, 1, 7), key, ${cols} FROM pnl_daily WHERE dim = '${dim}' AND day BETWEEN ? AND ?`;
const RAW_TREND = `SELECT month, sum(revenue), sum(cogs), sum(fees), sum(commissions), sum(other_income)
  FROM (${monthsAndDays('total', 'revenue, cogs, fees, commissions, other_income')}) GROUP BY month ORDER BY month`;
const RAW_TOP_PRODUCTS = `SELECT key, sum(revenue) AS r FROM (${monthsAndDays('product', 'revenue')})
  WHERE key <> '' GROUP BY key ORDER BY r DESC LIMIT 10`;
const RAW_FEES = `SELECT key, sum(fees) AS f FROM (${monthsAndDays('fee', 'fees')})
  WHERE key <> '' GROUP BY key ORDER BY f DESC`;

function rawDashboard(raw: Database.Database, range: { from: string; to: string }) {
  const endMonthStart = `${range.to.slice(0, 7)}-01`;
  const binds = [range.from.slice(0, 7), range.to.slice(0, 7), endMonthStart, range.to];
  const statements = [RAW_TREND, RAW_TOP_PRODUCTS, RAW_FEES].map((q) => raw.prepare(q));
  return () => statements.map((st) => st.all(...binds));
}

export async function measureDashboard(
  core: Core,
  raw: Database.Database,
  endDay: string,
  n: number,
) {
  const range = dashboardRange(endDay);
  const target = '<= 50';
  try {
    const viaCore = await sample(() => core.invoke('figures.dashboard', range), n);
    const viaRaw = await sample(rawDashboard(raw, range), n);
    emit({
      measure: 'figures.dashboard.24months',
      unit: 'ms',
      median: median(viaCore),
      baseline: median(viaRaw),
      target,
      n,
    });
  } catch (err) {
    emitError('figures.dashboard.24months', 'ms', target, err);
  }
}

/** Queries a seller types: names, a surname, phone prefixes, last four digits, pinyin initials. */
function searchQueries(raw: Database.Database): string[] {
  const people = raw
    .prepare(
      `SELECT name, phone, name_initials FROM customers
        WHERE phone IS NOT NULL AND name_initials <> '' ORDER BY rowid LIMIT 10 OFFSET 1000`,
    )
    .all() as { name: string; phone: string; name_initials: string }[];
  const queries: string[] = [];
  for (const p of people) {
    queries.push(p.name, p.phone.slice(0, 7), p.name_initials);
  }
  queries.push('欧阳', '138', '5678', 'zs', 'wang');
  return queries;
}

export async function measureSearch(core: Core, raw: Database.Database, n: number) {
  const target = '<= 10';
  try {
    const queries = searchQueries(raw);
    const limit = 20;
    const viaCore = await sample(
      (i) => core.invoke('customer.search', { query: queries[i % queries.length]!, limit }),
      Math.max(n, queries.length),
    );
    const stmt = raw.prepare(
      `SELECT c.id, c.name, c.phone, c.wechat_id FROM customer_search s
         JOIN customers c ON c.rowid = s.rowid
        WHERE customer_search MATCH ? LIMIT ?`,
    );
    const viaRaw = await sample(
      (i) => stmt.all(matchQuery(queries[i % queries.length]!), limit),
      Math.max(n, queries.length),
    );
    emit({
      measure: 'customer.search',
      unit: 'ms',
      median: median(viaCore),
      baseline: median(viaRaw),
      target,
      n: viaCore.length,
    });
  } catch (err) {
    emitError('customer.search', 'ms', target, err);
  }
}

/** Raw insert rate of plain order rows: one prepared statement, one transaction. */
function rawOrderInsertRate(count: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-bench-raw-'));
  try {
    const store = openStore(join(dir, 'raw.sqlite'));
    store.sqlite.pragma('foreign_keys = OFF');
    const insert = store.sqlite.prepare(
      `INSERT INTO orders (id, order_no, status, ordered_on, goods_total, total_due, created_at, updated_at)
       VALUES (?, ?, 'completed', '2026-03-15', 9990, 9990, '2026-03-15T02:00:00.000Z', '2026-03-15T02:00:00.000Z')`,
    );
    const t0 = performance.now();
    store.sqlite.transaction(() => {
      for (let i = 0; i < count; i++) {
        const n = String(i).padStart(12, '0');
        insert.run(`019cf000-0000-7000-8000-${n}`, `QD20260315-${n}`);
      }
    })();
    const seconds = (performance.now() - t0) / 1000;
    store.sqlite.close();
    return count / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureGeneration(
  spec: DemoStoreSpec,
  generatedNow: { ordersPerSecond: number } | null,
) {
  const target = '>= 20000';
  // When the big store was reused, a smaller one shows the rate (its scale in the name).
  const orders = generatedNow ? spec.orders : Math.min(100_000, spec.orders);
  const measure = `demo.generate.${orders}`;
  try {
    let rate = generatedNow?.ordersPerSecond ?? 0;
    if (!generatedNow) {
      const dir = mkdtempSync(join(tmpdir(), 'qundesk-bench-gen-'));
      try {
        log(`generating ${orders} orders for the rate`);
        const customers = Math.max(1, Math.round((spec.customers * orders) / spec.orders));
        rate = (await generateStore(join(dir, 'gen.sqlite'), { ...spec, orders, customers }))
          .ordersPerSecond;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    emit({
      measure,
      unit: 'orders/s',
      median: rate,
      baseline: rawOrderInsertRate(orders),
      target,
      n: 1,
    });
  } catch (err) {
    emitError(measure, 'orders/s', target, err);
  }
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** The median of the RSS readings a child process took after each call, in MB. */
function childRss(args: string[]): number {
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: join(here, '..', '..') });
  if (out.status !== 0) throw new Error(`memory child failed: ${out.stderr.slice(-500)}`);
  const { rssMb } = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { rssMb: number };
  return rssMb;
}

/**
 * The core's resident memory while it answers the dashboard (a fresh process, as the app's
 * core host is), against a bare node process with better-sqlite3 open on the same store
 * running the raw query. The core child runs TypeScript through tsx, which itself costs some
 * tens of MB that the bundled app does not pay; the figure is an upper bound.
 */
export function measureMemory(file: string, endDay: string, n: number) {
  const target = '<= 300';
  try {
    const { from, to } = dashboardRange(endDay);
    const core = childRss([
      '--import',
      'tsx',
      join(here, 'memory-child.ts'),
      file,
      from,
      to,
      String(n),
    ]);
    const bare = childRss([
      '-e',
      `const Database = require('better-sqlite3');
       const db = new Database(process.argv[1], { readonly: true });
       const stmt = db.prepare(${JSON.stringify(RAW_DASHBOARD)});
       const rss = [];
       for (let i = 0; i < Number(process.argv[4]); i++) { stmt.get(process.argv[2], process.argv[3]); rss.push(process.memoryUsage().rss); }
       rss.sort((a, b) => a - b);
       console.log(JSON.stringify({ rssMb: rss[rss.length >> 1] / 1048576 }));`,
      file,
      from,
      to,
      String(n),
    ]);
    emit({ measure: 'core.memory.dashboard', unit: 'MB', median: core, baseline: bare, target, n });
  } catch (err) {
    emitError('core.memory.dashboard', 'MB', target, err);
  }
}

export function openCore(file: string): { core: Core; close: () => Promise<void> } {
  const store = openStore(file);
  return { core: createCore({ store }), close: () => store.close() };
}
