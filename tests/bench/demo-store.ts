// The benchmark's demo store: built once through 'demo.generate' and kept in .bench/ (git
// ignores it), keyed by everything that changes its content, so a stale store is never reused.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import { LATEST_VERSION } from '../../db/migrations';
import { createCore } from '../../core/api/dispatcher';
import { DEMO_GENERATOR_VERSION } from '../../core/demo/version';
import { log } from './report';

export interface DemoStoreSpec {
  orders: number;
  customers: number;
  seed: number;
  endDay: string;
}

export interface Generated {
  ordersPerSecond: number;
  seconds: number;
}

const removeStore = (file: string) => {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`])
    rmSync(f, { force: true });
};

/** Generates a demo business into a new store file through the core. */
export async function generateStore(file: string, spec: DemoStoreSpec): Promise<Generated> {
  removeStore(file);
  const store = openStore(file);
  try {
    const core = createCore({ store });
    await core.invoke('workspace.init', { name: '基准测试小店' });
    let lastLog = 0;
    const out = await core.invoke(
      'demo.generate',
      { seed: spec.seed, orders: spec.orders, customers: spec.customers, endDay: spec.endDay },
      {
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastLog > 5000) {
            lastLog = now;
            log(`${p.label} ${p.done}/${p.total}`);
          }
        },
      },
    );
    return { ordersPerSecond: out.ordersPerSecond, seconds: out.seconds };
  } finally {
    await store.close();
  }
}

/** The cached store for `spec`, building it when missing; `generated` is set when built now. */
export async function demoStore(
  dir: string,
  spec: DemoStoreSpec,
): Promise<{ file: string; generated: Generated | null }> {
  mkdirSync(dir, { recursive: true });
  const key = `demo-o${spec.orders}-c${spec.customers}-s${spec.seed}-e${spec.endDay}-v${LATEST_VERSION}-g${DEMO_GENERATOR_VERSION}`;
  const file = join(dir, `${key}.sqlite`);
  if (existsSync(file)) {
    log(`reusing ${file}`);
    return { file, generated: null };
  }
  // Built under another name and renamed when complete: a killed run never leaves a store
  // that looks finished.
  const building = `${file}.building`;
  log(`generating ${spec.orders} orders into ${building}`);
  const generated = await generateStore(building, spec);
  const check = new Database(building);
  check.pragma('wal_checkpoint(TRUNCATE)');
  check.close();
  removeStore(file);
  renameSync(building, file);
  removeStore(building);
  log(`generated in ${generated.seconds} s (${generated.ordersPerSecond} orders/s)`);
  return { file, generated };
}

export { removeStore };
