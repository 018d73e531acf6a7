// First launch: the welcome page, the demo business with progress, then the dashboard.
import { test, expect } from './fixtures';

test('first launch loads the demo business and lands on the dashboard', async ({ app, page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId('welcome')).toBeVisible();
  await app.shot(page, 'welcome');
  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-ready', 'true', {
    timeout: 60_000,
  });
  const ws = await app.call<{ settings: { name: string } }>('workspace.get', {});
  expect(ws.settings.name).toBe('示例社区团购店');
  await expect(page.getByTestId('status-bar')).toContainText('示例社区团购店');
  // The KPI cards read the same as figures.dashboard for the period shown.
  const dashboard = page.getByTestId('dashboard');
  const from = await dashboard.getAttribute('data-from');
  const to = await dashboard.getAttribute('data-to');
  const dash = await app.call<{ totals: { revenue: number; netProfit: number; orders: number } }>(
    'figures.dashboard',
    { from, to },
  );
  expect(dash.totals.orders).toBeGreaterThan(0);
  await expect(page.getByTestId('kpi-revenue')).toHaveText((dash.totals.revenue / 100).toFixed(2));
  await expect(page.getByTestId('kpi-orders')).toHaveText(String(dash.totals.orders));
  await expect(
    page.locator('[data-chart="trend"] svg.recharts-surface[role="application"]'),
  ).toBeVisible();
  await app.shot(page, 'dashboard');
});

test('first launch can start an empty business; a bad name shows on the field', async ({
  app,
  page,
}) => {
  await page.goto(app.url);
  await page.getByTestId('start-empty').click();
  await expect(page.getByTestId('start-form')).toContainText('店铺名称');
  expect((await app.call<{ settings: unknown }>('workspace.get', {})).settings).toBeNull();
  await page.getByLabel('店铺名称').fill('阿芳水果团');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await expect(page.getByTestId('kpi-revenue')).toHaveText('0.00');
  const ws = await app.call<{ settings: { name: string; refundWindowDays: number } }>(
    'workspace.get',
    {},
  );
  expect(ws.settings).toMatchObject({ name: '阿芳水果团', refundWindowDays: 7 });
});
