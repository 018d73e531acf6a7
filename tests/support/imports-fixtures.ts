// Fixtures for the import, export and CLI tests: sheets written as the seller's tools write them
// (CSV in UTF-8, UTF-8 with BOM or GBK; XLSX with real date cells), and a refusal check.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import type { TestBusiness } from './store';

export type SheetValue = string | number | Date | null;

export function writeCsv(
  dir: string,
  name: string,
  rows: SheetValue[][],
  encoding: 'utf8' | 'utf8-bom' | 'gbk' = 'utf8',
): string {
  const text = stringify(
    rows.map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))),
  );
  const file = join(dir, name);
  if (encoding === 'gbk') writeFileSync(file, iconv.encode(text, 'gbk'));
  else writeFileSync(file, (encoding === 'utf8-bom' ? '\uFEFF' : '') + text, 'utf8');
  return file;
}

/** An .xlsx whose first sheet holds the rows; Date values become real Excel date cells. */
export async function writeXlsx(dir: string, name: string, rows: SheetValue[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  for (const r of rows) sheet.addRow(r);
  sheet.eachRow((row) =>
    row.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    }),
  );
  const file = join(dir, name);
  await workbook.xlsx.writeFile(file);
  return file;
}

/** Excel's date cell for a calendar day (exceljs reads and writes them as UTC midnight). */
export const excelDay = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** Calls a method that must be refused: checks the code, the field path, and that nothing changed. */
export async function expectRefused(
  biz: TestBusiness,
  method: string,
  input: unknown,
  code: string,
  path?: string,
) {
  const before = biz.snapshot();
  const r = await biz.core.call(method, input);
  expect(r.ok, `${method} should have been refused`).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.code).toBe(code);
  if (path !== undefined)
    expect((r.error.details?.issues ?? []).map((i) => i.path)).toContain(path);
  expect(biz.snapshot()).toEqual(before);
  return r.error;
}
