// `npm run bench`: builds (or reuses, in .bench/) a demo business through 'demo.generate',
// then measures the core against raw better-sqlite3 on the same data in the same run.
// stdout: one JSON object per line per measure (see report.ts); stderr: progress.
//
// Environment (to shrink it for a quick check):
//   QUNDESK_BENCH_ORDERS     orders in the demo store (default 1000000)
//   QUNDESK_BENCH_CUSTOMERS  customers (default orders / 5)
//   QUNDESK_BENCH_SEED       demo seed (default 1)
//   QUNDESK_BENCH_SAMPLES    samples per query measure (default 30, at least 30 is advised)
//   QUNDESK_BENCH_DIR        where stores are kept (default .bench)
//   QUNDESK_BENCH_UI=0       skip the browser-mode measures (tests/bench/ui.ts)
//   QUNDESK_BENCH_SYNC=0     skip the sync measures (tests/bench/sync.ts)
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoStore, type DemoStoreSpec } from './demo-store';
import {
  measureDashboard,
  measureGeneration,
  measureMemory,
  measureSearch,
  openCore,
} from './measures';
import { measurePaidOrder, measureTopAgentStatement } from './commissions';
import { log } from './report';
import { benchUi } from './ui';
import { measureSync, syncBenchOptions } from './sync';

const env = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0`);
  return n;
};

const orders = env('QUNDESK_BENCH_ORDERS', 1_000_000);
const spec: DemoStoreSpec = {
  orders,
  customers: env('QUNDESK_BENCH_CUSTOMERS', Math.max(1, Math.round(orders / 5))),
  seed: env('QUNDESK_BENCH_SEED', 1),
  // Fixed, so a cached store stays valid from day to day.
  endDay: '2026-03-15',
};
const samples = env('QUNDESK_BENCH_SAMPLES', 30);
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const dir = process.env.QUNDESK_BENCH_DIR || join(root, '.bench');

const { file, generated } = await demoStore(dir, spec);
await measureGeneration(spec, generated);

const { core, close } = openCore(file);
const raw = new Database(file, { readonly: true });
try {
  log('dashboard');
  await measureDashboard(core, raw, spec.endDay, samples);
  log('customer search');
  await measureSearch(core, raw, samples);
  log('commission statement of the top agent');
  await measureTopAgentStatement(core, raw, spec.endDay, samples);
} finally {
  raw.close();
  await close();
}
log('paid order with three beneficiaries');
await measurePaidOrder(Math.max(samples, 200));
log('memory');
measureMemory(file, spec.endDay, samples);
if (process.env.QUNDESK_BENCH_UI !== '0') {
  log('browser mode (QUNDESK_BENCH_UI=0 skips it)');
  for (const line of await benchUi(file)) process.stdout.write(`${JSON.stringify(line)}\n`);
}
if (process.env.QUNDESK_BENCH_SYNC !== '0') {
  log('sync on loopback (QUNDESK_BENCH_SYNC=0 skips it; knobs in tests/bench/sync.ts)');
  await measureSync(syncBenchOptions());
}
log('done');
