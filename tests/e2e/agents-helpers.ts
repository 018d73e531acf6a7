// Seeding and picking helpers shared by the agents, settlements and expenses specs.
import type { Locator, Page } from '@playwright/test';
import { expect as baseExpect, type WebApp } from './fixtures';

/** The build machines run many suites at once: give the UI time rather than fail on load. */
export const expect = baseExpect.configure({ timeout: 45_000 });
export const SLOW = { timeout: 300_000 };

/**
 * Opens a page of the app with a full load (not just a hash change), so the page's chunk comes
 * from the renderer build as it is now.
 */
export async function visit(page: Page, app: WebApp, hash: string) {
  await page.goto('about:blank');
  await page.goto(app.url + hash);
}

export const today = () => new Date().toISOString().slice(0, 10);

export interface Seeded {
  productId: string;
  customerId: string;
}

/** A product (¥100.00) and a customer to sell it to. */
export async function seedCatalog(app: WebApp): Promise<Seeded> {
  const product = await app.call<{ id: string }>('product.create', {
    sku: 'TEA-001',
    name: '高山乌龙茶',
    category: '茶叶',
    retailPrice: 10000,
  });
  await app.call('purchase.record', {
    lines: [{ productId: product.id, quantity: 100, unitCost: 4000 }],
  });
  const customer = await app.call<{ id: string }>('customer.create', { name: '赵顾客' });
  return { productId: product.id, customerId: customer.id };
}

/** Direct 10%, upline level 1: 3%, level 2: 1%, on the line's net amount, from today. */
export async function seedPlan(app: WebApp) {
  await app.call('plan.create', {
    name: '标准方案',
    effectiveFrom: '2020-01-01',
    base: 'net',
    rates: [1000, 300, 100],
  });
}

/** An order credited to the agent, paid and completed today. Returns the order. */
export async function paidCompletedOrder(
  app: WebApp,
  s: Seeded,
  agentId: string,
  quantity: number,
): Promise<{ id: string; lines: { id: string }[] }> {
  const order = await app.call<{ id: string }>('order.create', {
    customerId: s.customerId,
    agentId,
    lines: [{ productId: s.productId, quantity }],
  });
  await app.call('order.markPaid', { orderId: order.id, method: 'wechat' });
  await app.call('order.complete', { id: order.id });
  return app.call('order.get', { id: order.id });
}

/** Opens an antd Select (by its container) and picks the option holding `text`. */
export async function pick(page: Page, select: Locator, text: string, typed = text) {
  await select.click();
  await page.keyboard.type(typed);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', {
    hasText: text,
  });
  await option.first().click();
}
