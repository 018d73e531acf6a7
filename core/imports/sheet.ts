// Reads a CSV or XLSX file into a header row and data rows, numbered as the seller sees them in
// the spreadsheet (the header is row 1), whatever the encoding or cell types the file uses.
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { AppError, fieldError, notFound } from '../api/errors';

/** One spreadsheet cell as it arrived: text, a number, a date (Excel date cell) or empty. */
export type Cell = string | number | boolean | Date | null;

export interface SheetRow {
  /** Row number in the sheet (header = 1). */
  row: number;
  cells: Cell[];
}

export interface Sheet {
  format: 'csv' | 'xlsx';
  columns: string[];
  rows: SheetRow[];
}

export type SheetFormat = 'csv' | 'xlsx';

/** The file format, by extension; `path` names the input field for the error. */
export function sheetFormat(file: string, path = 'file'): SheetFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.xls') {
    throw fieldError(
      path,
      'old .xls files cannot be read: open it in Excel or WPS and save as .xlsx',
    );
  }
  throw fieldError(path, `use a .csv or .xlsx file (got "${ext || 'no extension'}")`);
}

export async function readSheet(file: string): Promise<Sheet> {
  const format = sheetFormat(file);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw notFound('File', file);
  const sheet = format === 'csv' ? await readCsv(file) : await readXlsx(file);
  return { format, ...dropTrailingNotes(sheet) };
}

/**
 * Text of a CSV file. Chinese Excel saves "CSV" in the system code page (GBK/GB18030), newer
 * versions offer "CSV UTF-8" (with a BOM), and "Unicode text" is UTF-16: bytes that are not
 * valid UTF-8 are read as GB18030 (a superset of GBK and GB2312).
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf16be');
  const body =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return isUtf8(body) ? body.toString('utf8') : iconv.decode(body, 'gb18030');
}

/** Comma unless the header line plainly uses tabs or semicolons (Excel "Unicode text", EU locales). */
function guessDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const candidates = [',', '\t', ';'].map((d) => ({ d, n: count(d) }));
  candidates.sort((a, b) => b.n - a.n);
  return candidates[0]!.n > 0 ? candidates[0]!.d : ',';
}

async function readCsv(file: string): Promise<Omit<Sheet, 'format'>> {
  const text = decodeText(await readFile(file));
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: guessDelimiter(text),
      relax_column_count: true,
      // Blank lines are rows in the sheet too: keep them so row numbers match what Excel shows.
      skip_empty_lines: false,
      // ="00123" (a shop export keeping a number as text) has quotes inside an unquoted field.
      relax_quotes: true,
      bom: true,
    }) as string[][];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new AppError(
      'VALIDATION',
      `The CSV file could not be read${e.lines ? ` near line ${e.lines}` : ''}: ${e.message ?? String(err)}. ` +
        'Check for an unclosed quote, or save the sheet again as CSV.',
      { issues: [{ path: 'file', message: e.message ?? String(err) }] },
    );
  }
  const [header = [], ...body] = records;
  return {
    columns: columnNames(header),
    rows: body
      .map((cells, i) => ({ row: i + 2, cells: cells.map(csvCell) }))
      .filter((r) => !isBlank(r.cells)),
  };
}

/**
 * A CSV field as a cell. Shop exports write long numbers as ="0012345" so Excel keeps them as
 * text (and leading zeros); that wrapper is not part of the value.
 */
function csvCell(field: string): Cell {
  const text = unguardFormula(/^="(.*)"$/s.exec(field)?.[1] ?? field);
  return text.trim() === '' ? null : text;
}

/**
 * Text as it was before an export neutralised it as a formula: QunDesk's CSV exports (and
 * other careful tools) write a text cell beginning with =, +, -, @, tab or CR (or their
 * full-width forms) with a leading ', so a spreadsheet shows it instead of running it. That
 * ' is not part of the value: an exported note '=1+1 imports back as =1+1, and is neutralised
 * again when exported again. Only a ' before one of those characters is taken off.
 */
export function unguardFormula(text: string): string {
  return /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? text.slice(1) : text;
}

async function readXlsx(file: string): Promise<Omit<Sheet, 'format'>> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (err) {
    throw fieldError(
      'file',
      `the file is not a readable .xlsx workbook (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { columns: [], rows: [] };
  const width = sheet.getRow(1).cellCount;
  const columns = columnNames(
    Array.from({ length: width }, (_, i) => cellText(xlsxCell(sheet.getRow(1).getCell(i + 1)))),
  );
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = Array.from({ length: columns.length }, (_, i) => xlsxCell(row.getCell(i + 1)));
    if (!isBlank(cells)) rows.push({ row: rowNumber, cells });
  });
  return { columns, rows };
}

/** An exceljs cell value as a plain Cell (rich text joined, formulas by their cached result). */
function xlsxCell(cell: ExcelJS.Cell): Cell {
  return plainValue(cell.value);
}

function plainValue(v: ExcelJS.CellValue | undefined): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : unguardFormula(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return plainValue(v.richText.map((t) => t.text).join(''));
    if ('result' in v) return plainValue(v.result as ExcelJS.CellValue);
    if ('formula' in v || 'sharedFormula' in v) return null;
    if ('hyperlink' in v && 'text' in v) return plainValue(v.text as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/** Text of a header or id cell: numbers as written, dates as YYYY-MM-DD. */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  if (typeof c === 'number') {
    return Number.isInteger(c) ? c.toFixed(0) : String(Number(c.toPrecision(15)));
  }
  return String(c).trim();
}

/** Header names: trimmed, blanks named by position, duplicates numbered, so each is a key. */
function columnNames(header: Cell[]): string[] {
  const seen = new Map<string, number>();
  return header.map((h, i) => {
    const name = cellText(h).replace(/\s+/g, ' ') || `Column ${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

const isBlank = (cells: Cell[]): boolean => cells.every((c) => c === null || cellText(c) === '');

const TOTALS_LABELS = new Set(['合计', '总计', 'total', 'totals']);

/**
 * QunDesk's own exports end with a totals row (XLSX) or a blank line and notes in the first
 * cell (filters, time made, version). Neither is data, so an exported file imports back as it
 * is. Single-column sheets are left alone: there every row has one cell.
 */
function dropTrailingNotes(sheet: Omit<Sheet, 'format'>): Omit<Sheet, 'format'> {
  let rows = sheet.rows;
  if (sheet.columns.length > 1) {
    let start = rows.length;
    while (start > 0 && rows[start - 1]!.cells.filter((c) => c !== null).length === 1) start--;
    const tail = rows.slice(start);
    const gapBefore = start < rows.length && rows[start]!.row - (rows[start - 1]?.row ?? 1) > 1;
    if (start > 0 && gapBefore && tail.every((r) => r.cells[0] !== null))
      rows = rows.slice(0, start);
  }
  const last = rows[rows.length - 1];
  if (last && TOTALS_LABELS.has(cellText(last.cells[0] ?? null).toLowerCase()))
    rows = rows.slice(0, -1);
  return rows === sheet.rows ? sheet : { columns: sheet.columns, rows };
}
