// Ordered, frozen, in-code migrations (bundlers drop migration folders, so they live in code).
// The store's version is PRAGMA user_version; a store newer than the newest migration here
// was written by a newer app and is refused.
import { sql as initial } from './001_initial';
import { sql as pnlRollup } from './002_pnl_rollup';
import { sql as agentsCommissions } from './003_agents_commissions';
import { sql as sync } from './004_sync';
import { sql as commissionRollup } from './005_commission_rollup';
import { sql as completionDay } from './006_completion_day';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rebuild the P&L rollup once all pending migrations have run. */
  rebuildPnl?: boolean;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'pnl_rollup', sql: pnlRollup, rebuildPnl: true },
  { version: 3, name: 'agents_commissions', sql: agentsCommissions },
  { version: 4, name: 'sync', sql: sync },
  { version: 5, name: 'commission_rollup', sql: commissionRollup },
  { version: 6, name: 'completion_day', sql: completionDay },
];

export const LATEST_VERSION = migrations[migrations.length - 1]!.version;
