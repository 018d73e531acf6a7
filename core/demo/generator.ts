// Writes a whole demo business into an empty store, fast: straight to SQLite with prepared
// multi-row INSERTs, no services, in ONE transaction. A cancelled or failed run rolls back,
// so the store is exactly as before and a half-written demo can never look complete.
// (The method opens the transaction on the raw connection rather than through Kysely because
// the load yields to the event loop between days, for progress and cancel.)
//
// What makes it fast, each measured at 100,000 orders on our 2-core machine:
// - the P&L rollup is built in memory as the orders are made (pnl-mirror.ts), instead of a
//   rebuild through the pnl_contributions view afterwards (12 s at 100,000 orders);
// - foreign keys are off during the load (the demo tests run PRAGMA foreign_key_check);
// - a rollback journal instead of the WAL when no other connection has the store open (the
//   WAL writes every page twice; the journal of an almost empty store stays tiny), and no
//   fsync until the end (an app crash still rolls back; a power cut mid-load could leave a
//   broken demo store, which is then generated again);
// - secondary indexes of the loaded tables are dropped and built once at the end, and the
//   pnl_monthly triggers are set aside and the months summed once (see suspendMonthlyRollup);
// - rows are buffered per table and written a day at a time, a table at a time.
// Every setting is put back as it was, whatever happens.
import { COMMISSION_DAILY_SELECT_V6 } from '../../db/migrations/006_completion_day';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError, invalidState } from '../api/errors';
import type { Progress } from '../api/context';
import { SELLING_SECONDS } from './calendar';
import { DemoLedger } from './agents';
import { DemoIds } from './ids';
import { FEE_KEYS, OrderMaker } from './orders';
import { PnlMirror } from './pnl-mirror';
import { Purchasing } from './purchasing';
import { Random } from './random';
import { Spending } from './spending';
import { demoTables, flushAll } from './tables';
import { DemoWorld, TRADING_DAYS, type DemoPlan } from './world';

export interface DemoSummary {
  orders: number;
  customers: number;
  agents: number;
  commissionEntries: number;
  products: number;
  groups: number;
  campaigns: number;
  refunds: number;
  expenses: number;
  seconds: number;
  ordersPerSecond: number;
}

export interface DemoHooks {
  progress: (p: Progress) => void;
  signal?: AbortSignal | undefined;
}

/** Tables whose rows make a store "not empty" for the demo. */
const BUSINESS_TABLES = [
  'customers',
  'orders',
  'products',
  'agents',
  'commission_plans',
  'customer_groups',
  'suppliers',
  'campaigns',
  'purchases',
  'stock_movements',
  'expenses',
  'other_income',
  'pnl_daily',
] as const;

/**
 * Tables the demo fills: their secondary indexes are dropped for the load and built once at
 * the end. Sorting once beats maintaining them row by row, even the ones that only grow at a
 * few points (by product, by day): at 100,000 orders keeping them cost about a third more
 * time than rebuilding them (measured; see the bench notes in the report).
 */
const LOADED_TABLES = [
  'customers',
  'customer_tags',
  'customer_addresses',
  'group_members',
  'orders',
  'order_lines',
  'order_fees',
  'payments',
  'refunds',
  'refund_lines',
  'agents',
  'agent_closure',
  'commission_entries',
  'stock_movements',
  'expenses',
  'other_income',
  'pnl_daily',
];

/** Share of regular orders that are an agent's own wholesale purchase. */
const WHOLESALE_SHARE = 0.004;

/** Yield to the event loop (progress, cancel) about this often. */
const ORDERS_PER_BATCH = 10_000;

export function assertEmptyStore(sqlite: BetterSqlite3.Database): void {
  const found: string[] = [];
  const tables: string[] = [...BUSINESS_TABLES];
  if (
    sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pnl_monthly'")
      .get()
  ) {
    tables.push('pnl_monthly');
  }
  for (const table of tables) {
    const n = sqlite
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT 1)`)
      .pluck()
      .get() as number;
    if (n > 0) found.push(table.replace('_', ' '));
  }
  if (found.length > 0) {
    throw invalidState(
      `The demo business goes into an empty store, and this one already has ${found.join(', ')}. ` +
        'Create a new store for the demo (qundesk --store demo.sqlite init), then generate it there.',
      { tables: found },
    );
  }
}

const cancelled = () =>
  new AppError('CANCELLED', 'Demo generation was cancelled; the store is unchanged.');

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function generateDemo(
  sqlite: BetterSqlite3.Database,
  plan: DemoPlan,
  hooks: DemoHooks,
): Promise<DemoSummary> {
  const started = performance.now();
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number;
  const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
  const synchronous = sqlite.pragma('synchronous', { simple: true }) as number;
  const journal = String(sqlite.pragma('journal_mode', { simple: true }));
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -262144'); // 256 MiB while loading
  let switchedJournal = false;
  if (journal === 'wal') {
    try {
      switchedJournal = sqlite.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
    } catch {
      // Another connection has the store open: stay in WAL, only slower.
    }
  }
  // No fsync for the load: a crash of the app still rolls back cleanly; only a power cut in
  // the middle could leave a broken demo store, which is then simply generated again.
  sqlite.pragma('synchronous = OFF');
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    assertEmptyStore(sqlite);
    const summary = await load(sqlite, plan, hooks);
    hooks.progress({ label: 'Saving', done: plan.orders, total: plan.orders });
    sqlite.exec('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    return {
      ...summary,
      seconds: Math.round(seconds * 1000) / 1000,
      ordersPerSecond: Math.round(plan.orders / seconds),
    };
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  } finally {
    if (switchedJournal) {
      try {
        sqlite.pragma('journal_mode = WAL');
      } catch {
        // openStore puts the WAL back on the next open.
      }
    }
    sqlite.pragma(`synchronous = ${synchronous}`);
    sqlite.pragma(`cache_size = ${cacheSize}`);
    sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}

async function load(
  sqlite: BetterSqlite3.Database,
  plan: DemoPlan,
  hooks: DemoHooks,
): Promise<Omit<DemoSummary, 'seconds' | 'ordersPerSecond'>> {
  const check = () => {
    if (hooks.signal?.aborted) throw cancelled();
  };
  const indexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
        AND tbl_name IN (${LOADED_TABLES.map(() => '?').join(', ')})`,
    )
    .all(...LOADED_TABLES) as { name: string; sql: string }[];
  for (const index of indexes) sqlite.exec(`DROP INDEX "${index.name}"`);
  const monthly = suspendMonthlyRollup(sqlite);
  const commissionDaily = suspendCommissionRollup(sqlite);

  const ids = new DemoIds(plan.seed);
  const t = demoTables(sqlite);
  const w = new DemoWorld(plan, ids, t);
  const pnl = new PnlMirror(sqlite, (d) => w.cal.days[d]!, {
    total: () => '',
    product: (k) => (k === 0 ? '' : w.products[k - 1]!.id),
    category: (k) => (k === 0 ? '' : w.categories[k - 1]!),
    group: (k) => (k === 0 ? '' : w.groups[k - 1]!.id),
    agent: (k) => (k === 0 ? '' : w.agents[k - 1]!.id),
    campaign: (k) => (k === 0 ? '' : w.campaigns[k - 1]!.id),
    customer: (k) => (k === 0 ? '' : w.customerIds[k - 1]!),
    fee: (k) => FEE_KEYS[k]!,
  });

  const total = plan.orders;
  hooks.progress({ label: 'Customers', done: 0, total: plan.customers });
  w.buildCatalog();
  w.buildAgents();
  w.buildGroups();
  w.buildCustomers((done) => hooks.progress({ label: 'Customers', done, total: plan.customers }));
  w.writeAgents();
  w.planOrders();
  w.writeCampaigns();
  flushAll(t);
  await pause();
  check();

  const r = new Random(plan.seed, 'orders');
  const ledger = new DemoLedger(w, ids, t, pnl);
  const maker = new OrderMaker(w, r, ids, t, pnl, ledger);
  const spending = new Spending(w, new Random(plan.seed, 'spending'), ids, t, pnl);
  const purchasing = new Purchasing(
    w,
    new Random(plan.seed, 'purchasing'),
    ids,
    t,
    expectedDemand(w),
  );
  const { first, last } = w.cal;
  let made = 0;
  let sinceBreak = 0;
  const slots: number[] = [];
  for (let day = first; day <= last; day++) {
    maker.runEvents(day);
    purchasing.restock(day, day === first);
    // The day's orders: regular ones and 接龙 entries, shuffled, at increasing times.
    slots.length = 0;
    for (let i = w.regularOrders[day]!; i > 0; i--) slots.push(-1);
    for (const k of w.campaignOrders.get(day) ?? []) slots.push(k);
    for (let i = slots.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      const s = slots[i]!;
      slots[i] = slots[j]!;
      slots[j] = s;
    }
    const available = w.customersBy[day]!;
    const recent = w.customersBy[Math.max(0, day - 45)]!;
    let running = -1;
    for (let i = 0; i < slots.length; i++) {
      const second = Math.floor((SELLING_SECONDS * (i + r.float())) / slots.length);
      const k = slots[i]!;
      if (k >= 0) {
        const c = w.campaigns[k]!;
        running = k;
        maker.make(day, second, campaignBuyer(w, r, k, available), c.group, c);
      } else if (r.chance(WHOLESALE_SHARE) && w.agentsBy[day]! > 0) {
        // An agent restocking at its tier price (suspended agents do not buy).
        const agent = w.agents[r.int(0, w.agentsBy[day]! - 1)]!;
        if (agent.status === 'active') maker.make(day, second, agent.customer, -1, null, agent);
        else {
          const customer = regularBuyer(w, r, available, recent);
          maker.make(day, second, customer, w.customerGroup[customer]!, null);
        }
      } else {
        const customer = regularBuyer(w, r, available, recent);
        maker.make(day, second, customer, w.customerGroup[customer]!, null);
      }
    }
    maker.closeDay(day);
    spending.day(day, running);
    w.stock.closeDay();
    pnl.flushThrough(day);
    flushAll(t); // a day's rows, a table at a time, while they are still young for the GC
    made += slots.length;
    sinceBreak += slots.length;
    if (sinceBreak >= ORDERS_PER_BATCH || day === last) {
      sinceBreak = 0;
      hooks.progress({ label: 'Orders', done: made, total });
      await pause();
      check();
    }
  }
  w.writeProducts();
  flushAll(t);
  hooks.progress({ label: 'Indexes', done: total, total });
  await pause();
  check();
  monthly.resume();
  for (const index of indexes) sqlite.exec(index.sql);
  commissionDaily.resume();
  check();
  return {
    orders: made,
    customers: plan.customers,
    agents: w.agents.length,
    commissionEntries: ledger.entries,
    products: w.products.length,
    groups: w.groups.length,
    campaigns: w.campaigns.length,
    refunds: maker.refunds,
    expenses: spending.expenses,
  };
}

/**
 * pnl_monthly is kept by triggers on every pnl_daily insert (an upsert per row: a third of
 * the load at large scale). During the load the triggers are set aside and the months are
 * summed once at the end, which is what the triggers would have written (the demo tests
 * compare both tables with a from-scratch rebuild). Inside the load's transaction, so a
 * cancelled run puts the triggers back too.
 */
function suspendMonthlyRollup(sqlite: BetterSqlite3.Database): { resume(): void } {
  const triggers = sqlite
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pnl_daily'",
    )
    .all() as { name: string; sql: string }[];
  const hasMonthly = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pnl_monthly'")
    .get();
  if (!hasMonthly || triggers.length === 0) return { resume() {} };
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  return {
    resume() {
      sqlite.exec(`INSERT INTO pnl_monthly (dim, month, key, revenue, cogs, fees, commissions, other_income, orders)
        SELECT dim, substr(day, 1, 7), key, sum(revenue), sum(cogs), sum(fees), sum(commissions),
               sum(other_income), sum(orders)
          FROM pnl_daily GROUP BY dim, substr(day, 1, 7), key`);
      for (const t of triggers) sqlite.exec(t.sql);
    },
  };
}

/**
 * commission_daily (migration 5) is kept by triggers on every commission entry and on every
 * completed order (which look the order's entries up by an index the load has dropped). As
 * with pnl_monthly, the triggers are set aside during the load and the rollup is summed once
 * from the ledger at the end, with the migration's own SELECT (the demo tests compare it with
 * a recomputation); inside the load's transaction, so a cancelled run puts them back too.
 */
function suspendCommissionRollup(sqlite: BetterSqlite3.Database): { resume(): void } {
  const triggers = sqlite
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'commission\\_daily\\_%' ESCAPE '\\'",
    )
    .all() as { name: string; sql: string }[];
  if (triggers.length === 0) return { resume() {} };
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  return {
    resume() {
      sqlite.exec(
        `INSERT INTO commission_daily (agent_id, accrued_on, level, completed_on, amount) ${COMMISSION_DAILY_SELECT_V6}`,
      );
      for (const t of triggers) sqlite.exec(t.sql);
    },
  };
}

/** A regular order's buyer: now and then a recent newcomer, else by buying weight. */
function regularBuyer(w: DemoWorld, r: Random, available: number, recent: number): number {
  return available - recent > 0 && r.chance(0.2)
    ? r.int(recent, available - 1)
    : r.pickCumulative(w.customerWeights, available);
}

/** A group member who has joined by `available` and is not in the 接龙 yet (else anyone). */
function campaignBuyer(w: DemoWorld, r: Random, k: number, available: number): number {
  const c = w.campaigns[k]!;
  const members = w.members[c.group]!;
  // Members are ascending customer indexes: those who had joined are a prefix.
  let n = 0;
  let hi = members.length;
  while (n < hi) {
    const mid = (n + hi) >>> 1;
    if (members[mid]! < available) n = mid + 1;
    else hi = mid;
  }
  for (let attempt = 0; attempt < 4 && n > 0; attempt++) {
    const m = members[r.int(0, n - 1)]!;
    if (!c.joined.has(m)) {
      c.joined.add(m);
      return m;
    }
  }
  return r.pickCumulative(w.customerWeights, Math.max(1, available));
}

/** Units a day per product at the start, from the plan (refined by real sales afterwards). */
function expectedDemand(w: DemoWorld): Float64Array {
  const perDay = w.plan.orders / TRADING_DAYS;
  const weights = w.productWeightsFor(w.cal.first);
  const sum = weights[weights.length - 1]!;
  const out = new Float64Array(w.products.length);
  for (let p = 0; p < out.length; p++) {
    const share = (weights[p]! - (p > 0 ? weights[p - 1]! : 0)) / sum;
    out[p] = perDay * 1.9 * 1.45 * share;
  }
  return out;
}
