// Expenses and other income: record through the UI, a bad amount shows the field error and
// saves nothing, corrections by reversal, and a franchise fee charged to an agent shows up in
// the compliance view.
import { test, startedBusiness } from './fixtures';
import { SLOW, expect, pick, visit } from './agents-helpers';

test.describe.configure(SLOW);

test('an expense is recorded, a bad one refused with field errors, and one reversed', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  await visit(page, app, '#/expenses');
  const form = page.getByTestId('record-expense');

  // Not a number: caught on the field before anything is sent.
  await form.getByTestId('expense-amount').fill('abc');
  await form.getByTestId('expense-save').click();
  await expect(form).toContainText('请输入金额');
  // Zero: the contract refuses it ("must be more than 0") on the amount field.
  await form.getByTestId('expense-amount').fill('0');
  await form.getByTestId('expense-save').click();
  await expect(form).toContainText('must be more than 0');
  expect((await app.call<{ total: number }>('expense.list', {})).total).toBe(0);

  await form.getByTestId('expense-amount').fill('123.456'); // rounds half-up to 123.46
  await form.getByTestId('expense-note').fill('朋友圈广告');
  await form.getByTestId('expense-save').click();
  await expect(page.getByTestId('expense-list')).toContainText('朋友圈广告');
  await expect(page.getByTestId('expense-total')).toContainText('123.46');
  const listed = await app.call<{ rows: { amount: number; category: string }[] }>(
    'expense.list',
    {},
  );
  expect(listed.rows).toEqual([expect.objectContaining({ amount: 12346, category: 'ads' })]);

  await form.getByTestId('expense-amount').fill('50');
  await pick(page, form.getByTestId('expense-category'), '样品', '');
  await form.getByTestId('expense-save').click();
  await expect(page.getByTestId('expense-total')).toContainText('173.46');
  await app.shot(page, 'expenses');

  // Reverse the ad: a negative row, the original kept.
  const adRow = page.getByTestId('expense-list').locator('tr', { hasText: '朋友圈广告' });
  await adRow.getByTestId('reverse-expense').click();
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /冲\s?销/ })
    .click();
  await expect(page.getByTestId('expense-total')).toContainText('50.00');
  await expect(page.getByTestId('expense-list')).toContainText('-123.46');
  const after = await app.call<{ rows: unknown[]; totalAmount: number }>('expense.list', {});
  expect(after.rows).toHaveLength(3);
  expect(after.totalAmount).toBe(5000);
  await app.shot(page, 'expenses-reversed');
});

test('a franchise fee charged to an agent is flagged in the compliance view', async ({
  app,
  page,
}) => {
  await startedBusiness(app);
  const agent = await app.call<{ id: string }>('agent.create', { name: '周代理', tier: 'level1' });
  await visit(page, app, '#/expenses/income');
  const form = page.getByTestId('record-income');
  await pick(page, form.getByTestId('income-kind'), '加盟费', '');
  await form.getByTestId('income-amount').fill('980');
  await pick(page, form.getByTestId('income-agent'), '周代理');
  await expect(form.getByTestId('entry-fee-warning')).toBeVisible();
  await form.getByTestId('income-save').click();

  await expect(page.getByTestId('income-list')).toContainText('周代理');
  await expect(page.getByTestId('income-total')).toContainText('980.00');
  await expect(page.getByTestId('compliance').getByTestId('entry-fees')).toContainText('980.00');
  await expect(page.getByTestId('warning-ENTRY_FEES')).toBeVisible();
  await app.shot(page, 'expenses-income-compliance');

  const report = await app.call<{ entryFees: { charged: boolean; agents: number } }>(
    'compliance.report',
    {},
  );
  expect(report.entryFees).toMatchObject({ charged: true, agents: 1 });
  const income = await app.call<{ rows: { agentId: string; amount: number }[] }>('income.list', {});
  expect(income.rows[0]).toMatchObject({ agentId: agent.id, amount: 98000 });
});
