// The core host runs the sync client: signed out it stays quiet (no status events, no network);
// signed in it syncs after a change by itself and reports each status as a 'sync' host event;
// close() stops it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHost, type Host, type HostEvent } from '../../core/host/host';
import type { SyncStatusEvent } from '../../core/sync/client';
import { startServer, type SimServer } from '../sim/harness';

let n = 0;
async function call<T>(host: Host, method: string, input: unknown): Promise<T> {
  const { result } = await host.handle({ id: `r${n++}`, method, input });
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

function until<T>(
  host: Host,
  pick: (e: HostEvent) => T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      off();
      fail(new Error('no such host event'));
    }, timeoutMs);
    const off = host.subscribe((e) => {
      const v = pick(e);
      if (v === undefined) return;
      clearTimeout(timer);
      off();
      ok(v);
    });
  });
}

describe('the core host and the sync client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qd-host-sync-'));
  let server: SimServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signed out: local only, no sync events, close is clean', async () => {
    const host = openHost({ storeFile: join(dir, 'local.sqlite') });
    const events: HostEvent[] = [];
    host.subscribe((e) => events.push(e));
    await call(host, 'workspace.init', { name: '本地小店' });
    await call(host, 'customer.create', { name: '张三' });
    await new Promise((r) => setTimeout(r, 2000)); // past the change debounce
    expect(events.filter((e) => e.type === 'sync')).toEqual([]);
    const s = await call<{ status: string; pending: number }>(host, 'sync.status', {});
    expect(s.status).toBe('signed-out');
    await host.close();
  });

  it('signed in: a change is pushed by itself and reported as sync events', async () => {
    const host = openHost({ storeFile: join(dir, 'owner.sqlite') });
    const statuses: SyncStatusEvent[] = [];
    host.subscribe((e) => {
      if (e.type === 'sync') statuses.push(e.sync);
    });
    await call(host, 'workspace.init', { name: '小店' });
    const firstSync = until(host, (e) =>
      e.type === 'sync' && e.sync.status === 'up-to-date' ? e.sync : undefined,
    );
    await call(host, 'sync.signIn', {
      serverUrl: server.url,
      email: 'host@example.com',
      password: 'correct horse battery',
      deviceName: 'host',
      createWorkspace: true,
      workspaceName: '小店',
    });
    expect((await firstSync).pending).toBe(0);

    const pushed = until(host, (e) =>
      e.type === 'sync' && e.sync.status === 'up-to-date' ? e.sync : undefined,
    );
    await call(host, 'customer.create', { name: '李四' });
    const after = await pushed;
    expect(after.pending).toBe(0);
    expect(after.lastSyncedAt).not.toBeNull();
    expect(statuses.map((s) => s.status)).toContain('syncing');

    await host.close();
    // Closed: nothing more is reported.
    const count = statuses.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(statuses.length).toBe(count);
  });
});
