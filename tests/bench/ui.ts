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

/** The dashboard's charts that draw from the headline calls, and the deferred one. */
const HEADLINE_CHARTS = ['trend', 'fees', 'top-products', 'top-groups'];
const DEFERRED_CHART = 'commissions';

const drawn = (page: Page, charts: string[], timeout: number) =>
  page.waitForFunction(
    (ids) =>
      !!document.querySelector('[data-testid="dashboard"][data-ready="true"]') &&
      ids.every(
        (id) =>
          !!document.querySelector(
            `[data-chart="${id}"] svg.recharts-surface[role="application"] .recharts-layer`,
          ),
      ),
    charts,
    { timeout, polling: 'raf' },
  );

/**
 * ms from navigation start until the headline charts have drawn their data, and until the
 * commissions-by-level chart has (it waits for commission.report, asked after the rest).
 */
async function dashboardOnce(page: Page, url: string, range: { from: string; to: string }) {
  await page.goto('about:blank');
  await page.goto(`${url}#/dashboard?from=${range.from}&to=${range.to}`, { timeout: 300_000 });
  await drawn(page, HEADLINE_CHARTS, 120_000);
  const headline = await page.evaluate(() => performance.now());
  // Wait for the deferred call too, so the next run does not queue behind it in the host.
  await drawn(page, [DEFERRED_CHART], 300_000);
  const all = await page.evaluate(() => performance.now());
  return { headline, all };
}

async function measureDashboardUi(page: Page, url: string): Promise<Line[]> {
  const range = dashboardRange(END_DAY);
  const target = '<= 1500';
  try {
    // Warm both sides once (first open of the store, JIT, chunk cache).
    await timedCall(url, 'figures.dashboard', range);
    await dashboardOnce(page, url, range);
    const headline: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await dashboardOnce(page, url, range);
      headline.push(r.headline);
      all.push(r.all);
      log(`ui: dashboard run ${i + 1}: ${Math.round(r.headline)} ms (all ${Math.round(r.all)} ms)`);
    }
    const calls: Record<string, number[]> = {
      'figures.dashboard': [],
      'agent.top': [],
      'stock.lowStock': [],
      'commission.report': [],
    };
    for (let i = 0; i < RUNS; i++) {
      calls['figures.dashboard']!.push(await timedCall(url, 'figures.dashboard', range));
      calls['agent.top']!.push(await timedCall(url, 'agent.top', { ...range, limit: 6 }));
      calls['stock.lowStock']!.push(await timedCall(url, 'stock.lowStock', {}));
      // The slow one: measured once.
      if (i === 0)
        calls['commission.report']!.push(await timedCall(url, 'commission.report', range));
    }
    const base = median(calls['figures.dashboard']!);
    const lines: Line[] = [
      line({
        measure: 'ui.dashboard.chartsDrawn.24months',
        unit: 'ms',
        median: median(headline),
        // The page cannot be faster than its headline call.
        baseline: base,
        target,
        n: headline.length,
        charts: HEADLINE_CHARTS.join(','),
      }),
      line({
        measure: 'ui.dashboard.commissionsByLevelDrawn.24months',
        unit: 'ms',
        median: median(all),
        baseline: median(calls['commission.report']!),
        target: 'info (core-bound: commission.report)',
        n: all.length,
      }),
    ];
    // What the page waits on, call by call over HTTP (the host runs one query at a time).
    for (const [method, times] of Object.entries(calls)) {
      lines.push(
        line({
          measure: `ui.dashboard.call.${method}`,
          unit: 'ms',
          median: median(times),
          baseline: base,
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
    // antd's virtual table draws rows as div.ant-table-row; a plain one as tr.
    await table.locator('tr.ant-table-row, .ant-table-row').nth(5).waitFor({ timeout: 120_000 });
    const box = (await table.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 300));
    const counts: number[] = [];
    const visible: number[] = [];
    const sampleRows = () =>
      table.evaluate((el) => {
        const rows = new Set([...el.querySelectorAll('tr, .ant-table-row')]);
        const view = el.getBoundingClientRect();
        let seen = 0;
        for (const r of rows) {
          const b = r.getBoundingClientRect();
          if (b.height > 0 && b.bottom > view.top && b.top < Math.min(view.bottom, innerHeight))
            seen++;
        }
        return { inDom: rows.size, visible: seen };
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
    // The first load opens the store and fills the page cache: not measured. (Settings: the
    // dashboard's default period would start a long commission.report.)
    await page.goto(`${url}#/settings`, { timeout: 300_000 });
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
