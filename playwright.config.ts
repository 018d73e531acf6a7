// End-to-end: the built renderer in browser mode (npm run web) in Debian's chromium; the
// Electron binary cannot be downloaded on our build machines (TOOLCHAIN.md).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1366, height: 820 },
    locale: 'zh-CN',
    // Our sellers' zone: a date that shifts or is refused east of UTC fails here.
    timezoneId: process.env.QUNDESK_E2E_TZ ?? 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
