// The core host: owns one store and its core, runs requests from any transport
// (Electron MessagePort, browser-mode HTTP, tests), lets long work be cancelled, and tells
// subscribers what happened (data changed, progress). It imports no electron and no HTTP:
// transports wrap it.
import { openStore, type Store } from '../../db/store';
import { createCore, type CallResult, type Core } from '../api/dispatcher';
import { methods, type MethodName } from '../api/contract';
import { systemClock, type Clock, type Progress } from '../api/context';
import { SyncClient, type SyncStatusEvent } from '../sync/client';
import { createRecorder, deviceActor } from '../sync/device';
import { attachSyncClient } from '../sync/methods';

export interface HostRequest {
  id: string;
  method: string;
  input: unknown;
}

export interface HostResponse {
  id: string;
  result: CallResult;
}

export type HostEvent =
  | { type: 'changed'; method: string }
  | { type: 'progress'; id: string; progress: Progress }
  /** Sync status changed (offline, syncing, up to date, error, update required, signed out). */
  | { type: 'sync'; sync: SyncStatusEvent };

export type HostListener = (event: HostEvent) => void;

export interface Host {
  readonly storeFile: string;
  readonly core: Core;
  /** Runs one request; never throws (errors come back as {ok:false}). */
  handle(request: HostRequest): Promise<HostResponse>;
  /** Cancels a running request by id (long work checks its signal). */
  cancel(id: string): boolean;
  subscribe(listener: HostListener): () => void;
  /**
   * The network came back (true) or went away (false), as the OS reports it (Electron main
   * watches net.isOnline() and resume from sleep): back online, sync at once instead of waiting
   * for the retry backoff. Not queued behind running requests.
   */
  networkChanged(online: boolean): void;
  close(): Promise<void>;
}

export interface HostOptions {
  storeFile: string;
  clock?: Clock;
  /** An already open store (tests); otherwise storeFile is opened (and migrated). */
  store?: Store;
}

function mutates(method: string): boolean {
  return Object.hasOwn(methods, method) ? methods[method as MethodName].mutates : false;
}

export function openHost(options: HostOptions): Host {
  const store = options.store ?? openStore(options.storeFile);
  const listeners = new Set<HostListener>();
  const running = new Map<string, AbortController>();

  const emit = (event: HostEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // a broken subscriber must not break the host
      }
    }
  };

  // Sync: every mutation is recorded in the outbox; the client syncs once the device is signed in.
  let lastSyncStatus: string | null = null;
  const sync = new SyncClient({
    store,
    ...(options.clock ? { clock: options.clock } : {}),
    onStatus: (s) => {
      emit({ type: 'sync', sync: s });
      // Pulled rows changed what the screens show.
      if (s.status === 'up-to-date' && lastSyncStatus === 'syncing')
        emit({ type: 'changed', method: 'sync.now' });
      lastSyncStatus = s.status;
    },
  });
  attachSyncClient(sync);
  const core = createCore({
    store,
    ...(options.clock ? { clock: options.clock } : {}),
    actor: () => deviceActor(store.sqlite),
    recorder: createRecorder(store, options.clock ?? systemClock, () => sync.changed()),
  });
  sync.start();

  return {
    storeFile: store.file,
    core,
    async handle({ id, method, input }) {
      const controller = new AbortController();
      running.set(id, controller);
      try {
        const result = await core.call(method, input, {
          signal: controller.signal,
          onProgress: (progress) => emit({ type: 'progress', id, progress }),
        });
        if (result.ok && mutates(method)) emit({ type: 'changed', method });
        return { id, result };
      } finally {
        running.delete(id);
      }
    },
    cancel(id) {
      const c = running.get(id);
      if (!c) return false;
      c.abort();
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    networkChanged(online) {
      sync.networkChanged(online);
    },
    async close() {
      for (const c of running.values()) c.abort();
      listeners.clear();
      await sync.close();
      await store.close();
    },
  };
}
