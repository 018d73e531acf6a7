// The sync methods of the contract through the core host, as the UI calls them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHost, type Host, type HostEvent } from '../../../core/host/host';
import { startServer, type SimServer } from '../../sim/harness';

describe('sync through the core host', () => {
  let server: SimServer;
  let host: Host;
  let dir: string;
  const events: HostEvent[] = [];
  beforeAll(async () => {
    server = await startServer('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'qd-host-sync-'));
    host = openHost({ storeFile: join(dir, 'store.sqlite') });
    host.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await host.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, input: unknown = {}) => {
    const { result } = await host.handle({ id: method, method, input });
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value as Record<string, unknown>;
  };

  it('signs up, syncs, reports status and an empty log', async () => {
    expect(await call('sync.status')).toMatchObject({ status: 'signed-out', pending: 0 });
    await call('workspace.init', { name: '小店' });
    await call('customer.create', { name: '张三' });
    expect(await call('sync.status')).toMatchObject({ status: 'signed-out', pending: 2 });
    await call('sync.signIn', {
      serverUrl: server.url,
      email: 'host@example.com',
      password: 'correct horse battery',
      deviceName: '电脑',
      createWorkspace: true,
      workspaceName: '小店',
    });
    expect(await call('sync.now')).toMatchObject({ status: 'up-to-date', pending: 0 });
    expect(await call('sync.status')).toMatchObject({
      status: 'up-to-date',
      email: 'host@example.com',
      role: 'owner',
    });
    expect(await call('sync.log')).toEqual([]);
    const devices = await call('sync.devices');
    expect(JSON.stringify(devices)).toContain('电脑');
    expect(events.some((e) => e.type === 'sync' && e.sync.status === 'up-to-date')).toBe(true);
    const signedOut = await host.handle({ id: 'out', method: 'sync.signOut', input: {} });
    expect(signedOut.result.ok).toBe(true);
    expect(await call('sync.status')).toMatchObject({ status: 'signed-out' });
  });
});
