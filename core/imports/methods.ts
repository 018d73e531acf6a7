// Imports of customers, products and orders from CSV or XLSX: a preview (columns, first rows,
// the column each field would read), and the import itself (all or nothing, idempotent).
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { IMPORT_KINDS, KIND_FIELDS, resolveMapping, suggestMapping } from './fields';
import { readSheet, cellText, type Cell } from './sheet';
import { runImport } from './run';

const kind = z.enum(IMPORT_KINDS, { error: `use one of ${IMPORT_KINDS.join(', ')}` });
const file = z.string().trim().min(1, 'required');
/** field -> column header of the file (an empty header leaves the field out). */
const mapping = z.record(z.string().trim().min(1), z.string().trim()).optional();

const SAMPLE_ROWS = 20;

/** A cell as JSON: dates as YYYY-MM-DD text, everything else as read. */
const jsonCell = (c: Cell): string | number | boolean | null =>
  c instanceof Date ? cellText(c) : c;

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
    input: z.object({
      kind,
      file,
      mapping,
      dryRun: z.boolean().default(false),
      /** false: bring in order history without stock movements. */
      moveStock: z.boolean().default(true),
    }),
    async run(ctx, input) {
      return runImport(ctx, input);
    },
  }),
} satisfies Record<string, AnyMethod>;
