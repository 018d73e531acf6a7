// The sync page in the user's language when something goes wrong, and what the owner learns
// from the server: a wrong password and a bad invite code are worded in Chinese (the server's
// English text as a detail), a revoked device says so; the owner sees a profile edit that lost
// to a newer one (which customer, which field, the value that lost, which device); and a page
// whose code cannot be loaded shows a message with a reload button instead of a blank window.
// Against a real sync server started in the test (SQLite file, rate limits off).
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../server/app';
import { createServerDb, type ServerDb } from '../../server/db';
import { Device } from '../sim/harness';
import { test, expect, chooseLanguage, startedBusiness } from './fixtures';

test.describe.configure({ timeout: 300_000 });
const SLOW = { timeout: 60_000 };
const PASSWORD = 'correct horse battery';

class TestServer {
  private dir = mkdtempSync(join(tmpdir(), 'qundesk-e2e-server-'));
  private app: FastifyInstance | null = null;
  private db: ServerDb | null = null;
  url = '';

  async start(): Promise<void> {
    this.db = await createServerDb({ file: join(this.dir, 'server.sqlite') });
    this.app = await buildServer({ db: this.db, rateLimit: false });
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    const address = this.app.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async dispose(): Promise<void> {
    await this.app?.close();
    await this.db?.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

test('sign-in failures are worded in Chinese, the server text kept as a detail', async ({
  app,
  page,
}) => {
  const server = new TestServer();
  await server.start();
  try {
    // An owner account exists on the server (made from another store).
    const other = new Device({ name: 'owner', clock: { now: () => new Date() } });
    try {
      await other.core.invoke('workspace.init', { name: '小林水果店' });
      await other.client.signUp({
        serverUrl: server.url,
        email: 'owner@example.com',
        password: PASSWORD,
        workspaceName: '小林水果店',
        deviceName: '店主电脑',
      });
    } finally {
      await other.dispose();
    }

    // A new, empty store signs in with a wrong password.
    await page.goto(`${app.url}#/sync`);
    await page.getByTestId('sync-tab-signIn').click();
    await page.getByTestId('sync-server-url').fill(server.url);
    await page.getByTestId('sync-email').fill('owner@example.com');
    await page.getByTestId('sync-password').fill('not the password');
    await page.getByTestId('sync-submit').click();
    const toast = page.locator('.ant-message');
    await expect(toast).toContainText('邮箱或密码不正确', SLOW);
    await expect(toast).toContainText('Wrong email or password');
    await expect(page.getByTestId('sync-form-signIn')).toContainText('邮箱或密码不正确');
    await app.shot(page, 'sync-wrong-password');

    // Joining with a made-up invite code.
    await page.getByTestId('sync-tab-join').click();
    await page.getByTestId('sync-server-url').fill(server.url);
    await page.getByTestId('sync-invite-code').fill('AAAA-BBBB-CCCC');
    await page.getByTestId('sync-email').fill('agent@example.com');
    await page.getByTestId('sync-password').fill(PASSWORD);
    await page.getByTestId('sync-submit').click();
    await expect(toast).toContainText('邀请码无效', SLOW);
    await expect(toast).toContainText('invite code is not valid');
    await app.shot(page, 'sync-invite-invalid');
  } finally {
    await server.dispose();
  }
});

test('the owner sees an edit that lost to a newer one; a revoked device says so', async ({
  app,
  page,
}) => {
  const server = new TestServer();
  await server.start();
  // The second owner device runs in this process with its clock ten minutes behind, so its
  // edit, arriving last, is the older one and loses.
  const behind = new Device({
    name: 'phone',
    clock: { now: () => new Date(Date.now() - 10 * 60_000) },
  });
  try {
    await startedBusiness(app, '小林水果店');
    const c = await app.call<{ id: string }>('customer.create', { name: '张三' });
    await app.call('sync.signIn', {
      serverUrl: server.url,
      email: 'boss@example.com',
      password: PASSWORD,
      deviceName: '店主电脑',
      createWorkspace: true,
      workspaceName: '小林水果店',
    });
    await app.call('sync.now', {});
    await behind.client.signIn({
      serverUrl: server.url,
      email: 'boss@example.com',
      password: PASSWORD,
      deviceName: '店主手机',
    });
    behind.refreshCore();
    await behind.client.syncOnce();

    await app.call('customer.update', { id: c.id, notes: '电脑上写的备注' });
    await app.call('sync.now', {});
    await behind.core.invoke('customer.update', { id: c.id, notes: '手机上写的备注' });
    await behind.client.syncOnce();

    await page.goto(`${app.url}#/sync`);
    const table = page.getByTestId('sync-conflicts');
    await expect(table).toContainText('客户：张三', SLOW);
    await expect(table).toContainText('备注');
    await expect(table).toContainText('手机上写的备注');
    await expect(table).toContainText('电脑上写的备注');
    await expect(table).toContainText('店主手机');
    await app.shot(page, 'sync-conflicts');

    await chooseLanguage(page, 'en');
    await expect(table).toContainText('Customer: 张三');
    await expect(table).toContainText('Notes');
    await chooseLanguage(page, 'zh');

    // The phone revokes this device: syncing now says so in words, the server's text below.
    const me = await app.call<{ deviceId: string }>('sync.status', {});
    await behind.client.revokeDevice(me.deviceId);
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-status', 'error', SLOW);
    await expect(page.getByTestId('sync-message-text')).toContainText('本设备已被停用', SLOW);
    await expect(page.getByTestId('sync-message-detail')).toContainText('signed out');
    await expect(page.getByTestId('sync-message')).toHaveAttribute(
      'data-problem',
      'device-revoked',
    );
    await app.shot(page, 'sync-device-revoked');
  } finally {
    await behind.dispose();
    await server.dispose();
  }
});

test('a page whose code cannot be loaded shows a message and a reload button', async ({
  app,
  page,
}) => {
  await startedBusiness(app, '小林水果店');
  await page.goto(`${app.url}#/dashboard`);
  await expect(page.locator('[data-page="dashboard"]')).toBeVisible(SLOW);
  // From now on no script arrives: the sync page's lazy chunk fails to load.
  await page.route('**/*.js', (route) => route.abort());
  await page.evaluate(() => (window.location.hash = '#/sync'));
  const error = page.getByTestId('page-error');
  await expect(error).toBeVisible(SLOW);
  await expect(error).toContainText('页面加载失败');
  await expect(page.getByTestId('page-error-reload')).toHaveText('重新加载');
  await expect(page.getByTestId('status-bar')).toBeVisible(); // the shell is still there
  await app.shot(page, 'page-error-chunk');

  // The files are back: reload shows the page.
  await page.unroute('**/*.js');
  await page.getByTestId('page-error-reload').click();
  await expect(page.getByTestId('sync-page')).toBeVisible(SLOW);
});
