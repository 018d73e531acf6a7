// The core host as it runs in the utility process (HostService) and main's side of it
// (HostProcess), joined by in-process fakes of the parent port and MessagePorts, over a real
// store in a temp folder. No 'electron' import is needed: both sides use small interfaces.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostProcess } from '../../../electron/main/host-process';
import type { PortMessage } from '../../../electron/shared/messages';
import { fakeChannel, InProcessUtility, until, type FakePort } from './fakes';

let dir: string;
let children: InProcessUtility[];
let host: HostProcess;
const log = { info: () => undefined, error: () => undefined };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-host-'));
  children = [];
  host = new HostProcess({
    storeFile: join(dir, 'qundesk.sqlite'),
    log,
    fork: () => {
      const child = new InProcessUtility();
      children.push(child);
      return child;
    },
  });
  await host.start();
});

afterEach(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A renderer's end of a port connected to the host, collecting what arrives. */
function connectRenderer(): { port: FakePort; received: PortMessage[] } {
  const { port1, port2 } = fakeChannel();
  host.connect(port1);
  const received: PortMessage[] = [];
  port2.on('message', (e: { data: PortMessage }) => received.push(e.data));
  return { port: port2, received };
}

function responseFor(received: PortMessage[], id: string) {
  const m = received.find((r) => r.type === 'response' && r.response.id === id);
  return m?.type === 'response' ? m.response : undefined;
}

describe('core host in a utility process', () => {
  it('answers {id, method, input} calls over a renderer port and broadcasts changes', async () => {
    const { port, received } = connectRenderer();
    port.postMessage({ type: 'call', request: { id: 'r1', method: 'workspace.init', input: {} } });
    await until(() => responseFor(received, 'r1') !== undefined);
    expect(responseFor(received, 'r1')?.result.ok).toBe(true);
    expect(received).toContainEqual({
      type: 'event',
      event: { type: 'changed', method: 'workspace.init' },
    });

    port.postMessage({ type: 'call', request: { id: 'r2', method: 'no.such', input: {} } });
    await until(() => responseFor(received, 'r2') !== undefined);
    const r2 = responseFor(received, 'r2')!.result;
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.code).toBe('UNKNOWN_METHOD');
  });

  it('ignores malformed port messages and keeps serving', async () => {
    const { port, received } = connectRenderer();
    port.postMessage({ type: 'call', request: { id: 5, method: 'workspace.get' } });
    port.postMessage('not an object');
    port.postMessage({ type: 'call', request: { id: 'ok', method: 'workspace.get', input: {} } });
    await until(() => responseFor(received, 'ok') !== undefined);
    expect(received.filter((m) => m.type === 'response')).toHaveLength(1);
  });

  it('lets main call the contract (backup) and validate, close and reopen stores', async () => {
    const backup = join(dir, 'copy.sqlite');
    const result = await host.call('store.backup', { to: backup });
    expect(result.ok).toBe(true);
    await expect(host.validate(backup)).resolves.toMatchObject({
      schemaVersion: expect.any(Number),
    });
    await expect(host.validate(join(dir, 'missing', 'x.sqlite'))).rejects.toThrow();

    await host.closeStore();
    const closed = await host.call('workspace.get', {});
    expect(closed.ok).toBe(false);
    if (!closed.ok) expect(closed.error.code).toBe('INVALID_STATE');
    await host.openStore();
    expect((await host.call('workspace.get', {})).ok).toBe(true);
  });

  it('restarts the utility process after a crash and tells the windows to reconnect', async () => {
    let restarted = 0;
    const crashing = new HostProcess({
      storeFile: join(dir, 'crash.sqlite'),
      log,
      fork: () => {
        const child = new InProcessUtility();
        children.push(child);
        return child;
      },
      onRestart: () => restarted++,
    });
    await crashing.start();
    children.at(-1)!.crash();
    await until(() => restarted === 1);
    expect((await crashing.call('workspace.get', {})).ok).toBe(true);
    await crashing.stop();
  });

  it('stops cleanly: closes the store, then ends the process', async () => {
    await host.stop();
    expect(children[0]!.killed).toBe(true);
    expect(host.running).toBe(false);
    await expect(host.call('workspace.get', {})).rejects.toThrow(/not running/);
  });
});
