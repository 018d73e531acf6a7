// The main-process security setup. 'electron' is mocked with vi.mock (there is no Electron
// binary on the build machines): the window, session and webContents are fakes that record
// what main asks of them; the decisions themselves are plain functions.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const windows: { options: Record<string, unknown>; loaded: string[] }[] = [];
  return {
    windows,
    openExternal: vi.fn(async (_url: string) => undefined),
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class BrowserWindow extends Emitter {
    readonly webContents = new Emitter();
    readonly loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      electron.windows.push(this);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    maximize() {}
    show() {}
    getNormalBounds() {
      return { x: 0, y: 0, width: 1000, height: 700 };
    }
    isMaximized() {
      return false;
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: electron.openExternal },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
});

import { createMainWindow, openExternalSafely, secureSession } from '../../../electron/main/window';
import {
  allowedOrigins,
  APP_ORIGIN,
  applySessionSecurity,
  contentSecurityPolicy,
  decideNavigation,
  guardWebContents,
  isTrustedSenderUrl,
  safeExternalUrl,
} from '../../../electron/main/security';
import { bridgeHandlers } from '../../../electron/main/bridge-ipc';
import { IPC } from '../../../electron/shared/messages';

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => {
  electron.windows.length = 0;
  electron.openExternal.mockClear();
});

describe('the main window', () => {
  it('is isolated, sandboxed, without node, with web security on, and loads app://', () => {
    createMainWindow({
      preload: '/app/out/preload/index.cjs',
      stateFile: '/nonexistent/window-state.json',
      dev: false,
      log,
      onLoad: () => undefined,
    });
    const win = electron.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(win.loaded).toEqual([`${APP_ORIGIN}/index.html`]);
  });
});

describe('Content-Security-Policy', () => {
  it('allows scripts and connections only from the app itself in a packaged app', () => {
    const csp = contentSecurityPolicy();
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'self'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(directives['script-src']).not.toMatch(/unsafe-inline/);
  });

  it('lets the dev server in only in development', () => {
    const csp = contentSecurityPolicy({ devServer: 'http://localhost:5173/' });
    expect(csp).toContain("script-src 'self' http://localhost:5173");
    expect(csp).toContain('ws://localhost:5173');
  });

  it('is added to the dev server responses by the session', () => {
    let onHeaders: ((d: unknown, cb: (r: unknown) => void) => void) | undefined;
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onHeadersReceived: (fn: typeof onHeaders) => (onHeaders = fn) },
    };
    secureSession(session as unknown as Parameters<typeof secureSession>[0], {
      devServer: 'http://localhost:5173',
    });
    const callback = vi.fn();
    onHeaders!({ responseHeaders: { 'X-A': ['1'] } }, callback);
    expect(callback.mock.calls[0]![0]).toMatchObject({
      responseHeaders: {
        'X-A': ['1'],
        'Content-Security-Policy': [expect.stringContaining("default-src 'none'")],
      },
    });
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {};
    applySessionSecurity({
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    } as never);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid']) {
      const callback = vi.fn();
      handlers.request!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check!({}, permission, 'app://qundesk', {})).toBe(false);
    }
    expect(handlers.device!({})).toBe(false);
  });
});

/** A webContents fake: records the window-open handler and emits navigation events. */
function guardedContents() {
  const contents = new EventEmitter() as EventEmitter & {
    openHandler?: (d: { url: string }) => { action: string };
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void;
  };
  contents.setWindowOpenHandler = (h) => (contents.openHandler = h);
  const opened: string[] = [];
  guardWebContents(contents as never, {
    origins: allowedOrigins(),
    openExternal: (url) => opened.push(url),
  });
  const navigate = (event: string, url: string) => {
    const e = { preventDefault: vi.fn() };
    contents.emit(event, e, url);
    return e.preventDefault.mock.calls.length > 0;
  };
  return { contents, opened, navigate };
}

describe('window.open and navigation', () => {
  it('denies every window.open; web links go to the OS browser, others nowhere', () => {
    const { contents, opened } = guardedContents();
    expect(contents.openHandler!({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://qundesk/index.html' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/help']);
  });

  it('allows in-app navigation and stops everything else (will-navigate, will-redirect)', () => {
    const { navigate, opened } = guardedContents();
    expect(navigate('will-navigate', 'app://qundesk/orders')).toBe(false);
    expect(navigate('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(navigate('will-redirect', 'http://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', 'app://other/index.html')).toBe(true);
    expect(opened).toEqual(['https://evil.example/phish', 'http://evil.example/']);
    const attach = { preventDefault: vi.fn() };
    guardedContents().contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('decides navigation from an allow-list of origins', () => {
    expect(decideNavigation('app://qundesk/x', [APP_ORIGIN])).toBe('allow');
    expect(
      decideNavigation('http://localhost:5173/x', allowedOrigins('http://localhost:5173')),
    ).toBe('allow');
    expect(decideNavigation('http://localhost:5173/x', allowedOrigins())).toBe('external');
    expect(decideNavigation('data:text/html,hi', [APP_ORIGIN])).toBe('deny');
    expect(decideNavigation(42, [APP_ORIGIN])).toBe('deny');
  });
});

describe('openExternal allow-list', () => {
  it('accepts http(s) web addresses', () => {
    expect(safeExternalUrl('https://example.com')).toBe('https://example.com/');
    expect(safeExternalUrl('http://example.com/a?b=c#d')).toBe('http://example.com/a?b=c#d');
  });

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'file:///etc/passwd',
    'app://qundesk/index.html',
    'data:text/html,<script>alert(1)</script>',
    'smb://host/share',
    'ms-msdt:/id PCWDiagnostic',
    'vbscript:msgbox',
    'https://user:pass@example.com/',
    'https://',
    'not a url',
    '',
    'x'.repeat(3000),
  ])('refuses %s', (url) => {
    expect(safeExternalUrl(url)).toBeNull();
    expect(openExternalSafely(url)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(safeExternalUrl(undefined)).toBeNull();
    expect(safeExternalUrl({ href: 'https://example.com' })).toBeNull();
  });

  it('calls shell.openExternal only for an accepted URL', () => {
    expect(openExternalSafely('https://example.com')).toBe(true);
    openExternalSafely('javascript:alert(1)');
    openExternalSafely('file:///etc/passwd');
    expect(electron.openExternal.mock.calls).toEqual([['https://example.com/']]);
  });
});

describe('IPC handlers (sender check and payload validation)', () => {
  const deps = {
    appInfo: vi.fn(() => ({
      mode: 'electron' as const,
      version: '0.1.0',
      storeFile: '/s',
      dataFolder: '/d',
    })),
    chooseFile: vi.fn(async () => '/home/me/out.csv'),
    openExternal: vi.fn(),
    updates: {
      check: vi.fn(async () => undefined),
      download: vi.fn(async () => undefined),
      install: vi.fn(async () => undefined),
      setFeedUrl: vi.fn(async () => undefined),
    },
  };
  const handlers = bridgeHandlers(deps);
  const app = { senderFrame: { url: 'app://qundesk/index.html', parent: null } };

  it('covers every bridge channel', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.values(IPC).sort());
  });

  it('answers the app page', async () => {
    await expect(handlers[IPC.appInfo]!(app, undefined)).resolves.toMatchObject({
      mode: 'electron',
    });
    await expect(
      handlers[IPC.chooseFile]!(app, {
        mode: 'save',
        defaultName: 'out.csv',
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      }),
    ).resolves.toBe('/home/me/out.csv');
    await handlers[IPC.openExternal]!(app, 'https://example.com');
    expect(deps.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it.each([
    ['a web page', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file page', { senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['another app host', { senderFrame: { url: 'app://evil/index.html', parent: null } }],
    ['an iframe of the app', { senderFrame: { url: 'app://qundesk/frame.html', parent: {} } }],
    ['a frame that is gone', { senderFrame: null }],
  ])('refuses %s', async (_name, event) => {
    deps.appInfo.mockClear();
    for (const channel of Object.values(IPC)) {
      await expect(handlers[channel]!(event, undefined)).rejects.toThrow(/untrusted sender/);
    }
    expect(deps.appInfo).not.toHaveBeenCalled();
  });

  it.each([
    [IPC.chooseFile, { mode: 'delete' }],
    [IPC.chooseFile, { mode: 'save', defaultName: '../../.bashrc' }],
    [IPC.chooseFile, { mode: 'open', extra: true }],
    [IPC.chooseFile, { mode: 'open', filters: [{ name: 'x', extensions: ['c;rm -rf'] }] }],
    [IPC.openExternal, 'javascript:alert(1)'],
    [IPC.openExternal, 'file:///etc/passwd'],
    [IPC.openExternal, { url: 'https://example.com' }],
    [IPC.appInfo, { sneaky: true }],
    [IPC.updatesSetFeedUrl, 42],
  ])('refuses a bad payload on %s', async (channel, payload) => {
    deps.openExternal.mockClear();
    deps.chooseFile.mockClear();
    await expect(handlers[channel]!(app, payload)).rejects.toThrow(/refused/);
    expect(deps.openExternal).not.toHaveBeenCalled();
    expect(deps.chooseFile).not.toHaveBeenCalled();
  });

  it('trusts the dev server only when told to', () => {
    expect(isTrustedSenderUrl('http://localhost:5173/')).toBe(false);
    expect(
      isTrustedSenderUrl('http://localhost:5173/', allowedOrigins('http://localhost:5173')),
    ).toBe(true);
  });
});
