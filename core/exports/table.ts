// What every export is before it becomes a file: typed columns, rows read page by page (so a
// 200,000-line export never sits in memory at once), and the notes it must carry (filters,
// time made, app version). The CSV and XLSX writers turn the same table into either format.

/** text; amount in minor units; day 'YYYY-MM-DD'; count a whole number. */
export type ColumnType = 'text' | 'amount' | 'day' | 'count';

export interface Column {
  header: string;
  type: ColumnType;
  /** Summed in the totals row (amount and count columns). */
  total?: boolean;
  /** Column width in characters (XLSX). */
  width?: number;
}

export type Value = string | number | null;

export interface ExportTable {
  /** Sheet name (XLSX) and what the notes call the export. */
  title: string;
  columns: Column[];
  /** Rows the export will hold, for progress. */
  rowCount: number;
  /** Rows in order, a page at a time. */
  pages(): AsyncIterable<Value[][]>;
  /**
   * Totals given by the source (the P&L totals, whose order count is not a column sum).
   * Otherwise the writer sums the columns marked `total`.
   */
  totals?: Value[];
  /** A totals row in CSV too (reports; data exports stay re-importable without one). */
  csvTotals?: boolean;
}

export interface ExportNotes {
  /** What was exported, e.g. "订单 (orders)". */
  subject: string;
  /** Filters in words, e.g. "下单日期 2026-03-01 至 2026-03-31". */
  filters: string;
  madeAt: string;
  version: string;
  /** Extra lines (e.g. that phones and addresses are masked). */
  remarks: string[];
}

export const TOTALS_LABEL = '合计';

/** Sums the `total` columns as rows go by, in minor units. */
export class ColumnTotals {
  private readonly sums: number[];

  constructor(private readonly columns: Column[]) {
    this.sums = columns.map(() => 0);
  }

  add(row: Value[]): void {
    this.columns.forEach((c, i) => {
      const v = row[i];
      if (c.total && typeof v === 'number') this.sums[i]! += v;
    });
  }

  /** The totals row: the label in the first column, sums under `total` columns. */
  row(): Value[] {
    return this.columns.map((c, i) => (i === 0 ? TOTALS_LABEL : c.total ? this.sums[i]! : null));
  }
}

export function noteLines(notes: ExportNotes): string[] {
  return [
    `导出内容 Export: ${notes.subject}`,
    `筛选条件 Filters: ${notes.filters}`,
    `导出时间 Made at: ${notes.madeAt}`,
    `软件版本 Version: QunDesk ${notes.version}`,
    ...notes.remarks,
  ];
}
