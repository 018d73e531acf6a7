// An import as a synced mutation carries it (import.rows). The server cannot read the device's
// file, so the device sends what it read: the columns its mapping uses and, for each data row,
// the row's number in the sheet and its cells. Columns no field reads stay on the device.
// Cells travel as JSON: text, numbers, true/false and empty as they are, an Excel date cell
// as {"date": epoch ms}, so every run (device, rebase, server) reads exactly the same cells.
import { z } from 'zod';
import type { Mapping } from './fields';
import type { Cell, Sheet, SheetRow } from './sheet';

export type WireCell = string | number | boolean | null | { date: number | null };
/** [sheet row number, ...cells of the carried columns] (trailing empty cells left out). */
export type WireRow = [number, ...WireCell[]];

const isWireCell = (c: unknown): c is WireCell =>
  c === null ||
  typeof c === 'string' ||
  typeof c === 'boolean' ||
  (typeof c === 'number' && Number.isFinite(c)) ||
  (typeof c === 'object' &&
    Object.keys(c).length === 1 &&
    'date' in c &&
    (c.date === null || (typeof c.date === 'number' && Number.isFinite(c.date))));

export const wireCell = z.custom<WireCell>(isWireCell, {
  message: 'not a cell: text, a number, true/false, null or {"date": ms}',
});

/** The carried columns and rows of the sheet, for the fields the mapping reads. */
export function toWire(
  sheet: Pick<Sheet, 'columns' | 'rows'>,
  mapping: Mapping,
): { columns: string[]; mapping: Mapping; rows: WireRow[] } {
  const used = new Set(Object.values(mapping));
  const keep = sheet.columns.flatMap((c, i) => (used.has(c) ? [i] : []));
  const rows = sheet.rows.map((r): WireRow => {
    const cells = keep.map((i) => wireOf(r.cells[i] ?? null));
    while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
    return [r.row, ...cells];
  });
  return { columns: keep.map((i) => sheet.columns[i]!), mapping: { ...mapping }, rows };
}

/** The sheet a mutation carries, as runImport reads it. */
export function fromWire(
  columns: string[],
  rows: readonly WireRow[],
): Pick<Sheet, 'columns' | 'rows'> {
  return {
    columns,
    rows: rows.map(([row, ...cells]): SheetRow => ({
      row,
      cells: columns.map((_, i) => cellOf(cells[i] ?? null)),
    })),
  };
}

function wireOf(c: Cell): WireCell {
  if (c instanceof Date) {
    const ms = c.getTime();
    return { date: Number.isNaN(ms) ? null : ms };
  }
  // A number that JSON cannot carry (never written by a spreadsheet) travels as its text.
  if (typeof c === 'number' && !Number.isFinite(c)) return String(c);
  return c;
}

function cellOf(c: WireCell): Cell {
  if (c !== null && typeof c === 'object') return new Date(c.date ?? Number.NaN);
  return c;
}
