// Main tells the core host when the network returns. 'electron' is mocked here (vi.mock: no
// Electron binary on the build machines): net.isOnline() is a switch the test flips and
// powerMonitor an EventEmitter the test fires 'resume' on. The watcher's change reaches the
// host through the real HostProcess -> HostService control channel, ending in
// Host.networkChanged; and a real host's sync client, once signed in, syncs at once.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../../core/host/host';
import { HostService, type ParentPortLike, type PortLike } from '../../../electron/host/service';
import { HostProcess, type UtilityProcessLike } from '../../../electron/main/host-process';
import { NetworkWatcher, watchNetwork } from '../../../electron/main/network';
import { until } from './fakes';

const e = vi.hoisted(() => ({ online: true, power: null as unknown as EventEmitter }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  e.power = new Emitter();
  return {
    net: { isOnline: () => e.online },
    powerMonitor: e.power,
  };
});

describe('NetworkWatcher (polls net.isOnline, listens to resume)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    e.online = true;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says nothing at start, then each change once: offline, and back online', () => {
    const seen: boolean[] = [];
    const w = watchNetwork((online) => seen.push(online), { intervalMs: 1000 });
    vi.advanceTimersByTime(3000);
    expect(seen).toEqual([]);
    e.online = false;
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(5000);
    expect(seen).toEqual([false]);
    e.online = true;
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([false, true]);
    w.stop();
  });

  it('after a resume from sleep it tells the host even when nothing seemed to change', () => {
    const seen: boolean[] = [];
    const w = watchNetwork((online) => seen.push(online), { intervalMs: 1000 });
    e.power.emit('resume');
    expect(seen).toEqual([true]);
    e.online = false;
    e.power.emit('resume');
    expect(seen).toEqual([true, false]);
    vi.advanceTimersByTime(5000); // the poll agrees: no repeat
    expect(seen).toEqual([true, false]);
    w.stop();
  });

  it('stop() ends the polling and the resume listener', () => {
    const seen: boolean[] = [];
    const w = watchNetwork((online) => seen.push(online), { intervalMs: 1000 });
    w.stop();
    expect(e.power.listenerCount('resume')).toBe(0);
    e.online = false;
    vi.advanceTimersByTime(5000);
    e.power.emit('resume');
    expect(seen).toEqual([]);
  });

  it('survives isOnline throwing and a notify that throws', () => {
    let throwing = true;
    const logs: string[] = [];
    const seen: boolean[] = [];
    const w = new NetworkWatcher({
      isOnline: () => {
        if (throwing) throw new Error('not ready');
        return false;
      },
      notify: (online) => {
        seen.push(online);
        throw new Error('host gone');
      },
      intervalMs: 1000,
      log: (m) => logs.push(m),
    });
    w.start();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([]);
    throwing = false;
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([false]);
    expect(logs.some((m) => m.includes('not ready'))).toBe(true);
    expect(logs.some((m) => m.includes('host gone'))).toBe(true);
    w.stop();
  });
});

/** A utility process whose child side is a HostService with a given host opener. */
class Utility extends EventEmitter implements UtilityProcessLike {
  readonly service: HostService;
  private readonly parent = new EventEmitter() as EventEmitter & ParentPortLike;
  constructor(openHost: (storeFile: string) => Host) {
    super();
    this.parent.postMessage = (message: unknown) =>
      setImmediate(() => this.emit('message', structuredClone(message)));
    this.service = new HostService(this.parent, { openHost, log: () => undefined });
  }
  postMessage(message: unknown, transfer: unknown[] = []): void {
    setImmediate(() =>
      this.parent.emit('message', {
        data: structuredClone(message),
        ports: transfer as PortLike[],
      }),
    );
  }
  kill(): boolean {
    void this.service.stop();
    return true;
  }
}

describe('main -> core host: network changes', () => {
  it('reach Host.networkChanged through the control channel (and a closed store ignores them)', async () => {
    const calls: boolean[] = [];
    const fakeHost = {
      storeFile: 'x',
      networkChanged: (online: boolean) => calls.push(online),
      subscribe: () => () => undefined,
      close: async () => undefined,
    } as unknown as Host;
    const child = new Utility(() => fakeHost);
    const hp = new HostProcess({
      storeFile: 'x',
      fork: () => child,
      log: { info: () => undefined, error: () => undefined },
    });
    await hp.start();
    hp.networkChanged(false);
    hp.networkChanged(true);
    await until(() => calls.length === 2);
    expect(calls).toEqual([false, true]);

    await hp.closeStore();
    hp.networkChanged(true); // no host open (a restore): dropped, nothing breaks
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([false, true]);
    await hp.stop();
  });

  it("a malformed network message is ignored (the host side validates main's messages)", async () => {
    const calls: unknown[] = [];
    const fakeHost = {
      networkChanged: (online: unknown) => calls.push(online),
      subscribe: () => () => undefined,
      close: async () => undefined,
    } as unknown as Host;
    const child = new Utility(() => fakeHost);
    const hp = new HostProcess({
      storeFile: 'x',
      fork: () => child,
      log: { info: () => undefined, error: () => undefined },
    });
    await hp.start();
    child.postMessage({ type: 'network', online: 'yes' });
    hp.networkChanged(true);
    await until(() => calls.length === 1);
    expect(calls).toEqual([true]);
    await hp.stop();
  });

  it('a real, signed-in host goes offline, and syncs at once when told the network is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qd-network-'));
    const { startServer } = await import('../../sim/harness');
    const { openHost } = await import('../../../core/host/host');
    const server = await startServer('sqlite');
    const host = openHost({ storeFile: join(dir, 'store.sqlite') });
    try {
      const events: string[] = [];
      host.subscribe((ev) => {
        if (ev.type === 'sync') events.push(ev.sync.status);
      });
      const call = async (method: string, input: unknown) => {
        const { result } = await host.handle({ id: method, method, input });
        if (!result.ok) throw new Error(result.error.message);
        return result.value;
      };
      await call('workspace.init', { name: '小店' });
      await call('sync.signIn', {
        serverUrl: server.url,
        email: 'net@example.com',
        password: 'correct horse battery',
        deviceName: 'desk',
        createWorkspace: true,
        workspaceName: '小店',
      });
      await until(() => events.includes('up-to-date'), 30_000);
      host.networkChanged(false);
      await until(() => events.at(-1) === 'offline');
      events.length = 0;
      host.networkChanged(true);
      await until(() => events.includes('up-to-date'), 30_000);
      expect(events[0]).toBe('syncing');
    } finally {
      await host.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
