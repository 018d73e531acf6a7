// One import, all or nothing: map the sheet's columns, check every row, then write
// everything in ONE transaction. Any rejected row means nothing is written; a dry run goes
// through the very same writes and rolls them back, so its counts are the real ones.
import type { z } from 'zod';
import { inTransaction, type Ctx, type Tx } from '../api/context';
import { workspaceCurrency } from '../workspace/settings';
import { utcOffsetAt } from '../shared/days';
import { resolveMapping, type ImportKind, type Mapping } from './fields';
import {
  ImportReport,
  phaseProgress,
  rawRows,
  type RawRow,
  type RowError,
  type RowWarning,
} from './rows';
import type { Sheet } from './sheet';
import { customerImport } from './customers';
import { productImport } from './products';
import { orderImport } from './orders';

export interface CheckedRow<Row> {
  row: number;
  data: Row;
}

export interface Created {
  customers: number;
  groups: number;
  products: number;
}

export interface WriteEnv {
  trx: Tx;
  ctx: Ctx;
  decimals: number;
  report: ImportReport;
  moveStock: boolean;
  mapping: Mapping;
  created: Created;
  /** Call with the number of rows written so far. */
  tick: (done: number) => void;
}

export interface WriteCounts {
  inserted: number;
  skipped: number;
}

export interface KindImporter<Row> {
  /**
   * Reads and checks one row; issues name fields (path[0]). Days of timestamps with a zone count
   * in the calendar `utcOffsetMinutes` from UTC (the seller's, wherever the import runs).
   */
  rowSchema(decimals: number, utcOffsetMinutes: number): z.ZodType<Row, RawRow>;
  /** Turns the path of an issue raised while writing into the field it is about. */
  fieldOf(path: string): string | null;
  write(env: WriteEnv, rows: CheckedRow<Row>[]): Promise<WriteCounts>;
}

const IMPORTERS: Record<ImportKind, KindImporter<unknown>> = {
  customers: customerImport as KindImporter<unknown>,
  products: productImport as KindImporter<unknown>,
  orders: orderImport as KindImporter<unknown>,
};

export interface ImportOptions {
  kind: ImportKind;
  /** The sheet as read from the file (import.run) or as a synced mutation carries it (import.rows). */
  sheet: Pick<Sheet, 'columns' | 'rows'>;
  mapping?: Record<string, string> | undefined;
  dryRun: boolean;
  moveStock: boolean;
}

export interface ImportResult {
  kind: ImportKind;
  /** Data rows in the file. */
  rows: number;
  /** Customers, products or orders written (on a dry run: that would be written). */
  inserted: number;
  /** Already in the store (by customer ref or phone, SKU, order number): left as they are. */
  skipped: number;
  /** For orders: customers, groups and products the import created along the way. */
  created: Created;
  warnings: RowWarning[];
  errors: RowError[];
  dryRun: boolean;
}

/** Thrown inside the transaction to undo it (dry run, or rows refused while writing). */
class Rollback extends Error {}

export async function runImport(ctx: Ctx, options: ImportOptions): Promise<ImportResult> {
  const { kind } = options;
  const importer = IMPORTERS[kind];
  const { decimals } = await workspaceCurrency(ctx.db);
  const { sheet } = options;
  const mapping = resolveMapping(kind, sheet.columns, options.mapping);
  const report = new ImportReport(mapping);
  const raw = rawRows(kind, sheet, mapping);
  const created: Created = { customers: 0, groups: 0, products: 0 };
  const result = (counts: WriteCounts): ImportResult => ({
    kind,
    rows: raw.length,
    ...counts,
    created,
    warnings: report.warnings,
    errors: report.errors,
    dryRun: options.dryRun,
  });

  // The calendar of the mutation's clock: the device's own, also when the server replays it.
  const offset = utcOffsetAt(ctx.clock.now(), ctx.clock);
  const schema = importer.rowSchema(decimals, offset);
  const checkTick = phaseProgress(ctx, `Checking ${kind}`, raw.length);
  const checked: CheckedRow<unknown>[] = [];
  for (const [i, r] of raw.entries()) {
    const parsed = schema.safeParse(r.raw);
    if (parsed.success) checked.push({ row: r.row, data: parsed.data });
    else report.failIssues(r.row, parsed.error.issues);
    checkTick(i + 1);
  }
  if (report.errors.length > 0) return result({ inserted: 0, skipped: 0 });

  let counts: WriteCounts = { inserted: 0, skipped: 0 };
  try {
    await inTransaction(ctx, async (trx) => {
      const tick = phaseProgress(ctx, `Importing ${kind}`, checked.length);
      counts = await importer.write(
        { trx, ctx, decimals, report, moveStock: options.moveStock, mapping, created, tick },
        checked,
      );
      if (report.errors.length > 0 || options.dryRun) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  if (report.errors.length > 0) {
    created.customers = created.groups = created.products = 0;
    return result({ inserted: 0, skipped: 0 });
  }
  return result(counts);
}
