// Commissions by agent over a period (by accrued day, net of reversals), by level and by status
// as of a day; and the tables that export a statement or this report (the house CSV/XLSX writers).
import type { Kysely } from 'kysely';
import { currency, formatAmount } from '../money';
import { requireSettings } from '../workspace/settings';
import { alignedTable } from '../cli/table';
import type { Database } from '../../db/schema';
import type { Column, ExportTable, Value } from '../exports/table';
import { commissionStatusSums } from './status';
import type { Statement } from './settlements';

export interface CommissionReportRow {
  agentId: string;
  agentName: string;
  level0: number;
  level1: number;
  level2: number;
  total: number;
  pending: number;
  payable: number;
  inDraft: number;
  settled: number;
}

export type CommissionTotals = Omit<CommissionReportRow, 'agentId' | 'agentName'>;

export interface CommissionReport {
  from: string;
  to: string;
  asOf: string;
  agentId: string | null;
  currency: string;
  rows: CommissionReportRow[];
  totals: CommissionTotals;
}

const FIGURES = [
  'level0',
  'level1',
  'level2',
  'total',
  'pending',
  'payable',
  'inDraft',
  'settled',
] as const;

export async function commissionReport(
  db: Kysely<Database>,
  q: {
    from: string;
    to: string;
    agentId?: string | undefined;
    asOf: string;
    /** Only the agents of this agent's subtree (an agent caller's own report). */
    teamOf?: string | undefined;
  },
): Promise<CommissionReport> {
  const settings = await requireSettings(db);
  const rows = await commissionStatusSums(db, q);
  const byAgent = new Map<string, CommissionReportRow>();
  for (const r of rows) {
    let row = byAgent.get(r.agentId);
    if (!row) {
      row = {
        agentId: r.agentId,
        agentName: r.agentName,
        level0: 0,
        level1: 0,
        level2: 0,
        total: 0,
        pending: 0,
        payable: 0,
        inDraft: 0,
        settled: 0,
      };
      byAgent.set(r.agentId, row);
    }
    row[`level${r.level}` as 'level0' | 'level1' | 'level2'] += r.amount;
    row.total += r.amount;
    row[r.status] += r.amount;
  }
  const list = [...byAgent.values()].sort(
    (a, b) =>
      b.total - a.total ||
      a.agentName.localeCompare(b.agentName) ||
      (a.agentId < b.agentId ? -1 : 1),
  );
  const totals = Object.fromEntries(FIGURES.map((k) => [k, 0])) as CommissionTotals;
  for (const r of list) for (const k of FIGURES) totals[k] += r[k];
  return {
    from: q.from,
    to: q.to,
    asOf: q.asOf,
    agentId: q.agentId ?? null,
    currency: settings.currency,
    rows: list,
    totals,
  };
}

export function commissionReportTable(report: CommissionReport): ExportTable {
  const amount = (header: string): Column => ({ header, type: 'amount', total: true, width: 14 });
  const columns: Column[] = [
    { header: '代理 Agent', type: 'text', width: 20 },
    { header: '代理编号 Agent id', type: 'text', width: 38 },
    amount('直接佣金 Direct'),
    amount('一级 Level 1'),
    amount('二级 Level 2'),
    amount('合计 Total'),
    amount('待结算 Pending'),
    amount('可结算 Payable'),
    amount('结算中 In draft'),
    amount('已结算 Settled'),
  ];
  const cells = (r: CommissionTotals): Value[] => FIGURES.map((k) => r[k]);
  return {
    title: '佣金报表',
    columns,
    rowCount: report.rows.length,
    csvTotals: true,
    async *pages() {
      yield report.rows.map((r): Value[] => [r.agentName, r.agentId, ...cells(r)]);
    },
  };
}

/** A statement with every entry behind its total (the writer adds the totals row). */
export function statementTable(s: Statement): ExportTable {
  const columns: Column[] = [
    { header: '计提日 Accrued', type: 'day' },
    { header: '订单号 Order', type: 'text', width: 20 },
    { header: '行 Line', type: 'count', width: 6 },
    { header: 'SKU', type: 'text' },
    { header: '商品 Product', type: 'text', width: 20 },
    { header: '层级 Level', type: 'count', width: 8 },
    { header: '类型 Kind', type: 'text', width: 10 },
    { header: '基数 Base', type: 'amount' },
    { header: '费率 Rate (bp)', type: 'count', width: 10 },
    { header: '佣金 Amount', type: 'amount', total: true },
    { header: '条目 Entry id', type: 'text', width: 38 },
  ];
  return {
    title: '佣金结算单',
    columns,
    rowCount: s.entries.length,
    csvTotals: true,
    async *pages() {
      yield s.entries.map((e): Value[] => [
        e.accruedOn,
        e.orderNo,
        e.lineNo,
        e.sku,
        e.productName,
        e.level,
        e.kind,
        e.baseAmount,
        e.rateBp,
        e.amount,
        e.entryId,
      ]);
    },
  };
}

/** The report as an aligned text table for the terminal (amounts in major units). */
export function commissionReportText(report: CommissionReport): string {
  const { decimals } = currency(report.currency);
  const money = (n: number) => formatAmount(n, decimals);
  const titles = [
    'Direct',
    'Level 1',
    'Level 2',
    'Total',
    'Pending',
    'Payable',
    'In draft',
    'Settled',
  ];
  const cells = (r: CommissionTotals) => FIGURES.map((k) => money(r[k]));
  return (
    `Commissions ${report.from} to ${report.to}, status as of ${report.asOf} (${report.currency})\n\n` +
    alignedTable(
      ['Agent', ...titles],
      report.rows.map((r) => [r.agentName, ...cells(r)]),
      ['Total', ...cells(report.totals)],
    )
  );
}
