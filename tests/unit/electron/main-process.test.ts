// electron/main/index.ts as a whole, with 'electron' mocked by vi.mock (no Electron binary
// here): the order of the security setup, the single-instance lock, the IPC handlers as
// registered, the window, and the port handed to the page. The utility process is a fake
// that runs the real core host in this process, on a store in a temp user-data folder.
import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, PORT_CHANNEL } from '../../../electron/shared/messages';

const m = vi.hoisted(() => ({
  appData: '',
  calls: [] as string[],
  ipc: new Map<string, (event: unknown, payload?: unknown) => Promise<unknown>>(),
  windows: [] as { options: { webPreferences: Record<string, unknown> }; webContents: unknown }[],
  protocols: new Map<string, (req: Request) => Promise<Response>>(),
  permission: {} as Record<string, (...args: unknown[]) => unknown>,
  ports: [] as unknown[],
  appEvents: null as unknown as EventEmitter,
  forks: [] as unknown[],
  ready: null as unknown as () => void,
  power: null as unknown as EventEmitter,
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { InProcessUtility, fakeChannel } = await import('./fakes');
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    getPath: (name: string) => (name === 'appData' ? m.appData : join(m.appData, 'QunDesk')),
    setPath: (name: string) => m.calls.push(`setPath:${name}`),
    getLocale: () => 'zh-CN',
    getVersion: () => '0.1.0',
    enableSandbox: () => m.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => (m.calls.push('lock'), true),
    whenReady: () => new Promise<void>((resolve) => (m.ready = resolve)),
    isReady: () => true,
    setAppUserModelId: () => undefined,
    quit: () => m.calls.push('quit'),
  });
  m.appEvents = app;
  class WebContents extends Emitter {
    url = 'app://qundesk/index.html';
    posted: unknown[] = [];
    setWindowOpenHandler(h: unknown) {
      (this as unknown as { openHandler: unknown }).openHandler = h;
    }
    getURL() {
      return this.url;
    }
    postMessage(channel: string, message: unknown, transfer: unknown[]) {
      this.posted.push({ channel, message, transfer });
    }
    send() {}
  }
  class BrowserWindow extends Emitter {
    webContents = new WebContents();
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      m.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL() {
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    maximize() {}
    show() {}
  }
  return {
    app,
    BrowserWindow,
    dialog: { showMessageBox: vi.fn(async () => ({ response: 1 })), showErrorBox: vi.fn() },
    ipcMain: { handle: (channel: string, fn: never) => m.ipc.set(channel, fn) },
    Menu: { setApplicationMenu: () => m.calls.push('menu'), buildFromTemplate: (t: unknown) => t },
    MessageChannelMain: class {
      constructor() {
        const c = fakeChannel();
        Object.assign(this, c);
        m.ports.push(c);
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string }[]) =>
        m.calls.push(`privileged:${schemes.map((s) => s.scheme).join()}`),
      handle: (scheme: string, fn: never) => {
        m.calls.push(`handle:${scheme}`);
        m.protocols.set(scheme, fn);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: never) => (m.permission.request = h),
        setPermissionCheckHandler: (h: never) => (m.permission.check = h),
        setDevicePermissionHandler: (h: never) => (m.permission.device = h),
        webRequest: { onHeadersReceived: () => undefined },
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: { openExternal: vi.fn(async () => undefined) },
    net: { isOnline: () => true },
    powerMonitor: (m.power = new Emitter()),
    utilityProcess: {
      fork: () => {
        const child = new InProcessUtility();
        m.forks.push(child);
        return child;
      },
    },
  };
});

beforeAll(async () => {
  m.appData = mkdtempSync(join(tmpdir(), 'qundesk-main-'));
  await import('../../../electron/main/index');
});

afterAll(async () => {
  for (const child of m.forks as { kill(): void }[]) child.kill();
  await new Promise((r) => setTimeout(r, 50));
  rmSync(m.appData, { recursive: true, force: true });
});

const until = async (predicate: () => boolean) => {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(predicate()).toBe(true);
};

describe('main process start-up', () => {
  it('before ready: registers app:// as privileged, enables the sandbox, takes the lock', () => {
    expect(m.calls.slice(0, 4)).toEqual([
      'setPath:userData',
      'privileged:app',
      'enableSandbox',
      'lock',
    ]);
    expect(m.windows).toHaveLength(0);
  });

  it('after ready: denies permissions, serves app://, registers guarded IPC, opens the window', async () => {
    m.ready();
    await until(() => m.windows.length === 1);
    expect(m.calls).toContain('handle:app');
    expect(m.calls).toContain('menu');
    const cb = vi.fn();
    m.permission.request!({}, 'media', cb, {});
    expect(cb).toHaveBeenCalledWith(false);
    expect(m.permission.check!({}, 'notifications', '', {})).toBe(false);
    expect([...m.ipc.keys()].sort()).toEqual(Object.values(IPC).sort());
    expect(m.windows[0]!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('guards the window it creates (window.open denied)', () => {
    const contents = m.windows[0]!.webContents as { openHandler: (d: { url: string }) => unknown };
    expect(contents.openHandler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('the registered IPC handlers check the sender and the payload', async () => {
    const appInfo = m.ipc.get(IPC.appInfo)!;
    const trusted = { senderFrame: { url: 'app://qundesk/index.html', parent: null } };
    await expect(appInfo(trusted)).resolves.toMatchObject({
      mode: 'electron',
      storeFile: join(m.appData, 'QunDesk', 'qundesk.sqlite'),
    });
    await expect(
      appInfo({ senderFrame: { url: 'https://evil.example/', parent: null } }),
    ).rejects.toThrow(/untrusted sender/);
    await expect(m.ipc.get(IPC.openExternal)!(trusted, 'file:///etc/passwd')).rejects.toThrow(
      /refused/,
    );
  });

  it('hands the loaded page a MessagePort that reaches the core host', async () => {
    const contents = m.windows[0]!.webContents as EventEmitter & {
      posted: { channel: string; transfer: EventEmitter[] }[];
    };
    contents.emit('did-finish-load');
    expect(contents.posted).toHaveLength(1);
    expect(contents.posted[0]!.channel).toBe(PORT_CHANNEL);
    const port = contents.posted[0]!.transfer[0]! as EventEmitter & {
      postMessage(m: unknown): void;
    };
    const replies: unknown[] = [];
    port.on('message', (e: { data: unknown }) => replies.push(e.data));
    port.postMessage({ type: 'call', request: { id: 'p1', method: 'workspace.get', input: {} } });
    await until(() => replies.length > 0);
    expect(replies[0]).toMatchObject({
      type: 'response',
      response: { id: 'p1', result: { ok: true } },
    });
  });

  it('tells the core host when the machine wakes up (powerMonitor resume)', async () => {
    const child = m.forks[0] as { postMessage: (message: unknown) => void };
    const sent: unknown[] = [];
    const original = child.postMessage.bind(child);
    child.postMessage = (message: unknown, ...rest: unknown[]) => {
      sent.push(message);
      (original as (...a: unknown[]) => void)(message, ...rest);
    };
    m.power.emit('resume');
    expect(sent).toContainEqual({ type: 'network', online: true });
    child.postMessage = original;
  });

  it('gives a page that is not the app no port', () => {
    const contents = m.windows[0]!.webContents as EventEmitter & { url: string; posted: unknown[] };
    contents.url = 'https://evil.example/';
    contents.emit('did-finish-load');
    expect(contents.posted).toHaveLength(1);
  });
});
