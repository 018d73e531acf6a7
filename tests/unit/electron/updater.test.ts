// The update controller with a fake updater (an EventEmitter with electron-updater's method
// names): nothing downloads or restarts without a yes, errors are logged and never thrown,
// and updates are off in development and tests. No 'electron' import is involved.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { UpdateState } from '../../../core/host/bridge';
import {
  DEFAULT_FEED_URL,
  parseFeedUrl,
  UpdateController,
  updatesDisabledReason,
  type UpdateQuestion,
  type UpdaterLike,
} from '../../../electron/main/updater';

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = true; // electron-updater's defaults
  autoInstallOnAppQuit = true;
  feeds: string[] = [];
  checks = 0;
  downloads = 0;
  installs = 0;
  failCheck: Error | null = null;
  setFeedURL(options: { provider: 'generic'; url: string }): void {
    this.feeds.push(`${options.provider} ${options.url}`);
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    if (this.failCheck) throw this.failCheck;
    return null;
  }
  async downloadUpdate(): Promise<unknown> {
    this.downloads++;
    return [];
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

function setUp(answers: { download?: boolean; restart?: boolean } = {}) {
  const updater = new FakeUpdater();
  const questions: UpdateQuestion[] = [];
  const states: UpdateState[] = [];
  const log = { info: vi.fn(), error: vi.fn() };
  const controller = new UpdateController({
    updater,
    confirm: async (q) => {
      questions.push(q);
      return q.kind === 'download' ? (answers.download ?? false) : (answers.restart ?? false);
    },
    log,
    onState: (s) => states.push(s),
  });
  return { updater, questions, states, log, controller };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('UpdateController', () => {
  it('turns automatic download and install-on-quit off', () => {
    const { updater } = setUp();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
  });

  it('asks before downloading, and downloads nothing on a no', async () => {
    const { updater, questions, controller, states } = setUp({ download: false });
    await controller.check();
    updater.emit('update-available', { version: '1.2.0' });
    await flush();
    expect(questions).toEqual([{ kind: 'download', version: '1.2.0' }]);
    expect(updater.downloads).toBe(0);
    expect(states).toContainEqual({ state: 'available', version: '1.2.0' });
  });

  it('downloads on a yes, then asks before restarting, and restarts only on a yes', async () => {
    const { updater, questions, controller } = setUp({ download: true, restart: false });
    await controller.check();
    updater.emit('update-available', { version: '1.2.0' });
    await flush();
    expect(updater.downloads).toBe(1);
    updater.emit('download-progress', { percent: 42.5 });
    expect(controller.state).toEqual({ state: 'downloading', percent: 42.5 });
    updater.emit('update-downloaded', { version: '1.2.0' });
    await flush();
    expect(questions.map((q) => q.kind)).toEqual(['download', 'restart']);
    expect(updater.installs).toBe(0);
    expect(controller.state).toEqual({ state: 'downloaded', version: '1.2.0' });

    // Later, from Settings: install() asks again, and a yes restarts into the update.
    const again = setUp({ download: true, restart: true });
    again.updater.emit('update-available', { version: '2.0.0' });
    await flush();
    again.updater.emit('update-downloaded', { version: '2.0.0' });
    await flush();
    expect(again.updater.installs).toBe(1);
  });

  it('does nothing for download() or install() before there is anything to get', async () => {
    const { updater, questions, controller } = setUp({ download: true, restart: true });
    await controller.download();
    await controller.install();
    expect(questions).toEqual([]);
    expect(updater.downloads + updater.installs).toBe(0);
  });

  it('logs errors and never throws them into the app', async () => {
    const { updater, controller, log } = setUp();
    updater.failCheck = new Error('feed unreachable');
    await expect(controller.check()).resolves.toBeUndefined();
    expect(controller.state).toEqual({ state: 'error', message: 'check failed: feed unreachable' });
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('feed unreachable'));

    expect(() => updater.emit('error', new Error('sha512 mismatch'))).not.toThrow();
    expect(controller.state).toMatchObject({
      state: 'error',
      message: expect.stringContaining('sha512'),
    });

    updater.downloadUpdate = async () => {
      throw new Error('disk full');
    };
    const answering = new UpdateController({
      updater,
      confirm: async () => {
        throw new Error('dialog broke');
      },
      log,
    });
    expect(() => updater.emit('update-available', { version: '3.0.0' })).not.toThrow();
    await flush();
    expect(answering.state).toMatchObject({ state: 'error' });
  });

  it('applies a feed URL from Settings, persists it, and goes back to the built-in one on ""', async () => {
    const saved: (string | null)[] = [];
    const updater = new FakeUpdater();
    const controller = new UpdateController({
      updater,
      confirm: async () => false,
      log: { info: () => undefined, error: () => undefined },
      feedUrl: 'https://mirror.example/qundesk',
      saveFeedUrl: (url) => saved.push(url),
    });
    expect(updater.feeds).toEqual(['generic https://mirror.example/qundesk']);
    await controller.setFeedUrl('https://other.example/feed/');
    await controller.setFeedUrl('');
    expect(saved).toEqual(['https://other.example/feed', null]);
    expect(updater.feeds.slice(1)).toEqual([
      'generic https://other.example/feed',
      `generic ${DEFAULT_FEED_URL}`,
    ]);
    await expect(controller.setFeedUrl('http://updates.example/')).rejects.toThrow(/https/);
    await expect(controller.setFeedUrl('javascript:alert(1)')).rejects.toThrow(/https/);
    expect(saved).toHaveLength(2);
  });

  it('is disabled without an updater: no calls, a "disabled" state', async () => {
    const confirm = vi.fn(async () => true);
    const controller = new UpdateController({
      updater: null,
      disabledReason: 'Updates are off in development builds.',
      confirm,
      log: { info: () => undefined, error: () => undefined },
    });
    await controller.check();
    await controller.download();
    await controller.install();
    await controller.setFeedUrl('https://mirror.example/q');
    expect(confirm).not.toHaveBeenCalled();
    expect(controller.state).toEqual({
      state: 'disabled',
      reason: 'Updates are off in development builds.',
    });
  });
});

describe('when updates run', () => {
  it('is never when not packaged, in tests, or when switched off', () => {
    expect(updatesDisabledReason({ isPackaged: false, env: {} })).toMatch(/development/);
    expect(updatesDisabledReason({ isPackaged: true, env: { VITEST: 'true' } })).toMatch(/tests/);
    expect(updatesDisabledReason({ isPackaged: true, env: { NODE_ENV: 'test' } })).toMatch(/tests/);
    expect(
      updatesDisabledReason({ isPackaged: true, env: { QUNDESK_DISABLE_UPDATES: '1' } }),
    ).toMatch(/switched off/);
    expect(updatesDisabledReason({ isPackaged: true, env: {} })).toBeNull();
  });

  it('accepts https feeds, and http only on this computer', () => {
    expect(parseFeedUrl('https://updates.example/desktop/')).toBe(
      'https://updates.example/desktop',
    );
    expect(parseFeedUrl('http://127.0.0.1:8787/updates')).toBe('http://127.0.0.1:8787/updates');
    expect(parseFeedUrl('http://localhost/u')).toBe('http://localhost/u');
    for (const bad of [
      'http://updates.example/',
      'file:///tmp/feed',
      'ftp://x/',
      'https://u:p@x.example/',
      'nope',
    ]) {
      expect(parseFeedUrl(bad), bad).toBeNull();
    }
  });
});
