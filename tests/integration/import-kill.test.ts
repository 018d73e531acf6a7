// Kill -9 during an import, at a small scale: the real `qundesk import orders` (node + tsx, as a
// seller runs it) brings 1,000 order lines into a real SQLite store and is killed with SIGKILL
// as it reports a chosen point of its progress (its stderr lines, not a timer). After each
// kill the store must be intact (PRAGMA integrity_check, store.integrity, figures.verify), the
// import all or nothing, and running it again must apply it exactly once: a second complete
// run changes nothing. The points come from a seeded random: the seed is in the test's name,
// and QUNDESK_KILL_SEED=<seed> replays the same points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';
import { Random } from '../../core/demo/random';

const REPO = resolve(import.meta.dirname, '../..');
const ORDERS = 500;
const LINES = 2 * ORDERS;
const CUSTOMERS = 100;
const PRODUCTS = 40;

const SEED = Number(process.env.QUNDESK_KILL_SEED ?? Math.floor(Date.now() / 1000) % 1_000_000);

/** Where to kill: on the stderr progress line "<phase> orders: <percent>% (...)". */
interface KillPoint {
  phase: 'Checking' | 'Importing';
  percent: number;
}

/** One point while the rows are checked, three while they are written (inside the transaction). */
function killPoints(seed: number): KillPoint[] {
  const random = new Random(seed, 'import-kill');
  const steps = Array.from({ length: 10 }, (_, i) => i * 10);
  return [
    ...random.sample(steps, 1).map((percent): KillPoint => ({ phase: 'Checking', percent })),
    ...random
      .sample(steps, 3)
      .sort((a, b) => a - b)
      .map((percent): KillPoint => ({ phase: 'Importing', percent })),
  ];
}

const POINTS = killPoints(SEED);
const NAMES = POINTS.map((p) => `${p.phase} ${p.percent}%`).join(', ');

let dir: string;
let base: string;
let sheet: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-kill-'));
  base = join(dir, 'base.sqlite');
  const store = openStore(base);
  await createCore({ store }).invoke('workspace.init', { name: '小店', currency: 'CNY' });
  await store.close();
  const rows = [
    [
      '订单号',
      '下单时间',
      '状态',
      '客户',
      '手机',
      '商品编码',
      '商品名称',
      '数量',
      '单价',
      '成本金额',
    ],
  ];
  for (let i = 0; i < ORDERS; i++) {
    const c = i % CUSTOMERS;
    for (let l = 0; l < 2; l++) {
      const p = (i + l) % PRODUCTS;
      rows.push([
        `K${i}`,
        `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`,
        '已完成',
        `客户${c}`,
        `138${String(10_000_000 + c)}`,
        `P${p}`,
        `商品${p}`,
        String(1 + l),
        '12.50',
        '8',
      ]);
    }
  }
  sheet = join(dir, 'orders.csv');
  writeFileSync(sheet, rows.map((r) => r.join(',')).join('\n'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the import in a child and kills it with SIGKILL as it reports `point`. */
function importKilledAt(store: string, point: KillPoint) {
  const { QUNDESK_STORE: _ignored, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ['bin/qundesk.mjs', '--store', store, 'import', 'orders', sheet],
    {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  const seen: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (t: string) => void (stdout += t));
  const lines = createInterface({ input: child.stderr });
  const pattern = new RegExp(`^${point.phase} orders: (\\d+)%`);
  let killed = false;
  lines.on('line', (line) => {
    seen.push(line);
    const m = pattern.exec(line);
    if (!killed && m && Number(m[1]) >= point.percent) {
      killed = child.kill('SIGKILL');
    }
  });
  return new Promise<{
    signal: NodeJS.Signals | null;
    code: number | null;
    stdout: string;
    seen: string[];
  }>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ signal, code, stdout, seen }));
  });
}

function counts(sqlite: ReturnType<typeof openStore>['sqlite']) {
  const n = (table: string) =>
    sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    orders: n('orders'),
    lines: n('order_lines'),
    customers: n('customers'),
    products: n('products'),
    movements: n('stock_movements'),
  };
}

const NOTHING = { orders: 0, lines: 0, customers: 0, products: 0, movements: 0 };

describe(`kill -9 during an order import (seed ${SEED}: QUNDESK_KILL_SEED=${SEED} replays it)`, () => {
  it(`leaves the store intact and the import all or nothing, killed at ${NAMES}`, async () => {
    let full: ReturnType<typeof counts> | null = null;
    const outcomes: string[] = [];
    // The children run side by side, each on its own copy of the store; the checks one by one.
    const runs = await Promise.all(
      POINTS.map((point) => {
        const file = join(dir, `store-${point.phase}-${point.percent}.sqlite`);
        copyFileSync(base, file);
        return importKilledAt(file, point).then((run) => ({ point, file, run }));
      }),
    );
    for (const { point, file, run } of runs) {
      const where = `killed at ${point.phase} ${point.percent}% (seed ${SEED})`;
      expect(run.seen.length, `${where}: the child printed no progress`).toBeGreaterThan(0);

      const store = openStore(file);
      try {
        const core = createCore({ store });
        expect(store.sqlite.pragma('integrity_check', { simple: true }), where).toBe('ok');
        expect((await core.invoke('store.integrity', {})).ok, where).toBe(true);
        expect(await core.invoke('figures.verify', {}), where).toMatchObject({ ok: true });

        const after = counts(store.sqlite);
        const committed = after.orders > 0;
        outcomes.push(
          `${point.phase} ${point.percent}%: ${run.signal ?? `exit ${run.code}`}, ${committed ? 'all' : 'nothing'}`,
        );
        expect([0, ORDERS], `${where}: ${after.orders} orders, neither none nor all`).toContain(
          after.orders,
        );
        if (!committed) expect(after, `${where}: nothing or all`).toEqual(NOTHING);

        // Run again: applied exactly once.
        const first = await core.invoke('import.run', { kind: 'orders', file: sheet });
        expect(first.errors, where).toEqual([]);
        expect(first.inserted + first.skipped, where).toBe(ORDERS);
        expect(first.inserted, where).toBe(committed ? 0 : ORDERS);
        const complete = counts(store.sqlite);
        expect(complete.orders, where).toBe(ORDERS);
        expect(complete.lines, where).toBe(LINES);
        if (committed) expect(after, `${where}: all or nothing`).toEqual(complete);
        if (full) expect(complete, where).toEqual(full);
        full = complete;

        const before = store.sqlite.prepare('SELECT * FROM orders ORDER BY id').all();
        const again = await core.invoke('import.run', { kind: 'orders', file: sheet });
        expect(again, where).toMatchObject({ inserted: 0, skipped: ORDERS, errors: [] });
        expect(counts(store.sqlite), where).toEqual(complete);
        expect(store.sqlite.prepare('SELECT * FROM orders ORDER BY id').all(), where).toEqual(
          before,
        );
        expect(await core.invoke('figures.verify', {}), where).toMatchObject({ ok: true });
      } finally {
        await store.close();
      }
    }
    // At least one kill landed inside the import, before it committed (else nothing was tested).
    expect(
      outcomes.some((o) => o.includes('SIGKILL, nothing')),
      outcomes.join('; '),
    ).toBe(true);
    expect(full).toMatchObject({ customers: CUSTOMERS, products: PRODUCTS });
  });
});
