// Orders through the UI: a customer, a product with stock, an order entered from the keyboard,
// paid in full, and the dashboard's figures moving by exactly that order; a refund with
// restock; a bad line that saves nothing.
import type { Page } from '@playwright/test';
import { parseAmount } from '../../core/money';
import { test, expect, startedBusiness, type WebApp } from './fixtures';

test.describe.configure({ timeout: 300_000 });
const SLOW = { timeout: 60_000 };

const KPIS = ['revenue', 'cogs', 'gross-profit', 'net-profit', 'orders'] as const;
type Kpis = Record<(typeof KPIS)[number], number>;

/**
 * Opens a page with a full load (not a same-document hash change), so the page's chunk comes
 * from the renderer build being served now.
 */
async function open(page: Page, app: WebApp, hash: string) {
  await page.goto('about:blank');
  await page.goto(`${app.url}#/${hash}`);
}

async function readDashboard(page: Page, app: WebApp): Promise<Kpis> {
  await open(page, app, `dashboard`);
  const out = {} as Kpis;
  for (const k of KPIS) {
    const el = page.getByTestId(`kpi-${k}`);
    await expect(el).toBeVisible(SLOW);
    const text = (await el.innerText()).trim();
    out[k] = k === 'orders' ? Number(text.replace(/[^\d-]/g, '')) : parseAmount(text)!;
  }
  return out;
}

/** Types into an antd search Select and picks the first option that shows `pick`. */
async function choose(page: Page, testId: string, typed: string, pick: string | RegExp) {
  const select = page.getByTestId(testId);
  await select.click();
  await select.locator('input').fill(typed);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', {
    hasText: pick,
  });
  await expect(option.first()).toBeVisible(SLOW);
  await option.first().click();
}

test('customer, product with stock, keyboard order paid: dashboard moves by the order', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  const before = await readDashboard(page, app);

  // A customer, through the customers page.
  await open(page, app, `customers`);
  await page.getByTestId('customer-new').click();
  await page.getByTestId('customer-name').fill('李四');
  await page.getByTestId('customer-phone').fill('13700002222');
  await page.getByTestId('customer-phone').press('Enter');
  await expect(page.getByTestId('customer-drawer')).toContainText('13700002222', SLOW);

  // A product with 10 in stock at 12.00, sold at 25.00.
  await open(page, app, `products`);
  await page.getByTestId('product-new').click();
  await expect(page.getByTestId('product-sku')).toBeFocused(SLOW);
  await page.getByTestId('product-sku').fill('TEA-01');
  await page.getByTestId('product-name').fill('高山乌龙茶');
  await page.getByTestId('product-price').fill('25');
  await page.getByTestId('product-opening-qty').fill('10');
  await page.getByTestId('product-opening-cost').fill('12.00');
  await page.getByTestId('product-opening-cost').press('Enter');
  const drawer = page.getByTestId('product-drawer');
  await expect(drawer.getByTestId('product-on-hand')).toHaveText('10', SLOW);
  await expect(drawer.getByTestId('product-movements')).toContainText('进货');
  await app.shot(page, 'products-detail');

  // The order, from the keyboard: customer, line (price from the product), shipping, a fee.
  await open(page, app, `orders`);
  await expect(page.getByTestId('orders-table')).toBeVisible(SLOW);
  await page.keyboard.press('n');
  await expect(page.getByTestId('order-form')).toBeVisible(SLOW);
  await choose(page, 'order-customer', 'ls', '李四');
  await choose(page, 'order-line-product-0', 'TEA', '高山乌龙茶');
  await expect(page.getByTestId('order-line-price-0')).toHaveValue('25.00');
  await page.getByTestId('order-line-qty-0').fill('2');
  await page.getByTestId('order-shipping').fill('5');
  await page.getByRole('button', { name: /添加费用/ }).click();
  await page.keyboard.type('1.00');
  await expect(page.getByTestId('order-estimate')).toContainText('55.00');
  await app.shot(page, 'orders-entry');
  await page.keyboard.press('Control+Enter');

  const order = page.getByTestId('order-drawer');
  await expect(order.getByTestId('order-total')).toHaveText('55.00', SLOW);
  await expect(order.getByTestId('order-status')).toHaveText('已确认');
  await order.getByTestId('order-pay').click();
  await page.getByTestId('payment-save').click();
  await expect(order.getByTestId('order-status')).toHaveText('已付款', SLOW);
  await expect(order.getByTestId('order-balance')).toHaveText('0.00');
  await app.shot(page, 'orders-detail');

  const orders = await app.call<{ rows: { status: string; totalDue: number }[] }>('order.list', {});
  expect(orders.rows).toHaveLength(1);
  expect(orders.rows[0]).toMatchObject({ status: 'paid', totalDue: 5500 });

  // Revenue 2 x 25.00 + 5.00 shipping; COGS 2 x 12.00; fees 1.00.
  const after = await readDashboard(page, app);
  await app.shot(page, 'dashboard-after-order');
  expect(after.revenue - before.revenue).toBe(5500);
  expect(after.cogs - before.cogs).toBe(2400);
  expect(after['gross-profit'] - before['gross-profit']).toBe(3100);
  expect(after['net-profit'] - before['net-profit']).toBe(3000);
  expect(after.orders - before.orders).toBe(1);

  await open(page, app, `orders`);
  await expect(page.getByTestId('orders-table')).toContainText('李四', SLOW);
  await app.shot(page, 'orders-list');
});

test('an order line with quantity 0 shows the field error and saves nothing', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await app.call('product.create', { sku: 'A1', name: '苹果', retailPrice: 800 });
  await open(page, app, `orders/new`);
  await expect(page.getByTestId('order-form')).toBeVisible(SLOW);
  await choose(page, 'order-line-product-0', 'A1', '苹果');
  await page.getByTestId('order-line-qty-0').fill('0');
  await page.keyboard.press('Control+s');
  const line = page.getByTestId('order-line-0');
  await expect(line.locator('.ant-form-item-explain-error')).toContainText(
    'must be more than 0',
    SLOW,
  );
  await app.shot(page, 'orders-invalid-quantity');
  const list = await app.call<{ total: number }>('order.list', {});
  expect(list.total).toBe(0);
  const product = await app.call<{ onHand: number }>('product.get', {
    id: (await app.call<{ rows: { id: string }[] }>('product.list', {})).rows[0]!.id,
  });
  expect(product.onHand).toBe(0);
});

test('a partial refund with restock puts the goods back and shows on the order', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  const p = await app.call<{ id: string }>('product.create', {
    sku: 'B1',
    name: '蜂蜜',
    retailPrice: 3000,
  });
  await app.call('purchase.record', { lines: [{ productId: p.id, quantity: 5, unitCost: 1000 }] });
  const o = await app.call<{ id: string }>('order.create', {
    lines: [{ productId: p.id, quantity: 3 }],
  });
  await app.call('order.markPaid', { orderId: o.id });

  await open(page, app, `orders/${o.id}`);
  const drawer = page.getByTestId('order-drawer');
  await expect(drawer.getByTestId('order-status')).toHaveText('已付款', SLOW);
  await drawer.getByTestId('order-refund').click();
  await page.getByTestId('refund-qty-0').fill('1');
  await page.getByTestId('refund-save').click();
  await expect(drawer.getByTestId('order-refunds')).toContainText('30.00', SLOW);
  await app.shot(page, 'orders-refund');
  const product = await app.call<{ onHand: number }>('product.get', { id: p.id });
  expect(product.onHand).toBe(3);
});
