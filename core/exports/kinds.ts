// What export.run can write (kept apart from the methods so the CLI can name the kinds
// without loading the whole core).
export const EXPORT_KINDS = ['orders', 'customers', 'products', 'stock'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
