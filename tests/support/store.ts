// Test support: a fresh store in a real SQLite file per test, and a core over it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../db/store';
import { createCore, type Core } from '../../core/api/dispatcher';
import type { Clock } from '../../core/api/context';

export interface TestBusiness {
  core: Core;
  store: Store;
  dir: string;
  file: string;
  /** Snapshot of every table's rows, to assert a failed call changed nothing. */
  snapshot(): Record<string, unknown[]>;
  close(): Promise<void>;
}

/** A fixed clock that tests can move forward. */
export function testClock(start = '2026-03-15T10:00:00+08:00'): Clock & { set(iso: string): void } {
  let t = new Date(start);
  return {
    now: () => new Date(t),
    set(iso: string) {
      t = new Date(iso);
    },
  };
}

/**
 * A new business in a fresh store. Its days are counted in Asia/Shanghai (the business's time
 * zone setting) whatever zone the tests run in, as for a seller in China on any machine; pass
 * timeZone: null to follow the machine's zone.
 */
export async function newBusiness(
  options: { clock?: Clock; init?: boolean; currency?: string; timeZone?: string | null } = {},
): Promise<TestBusiness> {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-test-'));
  const file = join(dir, 'store.sqlite');
  const store = openStore(file);
  const core = createCore({ store, clock: options.clock ?? testClock() });
  if (options.init !== false) {
    const timeZone = options.timeZone === undefined ? 'Asia/Shanghai' : options.timeZone;
    await core.invoke('workspace.init', {
      name: '测试小店',
      currency: options.currency ?? 'CNY',
      ...(timeZone === null ? {} : { timeZone }),
    });
  }
  return {
    core,
    store,
    dir,
    file,
    snapshot() {
      const tables = store.sqlite
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'customer_search_%' ORDER BY name",
        )
        .pluck()
        .all() as string[];
      return Object.fromEntries(
        tables.map((t) => [t, store.sqlite.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()]),
      );
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
