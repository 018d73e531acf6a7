// Products and stock through the UI: a purchase that brings goods in, a damage adjustment,
// the low-stock alerts with negative stock flagged, and a stocktake.
import type { Page } from '@playwright/test';
import { test, expect, startedBusiness, type WebApp } from './fixtures';

test.describe.configure({ timeout: 300_000 });
const SLOW = { timeout: 60_000 };

async function open(page: Page, app: WebApp, hash: string) {
  await page.goto('about:blank');
  await page.goto(`${app.url}#/${hash}`);
}

async function choose(page: Page, scope: ReturnType<Page['locator']>, typed: string, pick: string) {
  await scope.click();
  await scope.locator('input').fill(typed);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', {
    hasText: pick,
  });
  await expect(option.first()).toBeVisible(SLOW);
  await option.first().click();
}

test('purchase, adjustment, low stock with negative stock flagged, stocktake', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  const tea = await app.call<{ id: string }>('product.create', {
    sku: 'TEA-01',
    name: '高山乌龙茶',
    category: '茶叶',
    retailPrice: 12800,
    lowStockThreshold: 5,
    tierPrices: { level1: 9800 },
  });
  const cup = await app.call<{ id: string }>('product.create', {
    sku: 'CUP-01',
    name: '玻璃茶杯',
    category: '器具',
    retailPrice: 3500,
    lowStockThreshold: 2,
  });
  // Sold before any stock arrived: on hand goes negative.
  await app.call('order.create', { lines: [{ productId: cup.id, quantity: 3 }] });

  // A purchase of 20 tea at 60.00 through the purchases tab.
  await open(page, app, 'products');
  await page.getByRole('tab', { name: '进货' }).click();
  await page.getByTestId('purchase-new').click();
  const modal = page.locator('.ant-modal:visible');
  await choose(page, modal.locator('.ant-select').nth(1), 'TEA', '高山乌龙茶');
  await modal.getByPlaceholder('数量').fill('20');
  await modal.getByPlaceholder('单位成本').fill('60');
  await app.shot(page, 'products-purchase-form');
  await page.getByTestId('purchase-save').click();
  await expect(page.getByTestId('purchase-save')).toBeHidden(SLOW);
  await expect(page.getByTestId('products-page')).toContainText('1200.00', SLOW);
  await app.shot(page, 'products-purchases');
  const afterPurchase = await app.call<{ onHand: number; avgCost: number }>('product.get', tea);
  expect(afterPurchase).toMatchObject({ onHand: 20, avgCost: 6000 });

  // Two damaged in the ledger.
  await open(page, app, `products/${tea.id}`);
  const drawer = page.getByTestId('product-drawer');
  await expect(drawer.getByTestId('product-on-hand')).toHaveText('20', SLOW);
  await drawer.getByTestId('product-adjust').click();
  await page.locator('.ant-modal:visible .ant-input-number input').fill('2');
  await page.getByTestId('adjust-save').click();
  await expect(drawer.getByTestId('product-on-hand')).toHaveText('18', SLOW);
  await expect(drawer.getByTestId('product-movements')).toContainText('报损');
  await app.shot(page, 'products-ledger');

  // Low stock: the cup is negative and listed first, flagged.
  await open(page, app, 'products');
  await expect(page.getByTestId('products-table')).toContainText('玻璃茶杯', SLOW);
  await app.shot(page, 'products-catalog');
  await page.getByTestId('tab-low-stock').click();
  const low = page.getByTestId('low-stock');
  await expect(low.getByTestId('stock-negative')).toContainText('-3', SLOW);
  await app.shot(page, 'products-low-stock');

  // A stocktake counts 17 tea: one missing.
  await page.getByRole('tab', { name: '盘点' }).click();
  const pane = page.getByTestId('stocktake');
  await choose(page, pane.locator('.ant-select').first(), 'TEA', '高山乌龙茶');
  await pane.getByPlaceholder('实盘数量').fill('17');
  await page.getByTestId('stocktake-save').click();
  await expect(pane).toContainText('-1', SLOW);
  await expect(pane).toContainText('-60.00');
  await app.shot(page, 'products-stocktake');
  expect((await app.call<{ onHand: number }>('product.get', tea)).onHand).toBe(17);
});

test('a product with a negative price shows the field error and saves nothing', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await open(page, app, 'products');
  await page.getByTestId('product-new').click();
  await expect(page.getByTestId('product-sku')).toBeFocused(SLOW);
  await page.getByTestId('product-sku').fill('X-1');
  await page.getByTestId('product-name').fill('测试品');
  await page.getByTestId('product-price').fill('-5');
  await page.getByTestId('product-price').press('Enter');
  await expect(
    page.getByTestId('product-form').locator('.ant-form-item-explain-error'),
  ).toContainText('must be 0 or more', SLOW);
  await app.shot(page, 'products-invalid-price');
  expect((await app.call<{ total: number }>('product.list', {})).total).toBe(0);
});
