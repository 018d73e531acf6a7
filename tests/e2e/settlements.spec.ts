// Settlements: a statement generated and marked paid through the UI; a partial refund after
// settlement and its clawback carried into the agent's next statement.
import { readFileSync } from 'node:fs';
import { test, startedBusiness } from './fixtures';
import {
  SLOW,
  expect,
  visit,
  paidCompletedOrder,
  pick,
  seedCatalog,
  seedPlan,
} from './agents-helpers';

test.describe.configure(SLOW);

async function agentPair(app: Parameters<typeof seedPlan>[0]) {
  const upline = await app.call<{ id: string }>('agent.create', {
    name: '王总代',
    tier: 'general',
  });
  const agent = await app.call<{ id: string }>('agent.create', {
    name: '李小二',
    tier: 'level2',
    uplineId: upline.id,
  });
  return { uplineId: upline.id, agentId: agent.id };
}

test('a settlement is generated, reviewed and marked paid through the UI', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await app.call('workspace.update', { refundWindowDays: 0 });
  await seedPlan(app);
  const s = await seedCatalog(app);
  const { agentId } = await agentPair(app);
  await paidCompletedOrder(app, s, agentId, 3); // ¥300.00 → 30.00 direct, 9.00 to the upline

  await visit(page, app, '#/settlements');
  await expect(page.getByTestId('payable')).toContainText('李小二');
  await expect(page.getByTestId('payable')).toContainText('30.00');
  await pick(page, page.getByTestId('generate').locator('.ant-select'), '李小二');
  await page.getByTestId('generate-save').click();

  const detail = page.getByTestId('settlement-detail');
  await expect(detail.getByTestId('settlement-total')).toHaveText('30.00');
  await expect(detail.getByTestId('settlement-status')).toHaveText('草稿');
  await expect(detail.getByTestId('statement-entries')).toContainText('TEA-001');
  await expect(detail.getByTestId('statement-entries')).toContainText('10.00%');
  await app.shot(page, 'settlements-draft');

  await detail.getByTestId('mark-paid').click();
  await page.getByTestId('paid-method').locator('input').fill('微信转账');
  await page.getByTestId('paid-reference').fill('WX-20261127-01');
  await page.getByTestId('paid-save').click();
  await expect(detail.getByTestId('settlement-status')).toHaveText('已付');
  await expect(detail).toContainText('WX-20261127-01');
  await app.shot(page, 'settlements-paid');

  // Export the statement as CSV: UTF-8 with BOM, every entry and the total.
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    (async () => {
      await detail.getByTestId('export-statement').click();
      await page.getByTestId('export-statement-csv').click();
    })(),
  ]);
  const csv = readFileSync(await download.path());
  expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const text = csv.toString('utf8');
  expect(text).toContain('TEA-001');
  expect(text).toContain('30.00');

  const list = await app.call<{ status: string; total: number; method: string; agentId: string }[]>(
    'settlement.list',
    {},
  );
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ status: 'paid', total: 3000, method: '微信转账', agentId });
  const balances = await app.call<{ settled: number; payable: number }>('commission.balances', {
    agentId,
  });
  expect(balances).toMatchObject({ settled: 3000, payable: 0 });

  // The upline's own statement, from the list of payable agents.
  await page.getByRole('button', { name: '返回结算列表' }).click();
  await expect(page.getByTestId('settlement-list')).toContainText('李小二');
  await expect(page.getByTestId('payable')).toContainText('9.00');
  await app.shot(page, 'settlements-list');
});

test('a partial refund after settlement is clawed back in the next statement', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await app.call('workspace.update', { refundWindowDays: 0 });
  await seedPlan(app);
  const s = await seedCatalog(app);
  const { agentId } = await agentPair(app);
  const first = await paidCompletedOrder(app, s, agentId, 2); // 20.00 commission
  const today = new Date().toISOString().slice(0, 10);
  const st = await app.call<{ id: string; total: number }>('settlement.generate', {
    agentId,
    periodTo: today,
  });
  expect(st.total).toBe(2000);
  await app.call('settlement.markPaid', { id: st.id, method: '支付宝' });

  // Refund one of the two units (the Orders page is another engineer's: through the api).
  await app.call('refund.create', {
    orderId: first.id,
    lines: [{ lineId: first.lines[0]!.id, quantity: 1 }],
    restock: true,
    reason: '破损',
  });
  // And a new sale of ¥300.00 → 30.00.
  await paidCompletedOrder(app, s, agentId, 3);

  await visit(page, app, '#/agents/' + agentId);
  const ledger = page.getByTestId('ledger');
  await expect(ledger).toContainText('退款冲回');
  await expect(ledger).toContainText('-10.00');
  await app.shot(page, 'agents-detail-clawback');

  await visit(page, app, '#/settlements');
  await pick(page, page.getByTestId('generate').locator('.ant-select'), '李小二');
  await page.getByTestId('generate-save').click();
  const detail = page.getByTestId('settlement-detail');
  // 30.00 new commission - 10.00 clawed back from the settled sale = 20.00.
  await expect(detail.getByTestId('settlement-total')).toHaveText('20.00');
  await expect(detail.getByTestId('clawback-total')).toHaveText('-10.00');
  await expect(detail.getByTestId('clawback-tag')).toHaveCount(1);
  await expect(detail.getByTestId('statement-entries')).toContainText('-10.00');
  await app.shot(page, 'settlements-clawback');

  await detail.getByTestId('mark-paid').click();
  await page.getByTestId('paid-method').locator('input').fill('银行转账');
  await page.getByTestId('paid-save').click();
  await expect(detail.getByTestId('settlement-status')).toHaveText('已付');
  const paid = await app.call<{ total: number; status: string }[]>('settlement.list', {
    agentId,
    status: 'paid',
  });
  expect(paid.map((p) => p.total)).toEqual([2000, 2000]);
});
