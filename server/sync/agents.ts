// The agents of a workspace as the server holds them: rows of `agents` in sync_rows, written
// by the owner's devices when they sync. Read by routes that take an agent id (invites).
import type { SyncDb } from './schema';

/** The agent's row in this workspace; null when the workspace has no such agent. */
export async function workspaceAgent(
  db: SyncDb,
  workspaceId: string,
  agentId: string,
): Promise<{ name: string; deletedAt: string | null } | null> {
  const row = await db
    .selectFrom('sync_rows')
    .select('data')
    .where('workspace_id', '=', workspaceId)
    .where('tbl', '=', 'agents')
    .where('pk', '=', agentId)
    .executeTakeFirst();
  if (row === undefined || row.data === null) return null;
  const data = JSON.parse(row.data) as { name?: unknown; deleted_at?: unknown };
  return {
    name: typeof data.name === 'string' ? data.name : agentId,
    deletedAt: typeof data.deleted_at === 'string' ? data.deleted_at : null,
  };
}
