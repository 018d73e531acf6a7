// The core host: owns one store and its core, runs requests from any transport
// (Electron MessagePort, browser-mode HTTP, tests), lets long work be cancelled, and tells
// subscribers what happened (data changed, progress). It imports no electron and no HTTP:
// transports wrap it.
import { openStore, type Store } from '../../db/store';
import {
  BackupRefused,
  DEFAULT_BACKUP_DAYS,
  listBackups,
  putBack,
  swapIn,
  verifyBackup,
  writeDailyBackup,
} from '../../db/backups';
import {
  createCore,
  prepareCall,
  toErrorBody,
  type CallResult,
  type Core,
} from '../api/dispatcher';
import { methods, type MethodName } from '../api/contract';
import { AppError, notFound } from '../api/errors';
import { businessClock } from '../workspace/settings';
import { systemClock, today, type Clock, type Progress } from '../api/context';
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
  /** The core over the store open now (a restore replaces both). */
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
  /**
   * Writes today's rolling backup if it is not there yet (and drops daily copies beyond the
   * kept number); the file written, or null. Runs by itself a while after opening and then
   * every hour; never on a damaged store.
   */
  dailyBackup(): Promise<string | null>;
  close(): Promise<void>;
}

export interface HostOptions {
  storeFile: string;
  clock?: Clock;
  /** An already open store (tests); otherwise storeFile is opened (and migrated). */
  store?: Store;
  /** Daily backups kept (default: $QUNDESK_BACKUP_DAYS, else 7). */
  backupDays?: number;
  /**
   * When the first daily backup is tried after opening (ms; default 30 s, so opening stays
   * quick); false: only when dailyBackup() is called (tests).
   */
  autoBackupAfterMs?: number | false;
}

const BACKUP_CHECK_MS = 60 * 60 * 1000;

function backupDaysSetting(option: number | undefined): number {
  const n = option ?? Number(process.env.QUNDESK_BACKUP_DAYS ?? DEFAULT_BACKUP_DAYS);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_BACKUP_DAYS;
}

function mutates(method: string): boolean {
  return Object.hasOwn(methods, method) ? methods[method as MethodName].mutates : false;
}

export function openHost(options: HostOptions): Host {
  const storeFile = options.store?.file ?? options.storeFile;
  const clock = options.clock ?? systemClock;
  const backupDays = backupDaysSetting(options.backupDays);
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

  /** The store open now, its core and its sync client (a restore builds them again). */
  function build(store: Store): { store: Store; core: Core; sync: SyncClient } {
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
      recorder: createRecorder(store, clock, () => sync.changed()),
    });
    // A damaged store is read-only: nothing pulled is laid over it until a backup is restored.
    if (!store.damaged) sync.start();
    return { store, core, sync };
  }

  let live = build(options.store ?? openStore(options.storeFile));
  /** Set while a restore swaps the store: requests wait for it. */
  let swapping: Promise<unknown> | null = null;

  async function closeLive(): Promise<void> {
    const { store, sync } = live;
    await sync.close();
    try {
      await store.close();
    } finally {
      // Kysely closes the handle only if it ever ran a query through it.
      if (store.sqlite.open) store.sqlite.close();
    }
  }

  async function dailyBackup(): Promise<string | null> {
    const { store } = live;
    if (store.damaged || store.file === ':memory:' || !store.sqlite.open) return null;
    // On Kysely's one connection: no transaction of the core or of sync is open meanwhile.
    return store.db.connection().execute(async () =>
      // The business's day (its time zone setting), as every other day in the app.
      writeDailyBackup(
        store.sqlite,
        store.file,
        today({ clock: businessClock(store.sqlite, clock) }),
        backupDays,
      ),
    );
  }

  let backupTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleBackup = (afterMs: number) => {
    backupTimer = setTimeout(() => {
      dailyBackup().catch((err: unknown) => {
        // A failed copy (disk full, folder not writable) is tried again at the next check.
        console.error(`[core host] daily backup failed: ${String(err)}`);
      });
      scheduleBackup(BACKUP_CHECK_MS);
    }, afterMs);
    backupTimer.unref?.();
  };
  if (options.autoBackupAfterMs !== false) scheduleBackup(options.autoBackupAfterMs ?? 30_000);

  /** store.restoreBackup: check the copy, close the store, swap the files, open it again. */
  async function restoreBackup(input: unknown): Promise<unknown> {
    const { input: parsed } = prepareCall(
      'store.restoreBackup',
      input,
      deviceActor(live.store.sqlite),
    );
    const { name } = parsed as { name: string };
    const backup = listBackups(storeFile).find((b) => b.name === name);
    if (!backup) throw notFound('Backup', name);
    try {
      verifyBackup(backup.file);
    } catch (err) {
      if (err instanceof BackupRefused)
        throw new AppError('INVALID_STATE', err.message, {
          reason: 'backup-refused',
          name,
          problem: err.message,
        });
      throw err;
    }
    await live.core.idle();
    await closeLive();
    const keptAs = swapIn(storeFile, backup.file);
    let store: Store;
    try {
      store = openStore(storeFile);
    } catch (err) {
      putBack(storeFile, keptAs);
      live = build(openStore(storeFile));
      const problem = `it could not be opened (${err instanceof Error ? err.message : String(err)}); the store was put back as it was`;
      throw new AppError('INVALID_STATE', `The backup ${name}: ${problem}.`, {
        reason: 'backup-refused',
        name,
        problem,
      });
    }
    live = build(store);
    return { restored: name, previousKeptAs: keptAs, damaged: store.damaged !== null };
  }

  return {
    storeFile,
    get core() {
      return live.core;
    },
    async handle({ id, method, input }) {
      while (swapping) await swapping.catch(() => undefined);
      if (method === 'store.restoreBackup') {
        const run = restoreBackup(input);
        swapping = run;
        try {
          const value = await run;
          // Everything a window shows may have changed.
          emit({ type: 'changed', method });
          return { id, result: { ok: true, value } };
        } catch (err) {
          return { id, result: { ok: false, error: toErrorBody(err) } };
        } finally {
          swapping = null;
        }
      }
      const controller = new AbortController();
      running.set(id, controller);
      try {
        const result = await live.core.call(method, input, {
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
      live.sync.networkChanged(online);
    },
    dailyBackup,
    async close() {
      clearTimeout(backupTimer);
      while (swapping) await swapping.catch(() => undefined);
      for (const c of running.values()) c.abort();
      listeners.clear();
      await closeLive();
    },
  };
}
