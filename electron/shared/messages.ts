// The messages that cross process boundaries in the desktop app, in one place so main, the
// core host (utility process) and the preload agree. Types only: each side validates what it
// receives, because the other side may be compromised or out of date.
import type { HostEvent, HostRequest, HostResponse } from '../../core/host/host';

/** Renderer -> core host, over the MessagePort main hands to the preload. */
export type PortRequest = { type: 'call'; request: HostRequest } | { type: 'cancel'; id: string };

/** Core host -> renderer, over the same port. */
export type PortMessage =
  { type: 'response'; response: HostResponse } | { type: 'event'; event: HostEvent };

/** Main -> core host, over the utility process's parent port. */
export type ControlRequest =
  | { type: 'open'; requestId: number; storeFile: string }
  | { type: 'close'; requestId: number }
  /** Opens a candidate store (migrating it if older), checks its integrity, closes it. */
  | { type: 'validate'; requestId: number; file: string }
  | { type: 'call'; requestId: number; method: string; input: unknown };

/** Main -> core host, no reply: the OS says the network came back (or went away). */
export interface NetworkMessage {
  type: 'network';
  online: boolean;
}

/** Sent with exactly one transferred MessagePort: a new renderer connection. */
export interface ConnectMessage {
  type: 'connect';
}

export type ControlReply =
  | { type: 'reply'; requestId: number; ok: true; value: unknown }
  | { type: 'reply'; requestId: number; ok: false; message: string };

/** Channel main uses to hand the renderer its port (webContents.postMessage). */
export const PORT_CHANNEL = 'qundesk:port';

/** IPC channels the preload may invoke; main checks the sender and payload of each. */
export const IPC = {
  appInfo: 'qundesk:app-info',
  chooseFile: 'qundesk:choose-file',
  openExternal: 'qundesk:open-external',
  updatesCheck: 'qundesk:updates-check',
  updatesDownload: 'qundesk:updates-download',
  updatesInstall: 'qundesk:updates-install',
  updatesSetFeedUrl: 'qundesk:updates-set-feed-url',
} as const;

/** Main -> renderer: the updater's state changed. */
export const UPDATE_EVENT_CHANNEL = 'qundesk:update';
