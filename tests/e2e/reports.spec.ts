// Reports: the P&L exported as CSV and XLSX from the UI holds the same figures as
// `qundesk report pnl` on the same store; the printable view shows the report's totals and
// prints to a PDF.
//
// The PDF is what Chromium prints from the printable view (Electron's printToPDF and the
// browser's "Save as PDF" do the same); its text is read back with pdfjs-dist and must hold
// every total of the report.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { test, expect, ROOT, type WebApp } from './fixtures';
import { formatAmount, toMajor } from '../../core/money';

const FROM = '2026-01-01';
const TO = '2026-06-30';
const FIGURES = [
  'revenue',
  'cogs',
  'grossProfit',
  'fees',
  'commissions',
  'otherIncome',
  'netProfit',
  'orders',
] as const;

interface Row {
  key: string;
  label: string;
  revenue: number;
  cogs: number;
  grossProfit: number;
  fees: number;
  commissions: number;
  otherIncome: number;
  netProfit: number;
  orders: number;
}
interface Pnl {
  rows: Row[];
  totals: Omit<Row, 'key' | 'label'>;
}

function cli(app: WebApp, ...args: string[]): string {
  return execFileSync(
    process.execPath,
    [join(ROOT, 'bin/qundesk.mjs'), '--store', app.storeFile, 'report', 'pnl', ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
}

async function demoBusiness(app: WebApp) {
  await app.call('workspace.init', { name: '报表测试店' });
  await app.call('demo.generate', { scale: 'small', seed: 7, endDay: TO });
}

/** The CSV's table part: the lines before the blank line that starts the export notes. */
function tablePart(csv: string): string[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r\n/);
  return lines.slice(0, lines.indexOf(''));
}

test('P&L exported as CSV and XLSX matches qundesk report pnl', async ({ app, page }) => {
  test.setTimeout(180_000);
  await demoBusiness(app);
  await page.goto(`${app.url}#/reports?from=${FROM}&to=${TO}&by=month`);
  await expect(page.getByTestId('pnl-total-revenue')).toBeVisible();
  const expected = JSON.parse(cli(app, '--from', FROM, '--to', TO, '--format', 'json')) as Pnl;
  expect(expected.rows).toHaveLength(6);
  expect(expected.totals.orders).toBeGreaterThan(0);
  await app.shot(page, 'reports');

  // CSV: the rows and the totals line are the CLI's, byte for byte.
  await page.getByTestId('export-pnl').click();
  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-pnl-csv').click();
  const csvFile = join(app.dir, 'ui.csv');
  await (await csvDownload).saveAs(csvFile);
  const csv = readFileSync(csvFile, 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const cliCsv = cli(app, '--from', FROM, '--to', TO, '--format', 'csv');
  expect(tablePart(csv)).toEqual(tablePart(cliCsv));
  const totalsLine = tablePart(csv).at(-1)!.split(',');
  expect(totalsLine.slice(1)).toEqual(
    FIGURES.map((k) =>
      k === 'orders' ? String(expected.totals[k]) : formatAmount(expected.totals[k]),
    ),
  );
  for (const r of expected.rows) {
    expect(csv).toContain(
      [r.key, ...FIGURES.map((k) => (k === 'orders' ? String(r[k]) : formatAmount(r[k])))].join(
        ',',
      ),
    );
  }

  // XLSX: number cells with the same figures, one row per month and a totals row.
  await page.getByTestId('export-pnl').click();
  const xlsxDownload = page.waitForEvent('download');
  await page.getByTestId('export-pnl-xlsx').click();
  const xlsxFile = join(app.dir, 'ui.xlsx');
  await (await xlsxDownload).saveAs(xlsxFile);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsxFile);
  const sheet = book.worksheets[0]!;
  const byKey = new Map<string, unknown[]>();
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    byKey.set(String(values[0]), values);
  });
  const plain = (v: unknown) =>
    v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v;
  for (const r of expected.rows) {
    const cells = byKey.get(r.key);
    expect(cells, `row ${r.key}`).toBeDefined();
    expect(cells!.slice(1, 9).map(plain)).toEqual(
      FIGURES.map((k) => (k === 'orders' ? r[k] : toMajor(r[k]))),
    );
  }
  const totals = byKey.get('合计');
  expect(totals!.slice(1, 9).map(plain)).toEqual(
    FIGURES.map((k) => (k === 'orders' ? expected.totals[k] : toMajor(expected.totals[k]))),
  );
});

test('the printable P&L shows the report totals and prints to a PDF', async ({ app, page }) => {
  test.setTimeout(180_000);
  await demoBusiness(app);
  const expected = JSON.parse(
    cli(app, '--from', FROM, '--to', TO, '--by', 'product', '--format', 'json'),
  ) as Pnl;
  await page.goto(`${app.url}#/reports?from=${FROM}&to=${TO}&by=product`);
  await page.getByTestId('print-pnl').click();
  await expect(page.getByTestId('print-report')).toBeVisible();
  expect(page.url()).toContain('#/reports/print?');
  // The print view has no menu and no status bar.
  await expect(page.getByTestId('status-bar')).toHaveCount(0);
  for (const k of FIGURES) {
    await expect(page.getByTestId(`print-total-${k}`)).toHaveText(
      k === 'orders' ? String(expected.totals[k]) : formatAmount(expected.totals[k]),
    );
  }
  await expect(page.locator('.print-report tbody tr')).toHaveCount(expected.rows.length + 1);
  await app.shot(page, 'reports-print');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-button')).toBeHidden();
  const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(10_000);
  const doc = await getDocument({ data: new Uint8Array(pdf) }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((it) => ('str' in it ? it.str : '')).join('\n') + '\n';
  }
  for (const k of FIGURES) {
    const total = k === 'orders' ? String(expected.totals[k]) : formatAmount(expected.totals[k]);
    expect(text, `the PDF shows the ${k} total ${total}`).toContain(total);
  }
  // CJK glyphs come out one item each: compare without the separators.
  expect(text.replace(/\s/g, '')).toContain('合计');
});

test('the compliance tab shows the Art. 7 view and its warnings', async ({ app, page }) => {
  await demoBusiness(app);
  // An entry fee charged to an agent is the first mark of pyramid selling: flagged.
  const agents = await app.call<{ rows: { id: string }[] }>('agent.list', {});
  await app.call('income.record', {
    kind: 'franchise',
    amount: 99_900,
    receivedOn: '2026-03-01',
    agentId: agents.rows[0]!.id,
  });
  const report = await app.call<{ warnings: { code: string }[]; planDepth: number }>(
    'compliance.report',
    { from: FROM, to: TO },
  );
  await page.goto(`${app.url}#/reports/compliance?from=${FROM}&to=${TO}`);
  await expect(page.getByTestId('compliance')).toContainText('禁止传销条例');
  expect(report.warnings.map((w) => w.code)).toContain('ENTRY_FEES');
  for (const w of report.warnings) {
    await expect(page.getByTestId(`compliance-warning-${w.code}`)).toBeVisible();
  }
  await app.shot(page, 'reports-compliance');
});
