// The UI in browser mode on the 1,000,000-order demo store: time from navigation to the
// dashboard's charts drawn, and how many table rows the 200,000-customer list keeps in the DOM
// while it scrolls. Each line carries a baseline from the same run: the raw figures.dashboard
// call over HTTP (what the page cannot go below), and the rows actually visible on screen.
//
//   benchUi(storeFile) → JSON-able lines (the lead wires it into run.ts)
//   node --import tsx tests/bench/ui.ts [STORE]   prints them (default: the newest
//                                                 .bench/demo-o1000000-*.sqlite)
//
// The store is used in place (it is a 4.7 GB cache): the host opens it and the pages only read.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { dashboardRange } from './measures';
import { log, median, type Measure } from './report';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const END_DAY = '2026-03-15';
const RUNS = Number(process.env.QUNDESK_BENCH_UI_RUNS ?? 5);
/** Charts on the dashboard: trend, fees, commissions by level, top products, top groups. */
const CHARTS = 5;

type Line = Measure | (Omit<Measure, 'median' | 'baseline' | 'ratio'> & Record<string, unknown>);

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function line(m: Omit<Measure, 'ratio'> & Record<string, unknown>): Line {
  return {
    ...m,
    median: round(m.median),
    baseline: round(m.baseline),
    ratio: round(m.median / m.baseline, 2),
  };
}

function failed(measure: string, unit: string, target: string, err: unknown): Line {
  return {
    measure,
    unit,
    median: null,
    baseline: null,
    ratio: null,
    target,
    n: 0,
    error: err instanceof Error ? err.message : String(err),
  } as unknown as Line;
}

/** The newest complete 1M-order demo store in .bench/, if any. */
export function newestBenchStore(dir = join(ROOT, '.bench')): string | null {
  const files = readdirSync(dir)
    .filter((f) => /^demo-o1000000-.*\.sqlite$/.test(f))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ?? null;
}

async function startHost(storeFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/qundesk-web.mjs'), '--no-build', '--store', storeFile, '--port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', (l) => ok(l.trim()));
    child.once('exit', (code) => fail(new Error(`web host exited (${code}): ${stderr}`)));
  });
  return { child, url };
}

/** One call over the browser-mode transport, timed (ms). */
async function timedCall(url: string, method: string, input: unknown): Promise<number> {
  const u = new URL(url);
  const t0 = performance.now();
  const res = await fetch(`${u.origin}/api/call`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${u.searchParams.get('token')}`,
    },
    body: JSON.stringify({ id: `bench-${t0}`, method, input }),
  });
  const body = (await res.json()) as { result: { ok: boolean; error?: { message: string } } };
  const ms = performance.now() - t0;
  if (!body.result.ok) throw new Error(`${method}: ${body.result.error?.message}`);
  return ms;
}

/** ms from navigation start until every dashboard chart has drawn its data. */
async function dashboardOnce(page: Page, url: string, range: { from: string; to: string }) {
  await page.goto('about:blank');
  await page.goto(`${url}#/dashboard?from=${range.from}&to=${range.to}`);
  await page.waitForFunction(
    (charts) => {
      const root = document.querySelector('[data-testid="dashboard"][data-ready="true"]');
      if (!root) return false;
      const drawn = root.querySelectorAll(
        '[data-chart] svg.recharts-surface[role="application"] .recharts-layer',
      );
      const surfaces = new Set<Element>();
      for (const layer of drawn) surfaces.add(layer.closest('svg')!);
      return surfaces.size >= charts;
    },
    CHARTS,
    { timeout: 60_000, polling: 'raf' },
  );
  return page.evaluate(() => performance.now());
}

async function measureDashboardUi(page: Page, url: string): Promise<Line[]> {
  const range = dashboardRange(END_DAY);
  const target = '<= 1500';
  try {
    // Warm both sides once (first open of the store, JIT, chunk cache).
    await timedCall(url, 'figures.dashboard', range);
    await dashboardOnce(page, url, range);
    const ui: number[] = [];
    for (let i = 0; i < RUNS; i++) ui.push(await dashboardOnce(page, url, range));
    const calls: Record<string, number[]> = {
      'figures.dashboard': [],
      'commission.report': [],
      'stock.lowStock': [],
    };
    for (let i = 0; i < RUNS; i++) {
      calls['figures.dashboard']!.push(await timedCall(url, 'figures.dashboard', range));
      calls['commission.report']!.push(await timedCall(url, 'commission.report', range));
      calls['stock.lowStock']!.push(await timedCall(url, 'stock.lowStock', {}));
    }
    const lines: Line[] = [
      line({
        measure: 'ui.dashboard.chartsDrawn.24months',
        unit: 'ms',
        median: median(ui),
        // The page cannot be faster than its slowest call; figures.dashboard is the headline one.
        baseline: median(calls['figures.dashboard']!),
        target,
        n: ui.length,
      }),
    ];
    // What the page waits on, call by call (the calls run in parallel from the page, but the
    // host runs them one after another on its single connection).
    for (const [method, times] of Object.entries(calls)) {
      lines.push(
        line({
          measure: `ui.dashboard.call.${method}`,
          unit: 'ms',
          median: median(times),
          baseline: median(calls['figures.dashboard']!),
          target: 'info',
          n: times.length,
        }),
      );
    }
    return lines;
  } catch (err) {
    return [failed('ui.dashboard.chartsDrawn.24months', 'ms', target, err)];
  }
}

async function measureCustomerRows(page: Page, url: string): Promise<Line[]> {
  const target = '< 200';
  try {
    await page.goto('about:blank');
    await page.goto(`${url}#/customers`);
    const table = page.getByTestId('customers-table');
    await table.locator('tbody tr').nth(5).waitFor({ timeout: 60_000 });
    const box = (await table.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 300));
    const counts: number[] = [];
    const visible: number[] = [];
    const sampleRows = () =>
      table.evaluate((el) => {
        const rows = el.querySelectorAll('tr');
        const view = el.getBoundingClientRect();
        let seen = 0;
        for (const r of rows) {
          const b = r.getBoundingClientRect();
          if (b.height > 0 && b.bottom > view.top && b.top < Math.min(view.bottom, innerHeight))
            seen++;
        }
        return { inDom: rows.length, visible: seen };
      });
    // Scroll down through the list in big wheel steps, then jump far with a fast fling.
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, i < 40 ? 800 : 20_000);
      await page.waitForTimeout(30);
      const s = await sampleRows();
      counts.push(s.inDom);
      visible.push(s.visible);
    }
    const max = Math.max(...counts);
    return [
      line({
        measure: 'ui.customers.rowsInDomWhileScrolling',
        unit: 'rows',
        median: max,
        // The rows on screen: what a perfect virtual list would keep.
        baseline: Math.max(1, median(visible)),
        target,
        n: counts.length,
        medianRows: median(counts),
      }),
    ];
  } catch (err) {
    return [failed('ui.customers.rowsInDomWhileScrolling', 'rows', target, err)];
  }
}

export async function benchUi(storeFile: string): Promise<object[]> {
  log(`ui: browser mode on ${storeFile}`);
  const { child, url } = await startHost(storeFile);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
    // The first load opens the store and fills the page cache: not measured.
    await page.goto(url);
    await page.getByTestId('status-bar').waitFor({ timeout: 120_000 });
    log('ui: dashboard');
    const lines = await measureDashboardUi(page, url);
    log('ui: customers list');
    lines.push(...(await measureCustomerRows(page, url)));
    return lines;
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const store = process.argv[2] ?? newestBenchStore();
  if (!store) throw new Error('No .bench/demo-o1000000-*.sqlite: run npm run bench first');
  for (const l of await benchUi(store)) process.stdout.write(`${JSON.stringify(l)}\n`);
}
