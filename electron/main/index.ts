// The Electron main process: lifecycle, the window, the app:// protocol, the security
// guards, the core host utility process and its ports, dialogs, menu, backup/restore,
// updates, and telling the host when the network returns. Thin glue: the decisions live in the modules it wires (tested without Electron).
import {
  app,
  type BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  session,
  utilityProcess,
  type MessageBoxOptions,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChooseFileOptions } from '../../core/host/bridge';
import { PORT_CHANNEL, UPDATE_EVENT_CHANNEL } from '../shared/messages';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { bridgeHandlers } from './bridge-ipc';
import { HostProcess } from './host-process';
import { readJsonFile, writeJsonFile } from './json-file';
import { createLogger } from './log';
import { watchNetwork, type NetworkWatcher } from './network';
import { DIALOG_TEXT, menuLanguage, menuTemplate } from './menu';
import { backupFileName, backupStore, restoreStore } from './restore';
import {
  allowedOrigins,
  APP_SCHEME,
  contentSecurityPolicy,
  guardWebContents,
  isTrustedSenderUrl,
} from './security';
import { UpdateController, updatesDisabledReason, type UpdaterLike } from './updater';
import { createMainWindow, openExternalSafely, secureSession } from './window';
import { z } from 'zod';

const dev = !app.isPackaged;
// electron-vite dev sets ELECTRON_RENDERER_URL; a packaged app never trusts it.
const devServer = dev ? process.env.ELECTRON_RENDERER_URL : undefined;
const origins = allowedOrigins(devServer);
const here = import.meta.dirname;

/** A built file, whichever format electron-vite emitted (the sandboxed preload must be .cjs). */
function built(...parts: string[]): string {
  const base = join(here, ...parts);
  for (const ext of ['.cjs', '.js', '.mjs']) if (existsSync(base + ext)) return base + ext;
  return `${base}.js`;
}

// Same data folder in development and packaged (the package name and productName differ).
app.setPath('userData', join(app.getPath('appData'), 'QunDesk'));
const userData = app.getPath('userData');
const storeFile = join(userData, 'qundesk.sqlite');
const log = createLogger(join(userData, 'logs', 'main.log'));
// The OS locale is known once the app is ready; Chinese until then.
let text: (typeof DIALOG_TEXT)[keyof typeof DIALOG_TEXT] = DIALOG_TEXT.zh;

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let updates: UpdateController | null = null;
let network: NetworkWatcher | null = null;
let quitting = false;

const host = new HostProcess({
  storeFile,
  log,
  fork: () =>
    utilityProcess.fork(built('host'), [], { serviceName: 'QunDesk core', stdio: 'inherit' }),
  onRestart: () => {
    if (mainWindow) connectWindow(mainWindow);
  },
});

/** Gives the page a fresh MessagePort to the core host (after every load). */
function connectWindow(window: BrowserWindow): void {
  if (window.isDestroyed() || !isTrustedSenderUrl(window.webContents.getURL(), origins)) return;
  const { port1, port2 } = new MessageChannelMain();
  host.connect(port1);
  window.webContents.postMessage(PORT_CHANNEL, null, [port2]);
}

async function messageBox(options: MessageBoxOptions): Promise<number> {
  const window = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  const result = window
    ? await dialog.showMessageBox(window, options)
    : await dialog.showMessageBox(options);
  return result.response;
}

async function ask(message: string, type: 'question' | 'warning' = 'question'): Promise<boolean> {
  const answer = await messageBox({
    type,
    message,
    buttons: [text.yes, text.no],
    defaultId: 0,
    cancelId: 1,
  });
  return answer === 0;
}

async function openDialog(options: OpenDialogOptions): Promise<string | null> {
  const window = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  const r = window
    ? await dialog.showOpenDialog(window, options)
    : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function saveDialog(options: SaveDialogOptions): Promise<string | null> {
  const window = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  const r = window
    ? await dialog.showSaveDialog(window, options)
    : await dialog.showSaveDialog(options);
  return r.canceled || !r.filePath ? null : r.filePath;
}

function chooseFile(options: ChooseFileOptions): Promise<string | null> {
  const common = {
    ...(options.title ? { title: options.title } : {}),
    ...(options.filters ? { filters: options.filters } : {}),
  };
  if (options.mode === 'open') return openDialog({ ...common, properties: ['openFile'] });
  return saveDialog({
    ...common,
    ...(options.defaultName
      ? { defaultPath: join(app.getPath('documents'), options.defaultName) }
      : {}),
  });
}

const sqliteFilters = () => [
  { name: text.sqliteFilter, extensions: ['sqlite', 'db'] },
  { name: '*', extensions: ['*'] },
];

async function backupFromMenu(): Promise<void> {
  const to = await saveDialog({
    title: text.backupTitle,
    defaultPath: join(app.getPath('documents'), backupFileName(new Date())),
    filters: sqliteFilters(),
  });
  if (!to) return;
  try {
    await backupStore(host, to);
    await messageBox({ type: 'info', message: text.backupDone(to) });
  } catch (err) {
    log.error(`backup failed: ${String(err)}`);
    dialog.showErrorBox(text.failed, err instanceof Error ? err.message : String(err));
  }
}

async function restoreFromMenu(): Promise<void> {
  const chosen = await openDialog({
    title: text.restoreTitle,
    properties: ['openFile'],
    filters: sqliteFilters(),
  });
  if (!chosen || !(await ask(text.restoreConfirm, 'warning'))) return;
  try {
    const { safetyBackup } = await restoreStore(host, storeFile, chosen);
    log.info(`store restored from ${chosen}; previous store kept at ${safetyBackup}`);
    await messageBox({ type: 'info', message: text.restoreDone(safetyBackup) });
  } catch (err) {
    log.error(`restore failed: ${String(err)}`);
    dialog.showErrorBox(text.failed, err instanceof Error ? err.message : String(err));
  }
}

async function loadUpdater(): Promise<UpdaterLike> {
  // electron-updater is CommonJS; its autoUpdater is a lazy getter on the exports object.
  const mod = await import('electron-updater');
  const real = (mod as unknown as { default?: typeof mod }).default?.autoUpdater ?? mod.autoUpdater;
  real.logger = { info: log.info, warn: log.warn, error: log.error, debug: () => undefined };
  return {
    get autoDownload() {
      return real.autoDownload;
    },
    set autoDownload(v) {
      real.autoDownload = v;
    },
    get autoInstallOnAppQuit() {
      return real.autoInstallOnAppQuit;
    },
    set autoInstallOnAppQuit(v) {
      real.autoInstallOnAppQuit = v;
    },
    setFeedURL: (options) => real.setFeedURL(options),
    checkForUpdates: () => real.checkForUpdates(),
    downloadUpdate: () => real.downloadUpdate(),
    // Close the store cleanly before the installer takes over.
    quitAndInstall: (isSilent, isForceRunAfter) => {
      quitting = true;
      void host.stop().finally(() => real.quitAndInstall(isSilent, isForceRunAfter));
    },
    on: (event, listener) => real.on(event as 'error', listener as (err: Error) => void),
  };
}

const updateSettingsFile = join(userData, 'update-settings.json');
const updateSettings = z.object({ feedUrl: z.string().max(2048).nullable() });

async function createUpdates(): Promise<UpdateController> {
  const reason = updatesDisabledReason({ isPackaged: app.isPackaged, env: process.env });
  let updater: UpdaterLike | null = null;
  if (reason === null) {
    try {
      updater = await loadUpdater();
    } catch (err) {
      log.error(`updater not loaded: ${String(err)}`);
    }
  }
  return new UpdateController({
    updater,
    disabledReason: reason ?? 'The updater could not be loaded.',
    confirm: (q) =>
      ask(
        q.kind === 'download' ? text.downloadQuestion(q.version) : text.restartQuestion(q.version),
      ),
    log,
    feedUrl: readJsonFile(updateSettingsFile, updateSettings, { feedUrl: null }).feedUrl,
    saveFeedUrl: (feedUrl) => writeJsonFile(updateSettingsFile, { feedUrl }),
    onState: (state) => {
      if (mainWindow && !mainWindow.isDestroyed()) {
        mainWindow.webContents.send(UPDATE_EVENT_CHANNEL, state);
      }
    },
  });
}

function openMainWindow(): void {
  mainWindow = createMainWindow({
    preload: built('..', 'preload', 'index'),
    stateFile: join(userData, 'window-state.json'),
    ...(devServer ? { devServer } : {}),
    dev,
    log,
    onLoad: (window) => {
      connectWindow(window);
      // The page learns the updater's state (e.g. "disabled") without asking.
      if (updates) window.webContents.send(UPDATE_EVENT_CHANNEL, updates.state);
    },
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  const language = menuLanguage(app.getLocale());
  text = DIALOG_TEXT[language];
  app.setAppUserModelId('app.qundesk.desktop');
  secureSession(session.defaultSession, devServer ? { devServer } : {});
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      root: join(here, '..', 'renderer'),
      csp: contentSecurityPolicy(),
    }),
  );
  try {
    await host.start();
  } catch (err) {
    log.error(`store not opened: ${String(err)}`);
    dialog.showErrorBox(text.failed, err instanceof Error ? err.message : String(err));
    quitting = true;
    app.quit();
    return;
  }
  // The network came back (or the machine woke up): the host syncs at once.
  network = watchNetwork(
    (online) => {
      log.info(`network ${online ? 'online' : 'offline'}`);
      host.networkChanged(online);
    },
    { log: log.warn },
  );
  const controller = await createUpdates();
  updates = controller;
  const handlers = bridgeHandlers(
    {
      appInfo: () => ({
        mode: 'electron',
        version: app.getVersion(),
        storeFile,
        dataFolder: userData,
      }),
      chooseFile,
      openExternal: (url) => openExternalSafely(url, log),
      updates: controller,
    },
    { origins, log: log.warn },
  );
  for (const [channel, handler] of Object.entries(handlers)) ipcMain.handle(channel, handler);

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          backup: () => void backupFromMenu(),
          restore: () => void restoreFromMenu(),
          about: () =>
            void messageBox({
              type: 'info',
              title: 'QunDesk',
              message: 'QunDesk',
              detail: text.aboutDetail(app.getVersion(), storeFile),
            }),
        },
        { language, dev, isMac: process.platform === 'darwin' },
      ),
    ),
  );
  openMainWindow();
  if (controller.state.state !== 'disabled') setTimeout(() => void controller.check(), 15_000);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Every webContents, this app's window and any other, gets the navigation guards.
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, {
      origins,
      openExternal: (url) => openExternalSafely(url, log),
      log: log.warn,
    }),
  );
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && app.isReady() && host.running) openMainWindow();
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Close the store cleanly (WAL checkpoint) before the process goes.
    event.preventDefault();
    quitting = true;
    network?.stop();
    void host.stop().finally(() => app.quit());
  });
  start().catch((err: unknown) => {
    log.error(`start failed: ${String(err)}`);
    app.quit();
  });
}
