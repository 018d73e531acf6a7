// The sync tables' migrations. They run under their own Kysely migration table, from the sync
// routes' registration, so server/sync needs no line in the auth migrations (they could move
// there as '002_sync' without change). bigint for cursors and seqs; text JSON for rows.
import { Migrator, type Kysely, type Migration } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was then
type Db = Kysely<any>;

const sync001: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('sync_rows')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('pk', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('once_shared', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_rows_pk', ['workspace_id', 'tbl', 'pk'])
      .execute();
    await db.schema
      .createIndex('sync_rows_version')
      .on('sync_rows')
      .columns(['workspace_id', 'version', 'tbl', 'pk'])
      .execute();
    await db.schema
      .createIndex('sync_rows_scope')
      .on('sync_rows')
      .columns(['workspace_id', 'scope'])
      .execute();

    await db.schema
      .createTable('sync_mutations')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('args', 'text', (c) => c.notNull())
      .addColumn('hlc', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('reason', 'text')
      .addColumn('cursor', 'bigint', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_mutations_pk', ['workspace_id', 'device_id', 'seq'])
      .execute();

    await db.schema
      .createTable('sync_devices')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_devices_pk', ['workspace_id', 'device_id'])
      .execute();

    await db.schema
      .createTable('sync_counters')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('cursor', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sync_field_clocks')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('pk', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('hlc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_field_clocks_pk', ['workspace_id', 'tbl', 'pk', 'field'])
      .execute();

    await db.schema
      .createTable('sync_conflicts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('pk', 'text', (c) => c.notNull())
      .addColumn('lost_value', 'text')
      .addColumn('lost_hlc', 'text', (c) => c.notNull())
      .addColumn('kept_hlc', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_conflicts_pk', ['workspace_id', 'device_id', 'seq', 'field'])
      .execute();
  },
};

/**
 * Who last wrote each profile field, and at which cursor: a newer edit from a device that had
 * not pulled that write yet overwrites it, and the overwritten edit is kept as a conflict.
 */
const sync002: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('sync_field_clocks')
      .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('sync_field_clocks').addColumn('device_id', 'text').execute();
    await db.schema.alterTable('sync_field_clocks').addColumn('seq', 'bigint').execute();
  },
};

const migrations: Record<string, Migration> = {
  '001_sync': sync001,
  '002_field_writers': sync002,
};

export async function migrateSyncTables(db: Db): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sync_migration',
    migrationLockTableName: 'sync_migration_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new Error(
      `Sync tables migration failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
