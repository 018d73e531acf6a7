// Language: the UI switches zh → en at runtime and stays English after a reload.
// Settings: the business form shows the contract's field errors and saves nothing on error.
import { test, expect, startedBusiness } from './fixtures';

test('switching the language changes the UI text and persists on reload', async ({ app, page }) => {
  await startedBusiness(app);
  await page.goto(`${app.url}#/dashboard`);
  await expect(page.getByRole('menuitem', { name: '概览' })).toBeVisible();
  await expect(page.getByTestId('dashboard')).toContainText('经营概览');
  await page.getByTestId('language').click();
  await page.locator('.ant-select-item-option', { hasText: 'English' }).click();
  await expect(page.getByRole('menuitem', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('dashboard')).toContainText('Revenue');
  await expect(page.getByTestId('sync-status')).toHaveText('Local only');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('menuitem', { name: 'Reports' })).toBeVisible();
  await expect(page.getByTestId('sync-status')).toHaveText('Local only');
  await page.goto(`${app.url}#/settings`);
  await expect(page.getByTestId('settings')).toContainText('Backup and restore');
  await app.shot(page, 'settings-en');
  // And back to Chinese from the settings page.
  await page.getByTestId('settings-language').click();
  await page.locator('.ant-select-item-option', { hasText: '中文' }).click();
  await expect(page.getByTestId('settings')).toContainText('备份与恢复');
});

test('settings: a bad refund window shows on the field and saves nothing', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await page.goto(`${app.url}#/settings`);
  await expect(page.getByTestId('currency')).toHaveValue('CNY');
  await expect(page.getByTestId('currency')).toBeDisabled();
  await expect(page.getByTestId('restore-note')).toContainText('浏览器模式下不能恢复');
  await expect(page.getByTestId('updates-off')).toBeVisible();
  await expect(page.getByTestId('settings-store-file')).toContainText(app.storeFile);
  const refund = page.getByTestId('refund-window');
  await refund.fill('400');
  await page.getByLabel('店铺名称').fill('改过的名字');
  await page.getByTestId('save-business').click();
  await expect(page.getByTestId('business-form')).toContainText('365');
  const ws = await app.call<{ settings: { name: string; refundWindowDays: number } }>(
    'workspace.get',
    {},
  );
  expect(ws.settings).toMatchObject({ name: '测试小店', refundWindowDays: 7 });
  await app.shot(page, 'settings');

  await refund.fill('14');
  await page.getByTestId('save-business').click();
  await expect
    .poll(async () => {
      const w = await app.call<{ settings: { name: string; refundWindowDays: number } }>(
        'workspace.get',
        {},
      );
      return w.settings;
    })
    .toMatchObject({ name: '改过的名字', refundWindowDays: 14 });

  // A backup lands in the files folder and is handed to the browser.
  const download = page.waitForEvent('download');
  await page.getByTestId('backup').click();
  expect((await download).suggestedFilename()).toMatch(/^qundesk-backup-.*\.sqlite$/);
  await expect(page.getByTestId('backup-file')).toBeVisible();
});
