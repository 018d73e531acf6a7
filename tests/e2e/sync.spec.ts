// Cloud sync from the UI against a real sync server started in the test (SQLite file, rate
// limits off): an owner creates the cloud business from the sync page, a change reaches the
// server, the indicator follows the server going away (offline, changes pile up) and coming
// back (up to date); an owner invites an agent, who joins from a new, empty store.
import type { FastifyInstance } from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from '@playwright/test';
import { buildServer } from '../../server/app';
import { createServerDb, type ServerDb } from '../../server/db';
import type { SyncDb } from '../../server/sync/schema';
import { test, expect, chooseLanguage, startedBusiness, ROOT } from './fixtures';

// The build machines are shared and often loaded: generous time, never a timed assertion.
test.describe.configure({ timeout: 420_000 });
const SLOW = { timeout: 60_000 };
const PASSWORD = 'correct horse battery';
const JWT_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-secret';

/** A sync server on 127.0.0.1 that can be stopped and started again on the same port and file. */
class TestServer {
  private dir = mkdtempSync(join(tmpdir(), 'qundesk-e2e-server-'));
  private app: FastifyInstance | null = null;
  db: ServerDb | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.db = await createServerDb({ file: join(this.dir, 'server.sqlite') });
    this.app = await buildServer({ db: this.db, rateLimit: false, jwtSecret: JWT_SECRET });
    await this.app.listen({ host: '127.0.0.1', port: this.port });
    const address = this.app.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.db?.destroy();
    this.app = null;
    this.db = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The live rows the server holds for a table (its mirror of the workspace). */
  async rows(table: string): Promise<{ pk: string; data: Record<string, unknown> }[]> {
    const db = this.db!.db as unknown as SyncDb;
    const rows = await db
      .selectFrom('sync_rows')
      .select(['pk', 'data'])
      .where('tbl', '=', table)
      .where('data', 'is not', null)
      .execute();
    return rows.map((r) => ({ pk: r.pk, data: JSON.parse(r.data!) as Record<string, unknown> }));
  }
}

/** A second browser-mode host on its own fresh store (another device). */
async function startDevice(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'qundesk-e2e-device-'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/qundesk-web.mjs'),
      '--no-build',
      '--store',
      join(dir, 'store.sqlite'),
      '--port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => ok(line.trim()));
    child.once('exit', (code) => fail(new Error(`web host exited (${code}): ${stderr}`)));
  });
  return { url, child, dir };
}

async function fillConnect(
  page: Page,
  fields: { serverUrl: string; email: string; deviceName: string; code?: string },
) {
  await page.getByTestId('sync-server-url').fill(fields.serverUrl);
  if (fields.code !== undefined) await page.getByTestId('sync-invite-code').fill(fields.code);
  await page.getByTestId('sync-email').fill(fields.email);
  await page.getByTestId('sync-password').fill(PASSWORD);
  await page.getByTestId('sync-device-name').fill(fields.deviceName);
  await page.getByTestId('sync-submit').click();
}

test('the owner signs up from the sync page; changes reach the server, offline and back', async ({
  app,
  page,
}) => {
  const server = new TestServer();
  await server.start();
  try {
    await startedBusiness(app, '小林水果店');
    await page.goto(`${app.url}#/sync`);
    const indicator = page.getByTestId('sync-status');
    await expect(indicator).toHaveText('仅本地', SLOW);
    await expect(page.getByTestId('sync-form-signUp')).toBeVisible();
    await expect(page.getByTestId('sync-workspace-name')).toHaveValue('小林水果店');
    await app.shot(page, 'sync-signed-out');

    // A change made before signing up goes up with the first sync.
    const before = await app.call<{ id: string }>('customer.create', { name: '早到的客户' });
    await fillConnect(page, {
      serverUrl: server.url,
      email: 'owner@example.com',
      deviceName: '收银台电脑',
    });
    await expect(indicator).toHaveAttribute('data-status', 'up-to-date', SLOW);
    await expect(indicator).toContainText('已同步');
    await expect(page.getByTestId('sync-role')).toHaveText('店主');
    await expect(page.getByTestId('sync-workspace')).toHaveText('小林水果店');
    await expect(page.getByTestId('sync-devices')).toContainText('收银台电脑');

    // A change made now is pushed shortly after (debounced), with no click.
    const c = await app.call<{ id: string }>('customer.create', {
      name: '张三',
      phone: '13800138000',
    });
    await expect
      .poll(async () => (await server.rows('customers')).map((r) => r.data.name), SLOW)
      .toEqual(expect.arrayContaining(['早到的客户', '张三']));
    expect((await server.rows('customers')).map((r) => r.pk)).toEqual(
      expect.arrayContaining([before.id, c.id]),
    );
    await expect(indicator).toHaveAttribute('data-status', 'up-to-date', SLOW);
    await expect(indicator).toHaveAttribute('data-pending', '0');
    await expect(page.getByTestId('sync-log')).toContainText('没有被拒绝的更改');
    await app.shot(page, 'sync-owner-up-to-date');

    // The server goes away: the next change cannot be sent; the indicator says offline and
    // counts what waits.
    await server.stop();
    await app.call('customer.create', { name: '离线客户甲' });
    await expect(indicator).toHaveAttribute('data-status', 'offline', SLOW);
    await expect(indicator).toHaveAttribute('data-pending', '1');
    await app.call('customer.create', { name: '离线客户乙' });
    await expect(indicator).toHaveAttribute('data-pending', '2', SLOW);
    await expect(page.getByTestId('sync-pending')).toHaveText(' · 2 项待上传');
    await expect(page.getByTestId('sync-message')).toBeVisible();
    await app.shot(page, 'sync-offline');

    // Back again: the client retries by itself (backoff) and catches up.
    await server.start();
    await expect(indicator).toHaveAttribute('data-status', 'up-to-date', { timeout: 90_000 });
    await expect(indicator).toHaveAttribute('data-pending', '0');
    const names = (await server.rows('customers')).map((r) => r.data.name);
    expect(names).toEqual(expect.arrayContaining(['离线客户甲', '离线客户乙']));

    // English words too.
    await chooseLanguage(page, 'en');
    await expect(indicator).toContainText('Up to date');
    await app.shot(page, 'sync-owner-en');
  } finally {
    await server.dispose();
  }
});

test('the owner invites an agent, who joins with the code from a new store; the owner revokes it', async ({
  app,
  page,
  browser,
}) => {
  const server = new TestServer();
  await server.start();
  const device = await startDevice();
  try {
    await startedBusiness(app, '小林水果店');
    await app.call('sync.signIn', {
      serverUrl: server.url,
      email: 'boss@example.com',
      password: PASSWORD,
      deviceName: '店主电脑',
      createWorkspace: true,
      workspaceName: '小林水果店',
    });
    const agent = await app.call<{ id: string }>('agent.create', {
      name: '王代理',
      tier: 'level1',
    });
    await app.call('sync.now', {});
    await expect.poll(async () => (await server.rows('agents')).length, SLOW).toBe(1);

    // The owner makes a one-time code for the agent on the sync page.
    await page.goto(`${app.url}#/sync`);
    await expect(page.getByTestId('sync-status')).toHaveAttribute(
      'data-status',
      'up-to-date',
      SLOW,
    );
    await page.getByTestId('sync-invite-agent').click();
    await page.getByTestId('sync-invite-agent').locator('input').fill('王');
    await page.locator('.ant-select-item-option').filter({ hasText: '王代理' }).click();
    await page.getByTestId('sync-invite-create').click();
    const result = page.getByTestId('sync-invite-result');
    await expect(result).toBeVisible(SLOW);
    const code = (await result.innerText()).trim();
    expect(code.length).toBeGreaterThanOrEqual(4);
    await app.shot(page, 'sync-owner-invite');

    // The agent's new device: the sync page is reachable before any business exists.
    const agentPage = await browser.newPage();
    await agentPage.goto(`${device.url}#/sync`);
    await agentPage.getByTestId('sync-tab-join').click();
    await expect(agentPage.getByTestId('sync-form-join')).toBeVisible(SLOW);
    await app.shot(agentPage, 'sync-agent-join-form');
    await fillConnect(agentPage, {
      serverUrl: server.url,
      email: 'wang@example.com',
      deviceName: '王代理的手机',
      code,
    });
    const agentIndicator = agentPage.getByTestId('sync-status');
    await expect(agentIndicator).toHaveAttribute('data-status', 'up-to-date', SLOW);
    await expect(agentPage.getByTestId('sync-role')).toHaveText('代理');
    await expect(agentPage.getByTestId('sync-workspace')).toHaveText('小林水果店');
    await app.shot(agentPage, 'sync-agent-joined');

    // The agent's device shows the agent's pages only (no dashboard, books or settings) and
    // records a customer of its own, which reaches the server in the agent's name.
    await agentPage.goto(`${device.url}#/`);
    await expect(agentPage.locator('[data-page="customers"]')).toBeVisible(SLOW);
    const menu = agentPage.locator('.app-sider .ant-menu');
    await expect(menu).toContainText('订单');
    await expect(menu).not.toContainText('概览');
    await expect(menu).not.toContainText('报表');
    await agentPage.getByTestId('customer-new').click();
    await expect(agentPage.getByTestId('customer-name')).toBeFocused(SLOW);
    await agentPage.getByTestId('customer-name').fill('代理的顾客');
    await agentPage.getByTestId('customer-name').press('Enter');
    await expect(agentPage.getByTestId('customer-drawer')).toContainText('代理的顾客', SLOW);
    await agentPage.goto(`${device.url}#/sync`);
    await agentPage.getByTestId('sync-now').click();
    await expect
      .poll(
        async () =>
          (await server.rows('customers'))
            .filter((r) => r.data.name === '代理的顾客')
            .map((r) => r.data.owner_agent_id),
        SLOW,
      )
      .toEqual([agent.id]);
    await app.shot(agentPage, 'sync-agent-customers');

    // The code worked once.
    const again = await fetch(`${server.url}/v1/auth/invites/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code,
        email: 'other@example.com',
        password: PASSWORD,
        deviceName: 'x',
      }),
    });
    expect(again.status).toBe(403);

    // The owner sees the agent's device and revokes it; the agent's device can sync no more.
    await page.getByTestId('sync-devices-reload').click();
    await expect(page.getByTestId('sync-devices')).toContainText('王代理的手机', SLOW);
    await page.getByTestId('sync-revoke-王代理的手机').click();
    await page.getByTestId('sync-revoke-confirm').click();
    await expect(page.getByTestId('sync-devices')).toContainText('已停用', SLOW);
    await app.shot(page, 'sync-owner-devices');
    expect(agent.id).toBeTruthy();

    await agentPage.getByTestId('sync-now').click();
    await expect(agentIndicator).toHaveAttribute('data-status', 'error', SLOW);
    await app.shot(agentPage, 'sync-agent-revoked');
    await agentPage.close();
  } finally {
    if (device.child.exitCode === null) {
      const exited = new Promise((ok) => device.child.once('exit', ok));
      device.child.kill('SIGTERM');
      await exited;
    }
    rmSync(device.dir, { recursive: true, force: true });
    await server.dispose();
  }
});
