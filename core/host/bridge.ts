// What the renderer can reach, whatever the transport: in Electron the preload exposes it
// as window.qundesk (MessagePort to the core host + a few sender-checked IPC calls to main);
// in browser mode the renderer builds the same shape over HTTP. Types only.
import type { HostEvent, HostRequest, HostResponse } from './host';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface ChooseFileOptions {
  mode: 'open' | 'save';
  title?: string;
  defaultName?: string;
  filters?: FileFilter[];
}

export type UpdateState =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'available'; version: string }
  | { state: 'not-available' }
  | { state: 'downloading'; percent: number }
  | { state: 'downloaded'; version: string }
  | { state: 'error'; message: string }
  | { state: 'disabled'; reason: string };

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
  storeFile: string;
  dataFolder: string;
}

export type BridgeEvent = HostEvent | { type: 'update'; update: UpdateState };

export interface QundeskBridge {
  call(request: HostRequest): Promise<HostResponse>;
  cancel(id: string): void;
  onEvent(listener: (event: BridgeEvent) => void): () => void;
  appInfo(): Promise<AppInfo>;
  /** Native dialog in Electron; null when cancelled or in browser mode. */
  chooseFile(options: ChooseFileOptions): Promise<string | null>;
  openExternal(url: string): Promise<void>;
  updates: {
    check(): Promise<void>;
    download(): Promise<void>;
    install(): Promise<void>;
    setFeedUrl(url: string): Promise<void>;
  };
}
