// Property tests of the commission ledger on random small trees, plans and order/refund/settlement
// sequences: the ledger equals a from-scratch recomputation done here, independently of the core.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addProduct } from '../support/order-fixtures';
import {
  addAgent,
  agentCustomer,
  commissionRollupProblems,
  entries,
  pnlCommissions,
  reportMatchesEntries,
} from '../support/agent-fixtures';
import { mulDivRoundHalfUp } from '../../core/money';

const TIERS = ['general', 'level1', 'level2'] as const;
const CATEGORIES = ['零食', '美妆'] as const;
const DAYS = ['2026-03-05', '2026-03-10', '2026-03-15'] as const;

const rate = fc.integer({ min: 0, max: 3000 });
const overrideArb = fc.record({
  scope: fc.constantFrom('tier', 'category', 'product'),
  pick: fc.nat(2),
  level: fc.integer({ min: 0, max: 2 }),
  rateBp: rate,
});
const planArb = fc.record({
  base: fc.constantFrom('net', 'margin'),
  rates: fc.array(rate, { minLength: 1, maxLength: 3 }),
  overrides: fc.array(overrideArb, { maxLength: 4 }),
});
const rarely = fc.oneof(
  { arbitrary: fc.constant(false), weight: 5 },
  { arbitrary: fc.constant(true), weight: 1 },
);
const refundArb = fc.record({
  line: fc.nat(2),
  kind: fc.constantFrom('qty', 'amount', 'full'),
  size: fc.integer({ min: 1, max: 9 }),
});
const orderArb = fc.record({
  agent: fc.option(fc.nat(5), { nil: null }),
  wholesale: rarely,
  lines: fc.array(
    fc.record({
      product: fc.nat(2),
      quantity: fc.integer({ min: 1, max: 3 }),
      price: fc.integer({ min: 1, max: 5000 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  cancel: rarely,
  day: fc.constantFrom(...DAYS),
  complete: fc.boolean(),
  refundsBefore: fc.array(refundArb, { maxLength: 2 }),
  settle: fc.option(fc.nat(5), { nil: null }),
  refundsAfter: fc.array(refundArb, { maxLength: 2 }),
});
const scenarioArb = fc.record({
  tree: fc.array(
    fc.record({ parent: fc.nat(), root: fc.boolean(), tier: fc.constantFrom(...TIERS) }),
    {
      minLength: 1,
      maxLength: 6,
    },
  ),
  products: fc.array(
    fc.record({
      category: fc.constantFrom(...CATEGORIES),
      cost: fc.integer({ min: 0, max: 3000 }),
    }),
    { minLength: 3, maxLength: 3 },
  ),
  plans: fc.array(planArb, { minLength: 1, maxLength: 2 }),
  orders: fc.array(orderArb, { minLength: 1, maxLength: 5 }),
  /** After every agent is settled: refunds of settled sales (clawbacks). */
  lateRefunds: fc.array(fc.record({ order: fc.nat(), refund: refundArb }), { maxLength: 3 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface ModelPlan {
  id: string;
  from: string;
  base: string;
  rates: number[];
  overrides: { scope: string; key: string; level: number; rateBp: number }[];
}

/** The model's own rule: product, then category, then tier, then the plan's level rate. */
function modelRate(p: ModelPlan, level: number, productId: string, category: string, tier: string) {
  for (const [scope, key] of [
    ['product', productId],
    ['category', category],
    ['tier', tier],
  ] as const) {
    const o = p.overrides.find((x) => x.scope === scope && x.key === key && x.level === level);
    if (o) return o.rateBp;
  }
  return p.rates[level] ?? 0;
}

async function refund(
  biz: TestBusiness,
  orderId: string,
  r: { line: number; kind: string; size: number },
) {
  const order = await biz.core.invoke('order.get', { id: orderId });
  const line = order.lines[r.line % order.lines.length]!;
  const qtyLeft = line.quantity - line.refundedQuantity;
  const amountLeft = line.netAmount - line.refundedAmount;
  if (r.kind === 'full') {
    if (order.refundedTotal < order.totalDue)
      await biz.core.invoke('refund.full', { orderId, restock: false, refundedOn: '2026-03-20' });
    return;
  }
  if (r.kind === 'qty' && qtyLeft > 0) {
    await biz.core.invoke('refund.create', {
      orderId,
      lines: [{ lineId: line.id, quantity: Math.min(qtyLeft, r.size) }],
      restock: false,
      refundedOn: '2026-03-20',
    });
    return;
  }
  const amount = Math.floor((amountLeft * r.size) / 10);
  if (amount > 0) {
    await biz.core.invoke('refund.create', {
      orderId,
      lines: [{ lineId: line.id, quantity: 0, amount }],
      restock: false,
      refundedOn: '2026-03-21',
    });
  }
}

async function run(s: Scenario) {
  // Today is on the last refund day (money is never dated after tomorrow).
  const biz = await newBusiness({ clock: testClock('2026-03-21T10:00:00+08:00') });
  try {
    // The tree: each agent under an earlier one (or a root).
    const agents: { id: string; parent: number | null; tier: string }[] = [];
    for (const [i, t] of s.tree.entries()) {
      const parent = i === 0 || t.root ? null : t.parent % i;
      const id = await addAgent(biz, {
        tier: t.tier,
        uplineId: parent === null ? null : agents[parent]!.id,
        withCustomer: true,
      });
      agents.push({ id, parent, tier: t.tier });
    }
    const products: { id: string; category: string }[] = [];
    for (const p of s.products) {
      const id = await addProduct(biz, {
        category: p.category,
        stock: { quantity: 100, unitCost: p.cost },
      });
      products.push({ id, category: p.category });
    }
    const plans: ModelPlan[] = [];
    for (const [i, p] of s.plans.entries()) {
      const from = i === 0 ? '2026-01-01' : '2026-03-10';
      const overrides = p.overrides.map((o) => ({
        scope: o.scope,
        key:
          o.scope === 'tier'
            ? TIERS[o.pick]!
            : o.scope === 'category'
              ? CATEGORIES[o.pick % 2]!
              : products[o.pick]!.id,
        level: o.level,
        rateBp: o.rateBp,
      }));
      const unique = overrides.filter(
        (o, k) =>
          overrides.findIndex(
            (x) => x.scope === o.scope && x.key === o.key && x.level === o.level,
          ) === k,
      );
      const plan = await biz.core.invoke('plan.create', {
        name: `方案${i}`,
        effectiveFrom: from,
        base: p.base,
        rates: p.rates,
        overrides: unique,
      });
      plans.push({ id: plan.id, from, base: p.base, rates: p.rates, overrides: unique });
    }

    const orderIds: string[] = [];
    const wholesale = new Set<string>();
    const settledSnapshots: unknown[][] = [];
    const settle = async (agent: string) => {
      const st = await biz.core.call('settlement.generate', {
        agentId: agent,
        periodTo: '2026-12-31',
        asOf: '2026-12-31',
      });
      if (!st.ok) {
        expect(st.error.code).toBe('INVALID_STATE');
        return;
      }
      const id = (st.value as { id: string }).id;
      await biz.core.invoke('settlement.markPaid', { id, method: 'bank', paidOn: '2026-12-31' });
      settledSnapshots.push(
        biz.store.sqlite
          .prepare(
            `SELECT e.* FROM commission_entries e JOIN settlement_entries se ON se.entry_id = e.id
              WHERE se.settlement_id = ? ORDER BY e.id`,
          )
          .all(id),
      );
    };
    for (const o of s.orders) {
      const agentIdx = o.agent === null ? null : o.agent % agents.length;
      const agentId = agentIdx === null ? null : agents[agentIdx]!.id;
      const customerId = o.wholesale && agentId ? await agentCustomer(biz, agentId) : undefined;
      const created = await biz.core.invoke('order.create', {
        customerId: customerId ?? null,
        agentId,
        lines: o.lines.map((l) => ({
          productId: products[l.product]!.id,
          quantity: l.quantity,
          unitPrice: l.price,
        })),
        status: 'confirmed',
        orderedOn: o.day,
      });
      if (o.cancel) {
        await biz.core.invoke('order.cancel', { id: created.id });
        expect(entries(biz, created.id)).toEqual([]);
        continue;
      }
      if (customerId) wholesale.add(created.id);
      await biz.core.invoke('order.markPaid', { orderId: created.id, paidOn: o.day });
      orderIds.push(created.id);
      for (const r of o.refundsBefore) await refund(biz, created.id, r);
      if (o.complete) await biz.core.invoke('order.complete', { id: created.id });
      if (o.settle !== null) await settle(agents[o.settle % agents.length]!.id);
      for (const r of o.refundsAfter) await refund(biz, created.id, r);
      // The report and balances (read from the rollup) agree with every entry's own status.
      expect(commissionRollupProblems(biz)).toEqual([]);
      expect(await reportMatchesEntries(biz, o.day)).toEqual([]);
    }
    // A draft statement: its entries are inDraft until it is discarded.
    const draft = await biz.core.call('settlement.generate', {
      agentId: agents[0]!.id,
      periodTo: '2026-12-31',
      asOf: '2026-12-31',
    });
    for (const asOf of ['2026-03-15', '2026-03-24', '2026-12-31'])
      expect(await reportMatchesEntries(biz, asOf)).toEqual([]);
    if (draft.ok)
      await biz.core.invoke('settlement.discard', { id: (draft.value as { id: string }).id });

    for (const a of agents) await settle(a.id);
    if (orderIds.length > 0) {
      for (const l of s.lateRefunds)
        await refund(biz, orderIds[l.order % orderIds.length]!, l.refund);
      // Clawbacks of settled entries are payable and go into the next statement.
      for (const a of agents) await settle(a.id);
    }

    // From scratch: the accrual of every line and beneficiary, and what is left after refunds.
    const ledger = entries(biz);
    const accruals = new Map(ledger.filter((e) => e.kind === 'accrual').map((e) => [e.id, e]));
    const expected = new Map<string, { accrual: number; net: number }>();
    for (const orderId of orderIds) {
      const order = await biz.core.invoke('order.get', { id: orderId });
      const agentIdx = agents.findIndex((a) => a.id === order.agentId);
      if (agentIdx < 0 || wholesale.has(orderId)) continue;
      const plan = [...plans].reverse().find((p) => p.from <= order.paidOn!);
      if (!plan) continue;
      const chain: { id: string; tier: string; level: number }[] = [];
      for (let k = agentIdx, level = 0; k !== null && level <= 2; level++) {
        chain.push({ id: agents[k]!.id, tier: agents[k]!.tier, level });
        k = agents[k]!.parent as number;
        if (k === null) break;
      }
      for (const line of order.lines) {
        const base = plan.base === 'net' ? line.netAmount : Math.max(0, line.netAmount - line.cost);
        for (const b of chain) {
          const r = modelRate(plan, b.level, line.productId, line.category, b.tier);
          if (r === 0) continue;
          const accrual = mulDivRoundHalfUp(base, r, 10_000);
          const reversed =
            line.netAmount === 0
              ? 0
              : mulDivRoundHalfUp(accrual, line.refundedAmount, line.netAmount);
          expected.set(`${line.id}|${b.id}|${b.level}`, { accrual, net: accrual - reversed });
        }
      }
    }
    const actual = new Map<string, { accrual: number; net: number }>();
    for (const a of accruals.values()) {
      const net = ledger
        .filter((e) => e.id === a.id || e.reverses_id === a.id)
        .reduce((t, e) => t + e.amount, 0);
      actual.set(`${a.order_line_id}|${a.agent_id}|${a.level}`, { accrual: a.amount, net });
    }
    expect(actual).toEqual(expected);
    // Every reversal points at an accrual of its line and agent.
    for (const e of ledger.filter((x) => x.kind === 'reversal')) {
      const a = accruals.get(e.reverses_id!)!;
      expect([a.order_line_id, a.agent_id, a.level]).toEqual([
        e.order_line_id,
        e.agent_id,
        e.level,
      ]);
    }
    // A fully refunded order nets to zero per beneficiary.
    for (const orderId of orderIds) {
      const order = await biz.core.invoke('order.get', { id: orderId });
      if (!order.lines.every((l) => l.refundedAmount === l.netAmount)) continue;
      const per = new Map<string, number>();
      for (const e of ledger.filter((x) => x.order_id === orderId))
        per.set(e.agent_id, (per.get(e.agent_id) ?? 0) + e.amount);
      for (const v of per.values()) expect(v).toBe(0);
    }
    // Settled entries never change, and stay settled.
    for (const snap of settledSnapshots) {
      const ids = (snap as { id: string }[]).map((e) => e.id);
      const now = biz.store.sqlite
        .prepare(
          `SELECT e.* FROM commission_entries e JOIN settlement_entries se ON se.entry_id = e.id
             JOIN settlements s ON s.id = se.settlement_id AND s.status = 'paid'
            WHERE e.id IN (${ids.map(() => '?').join(',')}) ORDER BY e.id`,
        )
        .all(...ids);
      expect(now).toEqual(snap);
    }
    // Every settlement total equals the sum of its entries.
    const totals = biz.store.sqlite
      .prepare(
        `SELECT s.total, (SELECT coalesce(sum(e.amount), 0) FROM settlement_entries se
            JOIN commission_entries e ON e.id = se.entry_id WHERE se.settlement_id = s.id) AS sum
           FROM settlements s`,
      )
      .all() as { total: number; sum: number }[];
    for (const t of totals) expect(t.total).toBe(t.sum);
    // Clawbacks carried after settlement are payable; the rollup follows the ledger.
    expect(commissionRollupProblems(biz)).toEqual([]);
    for (const asOf of ['2026-03-15', '2026-03-24', '2026-12-31'])
      expect(await reportMatchesEntries(biz, asOf)).toEqual([]);
    // The P&L's commissions equal the ledger, and the rollup verifies.
    expect(pnlCommissions(biz)).toBe(ledger.reduce((t, e) => t + e.amount, 0));
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
    // figures.rebuild recomputes the commission rollup too.
    biz.store.sqlite.exec(`DELETE FROM commission_daily;
      INSERT INTO commission_daily VALUES ('ghost', '2026-01-01', 0, '', 5);`);
    expect(commissionRollupProblems(biz)).not.toEqual([]);
    await biz.core.invoke('figures.rebuild', {});
    expect(commissionRollupProblems(biz)).toEqual([]);
  } finally {
    await biz.close();
  }
}

describe('commission ledger properties', () => {
  it('equals a from-scratch recomputation; refunds net to zero; settled entries never change', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, run), { numRuns: 25 });
  });
});
