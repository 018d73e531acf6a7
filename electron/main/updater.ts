// Updates: electron-updater with the generic provider, driven by a controller that never
// downloads or restarts without asking, logs every error and never throws into the app.
// The updater, the question and the log come in by injection, so tests use a fake updater.
import type { UpdateState } from '../../core/host/bridge';

/** The built-in feed: keep equal to `publish.url` in electron-builder.yml (a test checks). */
export const DEFAULT_FEED_URL = 'https://updates.qundesk.example/desktop';

/** The parts of electron-updater's AppUpdater the controller uses. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export type UpdateQuestion =
  { kind: 'download'; version: string } | { kind: 'restart'; version: string };

export interface UpdateLog {
  info(message: string): void;
  error(message: string): void;
}

export interface UpdateControllerOptions {
  /** null when updates are off; `disabledReason` says why. */
  updater: UpdaterLike | null;
  disabledReason?: string;
  /** Asks the user (a native dialog in the app); true = go ahead. */
  confirm: (question: UpdateQuestion) => Promise<boolean>;
  log: UpdateLog;
  /** A feed URL chosen in Settings (persisted by the caller), or null for the built-in one. */
  feedUrl?: string | null;
  saveFeedUrl?: (url: string | null) => void;
  onState?: (state: UpdateState) => void;
}

/**
 * Why updates are off, or null when they may run: never in development (not packaged), in
 * tests, or when switched off by the environment. Browser mode never loads this module.
 */
export function updatesDisabledReason(options: {
  isPackaged: boolean;
  env: Record<string, string | undefined>;
}): string | null {
  const { env } = options;
  if (env.QUNDESK_DISABLE_UPDATES === '1')
    return 'Updates are switched off (QUNDESK_DISABLE_UPDATES).';
  if (env.VITEST || env.NODE_ENV === 'test') return 'Updates are off in tests.';
  if (!options.isPackaged) return 'Updates are off in development builds.';
  return null;
}

/**
 * A feed URL a user may set: https, or http only to this machine (a local update server).
 * Returns the normalized URL (no trailing slash), or null.
 */
export function parseFeedUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return null;
  if (url.username || url.password || url.search || url.hash) return null;
  return url.href.replace(/\/+$/, '');
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function versionOf(info: unknown): string {
  const v = (info as { version?: unknown } | null)?.version;
  return typeof v === 'string' ? v : 'unknown';
}

export class UpdateController {
  private current: UpdateState;
  private available: string | null = null;
  private downloaded: string | null = null;
  private asking = false;
  private feedUrl: string | null;
  private readonly updater: UpdaterLike | null;

  constructor(private readonly options: UpdateControllerOptions) {
    this.feedUrl = options.feedUrl ?? null;
    this.updater = options.updater;
    this.current = this.updater
      ? { state: 'idle' }
      : { state: 'disabled', reason: options.disabledReason ?? 'Updates are off.' };
    if (this.updater) this.setUp(this.updater);
  }

  get state(): UpdateState {
    return this.current;
  }

  get customFeedUrl(): string | null {
    return this.feedUrl;
  }

  private setState(state: UpdateState): void {
    this.current = state;
    try {
      this.options.onState?.(state);
    } catch (err) {
      this.options.log.error(`update state listener failed: ${message(err)}`);
    }
  }

  private fail(what: string, err: unknown): void {
    const text = `${what}: ${message(err)}`;
    this.options.log.error(`update ${text}`);
    this.setState({ state: 'error', message: text });
  }

  /** Runs an event handler so that nothing it does can throw into electron-updater. */
  private safely<A extends unknown[]>(name: string, fn: (...args: A) => void | Promise<void>) {
    return (...args: A): void => {
      try {
        void Promise.resolve(fn(...args)).catch((err: unknown) => this.fail(name, err));
      } catch (err) {
        this.fail(name, err);
      }
    };
  }

  private setUp(updater: UpdaterLike): void {
    updater.autoDownload = false; // ask first
    updater.autoInstallOnAppQuit = false; // nothing installs without the user's yes
    if (this.feedUrl) this.applyFeedUrl(updater, this.feedUrl);
    const on = (event: string, listener: (...args: unknown[]) => void) =>
      updater.on(event, listener);
    on(
      'checking-for-update',
      this.safely('checking', () => this.setState({ state: 'checking' })),
    );
    on(
      'update-not-available',
      this.safely('not-available', () => this.setState({ state: 'not-available' })),
    );
    on(
      'update-available',
      this.safely('available', async (info: unknown) => {
        const version = versionOf(info);
        this.available = version;
        this.setState({ state: 'available', version });
        await this.download();
      }),
    );
    on(
      'download-progress',
      this.safely('progress', (progress: unknown) => {
        const p = (progress as { percent?: unknown } | null)?.percent;
        const percent =
          typeof p === 'number' && Number.isFinite(p) ? Math.max(0, Math.min(100, p)) : 0;
        this.setState({ state: 'downloading', percent });
      }),
    );
    on(
      'update-downloaded',
      this.safely('downloaded', async (info: unknown) => {
        const version = versionOf(info);
        this.downloaded = version;
        this.setState({ state: 'downloaded', version });
        await this.install();
      }),
    );
    on(
      'error',
      this.safely('error', (err: unknown) => this.fail('failed', err)),
    );
  }

  private applyFeedUrl(updater: UpdaterLike, url: string): void {
    try {
      updater.setFeedURL({ provider: 'generic', url });
    } catch (err) {
      this.fail('feed URL not applied', err);
    }
  }

  private async ask(question: UpdateQuestion): Promise<boolean> {
    if (this.asking) return false; // one question at a time
    this.asking = true;
    try {
      return await this.options.confirm(question);
    } catch (err) {
      this.fail('question failed', err);
      return false;
    } finally {
      this.asking = false;
    }
  }

  /** Looks for an update; if one exists the user is asked before it downloads. */
  async check(): Promise<void> {
    const updater = this.updater;
    if (!updater) return this.setState(this.current);
    try {
      this.setState({ state: 'checking' });
      await updater.checkForUpdates();
    } catch (err) {
      this.fail('check failed', err);
    }
  }

  /** Downloads the available update, after asking. */
  async download(): Promise<void> {
    const updater = this.updater;
    const version = this.available;
    if (!updater || version === null) return;
    if (!(await this.ask({ kind: 'download', version }))) {
      this.options.log.info(`update ${version}: download declined`);
      return;
    }
    try {
      this.setState({ state: 'downloading', percent: 0 });
      await updater.downloadUpdate();
    } catch (err) {
      this.fail('download failed', err);
    }
  }

  /** Restarts into the downloaded update, after asking. */
  async install(): Promise<void> {
    const updater = this.updater;
    const version = this.downloaded;
    if (!updater || version === null) return;
    if (!(await this.ask({ kind: 'restart', version }))) {
      this.options.log.info(`update ${version}: restart declined`);
      return;
    }
    try {
      updater.quitAndInstall(false, true);
    } catch (err) {
      this.fail('install failed', err);
    }
  }

  /**
   * Sets the feed chosen in Settings ('' goes back to the built-in feed), persists it and
   * applies it. Throws only for a URL that is not acceptable, so the form can say so.
   */
  async setFeedUrl(value: string): Promise<void> {
    const trimmed = value.trim();
    const url = trimmed === '' ? null : parseFeedUrl(trimmed);
    if (trimmed !== '' && url === null) {
      throw new Error('The update feed must be an https:// URL (http:// only for this computer).');
    }
    this.feedUrl = url;
    try {
      this.options.saveFeedUrl?.(url);
    } catch (err) {
      this.options.log.error(`update feed URL not saved: ${message(err)}`);
    }
    if (this.updater) this.applyFeedUrl(this.updater, url ?? DEFAULT_FEED_URL);
    this.options.log.info(`update feed: ${url ?? `${DEFAULT_FEED_URL} (built-in)`}`);
  }
}
