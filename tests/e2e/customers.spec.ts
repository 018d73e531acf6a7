// The customers page: a many-row list that stays virtual while it scrolls, search, a bad
// input that saves nothing, and a customer's detail with the PIPL actions.
import { test, expect, startedBusiness } from './fixtures';

// The build machines are shared and often loaded: generous time, never a timed assertion.
test.describe.configure({ timeout: 240_000 });
const SLOW = { timeout: 60_000 };

interface ListResult {
  rows: { id: string; name: string; phone: string | null }[];
  total: number;
}

test('5,000 customers scroll with fewer than 200 rows in the DOM; search narrows the list', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await app.call('demo.generate', { seed: 7, customers: 5000, orders: 300 });
  const all = await app.call<ListResult>('customer.list', { limit: 1 });
  expect(all.total).toBeGreaterThanOrEqual(5000);

  await page.goto(`${app.url}#/customers`);
  const table = page.getByTestId('customers-table');
  // antd's virtual body draws rows as elements with the row class (not <tr>): count both.
  const rowsInDom = () => table.locator('tr, .ant-table-row').count();
  await expect(table.locator('.ant-table-row').first()).toBeVisible(SLOW);
  await expect(page.getByTestId('customers-count')).toContainText(String(all.total));

  const holder = table.locator('.ant-table-tbody-virtual-holder');
  let maxRows = 0;
  for (let i = 1; i <= 10; i++) {
    await holder.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), i / 10);
    await page.waitForTimeout(150);
    maxRows = Math.max(maxRows, await rowsInDom());
  }
  // The last rows were fetched from the core at their offset and drawn.
  await expect(table.locator('.ant-table-row').last()).not.toContainText('加载中');
  const last = await app.call<ListResult>('customer.list', { limit: 1, offset: all.total - 1 });
  await expect(table).toContainText(last.rows[0]!.name);
  expect(maxRows).toBeGreaterThan(5);
  expect(maxRows).toBeLessThan(200);
  await app.shot(page, 'customers-list');

  // Search by phone: the one customer with that phone.
  const someone = (await app.call<ListResult>('customer.list', { limit: 1, offset: 1234 }))
    .rows[0]!;
  await page.getByTestId('customers-search').fill(someone.phone!);
  await expect(page.getByTestId('customers-count')).toHaveText(/^共 [1-9]\d? 位客户$/);
  await expect(table).toContainText(someone.name);
});

test('a customer with an invalid phone shows the field error and saves nothing', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await page.goto(`${app.url}#/customers`);
  await page.getByTestId('customer-new').click();
  await expect(page.getByTestId('customer-name')).toBeFocused(SLOW);
  await page.getByTestId('customer-name').fill('王小二');
  await page.getByTestId('customer-phone').fill('12ab');
  await page.getByTestId('customer-phone').press('Enter');
  const form = page.getByTestId('customer-form');
  await expect(form.locator('.ant-form-item-explain-error')).toContainText('use 5 to 20 digits');
  await app.shot(page, 'customers-invalid-phone');
  const list = await app.call<ListResult>('customer.list', {});
  expect(list.total).toBe(0);

  // Fixed, the same form saves and opens the new customer's detail.
  await page.getByTestId('customer-phone').fill('138 1234 5678');
  await page.getByTestId('customer-phone').press('Enter');
  const drawer = page.getByTestId('customer-drawer');
  await expect(drawer).toContainText('13812345678');
  const after = await app.call<ListResult>('customer.list', {});
  expect(after.total).toBe(1);
  expect(after.rows[0]!.phone).toBe('13812345678');
});

test('customer detail: consent, personal-data export and erasure after confirmation', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  const c = await app.call<{ id: string }>('customer.create', {
    name: '张三',
    phone: '13900001111',
    wechatId: 'zhangsan88',
    tags: ['VIP'],
    addresses: [{ recipient: '张三', detail: '北京市朝阳区建国路 1 号' }],
  });
  await page.goto(`${app.url}#/customers/${c.id}`);
  const drawer = page.getByTestId('customer-drawer');
  await expect(drawer).toContainText('zhangsan88', SLOW);
  await drawer.getByTestId('customer-consent').click();
  await expect
    .poll(
      async () =>
        (await app.call<{ marketingConsent: boolean }>('customer.get', c)).marketingConsent,
    )
    .toBe(true);
  await app.shot(page, 'customers-detail');

  const download = page.waitForEvent('download');
  await drawer.getByTestId('customer-export-personal').click();
  expect((await download).suggestedFilename()).toBe(`customer-${c.id}.json`);

  await drawer.getByTestId('customer-erase').click();
  await page.getByTestId('erase-reason').fill('客户要求');
  await page.getByTestId('erase-ok').click();
  await expect(drawer).toContainText('已匿名化');
  const erased = await app.call<{ erasedAt: string | null; phone: string | null }>(
    'customer.get',
    c,
  );
  expect(erased.erasedAt).not.toBeNull();
  expect(erased.phone).toBeNull();
});

test('the four pages in English', async ({ app, page }) => {
  await startedBusiness(app);
  await app.call('customer.create', { name: 'Wang Wu', phone: '13600003333' });
  await page.addInitScript(() => localStorage.setItem('qundesk.lang', 'en'));
  const pages = [
    ['customers', 'New customer'],
    ['groups/campaign', 'New group-buy'],
    ['products', 'New product'],
    ['orders/new', 'Enter adds a line'],
  ] as const;
  for (const [hash, text] of pages) {
    await page.goto('about:blank');
    await page.goto(`${app.url}#/${hash}`);
    await expect(page.getByText(text).first()).toBeVisible(SLOW);
    await app.shot(page, `en-${hash.replace('/', '-')}`);
  }
});
