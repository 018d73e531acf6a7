// The core host as a service in the utility process: main sends control requests over the
// parent port (open, close, validate, call; network changes, unanswered) and hands over one MessagePort per renderer
// connection; each port carries {id, method, input} calls and cancels, and receives responses
// and host events. Written against small interfaces (no 'electron') so tests drive it with
// fake ports and a real store.
import Database from 'better-sqlite3';
import { z } from 'zod';
import { openHost, type Host, type HostEvent } from '../../core/host/host';
import { checkIntegrity, openStore, type Store } from '../../db/store';
import type { ControlReply, PortMessage } from '../shared/messages';

/** What the service needs from a MessagePortMain. */
export interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** What the service needs from process.parentPort. */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface HostServiceOptions {
  openHost?: (storeFile: string) => Host;
  log?: (message: string) => void;
}

const id = z.string().min(1).max(200);

// What a renderer may send: a request is {id, method, input} and nothing else.
const portRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    request: z.object({ id, method: z.string().min(1).max(200), input: z.unknown() }),
  }),
  z.object({ type: z.literal('cancel'), id }),
]);

const file = z.string().min(1).max(4096);
const requestId = z.number().int().nonnegative();

const controlRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connect') }),
  z.object({ type: z.literal('network'), online: z.boolean() }),
  z.object({ type: z.literal('open'), requestId, storeFile: file }),
  z.object({ type: z.literal('close'), requestId }),
  z.object({ type: z.literal('validate'), requestId, file }),
  z.object({
    type: z.literal('call'),
    requestId,
    method: z.string().min(1).max(200),
    input: z.unknown(),
  }),
]);

const UNAVAILABLE = {
  ok: false as const,
  error: {
    code: 'INVALID_STATE' as const,
    message: 'The store is closed (a restore is in progress). Try again in a moment.',
  },
};

/**
 * Closes a store for sure. Store.close() destroys Kysely, which closes the SQLite handle only
 * if Kysely ran a query; a store used only through raw SQLite would stay open (and keep its
 * WAL), which a restore cannot allow.
 */
async function closeStore(store: Store): Promise<void> {
  try {
    await store.close();
  } finally {
    if (store.sqlite.open) store.sqlite.close();
  }
}

/**
 * The default opener. The host closes its SQLite handle for sure when it closes (also the one
 * it opened again after restoring a backup), so a restore from the File menu can move the file.
 */
function openHostOnStore(storeFile: string): Host {
  return openHost({ storeFile });
}

/** Opens a candidate store file, migrating it if it is older, and checks its integrity. */
export async function validateStoreFile(candidate: string): Promise<{ schemaVersion: number }> {
  // Opening migrates; first make sure it is a QunDesk store at all (another app's SQLite file
  // or an empty one has no schema version and would be turned into an empty business).
  const probe = new Database(candidate, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    version = probe.pragma('user_version', { simple: true }) as number;
  } finally {
    probe.close();
  }
  if (version === 0) throw new Error('The file is not a QunDesk store (it has no QunDesk data).');
  // The chosen file is itself the original: no pre-migration backup of this copy.
  const store = openStore(candidate, { backup: false });
  try {
    const report = checkIntegrity(store.sqlite);
    if (!report.ok) {
      throw new Error(
        `The file failed the integrity check (${report.integrity.slice(0, 3).join('; ')}; ` +
          `${report.foreignKeys.length} broken references).`,
      );
    }
    // Fold the WAL into the file so it can be moved on its own.
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { schemaVersion: store.sqlite.pragma('user_version', { simple: true }) as number };
  } finally {
    await closeStore(store);
  }
}

export class HostService {
  private host: Host | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly ports = new Set<PortLike>();
  private readonly open: (storeFile: string) => Host;
  private readonly log: (message: string) => void;

  constructor(
    private readonly parent: ParentPortLike,
    options: HostServiceOptions = {},
  ) {
    this.open = options.openHost ?? openHostOnStore;
    this.log = options.log ?? ((m) => console.error(`[core host] ${m}`));
    parent.on('message', (e) => void this.onControl(e.data, e.ports));
  }

  private broadcast(event: HostEvent): void {
    const message: PortMessage = { type: 'event', event };
    for (const port of this.ports) port.postMessage(message);
  }

  private attach(host: Host): void {
    this.host = host;
    this.unsubscribe = host.subscribe((event) => this.broadcast(event));
  }

  private async detach(): Promise<void> {
    const host = this.host;
    this.host = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (host) await host.close();
  }

  private reply(message: ControlReply): void {
    this.parent.postMessage(message);
  }

  private async onControl(data: unknown, ports: PortLike[]): Promise<void> {
    const parsed = controlRequest.safeParse(data);
    if (!parsed.success) {
      this.log('ignored a malformed control message');
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'connect') {
      const port = ports[0];
      if (port && ports.length === 1) this.connect(port);
      else this.log('connect needs exactly one port');
      return;
    }
    if (msg.type === 'network') {
      // No store open (a restore in progress): the next open syncs on start anyway.
      this.host?.networkChanged(msg.online);
      return;
    }
    try {
      let value: unknown = null;
      switch (msg.type) {
        case 'open':
          await this.detach();
          this.attach(this.open(msg.storeFile));
          value = { storeFile: msg.storeFile };
          // Everything a window shows may have changed (a restore swaps the whole store).
          this.broadcast({ type: 'changed', method: 'store.open' });
          break;
        case 'close':
          await this.detach();
          break;
        case 'validate':
          value = await validateStoreFile(msg.file);
          break;
        case 'call': {
          const host = this.host;
          value = host
            ? (
                await host.handle({
                  id: `main-${msg.requestId}`,
                  method: msg.method,
                  input: msg.input,
                })
              ).result
            : UNAVAILABLE;
          break;
        }
      }
      this.reply({ type: 'reply', requestId: msg.requestId, ok: true, value });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log(`${msg.type} failed: ${message}`);
      this.reply({ type: 'reply', requestId: msg.requestId, ok: false, message });
    }
  }

  /** A renderer connection: calls and cancels in, responses and events out. */
  connect(port: PortLike): void {
    this.ports.add(port);
    port.on('close', () => this.ports.delete(port));
    port.on('message', (e) => void this.onPortMessage(port, e.data));
    port.start();
  }

  private async onPortMessage(port: PortLike, data: unknown): Promise<void> {
    const parsed = portRequest.safeParse(data);
    if (!parsed.success) {
      this.log('ignored a malformed port message');
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      this.host?.cancel(msg.id);
      return;
    }
    const { id: requestId, method, input } = msg.request;
    const host = this.host;
    const response = host
      ? await host.handle({ id: requestId, method, input })
      : { id: requestId, result: UNAVAILABLE };
    const out: PortMessage = { type: 'response', response };
    if (this.ports.has(port)) port.postMessage(out);
  }

  /** For shutdown and tests. */
  async stop(): Promise<void> {
    await this.detach();
    for (const port of this.ports) port.close();
    this.ports.clear();
  }
}
