// Checking sheet rows with zod: each field's cell is read by a zod transform (so a bad cell is an
// issue at that field), and the report turns issues into "row 7, column 单价: not an amount".
import { z } from 'zod';
import type { Ctx } from '../api/context';
import { AppError, isStoreBusy, type ErrorBody } from '../api/errors';
import { isCorruptError } from '../../db/store';
import { isEmptyCell, type Reading } from './cells';
import { KIND_FIELDS, type ImportKind, type Mapping } from './fields';
import type { Cell, Sheet } from './sheet';

/** One sheet row as field -> cell; every field of the kind is present (null when unmapped). */
export type RawRow = Record<string, Cell>;

const anyCell = z.custom<Cell>(() => true);

/** A field read by `read`; an empty cell is null (optional) or the issue "required" (required). */
export function cellField<T>(read: (c: Cell) => Reading<T>) {
  const parse = (c: Cell, ctx: z.RefinementCtx): T => {
    const r = read(c);
    if ('reason' in r) {
      ctx.addIssue({ code: 'custom', message: r.reason });
      return z.NEVER;
    }
    return r.value;
  };
  return {
    optional: anyCell.transform((c, ctx): T | null => (isEmptyCell(c) ? null : parse(c, ctx))),
    required: anyCell.transform((c, ctx): T => {
      if (isEmptyCell(c)) {
        ctx.addIssue({ code: 'custom', message: 'required: this cell is empty' });
        return z.NEVER;
      }
      return parse(c, ctx);
    }),
  };
}

export interface RowWarning {
  row: number;
  column: string;
  message: string;
}

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

/** Warnings and errors of one import, each naming the sheet row and the column header. */
export class ImportReport {
  readonly warnings: RowWarning[] = [];
  readonly errors: RowError[] = [];

  constructor(private readonly mapping: Mapping) {}

  /** The header of the column a field reads ('' when the issue is about the whole row). */
  column(field: string | null): string {
    if (field === null) return '';
    return this.mapping[field] ?? field;
  }

  warn(row: number, field: string | null, message: string): void {
    this.warnings.push({ row, column: this.column(field), message });
  }

  fail(row: number, field: string | null, reason: string): void {
    this.errors.push({ row, column: this.column(field), reason });
  }

  /** Each zod issue of a row, by the field it names (path[0]). */
  failIssues(
    row: number,
    issues: readonly z.core.$ZodIssue[],
    fieldOf: (path: string) => string | null = (p) => p,
  ) {
    for (const i of issues) {
      const path = i.path.map(String).join('.');
      this.fail(row, fieldOf(path), i.message);
    }
  }

  /** A service refused a row while writing: report it against the row (and field, if named). */
  failWith(row: number, err: unknown, fieldOf: (path: string) => string | null): void {
    // The store could not be written at all (another QunDesk holds it, or it is damaged):
    // that is not the row's fault, so the whole import stops with that error.
    if (isStoreBusy(err) || isCorruptError(err)) throw err;
    const body: ErrorBody =
      err instanceof AppError
        ? err.toBody()
        : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
    const issues = body.details?.issues ?? [];
    if (issues.length === 0) this.fail(row, null, body.message);
    for (const i of issues) this.fail(row, fieldOf(i.path), i.message);
  }
}

/** The rows of a sheet as field -> cell records, through the mapping. */
export function rawRows(
  kind: ImportKind,
  sheet: Pick<Sheet, 'columns' | 'rows'>,
  mapping: Mapping,
): { row: number; raw: RawRow }[] {
  const index = new Map(sheet.columns.map((c, i) => [c, i]));
  const fields = KIND_FIELDS[kind].fields.map((d) => ({
    field: d.field,
    at: index.get(mapping[d.field] ?? ''),
  }));
  return sheet.rows.map((r) => {
    const raw: RawRow = {};
    for (const { field, at } of fields)
      raw[field] = at === undefined ? null : (r.cells[at] ?? null);
    return { row: r.row, raw };
  });
}

/**
 * Reports progress of a phase about every 1% of its rows (so a 100,000-row import sends about
 * 100 updates, not 100,000), and stops when the caller cancels.
 */
export function phaseProgress(ctx: Ctx, label: string, total: number) {
  let lastStep = -1;
  return (done: number) => {
    if (ctx.signal?.aborted)
      throw new AppError('CANCELLED', `${label} was cancelled; nothing was imported.`);
    const step = total === 0 ? 100 : Math.floor((done * 100) / total);
    if (step !== lastStep || done === total) {
      lastStep = step;
      ctx.progress({ label, done, total });
    }
  };
}
