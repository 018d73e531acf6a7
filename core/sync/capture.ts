// The capture switch shared by the device and the server's mirror: while sync_capture.seq
// names a mutation, triggers keep the first image of every row it touches (sync_undo); while
// sync_capture.applying is set, sync writes server rows past the append-only guards.
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';

export interface UndoRow {
  seq: number;
  tbl: string;
  pk: string;
  before: string | null;
}

export function setCapture(sqlite: BetterSqlite3.Database, seq: number | null): void {
  prepared(sqlite, 'UPDATE sync_capture SET seq = ? WHERE id = 1').run(seq);
}

export function setApplying(sqlite: BetterSqlite3.Database, on: boolean): void {
  prepared(sqlite, 'UPDATE sync_capture SET applying = ? WHERE id = 1').run(on ? 1 : 0);
}

/** The rows a mutation touched, with their images before it (NULL: the row was new). */
export function undoOf(sqlite: BetterSqlite3.Database, seq: number): UndoRow[] {
  return prepared(sqlite, 'SELECT seq, tbl, pk, before FROM sync_undo WHERE seq = ?').all(
    seq,
  ) as UndoRow[];
}

export function dropUndo(sqlite: BetterSqlite3.Database, seq: number): void {
  prepared(sqlite, 'DELETE FROM sync_undo WHERE seq = ?').run(seq);
}

/**
 * Contract methods that change the store but are not replayed elsewhere: they write files on
 * this machine or derive local caches. import.run reads a local file: on a signed-in device it
 * records import.rows (synced, carrying the rows it read) instead, and runs itself only for a
 * dry run or on a device that is not signed in. The exports of personal data (export.run of
 * orders or customers, report.export by customer, customer.exportPersonalData) stay on the
 * device, but on a signed-in device their access-log row is recorded as personalData.logExport
 * (synced); not signed in, they write it themselves. demo.generate refuses to run on a
 * signed-in device (made-up data must not go into a shared business). See the README's sync
 * section.
 */
export const LOCAL_ONLY_METHODS = new Set([
  'export.run',
  'report.export',
  'commission.reportExport',
  'settlement.export',
  'customer.exportPersonalData',
  'figures.rebuild',
  'demo.generate',
  'import.run',
]);

export const isSyncedMethod = (name: string): boolean =>
  !LOCAL_ONLY_METHODS.has(name) && !name.startsWith('sync.');
