// Ordered, frozen, in-code migrations for the cloud server (bundlers drop migration folders,
// and Kysely's FileMigrationProvider would read the disk). Names sort in run order.
// Add a migration by appending a new entry; never edit a shipped one.
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as auth001 from './001_auth';

export const serverMigrations: Record<string, Migration> = {
  '001_auth': auth001,
  // '002_sync': sync002,  ← the sync tables (server/sync) go here
};

export const serverMigrationProvider: MigrationProvider = {
  getMigrations: async () => serverMigrations,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was then
export type MigrationDb = Kysely<any>;
