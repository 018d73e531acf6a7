// An import's result in words: what was (or would be) imported, what was skipped, and every
// warning and rejected row with its row number and column, as the seller sees them in the sheet.
import type { ImportResult } from '../imports/run';

const plural = (n: number, word: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? word.replace(/s$/, '') : word}`;

export function describeImport(
  r: ImportResult,
  file: string,
): { summary: string; warnings: string } {
  const where = (row: number, column: string) =>
    column ? `row ${row}, column ${column}` : `row ${row}`;
  const warnings =
    r.warnings.length === 0
      ? ''
      : `Warnings (${r.warnings.length}):\n${r.warnings.map((w) => `  ${where(w.row, w.column)}: ${w.message}\n`).join('')}`;
  if (r.errors.length > 0) {
    const rows = new Set(r.errors.map((e) => e.row)).size;
    return {
      warnings,
      summary:
        `Nothing was imported: ${plural(rows, 'rows')} of ${file} ${rows === 1 ? 'has' : 'have'} problems. Fix them and run the import again.\n` +
        r.errors.map((e) => `  ${where(e.row, e.column)}: ${e.reason}\n`).join(''),
    };
  }
  const lines = [
    `${r.dryRun ? 'Dry run: would import' : 'Imported'} ${plural(r.inserted, r.kind)} from ${file} (${plural(r.rows, 'rows')} read; ${r.skipped.toLocaleString('en-US')} already in the store, skipped).`,
  ];
  const created = Object.entries(r.created).filter(([, n]) => n > 0);
  if (created.length > 0) {
    lines.push(
      `${r.dryRun ? 'Would create' : 'Created'} along the way: ${created.map(([k, n]) => plural(n, k)).join(', ')}.`,
    );
  }
  if (r.dryRun) lines.push('Nothing was written.');
  return { summary: `${lines.join('\n')}\n`, warnings };
}
