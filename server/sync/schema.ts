// The sync tables of the server store. Every one is keyed by workspace_id first, so they
// distribute by workspace (Citus) like the auth tables.
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { ServerSchema } from '../db/schema';

/** The workspace's authoritative rows, one per synced row. */
export interface SyncRowsTable {
  workspace_id: string;
  tbl: string;
  pk: string;
  /** JSON of the row; null: the row is gone (kept so devices learn it). */
  data: string | null;
  /** The workspace cursor when the row last changed (or its visibility did). */
  version: number;
  /** Who may see it: '*' everyone, 'owner' the owner only, else the agent it belongs to. */
  scope: string;
  /**
   * 1 once the row was ever outside the owner's books: when it goes back to them, agent devices
   * are sent its removal (rows that were always the owner's are never mentioned to agents).
   */
  once_shared: number;
}

/** Every mutation a device pushed, and what became of it. */
export interface SyncMutationsTable {
  workspace_id: string;
  device_id: string;
  seq: number;
  name: string;
  args: string;
  hlc: string;
  status: 'applied' | 'rejected';
  code: string | null;
  reason: string | null;
  /** The workspace cursor after it (a pull up to that checkpoint includes its effect). */
  cursor: number;
  applied_at: string;
}

export interface SyncDevicesTable {
  workspace_id: string;
  device_id: string;
  last_seq: number;
}

/** The cursor: bumped in the transaction that writes rows, under a row lock on PostgreSQL. */
export interface SyncCountersTable {
  workspace_id: string;
  cursor: number;
}

/** Per-field clocks of profile rows (customers, groups, products): last writer wins. */
export interface SyncFieldClocksTable {
  workspace_id: string;
  tbl: string;
  pk: string;
  field: string;
  hlc: string;
  /** The cursor the write was made at, and the edit that wrote it (migration 002). */
  version: ColumnType<number, number | undefined, number>;
  device_id: string | null;
  seq: number | null;
}

/** An edit that lost to a newer one: kept so the owner can see what was overwritten. */
export interface SyncConflictsTable {
  workspace_id: string;
  device_id: string;
  seq: number;
  field: string;
  tbl: string;
  pk: string;
  lost_value: string | null;
  lost_hlc: string;
  kept_hlc: string;
  at: string;
}

export interface SyncSchema extends ServerSchema {
  sync_rows: SyncRowsTable;
  sync_mutations: SyncMutationsTable;
  sync_devices: SyncDevicesTable;
  sync_counters: SyncCountersTable;
  sync_field_clocks: SyncFieldClocksTable;
  sync_conflicts: SyncConflictsTable;
}

export type SyncDb = Kysely<SyncSchema>;
export type SyncTrx = Transaction<SyncSchema>;
