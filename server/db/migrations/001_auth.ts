// Frozen: workspaces, logins, members, devices, refresh tokens, invites.
// Written with Kysely's schema builder so the same migration runs on SQLite and PostgreSQL.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('members')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sqlRole()))
    .addColumn('agent_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('members_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('members_user').on('members').column('user_id').execute();

  await db.schema
    .createTable('devices')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sqlRole()))
    .addColumn('agent_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text')
    .addColumn('revoked_at', 'text')
    .addPrimaryKeyConstraint('devices_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('replaced_by', 'text')
    .addPrimaryKeyConstraint('refresh_tokens_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint('refresh_tokens_device_fk', ['workspace_id', 'device_id'], 'devices', [
      'workspace_id',
      'id',
    ])
    .execute();
  await db.schema
    .createIndex('refresh_tokens_hash')
    .on('refresh_tokens')
    .columns(['workspace_id', 'token_hash'])
    .unique()
    .execute();
  await db.schema
    .createIndex('refresh_tokens_device')
    .on('refresh_tokens')
    .columns(['workspace_id', 'device_id'])
    .execute();

  await db.schema
    .createTable('invites')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by_device', 'text')
    .addPrimaryKeyConstraint('invites_pk', ['workspace_id', 'code_hash'])
    .execute();
  // Redeeming knows only the code: looked up by its hash across workspaces.
  await db.schema.createIndex('invites_code').on('invites').column('code_hash').execute();
}

const sqlRole = () => sql`role in ('owner', 'agent')`;
