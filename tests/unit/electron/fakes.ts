// Fakes for the desktop shell's tests: message ports and a utility process wired to a real
// HostService in this process, so main's HostProcess talks to the real core host code.
import { EventEmitter } from 'node:events';
import { HostService, type ParentPortLike, type PortLike } from '../../../electron/host/service';
import type { UtilityProcessLike } from '../../../electron/main/host-process';

/** One end of a fake MessageChannelMain. */
export class FakePort extends EventEmitter implements PortLike {
  other: FakePort | null = null;
  closed = false;
  readonly sent: unknown[] = [];
  postMessage(message: unknown): void {
    this.sent.push(message);
    const other = this.other;
    if (other && !other.closed)
      setImmediate(() => other.emit('message', { data: structuredClone(message) }));
  }
  start(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
    this.other?.close();
  }
}

export function fakeChannel(): { port1: FakePort; port2: FakePort } {
  const port1 = new FakePort();
  const port2 = new FakePort();
  port1.other = port2;
  port2.other = port1;
  return { port1, port2 };
}

/** A utility process whose "child side" is a HostService running in this process. */
export class InProcessUtility extends EventEmitter implements UtilityProcessLike {
  readonly service: HostService;
  private readonly parent: EventEmitter & ParentPortLike;
  killed = false;

  constructor() {
    super();
    const parent = new EventEmitter() as EventEmitter & ParentPortLike;
    parent.postMessage = (message: unknown) => {
      setImmediate(() => this.emit('message', structuredClone(message)));
    };
    this.parent = parent;
    this.service = new HostService(parent, { log: () => undefined });
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
    this.killed = true;
    void this.service.stop();
    return true;
  }

  /** Simulates a crash. */
  crash(code = 1): void {
    void this.service.stop();
    this.emit('exit', code);
  }
}

/** Resolves when `predicate` holds (polls the event loop). */
export async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
