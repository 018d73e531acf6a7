// An agent id another record names (an order's credited agent, a customer's or a group's owner
// agent, an income's agent). Agent ids are plain text columns with no foreign key (customers and
// groups came before agents), so every writer checks them here: the same check runs for the
// API, imports and the sync server's replay of a device's mutations.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../api/errors';

/**
 * Refuses an agent id that does not exist in this business (NOT_FOUND naming `path`) or, unless
 * `allowDeleted` (history being imported), one that was deleted (INVALID_STATE naming `path`).
 */
export async function requireAgentRef(
  db: Kysely<Database>,
  agentId: string,
  path: string,
  options: { allowDeleted?: boolean } = {},
): Promise<void> {
  const row = await db
    .selectFrom('agents')
    .select(['name', 'deleted_at'])
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (row === undefined) {
    const message = `no agent with id ${agentId} in this business: choose an agent from the agent list (agent.list), or leave it empty`;
    throw new AppError('NOT_FOUND', `${path}: ${message}`, {
      what: 'agent',
      id: agentId,
      path,
      issues: [{ path, message }],
    });
  }
  if (row.deleted_at !== null && options.allowDeleted !== true) {
    const message = `agent "${row.name}" was deleted on ${row.deleted_at.slice(0, 10)}: choose another agent, or leave it empty`;
    throw new AppError('INVALID_STATE', `${path}: ${message}`, {
      what: 'agent',
      id: agentId,
      path,
      state: 'deleted',
      issues: [{ path, message }],
    });
  }
}
