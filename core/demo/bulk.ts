// Fast appends for the demo load: one prepared INSERT with many VALUES groups, so a row costs
// one bind of its values instead of a whole statement run. Rows wait in fixed-size chunks,
// reused from run to run (no garbage per row), until the caller flushes: writing a table at
// a time keeps SQLite's pages of that table hot. The last partial chunk goes row by row.
import type BetterSqlite3 from 'better-sqlite3';

export class BulkInsert {
  private readonly one: BetterSqlite3.Statement;
  private readonly many: BetterSqlite3.Statement;
  private readonly width: number;
  private readonly chunkSize: number;
  private readonly chunks: unknown[][] = [];
  private chunk = 0;
  private pos = 0;
  private readonly row: unknown[];
  /** Rows handed to this writer so far. */
  written = 0;

  constructor(
    sqlite: BetterSqlite3.Database,
    table: string,
    columns: readonly string[],
    rowsPerStatement = 50,
  ) {
    this.width = columns.length;
    this.chunkSize = rowsPerStatement * this.width;
    this.row = new Array<unknown>(this.width);
    const group = `(${columns.map(() => '?').join(', ')})`;
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.one = sqlite.prepare(head + group);
    this.many = sqlite.prepare(head + Array(rowsPerStatement).fill(group).join(', '));
    this.chunks.push(new Array<unknown>(this.chunkSize));
  }

  /** One row, its values in the column order given to the constructor. */
  add(...values: unknown[]): void {
    if (values.length !== this.width) {
      throw new Error(`BulkInsert: ${values.length} values for ${this.width} columns`);
    }
    const target = this.chunks[this.chunk]!;
    for (let i = 0; i < values.length; i++) target[this.pos++] = values[i];
    this.written++;
    if (this.pos === this.chunkSize) {
      this.chunk++;
      this.pos = 0;
      if (this.chunk === this.chunks.length) {
        // A lot piled up without a flush: write it rather than grow without bound.
        if (this.chunks.length >= 2_000) this.flush();
        else this.chunks.push(new Array<unknown>(this.chunkSize));
      }
    }
  }

  flush(): void {
    for (let c = 0; c < this.chunk; c++) this.many.run(this.chunks[c]!);
    const last = this.chunks[this.chunk];
    for (let i = 0; last && i < this.pos; i += this.width) {
      for (let j = 0; j < this.width; j++) this.row[j] = last[i + j];
      this.one.run(this.row);
    }
    // Let go of the values (strings) but keep the chunks for the next rows.
    for (let c = 0; c <= this.chunk && c < this.chunks.length; c++) this.chunks[c]!.fill(undefined);
    this.chunk = 0;
    this.pos = 0;
  }
}
