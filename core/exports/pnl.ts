// The P&L report as an export table: the very figures of figures.pnl (one definition
// everywhere), with its own totals (the order count of a breakdown is not a column sum).
import type { PnlBreakdown, PnlReport, Figures } from '../figures/report';
import type { Column, ExportTable, Value } from './table';

/** What the first column holds, per breakdown. */
export const BREAKDOWN_WORDS: Record<PnlBreakdown, string> = {
  day: '日期',
  week: '周',
  month: '月份',
  product: '商品',
  category: '分类',
  group: '群',
  agent: '代理',
  campaign: '团购活动',
  customer: '客户',
  fee: '费用项目',
};

/** The figure columns, in the order of DOMAIN.md "Figures". */
export const FIGURE_COLUMNS: { key: keyof Figures; header: string; english: string }[] = [
  { key: 'revenue', header: '营业收入', english: 'Revenue' },
  { key: 'cogs', header: '销售成本', english: 'COGS' },
  { key: 'grossProfit', header: '毛利', english: 'Gross profit' },
  { key: 'fees', header: '费用', english: 'Fees' },
  { key: 'commissions', header: '佣金', english: 'Commissions' },
  { key: 'otherIncome', header: '其他收入', english: 'Other income' },
  { key: 'netProfit', header: '净利润', english: 'Net profit' },
  { key: 'orders', header: '订单数', english: 'Orders' },
];

const figureCells = (f: Figures): Value[] => FIGURE_COLUMNS.map((c) => f[c.key]);

export function pnlTable(report: PnlReport): ExportTable {
  const columns: Column[] = [
    { header: BREAKDOWN_WORDS[report.by], type: 'text', width: 20 },
    ...FIGURE_COLUMNS.map((c): Column => ({
      header: c.header,
      type: c.key === 'orders' ? 'count' : 'amount',
      width: 14,
    })),
  ];
  return {
    title: '利润表',
    columns,
    rowCount: report.rows.length,
    totals: ['合计', ...figureCells(report.totals)],
    csvTotals: true,
    async *pages() {
      yield report.rows.map((r): Value[] => [r.label, ...figureCells(r)]);
    },
  };
}
