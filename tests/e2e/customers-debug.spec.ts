import { test, startedBusiness } from './fixtures';
test('debug', async ({ app, page }) => {
  page.on('console', (m) => console.log('CONSOLE', m.type(), m.text().slice(0, 500)));
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message, e.stack?.slice(0, 800)));
  await startedBusiness(app);
  await app.call('customer.create', { name: '张三', phone: '13900001111' });
  await page.goto(`${app.url}#/customers`);
  await page.waitForTimeout(3000);
  await app.shot(page, 'debug');
});
