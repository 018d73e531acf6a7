import { afterEach, describe, expect, it } from 'vitest';
import { freshId } from '../../core/api/context';
import { RULE } from '../../core/compliance/report';
import { newBusiness, type TestBusiness } from '../support/store';
import { expectRefused } from '../support/customers-fixtures';
import { income, order, product } from '../support/figures-fixtures';

let biz: TestBusiness;
afterEach(async () => biz?.close());

const T = '2026-01-01T00:00:00.000Z';

const agent = (name: string, uplineId?: string) =>
  biz.core.invoke('agent.create', { name, tier: 'level1', ...(uplineId ? { uplineId } : {}) });

async function plan(levels: { l1: number; l2: number }): Promise<string> {
  const id = freshId();
  await biz.store.db
    .insertInto('commission_plans')
    .values({
      id,
      name: 'P',
      effective_from: '2025-01-01',
      effective_to: null,
      base: 'net',
      direct_bp: 1000,
      level1_bp: levels.l1,
      level2_bp: levels.l2,
      note: null,
      created_at: T,
      updated_at: T,
    })
    .execute();
  return id;
}

const codes = (r: { warnings: { code: string; level: string }[] }) =>
  r.warnings.map((w) => `${w.code}:${w.level}`);

describe('compliance.report', () => {
  it('a clean business: sales only, shallow plan, no fees: only the info note', async () => {
    biz = await newBusiness();
    const a = await agent('A');
    await agent('B', a.id);
    const p = await product(biz, { name: 'x', sku: 'X' });
    await order(biz, {
      paidOn: '2026-02-01',
      agentId: a.id,
      lines: [{ productId: p, quantity: 1, unitPrice: 10_000, unitCost: 100 }],
    });
    await plan({ l1: 300, l2: 0 });
    const r = await biz.core.invoke('compliance.report', {});
    expect(r).toMatchObject({
      from: '2026-02-01',
      to: '2026-03-15',
      planDepth: 1,
      maxAllowedDepth: 2,
      entryFees: { charged: false, total: 0, byKind: { franchise: 0, training: 0 }, agents: 0 },
      incomeShare: { productRevenue: 10_000, feeIncome: 0, feeShareBp: 0 },
      recruitRewards: false,
      treeDepth: 2,
      agentCount: 2,
    });
    expect(codes(r)).toEqual(['TEAM_PAY_LIMITED:info']);
    expect(r.warnings[0]!.rule).toBe(RULE);
    expect(r.warnings[0]!.message).toMatch(/[\u4e00-\u9fff]/);
    expect(r.warnings[0]!.message).toContain('no feature pays a reward per recruit');
  });

  it('plan depth counts level overrides; empty store reports zeros', async () => {
    biz = await newBusiness();
    let r = await biz.core.invoke('compliance.report', { from: '2026-01-01', to: '2026-01-31' });
    expect(r).toMatchObject({ planDepth: 0, treeDepth: 0, agentCount: 0 });
    const id = await plan({ l1: 0, l2: 0 });
    expect((await biz.core.invoke('compliance.report', {})).planDepth).toBe(0);
    await biz.store.db
      .insertInto('commission_plan_rates')
      .values({ plan_id: id, scope: 'category', scope_key: '美妆', level: 2, rate_bp: 50 })
      .execute();
    r = await biz.core.invoke('compliance.report', {});
    expect(r.planDepth).toBe(2);
  });

  it('flags entry fees charged to agents, the fee share of income, and a tree at the criminal threshold', async () => {
    biz = await newBusiness();
    const root = await agent('R');
    // 30 agents in 3 levels: R, 5 under R, 24 under those.
    const mids = [];
    for (let i = 0; i < 5; i++) mids.push(await agent(`M${i}`, root.id));
    for (let i = 0; i < 24; i++) await agent(`L${i}`, mids[i % 5]!.id);
    const p = await product(biz, { name: 'x', sku: 'X' });
    await order(biz, {
      paidOn: '2026-02-01',
      agentId: root.id,
      lines: [{ productId: p, quantity: 1, unitPrice: 10_000, unitCost: 100 }],
    });
    // Fees: franchise from two agents, training from one; advertising is not a fee; a franchise
    // fee not tied to an agent still counts as fee income.
    await income(biz, {
      kind: 'franchise',
      amount: 3_000,
      receivedOn: '2026-02-02',
      agentId: mids[0]!.id,
    });
    await income(biz, {
      kind: 'franchise',
      amount: 2_000,
      receivedOn: '2026-02-03',
      agentId: mids[1]!.id,
    });
    await income(biz, {
      kind: 'training',
      amount: 1_000,
      receivedOn: '2026-02-04',
      agentId: mids[0]!.id,
    });
    await income(biz, { kind: 'advertising', amount: 9_000, receivedOn: '2026-02-04' });
    await income(biz, { kind: 'franchise', amount: 500, receivedOn: '2026-02-05' });
    // Outside the range.
    await income(biz, {
      kind: 'franchise',
      amount: 99_999,
      receivedOn: '2026-03-01',
      agentId: mids[2]!.id,
    });

    const r = await biz.core.invoke('compliance.report', { from: '2026-02-01', to: '2026-02-28' });
    expect(r.entryFees).toEqual({
      charged: true,
      total: 6_000,
      byKind: { franchise: 5_000, training: 1_000 },
      agents: 2,
    });
    // 6,500 / (10,000 + 6,500) = 39.39%
    expect(r.incomeShare).toEqual({ productRevenue: 10_000, feeIncome: 6_500, feeShareBp: 3_939 });
    expect(r).toMatchObject({ treeDepth: 3, agentCount: 30 });
    expect(codes(r)).toEqual([
      'ENTRY_FEES:danger',
      'FEE_INCOME_SHARE:warning',
      'TREE_SIZE:danger',
      'TEAM_PAY_LIMITED:info',
    ]);
    for (const w of r.warnings) expect(w.rule).toBe(RULE);

    // Over 50%: danger. 29 agents: no tree warning.
    const all = await biz.core.invoke('compliance.report', {
      from: '2026-02-01',
      to: '2026-03-31',
    });
    expect(all.incomeShare.feeShareBp).toBeGreaterThan(5_000);
    expect(codes(all)).toContain('FEE_INCOME_SHARE:danger');
    const leaf = (await biz.core.invoke('agent.list', { query: 'L23' })).rows[0]!;
    await biz.core.invoke('agent.delete', { id: leaf.id });
    const smaller = await biz.core.invoke('compliance.report', {
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(smaller.agentCount).toBe(29);
    expect(codes(smaller).some((c) => c.startsWith('TREE_SIZE'))).toBe(false);
  });

  it('a reversed fee nets out; a big flat tree is no threshold case', async () => {
    biz = await newBusiness();
    const root = await agent('R');
    for (let i = 0; i < 30; i++) await agent(`M${i}`, root.id);
    const id = await income(biz, {
      kind: 'franchise',
      amount: 3_000,
      receivedOn: '2026-02-02',
      agentId: root.id,
    });
    await biz.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('other_income')
        .values({
          id: freshId(),
          kind: 'franchise',
          amount: -3_000,
          received_on: '2026-02-03',
          agent_id: root.id,
          customer_id: null,
          note: null,
          reverses_id: id,
          created_at: T,
        })
        .execute();
    });
    const r = await biz.core.invoke('compliance.report', { from: '2026-02-01', to: '2026-02-28' });
    expect(r.entryFees).toMatchObject({ charged: false, total: 0, agents: 0 });
    expect(r).toMatchObject({ treeDepth: 2, agentCount: 31 });
    expect(codes(r)).toEqual(['TEAM_PAY_LIMITED:info']);
  });

  it('refuses a bad range without changing anything', async () => {
    biz = await newBusiness();
    await expectRefused(
      biz,
      'compliance.report',
      { from: '2026-02-01', to: '2026-01-01' },
      'VALIDATION',
      'to',
    );
    await expectRefused(biz, 'compliance.report', { from: '2026-02-31' }, 'VALIDATION', 'from');
  });
});
