// Each test gets a fresh store and its own browser-mode host (`npm run web`'s program,
// started as a child process), and the URL it printed on its first stdout line.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

export interface WebApp {
  url: string;
  token: string;
  storeFile: string;
  dir: string;
  /** Calls a contract method directly (to seed or to check the store). */
  call<T = unknown>(method: string, input: unknown): Promise<T>;
  /** Saves a full-page screenshot as a test artifact (test-results/screenshots/NAME.png). */
  shot(page: Page, name: string): Promise<void>;
}

/**
 * A private copy of the built renderer for this worker, so a rebuild of out/renderer while
 * tests run (several people share a working tree) cannot pull files from under a page.
 * Copied again until index.html and every asset it names are there (a copy taken mid-build).
 */
let rendererCopy: string | null = null;
function privateRenderer(): string {
  if (rendererCopy) return rendererCopy;
  const built = join(ROOT, 'out/renderer');
  for (let attempt = 0; attempt < 20; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'qundesk-renderer-'));
    try {
      cpSync(built, dir, { recursive: true });
      const html = readFileSync(join(dir, 'index.html'), 'utf8');
      const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
      if (assets.every((a) => existsSync(join(dir, a)))) {
        process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
        return (rendererCopy = dir);
      }
    } catch {
      // mid-build: try again
    }
    rmSync(dir, { recursive: true, force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  return built;
}

/** The time zone of the host and the page: China's, where a date bug shows (not UTC's). */
export const E2E_TIME_ZONE = process.env.QUNDESK_E2E_TZ ?? 'Asia/Shanghai';

export async function startHost(storeFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/qundesk-web.mjs'),
      '--no-build',
      '--store',
      storeFile,
      '--port',
      '0',
      '--renderer',
      privateRenderer(),
    ],
    // The host counts days where our sellers live (the page too: playwright.config timezoneId).
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: E2E_TIME_ZONE } },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => ok(line.trim()));
    child.once('exit', (code) => fail(new Error(`web host exited (${code}): ${stderr}`)));
  });
  return { child, url };
}

export const test = base.extend<{ app: WebApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies destructured
  app: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'qundesk-e2e-'));
    const storeFile = join(dir, 'store.sqlite');
    const { child, url } = await startHost(storeFile);
    const origin = new URL(url).origin;
    const token = new URL(url).searchParams.get('token')!;
    mkdirSync(SCREENSHOTS, { recursive: true });
    let n = 0;
    const app: WebApp = {
      url,
      token,
      storeFile,
      dir,
      async call(method, input) {
        const res = await fetch(`${origin}/api/call`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ id: `t${n++}`, method, input }),
        });
        const body = (await res.json()) as {
          result: { ok: boolean; value?: unknown; error?: { message: string } };
        };
        if (!body.result.ok) throw new Error(`${method}: ${body.result.error?.message}`);
        return body.result.value as never;
      },
      async shot(page, name) {
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      },
    };
    await use(app);
    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
    rmSync(dir, { recursive: true, force: true });
  },
});

/** A business already started (skips the first-launch page). */
export async function startedBusiness(app: WebApp, name = '测试小店') {
  await app.call('workspace.init', { name });
}

/**
 * Switches the UI language from the status bar. Tried again when a click on the dropdown's
 * option is lost while it is still opening (seen on a loaded CI machine).
 */
export async function chooseLanguage(page: Page, lang: 'zh' | 'en') {
  const label = lang === 'en' ? 'English' : '中文';
  const htmlLang = lang === 'en' ? 'en' : 'zh-CN';
  await expect(async () => {
    if ((await page.locator('html').getAttribute('lang')) !== htmlLang) {
      await page.getByTestId('language').click();
      await page.locator('.ant-select-item-option', { hasText: label }).click({ timeout: 3000 });
    }
    await expect(page.locator('html')).toHaveAttribute('lang', htmlLang, { timeout: 3000 });
  }).toPass({ timeout: 30_000 });
}

export { expect };
