import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addAgent } from '../support/agent-fixtures';
import { expectRefused, insertCampaign, insertCustomer } from '../support/catalog-fixtures';
import { rebuildPnl } from '../../db/pnl';

let biz: TestBusiness;
beforeEach(async () => {
  biz = await newBusiness({ clock: testClock('2026-03-15T10:00:00+08:00') });
});
afterEach(async () => biz?.close());

const pnl = (dim: string, key = '') =>
  biz.store.sqlite
    .prepare(
      'SELECT day, fees, other_income, revenue, orders FROM pnl_daily WHERE dim = ? AND key = ? ORDER BY day',
    )
    .all(dim, key);

const allPnl = () =>
  biz.store.sqlite.prepare('SELECT * FROM pnl_daily ORDER BY dim, day, key').all();

describe('expense.record', () => {
  it('records an expense and adds it to the fees of its day, category and campaign', async () => {
    const campaignId = await insertCampaign(biz);
    const e = await biz.core.invoke('expense.record', {
      category: 'ads',
      amount: 12_345,
      campaignId,
      note: '朋友圈广告',
    });
    expect(e).toMatchObject({
      category: 'ads',
      amount: 12_345,
      spentOn: '2026-03-15',
      campaignId,
      note: '朋友圈广告',
      reversesId: null,
      reversedById: null,
    });
    await biz.core.invoke('expense.record', {
      category: 'rent',
      amount: 100_000,
      spentOn: '2026-03-01',
    });
    expect(pnl('total')).toEqual([
      { day: '2026-03-01', fees: 100_000, other_income: 0, revenue: 0, orders: 0 },
      { day: '2026-03-15', fees: 12_345, other_income: 0, revenue: 0, orders: 0 },
    ]);
    expect(pnl('fee', 'expense:ads')).toEqual([
      { day: '2026-03-15', fees: 12_345, other_income: 0, revenue: 0, orders: 0 },
    ]);
    expect(pnl('campaign', campaignId)).toHaveLength(1);
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    await expectRefused(
      biz,
      'expense.record',
      { category: 'ads', amount: 0 },
      'VALIDATION',
      'amount',
    );
    await expectRefused(
      biz,
      'expense.record',
      { category: 'ads', amount: -5 },
      'VALIDATION',
      'amount',
    );
    await expectRefused(
      biz,
      'expense.record',
      { category: 'ads', amount: 9.99 },
      'VALIDATION',
      'amount',
    );
    await expectRefused(
      biz,
      'expense.record',
      { category: 'food', amount: 1 },
      'VALIDATION',
      'category',
    );
    await expectRefused(
      biz,
      'expense.record',
      { category: 'ads', amount: 1, spentOn: '2026-02-29' },
      'VALIDATION',
      'spentOn',
    );
    const err = await expectRefused(
      biz,
      'expense.record',
      { category: 'ads', amount: 1, campaignId: 'nope' },
      'NOT_FOUND',
      'campaignId',
    );
    expect(err.details).toMatchObject({ what: 'Campaign', id: 'nope' });
  });
});

describe('expense.reverse', () => {
  it('writes a reversal on the same day that nets the expense to zero', async () => {
    const campaignId = await insertCampaign(biz);
    const e = await biz.core.invoke('expense.record', {
      category: 'samples',
      amount: 5_000,
      spentOn: '2026-03-02',
      campaignId,
    });
    const r = await biz.core.invoke('expense.reverse', { id: e.id, note: '录错了' });
    expect(r).toMatchObject({
      category: 'samples',
      amount: -5_000,
      spentOn: '2026-03-02',
      campaignId,
      note: '录错了',
      reversesId: e.id,
      reversedById: null,
    });
    expect(pnl('total')).toEqual([
      { day: '2026-03-02', fees: 0, other_income: 0, revenue: 0, orders: 0 },
    ]);
    expect(pnl('campaign', campaignId)[0]).toMatchObject({ fees: 0 });
    const list = await biz.core.invoke('expense.list', {});
    expect(list.totalAmount).toBe(0);
    expect(list.rows.find((x) => x.id === e.id)?.reversedById).toBe(r.id);
  });

  it('refuses reversing twice, reversing a reversal, and unknown ids', async () => {
    const e = await biz.core.invoke('expense.record', { category: 'other', amount: 100 });
    const r = await biz.core.invoke('expense.reverse', { id: e.id });
    const twice = await expectRefused(biz, 'expense.reverse', { id: e.id }, 'INVALID_STATE');
    expect(twice.message).toContain('already reversed');
    const ofReversal = await expectRefused(biz, 'expense.reverse', { id: r.id }, 'INVALID_STATE');
    expect(ofReversal.message).toContain('record it as a new expense');
    await expectRefused(biz, 'expense.reverse', { id: 'nope' }, 'NOT_FOUND');
    await expectRefused(biz, 'expense.reverse', {}, 'VALIDATION', 'id');
  });
});

describe('expense.list', () => {
  it('filters by period, category and campaign, newest first, with the net total', async () => {
    const campaignId = await insertCampaign(biz);
    const a = await biz.core.invoke('expense.record', {
      category: 'ads',
      amount: 300,
      spentOn: '2026-03-01',
      campaignId,
    });
    const b = await biz.core.invoke('expense.record', {
      category: 'rent',
      amount: 1_000,
      spentOn: '2026-03-05',
    });
    const c = await biz.core.invoke('expense.record', {
      category: 'ads',
      amount: 200,
      spentOn: '2026-03-09',
    });
    const all = await biz.core.invoke('expense.list', {});
    expect(all.rows.map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(all).toMatchObject({ total: 3, totalAmount: 1_500 });
    expect(await biz.core.invoke('expense.list', { category: 'ads' })).toMatchObject({
      total: 2,
      totalAmount: 500,
    });
    expect(await biz.core.invoke('expense.list', { campaignId })).toMatchObject({
      total: 1,
      totalAmount: 300,
    });
    const period = await biz.core.invoke('expense.list', {
      from: '2026-03-02',
      to: '2026-03-09',
      limit: 1,
    });
    expect(period.rows.map((r) => r.id)).toEqual([c.id]);
    expect(period).toMatchObject({ total: 2, totalAmount: 1_200 });
  });

  it('refuses a reversed period and unknown categories', async () => {
    await expectRefused(
      biz,
      'expense.list',
      { from: '2026-03-09', to: '2026-03-01' },
      'VALIDATION',
      'to',
    );
    await expectRefused(biz, 'expense.list', { category: 'food' }, 'VALIDATION', 'category');
  });
});

describe('income.record / income.reverse / income.list', () => {
  it('records income as other income of its day, customer and agent, and reverses it', async () => {
    const customerId = await insertCustomer(biz);
    const agent = await addAgent(biz);
    const i = await biz.core.invoke('income.record', {
      kind: 'franchise',
      amount: 99_900,
      agentId: agent,
      customerId,
      receivedOn: '2026-03-03',
    });
    expect(i).toMatchObject({
      kind: 'franchise',
      amount: 99_900,
      receivedOn: '2026-03-03',
      agentId: agent,
      customerId,
      reversesId: null,
      reversedById: null,
    });
    await biz.core.invoke('income.record', { kind: 'training', amount: 10_000 });
    expect(pnl('total')).toEqual([
      { day: '2026-03-03', fees: 0, other_income: 99_900, revenue: 0, orders: 0 },
      { day: '2026-03-15', fees: 0, other_income: 10_000, revenue: 0, orders: 0 },
    ]);
    expect(pnl('customer', customerId)[0]).toMatchObject({ other_income: 99_900 });
    expect(pnl('agent', agent)[0]).toMatchObject({ other_income: 99_900 });

    const r = await biz.core.invoke('income.reverse', { id: i.id });
    expect(r).toMatchObject({
      amount: -99_900,
      receivedOn: '2026-03-03',
      reversesId: i.id,
      customerId,
    });
    expect(pnl('total')[0]).toMatchObject({ day: '2026-03-03', other_income: 0 });

    const list = await biz.core.invoke('income.list', {});
    expect(list).toMatchObject({ total: 3, totalAmount: 10_000 });
    expect(await biz.core.invoke('income.list', { kind: 'franchise' })).toMatchObject({
      total: 2,
      totalAmount: 0,
    });
    expect(await biz.core.invoke('income.list', { customerId })).toMatchObject({ total: 2 });
    expect(
      await biz.core.invoke('income.list', { agentId: agent, from: '2026-03-04' }),
    ).toMatchObject({
      total: 0,
      totalAmount: 0,
    });
    expect(list.rows.find((x) => x.id === i.id)?.reversedById).toBe(r.id);
  });

  it('refuses bad input, unknown or deleted customers, and double reversals', async () => {
    await expectRefused(biz, 'income.record', { kind: 'gift', amount: 1 }, 'VALIDATION', 'kind');
    await expectRefused(biz, 'income.record', { kind: 'other', amount: 0 }, 'VALIDATION', 'amount');
    await expectRefused(
      biz,
      'income.record',
      { kind: 'other', amount: 1, receivedOn: '03-01' },
      'VALIDATION',
      'receivedOn',
    );
    await expectRefused(
      biz,
      'income.record',
      { kind: 'other', amount: 1, customerId: 'nope' },
      'NOT_FOUND',
      'customerId',
    );
    const gone = await insertCustomer(biz, '李四', true);
    await expectRefused(
      biz,
      'income.record',
      { kind: 'other', amount: 1, customerId: gone },
      'INVALID_STATE',
      'customerId',
    );
    const i = await biz.core.invoke('income.record', { kind: 'advertising', amount: 500 });
    const r = await biz.core.invoke('income.reverse', { id: i.id });
    await expectRefused(biz, 'income.reverse', { id: i.id }, 'INVALID_STATE');
    await expectRefused(biz, 'income.reverse', { id: r.id }, 'INVALID_STATE');
    await expectRefused(biz, 'income.reverse', { id: 'nope' }, 'NOT_FOUND');
    await expectRefused(
      biz,
      'income.list',
      { from: '2026-03-09', to: '2026-03-01' },
      'VALIDATION',
      'to',
    );
  });
});

describe('the P&L rollup', () => {
  it('a rebuild from the source rows gives the same pnl_daily as the incremental path', async () => {
    const campaignId = await insertCampaign(biz);
    const e = await biz.core.invoke('expense.record', { category: 'ads', amount: 700, campaignId });
    await biz.core.invoke('expense.record', {
      category: 'packaging',
      amount: 55,
      spentOn: '2026-03-01',
    });
    await biz.core.invoke('expense.reverse', { id: e.id });
    await biz.core.invoke('income.record', {
      kind: 'other',
      amount: 42,
      agentId: await addAgent(biz),
    });
    const incremental = allPnl();
    rebuildPnl(biz.store.sqlite);
    expect(allPnl()).toEqual(incremental);
  });

  it('expenses and income are append-only', async () => {
    await biz.core.invoke('expense.record', { category: 'ads', amount: 700 });
    await biz.core.invoke('income.record', { kind: 'other', amount: 42 });
    expect(() => biz.store.sqlite.exec('UPDATE expenses SET amount = 1')).toThrow(/append-only/);
    expect(() => biz.store.sqlite.exec('DELETE FROM other_income')).toThrow(/append-only/);
  });
});
