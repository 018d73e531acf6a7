// A device for the sync benches: its own store file, a core that records mutations in the
// outbox (as the app's core host does), and the real SyncClient, whose fetch is wrapped to
// time each request (server and loopback time, body included) apart from the device's work.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../db/store';
import { createCore, type Core } from '../../core/api/dispatcher';
import { systemClock } from '../../core/api/context';
import { createRecorder, deviceActor } from '../../core/sync/device';
import { SyncClient } from '../../core/sync/client';

export interface RequestTiming {
  path: string;
  start: number;
  end: number;
  bytes: number;
}

export class BenchDevice {
  readonly dir: string;
  readonly store: Store;
  readonly client: SyncClient;
  core: Core;
  /** Every request the client made, in order (cleared by the caller between phases). */
  requests: RequestTiming[] = [];
  /** Requests that met a reset connection (the client sends a push or pull again). */
  retries = 0;

  /** `from`: a store file to start from (copied), e.g. a demo business; else a new store. */
  constructor(
    name: string,
    options: {
      pullLimit?: number;
      from?: string;
      snapshots?: boolean;
      compressedSnapshots?: boolean;
    } = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `qd-bench-${name}-`));
    if (options.from) copyFileSync(options.from, join(this.dir, 'store.sqlite'));
    this.store = openStore(join(this.dir, 'store.sqlite'));
    this.client = new SyncClient({
      store: this.store,
      auto: false,
      ...(options.pullLimit ? { pullLimit: options.pullLimit } : {}),
      ...(options.snapshots === false ? { snapshots: false } : {}),
      ...(options.compressedSnapshots === false ? { compressedSnapshots: false } : {}),
      fetch: async (url, init) => {
        const start = performance.now();
        let res: Response;
        try {
          res = await fetch(url, init);
        } catch (err) {
          // A keep-alive socket the server closed while this process was busy recording (both
          // ends share one event loop here) is reset on reuse: the client sends a push or pull
          // again at once (core/sync/client.ts). Counted and logged here.
          const cause = (err as { cause?: { code?: string; message?: string } }).cause;
          process.stderr.write(
            `[bench] ${new URL(url).pathname} failed after ${Math.round(performance.now() - start)} ms (${cause?.code ?? ''} ${cause?.message ?? String(err)})\n`,
          );
          if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') this.retries += 1;
          throw err;
        }
        const path = new URL(url).pathname;
        if (path === '/v1/sync/snapshot') {
          // A store file, streamed to disk by the client: timed to its headers only (the
          // measure's own clock holds the whole download).
          this.requests.push({
            path,
            start,
            end: performance.now(),
            bytes: Number(res.headers.get('content-length') ?? 0),
          });
          return res;
        }
        // Read the body here so the figure holds the whole answer; the client reads it again.
        const text = await res.text();
        const end = performance.now();
        this.requests.push({ path, start, end, bytes: text.length });
        return new Response(text, { status: res.status, headers: res.headers });
      },
    });
    this.core = this.makeCore();
  }

  /** The core acts as whoever the device signed in as. */
  makeCore(): Core {
    return createCore({
      store: this.store,
      clock: systemClock,
      actor: deviceActor(this.store.sqlite),
      recorder: createRecorder(this.store, systemClock),
    });
  }

  async dispose(): Promise<void> {
    await this.client.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sums the time spent waiting on requests of a path (ms) and counts them. */
export function requestTotals(
  requests: readonly RequestTiming[],
  path: string,
): { count: number; ms: number; bytes: number; lastEnd: number } {
  let count = 0;
  let ms = 0;
  let bytes = 0;
  let lastEnd = 0;
  for (const r of requests) {
    if (r.path !== path) continue;
    count += 1;
    ms += r.end - r.start;
    bytes += r.bytes;
    lastEnd = Math.max(lastEnd, r.end);
  }
  return { count, ms, bytes, lastEnd };
}

/** Catalog, plan and agents made on the owner device and synced before it goes offline. */
export async function seedBusiness(device: BenchDevice) {
  const core = device.core;
  await core.invoke('workspace.init', { name: '基准测试小店' });
  await core.invoke('plan.create', {
    name: '标准',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates: [1000, 300, 100],
  });
  const a1 = await core.invoke('agent.create', { name: '总代一', tier: 'general' });
  const a2 = await core.invoke('agent.create', { name: '一级二', tier: 'level1', uplineId: a1.id });
  const a3 = await core.invoke('agent.create', { name: '二级三', tier: 'level2', uplineId: a2.id });
  const products: string[] = [];
  for (let i = 0; i < 10; i++) {
    const p = await core.invoke('product.create', {
      sku: `B-${i}`,
      name: `商品${i}`,
      retailPrice: (i + 5) * 100,
    });
    await core.invoke('purchase.record', {
      lines: [{ productId: p.id, quantity: 1_000_000, unitCost: 300 }],
    });
    products.push(p.id);
  }
  const customers: string[] = [];
  for (let i = 0; i < 20; i++)
    customers.push((await core.invoke('customer.create', { name: `老顾客${i}` })).id);
  return { agents: [null, a1.id, a2.id, a3.id], products, customers };
}
