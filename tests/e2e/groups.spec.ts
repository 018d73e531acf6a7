// Groups and group-buy campaigns through the UI: a group with a member; a campaign that
// succeeds; one that fails, cancelling the unpaid order and refunding the paid one.
import type { Page } from '@playwright/test';
import { test, expect, startedBusiness, type WebApp } from './fixtures';

test.describe.configure({ timeout: 300_000 });
const SLOW = { timeout: 60_000 };

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

async function seed(app: WebApp) {
  await startedBusiness(app);
  const zs = await app.call<{ id: string }>('customer.create', {
    name: '张三',
    phone: '13900000001',
  });
  const ls = await app.call<{ id: string }>('customer.create', {
    name: '李四',
    phone: '13900000002',
  });
  const p = await app.call<{ id: string }>('product.create', {
    sku: 'MG-01',
    name: '海南芒果 5斤',
    retailPrice: 6800,
    groupPrice: 5900,
  });
  await app.call('purchase.record', { lines: [{ productId: p.id, quantity: 50, unitCost: 3000 }] });
  return { zs, ls, p };
}

async function newCampaign(page: Page, app: WebApp, name: string, min: number) {
  await page.goto(`${app.url}#/groups/campaign`);
  await page.getByTestId('campaign-new').click();
  await expect(page.getByTestId('campaign-name')).toBeFocused(SLOW);
  await page.getByTestId('campaign-name').fill(name);
  await page.getByTestId('campaign-min').fill(String(min));
  await choose(page, 'campaign-product-0', 'MG', '海南芒果');
  await expect(page.getByTestId('campaign-price-0')).toHaveValue('59.00');
  await page.getByTestId('campaign-save').click();
  const drawer = page.getByTestId('campaign-drawer');
  await expect(drawer.getByTestId('campaign-status')).toHaveText('进行中', SLOW);
  return drawer;
}

async function join(page: Page, who: string, qty: number, paid: boolean) {
  await page.getByTestId('campaign-join').click();
  await choose(page, 'join-customer', who, who);
  await page.getByTestId('join-qty-0').fill(String(qty));
  if (paid) await page.getByTestId('join-paid').check();
  await page.getByTestId('join-save').click();
  await expect(page.getByTestId('join-save')).toBeHidden(SLOW);
}

test('a group with a member, and a group-buy that succeeds', async ({ app, page }) => {
  await seed(app);

  await page.goto(`${app.url}#/groups`);
  await page.getByTestId('group-new').click();
  await page.getByTestId('group-name').fill('芒果团购群');
  await page.getByTestId('group-name').press('Enter');
  const group = page.getByTestId('group-drawer');
  await expect(group).toContainText('芒果团购群', SLOW);
  await choose(page, 'group-add-customer', 'zs', '张三');
  await group.getByTestId('group-add-member').click();
  await expect(group.getByTestId('group-members')).toContainText('张三', SLOW);
  await app.shot(page, 'groups-detail');

  const drawer = await newCampaign(page, app, '周末芒果接龙', 2);
  await join(page, '张三', 2, true);
  await join(page, '李四', 1, false);
  await expect(drawer.getByTestId('campaign-people')).toHaveText('2 / 2 人', SLOW);
  await drawer.getByTestId('campaign-succeed').click();
  await page.locator('.ant-popover:visible').getByTestId('decide-ok').click();
  await expect(drawer.getByTestId('campaign-status')).toHaveText('成团', SLOW);
  await expect(drawer.getByTestId('campaign-decision')).toContainText('已成团：2 人参与');
  await app.shot(page, 'groups-campaign-succeeded');

  const campaigns = await app.call<{ rows: { status: string }[] }>('campaign.list', {});
  expect(campaigns.rows.map((c) => c.status)).toEqual(['succeeded']);
  const orders = await app.call<{ rows: { status: string }[] }>('order.list', {});
  expect(orders.rows.map((o) => o.status).sort()).toEqual(['confirmed', 'paid']);

  await page.goto(`${app.url}#/groups/campaign`);
  await expect(page.getByTestId('campaigns-table')).toContainText('周末芒果接龙', SLOW);
  await app.shot(page, 'groups-campaigns');
});

test('a group-buy that fails cancels the unpaid order and refunds the paid one', async ({
  app,
  page,
}) => {
  const { p } = await seed(app);
  const drawer = await newCampaign(page, app, '榴莲拼团', 3);
  await join(page, '张三', 2, true);
  await join(page, '李四', 1, false);
  await expect(drawer.getByTestId('campaign-people')).toHaveText('2 / 3 人', SLOW);
  expect((await app.call<{ onHand: number }>('product.get', { id: p.id })).onHand).toBe(47);

  await drawer.getByTestId('campaign-fail').click();
  await page.locator('.ant-popover:visible').getByTestId('decide-ok').click();
  await expect(drawer.getByTestId('campaign-status')).toHaveText('未成团', SLOW);
  const decision = drawer.getByTestId('campaign-decision');
  await expect(decision).toContainText('取消 1 个未付款订单，退款 1 个已付款订单');
  await expect(drawer.getByTestId('campaign-orders')).toContainText('已取消');
  await app.shot(page, 'groups-campaign-failed');

  const orders = await app.call<{
    rows: { status: string; refundedTotal: number; paidTotal: number }[];
  }>('order.list', {});
  const paid = orders.rows.find((o) => o.paidTotal > 0)!;
  expect(paid.refundedTotal).toBe(paid.paidTotal);
  expect(orders.rows.some((o) => o.status === 'cancelled')).toBe(true);
  // Everything back in stock: the cancellation and the refund both restock.
  expect((await app.call<{ onHand: number }>('product.get', { id: p.id })).onHand).toBe(50);
});
