// The P&L as an aligned text table for the terminal. Chinese characters take two columns on a
// terminal, so widths are measured in display cells, not string length.
import { currency, formatAmount } from '../money';
import type { Figures, PnlReport } from '../figures/report';

/** East Asian wide and full-width characters (CJK, Hangul, full-width forms, emoji). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue; // combining marks and joiners take no cell
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - displayWidth(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - displayWidth(s))) + s;

/** A table: first column left-aligned, the rest right-aligned; a rule above the last row. */
export function alignedTable(header: string[], rows: string[][], totals: string[]): string {
  const all = [header, ...rows, totals];
  const widths = header.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? padEnd(c, widths[i]!) : padStart(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line), rule, line(totals)].join('\n') + '\n';
}

const COLUMNS: { key: keyof Figures; title: string }[] = [
  { key: 'revenue', title: 'Revenue' },
  { key: 'cogs', title: 'COGS' },
  { key: 'grossProfit', title: 'Gross profit' },
  { key: 'fees', title: 'Fees' },
  { key: 'commissions', title: 'Commissions' },
  { key: 'otherIncome', title: 'Other income' },
  { key: 'netProfit', title: 'Net profit' },
  { key: 'orders', title: 'Orders' },
];

const BY_TITLES: Record<string, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  product: 'Product',
  category: 'Category',
  group: 'Group',
  agent: 'Agent',
  campaign: 'Campaign',
  customer: 'Customer',
  fee: 'Fee',
};

export function pnlText(report: PnlReport): string {
  const { decimals } = currency(report.currency);
  const cells = (f: Figures) =>
    COLUMNS.map((c) => (c.key === 'orders' ? String(f.orders) : formatAmount(f[c.key], decimals)));
  const title = `P&L ${report.from} to ${report.to}, by ${report.by} (${report.currency})\n\n`;
  return (
    title +
    alignedTable(
      [BY_TITLES[report.by] ?? report.by, ...COLUMNS.map((c) => c.title)],
      // A label is one line on screen, whatever the product name holds.
      report.rows.map((r) => [r.label.replace(/\s+/g, ' '), ...cells(r)]),
      ['Total', ...cells(report.totals)],
    )
  );
}
