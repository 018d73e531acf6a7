// window.qundesk as the preload builds it, with a fake transport in place of ipcRenderer and
// the MessagePort: exactly the QundeskBridge shape, named functions only, calls queued until
// the port arrives, nothing left hanging when the port is replaced.
import { describe, expect, it, vi } from 'vitest';
import type { BridgeEvent, QundeskBridge } from '../../../core/host/bridge';
import {
  createBridge,
  type BridgePort,
  type BridgeTransport,
} from '../../../electron/preload/bridge';
import { IPC } from '../../../electron/shared/messages';

class FakeRendererPort implements BridgePort {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  sent: unknown[] = [];
  closed = false;
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }
}

function setUp() {
  let givePort: (port: BridgePort) => void = () => undefined;
  let giveUpdate: (state: unknown) => void = () => undefined;
  const invoke = vi.fn(async (_channel: string, _payload?: unknown): Promise<unknown> => null);
  const transport: BridgeTransport = {
    invoke,
    onPort: (l) => (givePort = l),
    onUpdate: (l) => (giveUpdate = l),
  };
  const bridge = createBridge(transport);
  return {
    bridge,
    invoke,
    givePort: (p: BridgePort) => givePort(p),
    giveUpdate: (s: unknown) => giveUpdate(s),
  };
}

describe('the preload bridge', () => {
  it('has exactly the QundeskBridge shape, functions only, frozen', () => {
    const { bridge } = setUp();
    const shape: Record<keyof QundeskBridge, true> = {
      call: true,
      cancel: true,
      onEvent: true,
      appInfo: true,
      chooseFile: true,
      openExternal: true,
      updates: true,
    };
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(shape).sort());
    expect(Object.keys(bridge.updates).sort()).toEqual([
      'check',
      'download',
      'install',
      'setFeedUrl',
    ]);
    for (const [key, value] of Object.entries(bridge)) {
      if (key !== 'updates') expect(typeof value, key).toBe('function');
    }
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.updates)).toBe(true);
  });

  it('queues calls until the port arrives, then resolves each by id', async () => {
    const { bridge, givePort } = setUp();
    const first = bridge.call({ id: 'a', method: 'workspace.get', input: {} });
    bridge.cancel('a');
    const port = new FakeRendererPort();
    givePort(port);
    expect(port.sent).toEqual([
      { type: 'call', request: { id: 'a', method: 'workspace.get', input: {} } },
      { type: 'cancel', id: 'a' },
    ]);
    port.deliver({ type: 'response', response: { id: 'a', result: { ok: true, value: 1 } } });
    await expect(first).resolves.toEqual({ id: 'a', result: { ok: true, value: 1 } });
  });

  it('sends only {id, method, input} for a call', () => {
    const { bridge, givePort } = setUp();
    const port = new FakeRendererPort();
    givePort(port);
    void bridge.call({ id: 'x', method: 'm', input: 1, role: 'owner' } as never);
    expect(port.sent).toEqual([{ type: 'call', request: { id: 'x', method: 'm', input: 1 } }]);
  });

  it('settles calls left on a replaced port instead of hanging', async () => {
    const { bridge, givePort } = setUp();
    const old = new FakeRendererPort();
    givePort(old);
    const lost = bridge.call({ id: 'l', method: 'm', input: null });
    givePort(new FakeRendererPort());
    const r = await lost;
    expect(r.result.ok).toBe(false);
    expect(old.closed).toBe(true);
  });

  it('passes host events and update states to listeners until they unsubscribe', () => {
    const { bridge, givePort, giveUpdate } = setUp();
    const port = new FakeRendererPort();
    givePort(port);
    const events: BridgeEvent[] = [];
    const off = bridge.onEvent((e) => events.push(e));
    port.deliver({ type: 'event', event: { type: 'changed', method: 'order.record' } });
    giveUpdate({ state: 'available', version: '1.1.0' });
    giveUpdate('junk');
    port.deliver({ type: 'nonsense' });
    off();
    port.deliver({ type: 'event', event: { type: 'changed', method: 'x' } });
    expect(events).toEqual([
      { type: 'changed', method: 'order.record' },
      { type: 'update', update: { state: 'available', version: '1.1.0' } },
    ]);
  });

  it('replays the latest update state to a listener that subscribes later', async () => {
    const { bridge, giveUpdate } = setUp();
    giveUpdate({ state: 'disabled', reason: 'Updates are off in development builds.' });
    const events: BridgeEvent[] = [];
    bridge.onEvent((e) => events.push(e));
    await Promise.resolve();
    expect(events).toEqual([
      {
        type: 'update',
        update: { state: 'disabled', reason: 'Updates are off in development builds.' },
      },
    ]);
  });

  it('sends the other functions to main on their channels', async () => {
    const { bridge, invoke } = setUp();
    invoke.mockResolvedValueOnce('/tmp/x.csv');
    await expect(bridge.chooseFile({ mode: 'save', defaultName: 'x.csv' })).resolves.toBe(
      '/tmp/x.csv',
    );
    await bridge.openExternal('https://example.com');
    await bridge.appInfo();
    await bridge.updates.check();
    await bridge.updates.download();
    await bridge.updates.install();
    await bridge.updates.setFeedUrl('https://mirror.example/q');
    expect(invoke.mock.calls).toEqual([
      [IPC.chooseFile, { mode: 'save', defaultName: 'x.csv' }],
      [IPC.openExternal, 'https://example.com'],
      [IPC.appInfo],
      [IPC.updatesCheck],
      [IPC.updatesDownload],
      [IPC.updatesInstall],
      [IPC.updatesSetFeedUrl, 'https://mirror.example/q'],
    ]);
  });
});
