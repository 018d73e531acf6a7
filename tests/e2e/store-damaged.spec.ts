// A damaged store in browser mode: the banner says so (zh, then en), and the restore button
// puts the daily backup back. The store is a real file:
// a business made through the core, its daily backup written, a table page overwritten.
import { test, expect, startHost, chooseLanguage, SCREENSHOTS } from './fixtures';
import { mkdirSync } from 'node:fs';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';
import { writeDailyBackup } from '../../db/backups';

async function damagedStoreWithBackup(dir: string): Promise<string> {
  const file = join(dir, 'store.sqlite');
  const store = openStore(file);
  const core = createCore({ store });
  await core.invoke('workspace.init', { name: '损坏测试店' });
  for (let i = 0; i < 400; i++)
    await core.invoke('customer.create', {
      name: `客户${i + 1}`,
      notes: '老客户，每周团购水果和零食，地址在小区东门',
    });
  writeDailyBackup(store.sqlite, file, '2026-03-15');
  await store.close();
  const probe = new Database(file, { readonly: true });
  const pageSize = probe.pragma('page_size', { simple: true }) as number;
  const leaves = probe
    .prepare("SELECT pageno FROM dbstat WHERE name = 'customers' AND pagetype = 'leaf'")
    .pluck()
    .all() as number[];
  probe.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (leaves[1]! - 1) * pageSize);
  closeSync(fd);
  return file;
}

test('a damaged store shows the banner and is restored from the daily backup', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-e2e-damaged-'));
  const file = await damagedStoreWithBackup(dir);
  const { child, url } = await startHost(file);
  try {
    await page.goto(`${url}#/customers`);
    const banner = page.getByTestId('store-damaged');
    await expect(banner).toContainText('数据文件已损坏，现在只能查看');
    await expect(banner).toContainText('daily-2026-03-15.sqlite');
    await chooseLanguage(page, 'en');
    await expect(banner).toContainText('The store file is damaged: view only');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'store-damaged-en.png'), fullPage: true });
    await page.getByTestId('restore-backup').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Restored the backup daily-2026-03-15.sqlite')).toBeVisible();
    await expect(banner).toHaveCount(0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
  }
  const store = openStore(file);
  expect(store.damaged).toBeNull();
  expect(store.sqlite.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(400);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
