// Writes an export table as CSV (UTF-8 with BOM so Excel shows Chinese; RFC 4180 quoting by
// csv-stringify) or XLSX (exceljs streaming: real number and date cells, a bold header, a
// totals row, and an 'About' sheet). The file appears only when complete: it is written beside
// the target and renamed (output.ts), so a failed export never leaves half a file under the
// seller's name, and never lands on the open store.
//
// Every CSV cell is written by csvLine, which neutralises spreadsheet formulas (OWASP's rule
// for CSV injection): a text cell beginning with =, +, -, @, tab or CR (or their full-width
// forms) gets a leading ' so Excel or WPS shows it as text instead of running it. Numbers are
// passed to it as numbers and stay as they are (-28.90 is an amount, not a formula). The
// import reads the ' back off (imports/sheet.ts), so an export imports back unchanged.
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { fieldError } from '../api/errors';
import { formatAmount, toMajor } from '../money';
import {
  ColumnTotals,
  noteLines,
  TOTALS_LABEL,
  type Column,
  type ExportNotes,
  type ExportTable,
  type Value,
} from './table';
import { checkOutputFile, replaceAtomically } from './output';

export type ExportFormat = 'csv' | 'xlsx';

/** The format a file name asks for; `path` names the input field in the error. */
export function exportFormat(file: string, path = 'file'): ExportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw fieldError(path, `name the file .csv or .xlsx (got "${ext || 'no extension'}")`);
}

export interface WriteOptions {
  file: string;
  format: ExportFormat;
  decimals: number;
  notes: ExportNotes;
  /** The open store's database files, which no export may overwrite (openDatabaseFiles). */
  store: readonly string[];
  /** Called with the rows written so far. */
  onRows: (done: number) => void;
}

export async function writeTable(
  table: ExportTable,
  options: WriteOptions,
): Promise<{ rows: number }> {
  const target = await checkOutputFile(options.file, { store: options.store, field: 'file' });
  const rows = await replaceAtomically(target, (temporary) =>
    options.format === 'csv'
      ? writeCsv(table, temporary, options)
      : writeXlsx(table, temporary, options),
  );
  return { rows };
}

/**
 * One CSV record (CRLF-terminated, RFC 4180 quoting): the one place every CSV the app writes
 * goes through. Text that a spreadsheet would run as a formula is neutralised with a leading
 * ' (csv-stringify's escape_formulas); numbers are written by `number` and never touched.
 */
export function csvLine(
  cells: readonly Value[],
  number: (n: number, column: number) => string = String,
): string {
  return stringify([cells as Value[]], {
    record_delimiter: '\r\n',
    // A line break inside a cell (a note over two lines) is quoted too: csv-stringify quotes
    // only the record delimiter itself once one is set.
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: { number: (n, context) => number(n, context.index) },
  });
}

async function writeCsv(table: ExportTable, file: string, o: WriteOptions): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([err]) => {
    throw err;
  });
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  const totals = new ColumnTotals(table.columns);
  // Amounts in major units with the currency's decimals; counts as they are.
  const line = (cells: Value[]) =>
    csvLine(cells, (n, i) =>
      table.columns[i]?.type === 'amount' ? formatAmount(n, o.decimals) : String(n),
    );

  await write('\uFEFF');
  await write(csvLine(table.columns.map((c) => c.header)));
  let done = 0;
  for await (const page of table.pages()) {
    await write(page.map((r) => line(r)).join(''));
    for (const r of page) totals.add(r);
    done += page.length;
    o.onRows(done);
  }
  if (table.csvTotals) await write(line(table.totals ?? totals.row()));
  // A blank line, then the notes: what, which filters, when, which version.
  await write('\r\n');
  await write(
    noteLines(o.notes)
      .map((n) => csvLine([n]))
      .join(''),
  );
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return done;
}

const amountFormat = (decimals: number) =>
  decimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(decimals)}`;

/** Excel's column letters for a 1-based index (1 -> A, 27 -> AA). */
function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26))
    s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

function xlsxValue(column: Column, v: Value, decimals: number): ExcelJS.CellValue {
  if (v === null) return null;
  if (column.type === 'amount' && typeof v === 'number') return toMajor(v, decimals);
  if (column.type === 'day' && typeof v === 'string') return new Date(`${v}T00:00:00.000Z`);
  return v;
}

async function writeXlsx(table: ExportTable, file: string, o: WriteOptions): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(table.title.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c) => ({
    header: c.header,
    width: c.width ?? (c.type === 'text' ? 16 : 12),
    style:
      c.type === 'amount'
        ? { numFmt: amountFormat(o.decimals) }
        : c.type === 'day'
          ? { numFmt: 'yyyy-mm-dd' }
          : c.type === 'count'
            ? { numFmt: '#,##0' }
            : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();

  const totals = new ColumnTotals(table.columns);
  let done = 0;
  for await (const page of table.pages()) {
    for (const r of page) {
      sheet.addRow(r.map((v, i) => xlsxValue(table.columns[i]!, v, o.decimals))).commit();
      totals.add(r);
    }
    done += page.length;
    o.onRows(done);
  }

  // The totals row: a SUM formula (it follows edits) with its value cached for readers that
  // do not calculate; a source's own totals (the P&L) are plain values.
  const sums = table.totals ?? totals.row();
  const lastRow = done + 1;
  const totalsRow = sheet.addRow(
    sums.map((v, i) => {
      const column = table.columns[i]!;
      if (i === 0) return TOTALS_LABEL;
      const value = xlsxValue(column, v, o.decimals);
      if (table.totals || !column.total || done === 0 || typeof value !== 'number') return value;
      const letter = columnLetter(i + 1);
      return { formula: `SUM(${letter}2:${letter}${lastRow})`, result: value };
    }),
  );
  totalsRow.font = { bold: true };
  totalsRow.commit();
  sheet.commit();

  const about = workbook.addWorksheet('About');
  about.columns = [{ width: 24 }, { width: 60 }];
  const n = o.notes;
  const lines: [string, string][] = [
    ['导出内容 Export', n.subject],
    ['筛选条件 Filters', n.filters],
    ['导出时间 Made at', n.madeAt],
    ['软件版本 Version', `QunDesk ${n.version}`],
    ['行数 Rows', String(done)],
    ...n.remarks.map((r): [string, string] => ['备注 Note', r]),
  ];
  for (const l of lines) about.addRow(l).commit();
  about.commit();
  await workbook.commit();
  return done;
}
