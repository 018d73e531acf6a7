// window.qundesk in Electron, built from named functions only: calls go to the core host over
// the MessagePort main hands over, a few requests go to main by IPC. No ipcRenderer, port or
// event object ever reaches the page. No 'electron' import here: index.ts passes the pieces,
// so tests build the bridge with fakes.
import type {
  AppInfo,
  BridgeEvent,
  ChooseFileOptions,
  QundeskBridge,
  UpdateState,
} from '../../core/host/bridge';
import type { HostRequest, HostResponse } from '../../core/host/host';
import { IPC, type PortMessage, type PortRequest } from '../shared/messages';

/** A DOM MessagePort as the preload sees it. */
export interface BridgePort {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export interface BridgeTransport {
  invoke(channel: string, payload?: unknown): Promise<unknown>;
  /** Called with each port main sends (first load, reload, core host restart). */
  onPort(listener: (port: BridgePort) => void): void;
  /** Called with each updater state main sends. */
  onUpdate(listener: (state: unknown) => void): void;
}

const LOST = 'The connection to the core was lost; please try again.';

function failure(id: string, message: string): HostResponse {
  return { id, result: { ok: false, error: { code: 'INTERNAL', message } } };
}

function isResponse(value: unknown): value is HostResponse {
  const r = value as HostResponse | null;
  return typeof r?.id === 'string' && typeof r.result === 'object' && r.result !== null;
}

export function createBridge(transport: BridgeTransport): QundeskBridge {
  let port: BridgePort | null = null;
  const queue: PortRequest[] = [];
  const pending = new Map<string, (response: HostResponse) => void>();
  const listeners = new Set<(event: BridgeEvent) => void>();
  // The latest updater state, replayed to each new listener (Settings mounts after main sent it).
  let lastUpdate: UpdateState | null = null;

  const emit = (event: BridgeEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error('qundesk: an event listener failed', err);
      }
    }
  };

  const send = (message: PortRequest): void => {
    if (port) port.postMessage(message);
    else queue.push(message);
  };

  transport.onPort((next) => {
    // Calls sent on a previous port will never be answered (the host restarted or the
    // page reloaded): settle them so no promise hangs.
    if (port) {
      for (const [id, resolve] of pending) resolve(failure(id, LOST));
      pending.clear();
      port.close();
    }
    port = next;
    next.onmessage = ({ data }) => {
      const message = data as PortMessage | null;
      if (message?.type === 'response' && isResponse(message.response)) {
        const resolve = pending.get(message.response.id);
        pending.delete(message.response.id);
        resolve?.(message.response);
      } else if (message?.type === 'event' && typeof message.event?.type === 'string') {
        emit(message.event);
      }
    };
    for (const message of queue.splice(0)) next.postMessage(message);
  });

  transport.onUpdate((state) => {
    const update = state as UpdateState | null;
    if (typeof update?.state !== 'string') return;
    lastUpdate = update;
    emit({ type: 'update', update });
  });

  const invoke = async (channel: string, payload?: unknown): Promise<unknown> =>
    payload === undefined ? transport.invoke(channel) : transport.invoke(channel, payload);

  return Object.freeze({
    call(request: HostRequest): Promise<HostResponse> {
      const id = String(request?.id ?? '');
      const method = String(request?.method ?? '');
      if (!id || !method) return Promise.resolve(failure(id, 'A call needs an id and a method.'));
      return new Promise<HostResponse>((resolve) => {
        pending.get(id)?.(failure(id, 'Replaced by a call with the same id.'));
        pending.set(id, resolve);
        send({ type: 'call', request: { id, method, input: request.input } });
      });
    },
    cancel(id: string): void {
      if (typeof id === 'string' && id) send({ type: 'cancel', id });
    },
    onEvent(listener: (event: BridgeEvent) => void): () => void {
      if (typeof listener !== 'function') return () => undefined;
      listeners.add(listener);
      const update = lastUpdate;
      if (update) {
        queueMicrotask(() => {
          if (listeners.has(listener)) listener({ type: 'update', update });
        });
      }
      return () => {
        listeners.delete(listener);
      };
    },
    async appInfo(): Promise<AppInfo> {
      return (await invoke(IPC.appInfo)) as AppInfo;
    },
    async chooseFile(options: ChooseFileOptions): Promise<string | null> {
      const file = await invoke(IPC.chooseFile, options);
      return typeof file === 'string' ? file : null;
    },
    async openExternal(url: string): Promise<void> {
      await invoke(IPC.openExternal, url);
    },
    updates: Object.freeze({
      async check(): Promise<void> {
        await invoke(IPC.updatesCheck);
      },
      async download(): Promise<void> {
        await invoke(IPC.updatesDownload);
      },
      async install(): Promise<void> {
        await invoke(IPC.updatesInstall);
      },
      async setFeedUrl(url: string): Promise<void> {
        await invoke(IPC.updatesSetFeedUrl, url);
      },
    }),
  });
}
