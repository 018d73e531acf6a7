// The IPC side of window.qundesk: one guarded handler per channel (sender checked, payload
// parsed), built from plain dependencies so tests call them with fake events.
import { z } from 'zod';
import type { AppInfo, ChooseFileOptions } from '../../core/host/bridge';
import { IPC } from '../shared/messages';
import {
  chooseFilePayload,
  guardedHandler,
  noPayload,
  urlPayload,
  type GuardedHandler,
} from './ipc';
import { safeExternalUrl } from './security';

export interface BridgeIpcDeps {
  appInfo(): AppInfo;
  chooseFile(options: ChooseFileOptions): Promise<string | null>;
  /** Opens a URL that already passed safeExternalUrl. */
  openExternal(url: string): void;
  updates: {
    check(): Promise<void>;
    download(): Promise<void>;
    install(): Promise<void>;
    setFeedUrl(url: string): Promise<void>;
  };
}

const externalUrl = urlPayload.refine((v) => safeExternalUrl(v) !== null, {
  message: 'only http(s) web addresses may be opened',
});

export function bridgeHandlers(
  deps: BridgeIpcDeps,
  options: { origins?: readonly string[]; log?: (message: string) => void } = {},
): Record<string, GuardedHandler> {
  const h = <S extends z.ZodType>(
    channel: string,
    schema: S,
    fn: (input: z.output<S>) => unknown,
  ) => [channel, guardedHandler(channel, schema, fn, options)] as const;
  return Object.fromEntries([
    h(IPC.appInfo, noPayload, () => deps.appInfo()),
    h(IPC.chooseFile, chooseFilePayload, (input) => deps.chooseFile(input)),
    h(IPC.openExternal, externalUrl, (url) => {
      deps.openExternal(safeExternalUrl(url)!);
    }),
    h(IPC.updatesCheck, noPayload, () => deps.updates.check()),
    h(IPC.updatesDownload, noPayload, () => deps.updates.download()),
    h(IPC.updatesInstall, noPayload, () => deps.updates.install()),
    h(IPC.updatesSetFeedUrl, z.string().max(2048), (url) => deps.updates.setFeedUrl(url)),
  ]);
}
