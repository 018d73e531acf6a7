import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { newBusiness, testClock, type TestBusiness } from '../support/store';
import { addProduct, expectFailure } from '../support/order-fixtures';
import {
  addChain,
  commissionRollupProblems,
  entries,
  paidSale,
  pnlCommissions,
  reportMatchesEntries,
} from '../support/agent-fixtures';
import { runCli } from '../../core/cli/program';
import { createCore } from '../../core/api/dispatcher';
import { formatAmount } from '../../core/money';

let biz: TestBusiness;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-settle-'));
});
afterEach(async () => {
  await biz?.close();
  rmSync(dir, { recursive: true, force: true });
});

function settledEntries() {
  return biz.store.sqlite
    .prepare(
      `SELECT e.* FROM commission_entries e JOIN settlement_entries se ON se.entry_id = e.id
         JOIN settlements s ON s.id = se.settlement_id WHERE s.status = 'paid' ORDER BY e.id`,
    )
    .all();
}

/** Two agents (a above b), a 10% / 5% plan, and a sale by b completed on 2026-03-15. */
async function setup() {
  const clock = testClock('2026-03-15T10:00:00+08:00');
  biz = await newBusiness({ clock });
  const [a, b] = await addChain(biz, 2);
  await biz.core.invoke('plan.create', {
    name: '标准方案',
    effectiveFrom: '2026-01-01',
    base: 'net',
    rates: [1000, 500],
  });
  const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 100, unitCost: 300 } });
  const order = await paidSale(biz, b!, [{ productId: p, quantity: 2 }], '2026-03-15');
  return { clock, a: a!, b: b!, p, order };
}

describe('commission status and settlements', () => {
  it("counts the refund window from the completion day in the business's zone, not UTC", async () => {
    // Paid and completed at 2026-03-15T23:30Z, which is 2026-03-16 07:30 in Shanghai: the
    // business's completion day is 03-16, so a 7-day window ends on 03-23 (the UTC day 03-15
    // made it payable on 03-22, a day early).
    const clock = testClock('2026-03-15T23:30:00Z');
    biz = await newBusiness({ clock });
    const [, b] = await addChain(biz, 2);
    await biz.core.invoke('plan.create', {
      name: '标准方案',
      effectiveFrom: '2026-01-01',
      base: 'net',
      rates: [1000, 500],
    });
    const p = await addProduct(biz, { retailPrice: 1000, stock: { quantity: 10, unitCost: 300 } });
    const order = await paidSale(biz, b!, [{ productId: p, quantity: 2 }], '2026-03-16');
    await biz.core.invoke('order.complete', { id: order.id });
    expect(
      biz.store.sqlite
        .prepare('SELECT completed_on FROM orders WHERE id = ?')
        .pluck()
        .get(order.id),
    ).toBe('2026-03-16');
    expect(
      await biz.core.invoke('commission.balances', { agentId: b!, asOf: '2026-03-22' }),
    ).toMatchObject({ pending: 200, payable: 0 });
    expect(
      await biz.core.invoke('commission.balances', { agentId: b!, asOf: '2026-03-23' }),
    ).toMatchObject({ pending: 0, payable: 200 });
    // Per entry (entryStatusSql) the same, and the rollup equals the ledger.
    const listed = async (asOf: string) =>
      (await biz.core.invoke('commission.entries', { agentId: b!, asOf, limit: 50 })).map(
        (e) => e.status,
      );
    expect(await listed('2026-03-22')).toEqual(['pending']);
    expect(await listed('2026-03-23')).toEqual(['payable']);
    expect(await reportMatchesEntries(biz, '2026-03-22')).toEqual([]);
    expect(await reportMatchesEntries(biz, '2026-03-23')).toEqual([]);
    expect(commissionRollupProblems(biz)).toEqual([]);
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
  });

  it('moves pending -> payable after completion and the refund window, then settles', async () => {
    const { clock, a, b, p, order } = await setup();
    const lineId = order.lines[0]!.id;
    expect(
      await biz.core.invoke('commission.balances', { agentId: b, asOf: '2026-04-30' }),
    ).toMatchObject({
      pending: 200,
      payable: 0,
      inDraft: 0,
      settled: 0,
    });
    const before = biz.snapshot();
    expectFailure(
      await biz.core.call('settlement.generate', {
        agentId: b,
        periodTo: '2026-04-30',
        asOf: '2026-04-30',
      }),
      'INVALID_STATE',
    );
    expect(biz.snapshot()).toEqual(before);

    await biz.core.invoke('order.complete', { id: order.id }); // completed 2026-03-15
    clock.set('2026-03-20T10:00:00+08:00'); // the refund is recorded on its day
    await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId, quantity: 1 }],
      restock: true,
      refundedOn: '2026-03-20',
    });
    expect(
      (await biz.core.invoke('commission.balances', { agentId: b, asOf: '2026-03-21' })).pending,
    ).toBe(100);
    expectFailure(
      await biz.core.call('settlement.generate', {
        agentId: b,
        periodTo: '2026-03-31',
        asOf: '2026-03-21',
      }),
      'INVALID_STATE',
    );
    expect(
      await biz.core.invoke('commission.balances', { agentId: b, asOf: '2026-03-22' }),
    ).toMatchObject({
      pending: 0,
      payable: 100,
    });

    const draft = await biz.core.invoke('settlement.generate', {
      agentId: b,
      periodTo: '2026-03-31',
      asOf: '2026-03-22',
    });
    expect(draft.status).toBe('draft');
    expect(draft.entries.map((e) => [e.kind, e.amount, e.orderNo, e.lineNo, e.level])).toEqual([
      ['accrual', 200, order.orderNo, 1, 0],
      ['reversal', -100, order.orderNo, 1, 0],
    ]);
    expect(draft.total).toBe(100);
    expect(draft.periodFrom).toBe('2026-03-15');
    expect(
      (await biz.core.invoke('commission.balances', { agentId: b, asOf: '2026-03-22' })).inDraft,
    ).toBe(100);
    // Nothing more to put in a second statement while the draft holds it.
    expectFailure(
      await biz.core.call('settlement.generate', {
        agentId: b,
        periodTo: '2026-03-31',
        asOf: '2026-03-22',
      }),
      'INVALID_STATE',
    );

    await biz.core.invoke('settlement.discard', { id: draft.id });
    expect(await biz.core.invoke('settlement.list', { agentId: b })).toEqual([]);
    const again = await biz.core.invoke('settlement.generate', {
      agentId: b,
      periodFrom: '2026-03-01',
      periodTo: '2026-03-31',
      asOf: '2026-03-22',
    });
    const paid = await biz.core.invoke('settlement.markPaid', {
      id: again.id,
      paidOn: '2026-04-01',
      method: 'wechat',
      reference: 'WX123',
      paidBy: '老板',
    });
    expect(paid).toMatchObject({
      status: 'paid',
      paidOn: '2026-04-01',
      method: 'wechat',
      total: 100,
    });
    expect(
      await biz.core.invoke('commission.balances', { agentId: b, asOf: '2026-04-01' }),
    ).toMatchObject({
      payable: 0,
      settled: 100,
    });
    const settledBefore = settledEntries();
    const settled = await biz.core.invoke('commission.entries', {
      agentId: b,
      status: 'settled',
      limit: 50,
    });
    expect(settled.map((e) => [e.amount, e.settlementId])).toEqual([
      [200, again.id],
      [-100, again.id],
    ]);

    const frozen = biz.snapshot();
    expectFailure(
      await biz.core.call('settlement.markPaid', { id: again.id, method: 'cash' }),
      'INVALID_STATE',
    );
    expectFailure(await biz.core.call('settlement.discard', { id: again.id }), 'INVALID_STATE');
    expectFailure(await biz.core.call('settlement.get', { id: 'nope' }), 'NOT_FOUND');
    expectFailure(
      await biz.core.call('settlement.markPaid', { id: again.id, method: '' }),
      'VALIDATION',
      'method',
    );
    expect(biz.snapshot()).toEqual(frozen);

    // The rest is refunded after the settlement: the clawback goes into the next statement.
    clock.set('2026-04-02T10:00:00+08:00');
    await biz.core.invoke('refund.full', {
      orderId: order.id,
      restock: true,
      refundedOn: '2026-04-02',
    });
    const next = await paidSale(biz, b, [{ productId: p, quantity: 3 }], '2026-04-02');
    await biz.core.invoke('order.complete', { id: next.id });
    const clawback = await biz.core.invoke('commission.entries', {
      agentId: b,
      from: '2026-04-02',
      asOf: '2026-04-03',
      limit: 10,
    });
    expect(clawback.map((e) => [e.kind, e.amount, e.status])).toEqual(
      expect.arrayContaining([['reversal', -100, 'payable']]),
    );
    const second = await biz.core.invoke('settlement.generate', {
      agentId: b,
      periodTo: '2026-04-30',
      asOf: '2026-04-09',
    });
    expect(second.entries.map((e) => [e.kind, e.amount])).toEqual([
      ['reversal', -100],
      ['accrual', 300],
    ]);
    expect(second.total).toBe(200);
    // The upline's statement: its own earnings and clawbacks.
    const upline = await biz.core.invoke('settlement.generate', {
      agentId: a,
      periodTo: '2026-04-30',
      asOf: '2026-04-09',
    });
    expect(upline.entries.map((e) => e.amount).sort((x, y) => x - y)).toEqual([-50, -50, 100, 150]);
    expect(upline.total).toBe(150);
    for (const s of await biz.core.invoke('settlement.list', {})) {
      const st = await biz.core.invoke('settlement.get', { id: s.id });
      expect(st.total).toBe(st.entries.reduce((sum, e) => sum + e.amount, 0));
      expect(s.entryCount).toBe(st.entries.length);
    }
    expect(settledEntries()).toEqual(settledBefore);
    expect((await biz.core.invoke('figures.verify', {})).ok).toBe(true);
    expect(pnlCommissions(biz)).toBe(entries(biz).reduce((s, e) => s + e.amount, 0));
  });

  it('exports a statement as CSV and XLSX that read back to the ledger, to the fen', async () => {
    const { b, order, p } = await setup();
    await paidSale(biz, b, [{ productId: p, quantity: 1, unitPrice: 1235 }], '2026-03-15').then(
      (o) => biz.core.invoke('order.complete', { id: o.id }),
    );
    await biz.core.invoke('order.complete', { id: order.id });
    const st = await biz.core.invoke('settlement.generate', {
      agentId: b,
      periodTo: '2026-03-31',
      asOf: '2026-03-31',
    });
    expect(st.entries.map((e) => e.amount)).toEqual(expect.arrayContaining([200, 124]));

    const csv = join(dir, '结算单.csv');
    const r = await biz.core.invoke('settlement.export', { id: st.id, file: csv });
    expect(r).toMatchObject({ rows: 2, total: 324, format: 'csv' });
    const bytes = readFileSync(csv);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes.toString('utf8'), {
      bom: true,
      relax_column_count: true,
    }) as string[][];
    const header = records[0]!;
    const amountAt = header.indexOf('佣金 Amount');
    const idAt = header.indexOf('条目 Entry id');
    const body = records.slice(1, 1 + st.entries.length);
    const ledger = new Map(entries(biz).map((e) => [e.id, e.amount]));
    for (const row of body) expect(row[amountAt]).toBe(formatAmount(ledger.get(row[idAt]!)!));
    expect(records[1 + st.entries.length]![0]).toBe('合计');
    expect(records[1 + st.entries.length]![amountAt]).toBe(formatAmount(st.total));
    expect(records.some((row) => row[0]?.startsWith('软件版本 Version: QunDesk'))).toBe(true);

    const xlsx = join(dir, 'statement.xlsx');
    await biz.core.invoke('settlement.export', { id: st.id, file: xlsx });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const sheet = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const xAmount = (rows[0] as string[]).indexOf('佣金 Amount');
    const xId = (rows[0] as string[]).indexOf('条目 Entry id');
    for (const row of rows.slice(1, 1 + st.entries.length)) {
      expect(typeof row[xAmount]).toBe('number');
      expect(Math.round((row[xAmount] as number) * 100)).toBe(ledger.get(row[xId] as string));
    }
    const totals = rows[1 + st.entries.length]!;
    expect(totals[0]).toBe('合计');
    const t = totals[xAmount] as { result: number };
    expect(Math.round(t.result * 100)).toBe(st.total);

    expectFailure(
      await biz.core.call('settlement.export', { id: st.id, file: join(dir, 'x.pdf') }),
      'VALIDATION',
      'file',
    );
  });
});

describe('what an agent sees', () => {
  it('its own entries, balances and statements only; no plan changes', async () => {
    const { a, b, order } = await setup();
    await biz.core.invoke('order.complete', { id: order.id });
    const st = await biz.core.invoke('settlement.generate', {
      agentId: a,
      periodTo: '2026-03-31',
      asOf: '2026-03-31',
    });
    const asB = createCore({ store: biz.store, actor: { role: 'agent', agentId: b } });
    const own = await asB.invoke('commission.entries', { limit: 50, asOf: '2026-03-31' });
    expect(own.map((e) => [e.agentId, e.amount, e.status])).toEqual([[b, 200, 'payable']]);
    expect(
      await asB.invoke('commission.balances', { agentId: b, asOf: '2026-03-31' }),
    ).toMatchObject({
      payable: 200,
    });
    expectFailure(await asB.call('commission.balances', { agentId: a }), 'FORBIDDEN', 'agentId');
    expectFailure(await asB.call('commission.entries', { agentId: a, limit: 5 }), 'FORBIDDEN');
    expectFailure(await asB.call('settlement.get', { id: st.id }), 'FORBIDDEN');
    // The commissions report: an agent sees its own subtree (b: itself; a: a and b).
    const period = { from: '2026-03-01', to: '2026-03-31', asOf: '2026-03-31' };
    const mine = await asB.invoke('commission.report', period);
    expect(mine.rows.map((r) => [r.agentId, r.total, r.payable])).toEqual([[b, 200, 200]]);
    expect(mine.totals.total).toBe(200);
    expectFailure(await asB.call('commission.report', { ...period, agentId: a }), 'FORBIDDEN');
    const asA = createCore({ store: biz.store, actor: { role: 'agent', agentId: a } });
    const team = await asA.invoke('commission.report', period);
    expect(team.rows.map((r) => [r.agentId, r.total, r.inDraft]).sort()).toEqual(
      [
        [a, 100, 100],
        [b, 200, 0],
      ].sort(),
    );
    expect(
      (await asA.invoke('commission.report', { ...period, agentId: b })).rows.map((r) => r.agentId),
    ).toEqual([b]);
    expect(await asB.invoke('settlement.list', {})).toEqual([]);
    expectFailure(
      await asB.call('plan.create', {
        name: 'x',
        effectiveFrom: '2027-01-01',
        base: 'net',
        rates: [1],
      }),
      'FORBIDDEN',
    );
    expectFailure(
      await asB.call('settlement.markPaid', { id: st.id, method: 'cash' }),
      'FORBIDDEN',
    );
  });
});

describe('report commissions', () => {
  it('equals the ledger by agent and level, in the API and the CLI', async () => {
    const { clock, a, b, order, p } = await setup();
    const file = biz.file;
    // Recorded after the fact (nothing is dated after tomorrow).
    clock.set('2026-05-01T10:00:00+08:00');
    await biz.core.invoke('refund.create', {
      orderId: order.id,
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      restock: false,
      refundedOn: '2026-04-03',
    });
    await paidSale(biz, a, [{ productId: p, quantity: 1 }], '2026-03-20');
    const report = await biz.core.invoke('commission.report', {
      from: '2026-03-01',
      to: '2026-04-30',
    });
    const ledger = biz.store.sqlite
      .prepare(
        `SELECT agent_id AS agentId, level, sum(amount) AS amount FROM commission_entries
          WHERE accrued_on BETWEEN '2026-03-01' AND '2026-04-30' GROUP BY 1, 2`,
      )
      .all() as { agentId: string; level: number; amount: number }[];
    for (const l of ledger) {
      const row = report.rows.find((r) => r.agentId === l.agentId)!;
      expect(row[`level${l.level}` as 'level0']).toBe(l.amount);
    }
    const all = ledger.reduce((s, l) => s + l.amount, 0);
    expect(report.totals.total).toBe(all);
    expect(
      report.totals.pending + report.totals.payable + report.totals.inDraft + report.totals.settled,
    ).toBe(all);
    expect(report.rows.find((r) => r.agentId === b)).toMatchObject({ level0: 100, total: 100 });
    expect(report.rows.find((r) => r.agentId === a)).toMatchObject({
      level0: 100,
      level1: 50,
      total: 150,
    });
    // March only: the refund of April is outside.
    const march = await biz.core.invoke('commission.report', {
      from: '2026-03-01',
      to: '2026-03-31',
      agentId: b,
    });
    expect(march.rows.map((r) => [r.agentId, r.total])).toEqual([[b, 200]]);

    // The CLI over the same store file (closed here, reopened by the CLI).
    await biz.store.close();
    // afterEach removes the store's folder instead of closing the business twice.
    rmSync(dir, { recursive: true, force: true });
    dir = biz.dir;
    biz = undefined as unknown as TestBusiness;
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return {
        out,
        err,
        io: {
          out: (t: string) => void out.push(t),
          err: (t: string) => void err.push(t),
          isTTY: false,
          env: {},
        },
      };
    };
    const j = io();
    expect(
      await runCli(
        [
          '--store',
          file,
          'report',
          'commissions',
          '--from',
          '2026-03-01',
          '--to',
          '2026-04-30',
          '--format',
          'json',
        ],
        j.io,
      ),
      j.err.join(''),
    ).toBe(0);
    const fromCli = JSON.parse(j.out.join('')) as typeof report;
    expect(fromCli.rows.map((r) => [r.agentId, r.level0, r.level1, r.level2, r.total])).toEqual(
      report.rows.map((r) => [r.agentId, r.level0, r.level1, r.level2, r.total]),
    );
    const c = io();
    expect(
      await runCli(
        [
          '--store',
          file,
          'report',
          'commissions',
          '--from',
          '2026-03-01',
          '--to',
          '2026-04-30',
          '--format',
          'csv',
          '--agent',
          a,
        ],
        c.io,
      ),
      c.err.join(''),
    ).toBe(0);
    const csv = parse(c.out.join(''), { bom: true, relax_column_count: true }) as string[][];
    expect(csv[1]!.slice(0, 6)).toEqual(['链0', a, '1.00', '0.50', '0.00', '1.50']);
    const t = io();
    expect(
      await runCli(
        ['--store', file, 'report', 'commissions', '--from', '2026-03-01', '--to', '2026-04-30'],
        t.io,
      ),
      t.err.join(''),
    ).toBe(0);
    expect(t.out.join('')).toContain('2.50');
  });
});
