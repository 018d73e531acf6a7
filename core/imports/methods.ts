// Imports of customers, products and orders from CSV or XLSX: a preview (columns, first rows,
// the column each field would read), and the import itself (all or nothing, idempotent).
// On a device signed in to a sync server, import.run sends what it read from the file as the
// synced mutation import.rows (synced.ts); a dry run stays on the device.
import { z } from 'zod';
import type { Ctx } from '../api/context';
import { method, type AnyMethod } from '../api/define';
import { signedIn } from '../sync/device';
import { IMPORT_KINDS, KIND_FIELDS, resolveMapping, suggestMapping } from './fields';
import { readSheet, cellText, type Cell } from './sheet';
import { runImport, type ImportResult } from './run';
import { importRefused, recordImportRows } from './synced';
import { fromWire, toWire, wireCell } from './wire';

const kind = z.enum(IMPORT_KINDS, { error: `use one of ${IMPORT_KINDS.join(', ')}` });
const file = z.string().trim().min(1, 'required');
/** field -> column header of the file (an empty header leaves the field out). */
const mapping = z.record(z.string().trim().min(1), z.string().trim()).optional();

const SAMPLE_ROWS = 20;

/** A cell as JSON: dates as YYYY-MM-DD text, everything else as read. */
const jsonCell = (c: Cell): string | number | boolean | null =>
  c instanceof Date ? cellText(c) : c;

const importRunInput = z.object({
  kind,
  file,
  mapping,
  dryRun: z.boolean().default(false),
  /** false: bring in order history without stock movements. */
  moveStock: z.boolean().default(true),
});

async function importFile(ctx: Ctx, input: z.output<typeof importRunInput>) {
  return runImport(ctx, { ...input, sheet: await readSheet(input.file) });
}

export const importsMethods = {
  'import.preview': method({
    summary:
      'Read an import file: its columns, first 20 rows, and the column each field would read.',
    mutates: false,
    input: z.object({ kind, file, mapping }),
    async run(_ctx, input) {
      const sheet = await readSheet(input.file);
      const suggestedMapping = input.mapping
        ? resolveMapping(input.kind, sheet.columns, input.mapping)
        : suggestMapping(input.kind, sheet.columns);
      const required = new Set(KIND_FIELDS[input.kind].required.flat());
      return {
        kind: input.kind,
        format: sheet.format,
        columns: sheet.columns,
        sampleRows: sheet.rows.slice(0, SAMPLE_ROWS).map((r) => ({
          row: r.row,
          values: Object.fromEntries(
            sheet.columns.map((c, i) => [c, jsonCell(r.cells[i] ?? null)]),
          ),
        })),
        suggestedMapping,
        rowCount: sheet.rows.length,
        fields: KIND_FIELDS[input.kind].fields.map((d) => ({
          field: d.field,
          about: d.about,
          required: required.has(d.field),
          column: suggestedMapping[d.field] ?? null,
        })),
      };
    },
  }),

  'import.run': method({
    summary:
      'Import customers, products or orders from a CSV/XLSX file: all rows or none, re-runs skip what exists.',
    mutates: true,
    input: importRunInput,
    async run(ctx, input) {
      return importFile(ctx, input);
    },
    // Signed in: the rows go to the server as import.rows (the server cannot read this file).
    async atOrigin(ctx, input, record): Promise<ImportResult> {
      if (input.dryRun || !signedIn(ctx.sqlite)) return importFile(ctx, input);
      const sheet = await readSheet(input.file);
      const wire = toWire(sheet, resolveMapping(input.kind, sheet.columns, input.mapping));
      return recordImportRows(
        ctx,
        { kind: input.kind, moveStock: input.moveStock, ...wire },
        record,
      );
    },
  }),

  'import.rows': method({
    summary:
      'Import customers, products or orders from rows already read (what import.run syncs): all rows or none, re-runs skip what exists.',
    mutates: true,
    input: z.strictObject({
      kind,
      moveStock: z.boolean().default(true),
      /** field -> column, as resolved where the file was read. */
      mapping: z.record(z.string().trim().min(1), z.string()),
      /** The columns the mapping reads, in the file's order. */
      columns: z.array(z.string().max(1000)).max(100),
      /** [row number in the sheet, ...cells]. */
      rows: z.array(z.tuple([z.number().int().positive()], wireCell)),
    }),
    async run(ctx, input) {
      const result = await runImport(ctx, {
        kind: input.kind,
        sheet: fromWire(input.columns, input.rows),
        mapping: input.mapping,
        dryRun: false,
        moveStock: input.moveStock,
      });
      // Refused rows: nothing was written, and the mutation is refused as a whole (on the
      // server too, where the user then sees why in the sync log).
      if (result.errors.length > 0) throw importRefused(result);
      return result;
    },
    async atOrigin(ctx, input, record): Promise<ImportResult> {
      return recordImportRows(ctx, input, record);
    },
  }),
} satisfies Record<string, AnyMethod>;
