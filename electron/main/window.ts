// The main window and the session it runs in, with every guard from security.ts applied.
import { BrowserWindow, screen, shell, type Session } from 'electron';
import { readFileSync } from 'node:fs';
import {
  APP_ORIGIN,
  applySessionSecurity,
  contentSecurityPolicy,
  safeExternalUrl,
  secureWebPreferences,
} from './security';
import {
  captureWindowState,
  fitToDisplays,
  parseWindowState,
  type WindowState,
} from './window-state';
import { writeJsonFile } from './json-file';
import type { Logger } from './log';

/** shell.openExternal, for validated http(s) URLs only. */
export function openExternalSafely(url: unknown, log?: Logger): boolean {
  const href = safeExternalUrl(url);
  if (!href) {
    log?.warn(`openExternal refused: ${String(url).slice(0, 200)}`);
    return false;
  }
  shell
    .openExternal(href)
    .catch((err: unknown) => log?.error(`openExternal failed: ${String(err)}`));
  return true;
}

/** Permissions off; in development, the dev server's pages get the CSP header too. */
export function secureSession(session: Session, options: { devServer?: string }): void {
  applySessionSecurity(session);
  if (options.devServer) {
    const csp = contentSecurityPolicy({ devServer: options.devServer });
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
      });
    });
  }
}

export function loadWindowState(file: string): WindowState {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // first launch
  }
  return fitToDisplays(
    parseWindowState(text),
    screen.getAllDisplays().map((d) => d.workArea),
  );
}

export interface MainWindowOptions {
  preload: string;
  stateFile: string;
  devServer?: string;
  dev: boolean;
  log: Logger;
  /** Runs after every page load (first load, reload): hand the page its core port. */
  onLoad: (window: BrowserWindow) => void;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = loadWindowState(options.stateFile);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'QunDesk',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(options.preload, { devTools: options.dev }),
  });
  if (state.maximized) window.maximize();
  // Navigation and window.open guards are set for every webContents in index.ts
  // ('web-contents-created'), this window's included.
  window.once('ready-to-show', () => window.show());
  window.webContents.on('did-finish-load', () => options.onLoad(window));
  window.on('close', () => {
    try {
      writeJsonFile(
        options.stateFile,
        captureWindowState(window.getNormalBounds(), window.isMaximized()),
      );
    } catch (err) {
      options.log.warn(`window state not saved: ${String(err)}`);
    }
  });
  void window
    .loadURL(options.devServer ?? `${APP_ORIGIN}/index.html`)
    .catch((err: unknown) => options.log.error(`window failed to load: ${String(err)}`));
  return window;
}
