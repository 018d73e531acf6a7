// Main's side of the core host utility process: starts it, opens the store in it, asks it
// to close/validate/open stores (restore) or run a call (backup from the menu), hands it one
// MessagePort per window, and restarts it if it dies. The fork function comes in by
// injection (utilityProcess.fork in the app, a fake in tests).
import type { CallResult } from '../../core/api/dispatcher';
import type { ControlReply, ControlRequest, NetworkMessage } from '../shared/messages';

export interface UtilityProcessLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface HostProcessOptions {
  fork: () => UtilityProcessLike;
  storeFile: string;
  log: { info(message: string): void; error(message: string): void };
  /** Called after an unexpected exit and restart: windows need a new port. */
  onRestart?: () => void;
  /** Restarts allowed within a minute before giving up. */
  maxRestarts?: number;
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type ControlOp =
  | { type: 'open'; storeFile: string }
  | { type: 'close' }
  | { type: 'validate'; file: string }
  | { type: 'call'; method: string; input: unknown };

export class HostProcess {
  private child: UtilityProcessLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopping = false;
  private restarts: number[] = [];
  private storeFile: string;

  constructor(private readonly options: HostProcessOptions) {
    this.storeFile = options.storeFile;
  }

  /** Forks the utility process and opens the store in it. */
  async start(): Promise<void> {
    this.stopping = false;
    const child = this.options.fork();
    this.child = child;
    child.on('message', (message) => this.onMessage(message));
    child.on('exit', (code) => this.onExit(child, code));
    await this.request({ type: 'open', storeFile: this.storeFile });
  }

  private onMessage(message: unknown): void {
    const reply = message as ControlReply | null;
    if (!reply || reply.type !== 'reply' || typeof reply.requestId !== 'number') return;
    const waiting = this.pending.get(reply.requestId);
    if (!waiting) return;
    this.pending.delete(reply.requestId);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(new Error(reply.message));
  }

  private onExit(child: UtilityProcessLike, code: number): void {
    if (this.child !== child) return;
    this.child = null;
    for (const p of this.pending.values()) p.reject(new Error(`The core host exited (${code}).`));
    this.pending.clear();
    if (this.stopping) return;
    this.options.log.error(`core host exited unexpectedly (code ${code})`);
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    if (this.restarts.length >= (this.options.maxRestarts ?? 3)) {
      this.options.log.error('core host keeps exiting; not restarting it again');
      return;
    }
    this.restarts.push(now);
    this.start().then(
      () => this.options.onRestart?.(),
      (err: unknown) => this.options.log.error(`core host restart failed: ${String(err)}`),
    );
  }

  private request(op: ControlOp): Promise<unknown> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('The core host is not running.'));
    const requestId = this.nextId++;
    const message = { ...op, requestId } as ControlRequest;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      child.postMessage(message);
    });
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Hands a renderer's port to the host (one MessageChannelMain end). */
  connect(port: unknown): void {
    this.child?.postMessage({ type: 'connect' }, [port]);
  }

  /** The OS says the network came back (or went away): the host's sync client acts on it. */
  networkChanged(online: boolean): void {
    const message: NetworkMessage = { type: 'network', online };
    this.child?.postMessage(message);
  }

  /** A contract call from main itself (e.g. store.backup from the File menu). */
  async call(method: string, input: unknown): Promise<CallResult> {
    return (await this.request({ type: 'call', method, input })) as CallResult;
  }

  validate(file: string): Promise<unknown> {
    return this.request({ type: 'validate', file });
  }

  async closeStore(): Promise<void> {
    await this.request({ type: 'close' });
  }

  async openStore(storeFile = this.storeFile): Promise<void> {
    await this.request({ type: 'open', storeFile });
    this.storeFile = storeFile;
  }

  /** Closes the store cleanly, then ends the process. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    try {
      await Promise.race([this.closeStore(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    } catch (err) {
      this.options.log.error(`core host did not close cleanly: ${String(err)}`);
    }
    child.kill();
    this.child = null;
  }
}
