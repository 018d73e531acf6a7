import { test, expect, startedBusiness } from './fixtures';

test('browser mode refuses the api without the token', async ({ app }) => {
  const origin = new URL(app.url).origin;
  const res = await fetch(`${origin}/api/call`, {
    method: 'POST',
    body: JSON.stringify({ id: '1', method: 'workspace.get', input: {} }),
  });
  expect(res.status).toBe(401);
  const events = await fetch(`${origin}/api/events`);
  expect(events.status).toBe(401);
});

test('the app opens on a started business with the menu and the status bar', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await page.goto(app.url);
  await expect(page.getByTestId('status-bar')).toContainText('测试小店');
  await expect(page.getByTestId('sync-status')).toHaveText('仅本地');
});
