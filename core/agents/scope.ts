// What an agent caller may touch: the rows of its own team (itself and everyone under it in
// agent_closure), the same rule server/sync/scope.ts uses to decide what its device holds:
// customers and groups by owner_agent_id, orders by agent_id. Everything here reads who is
// calling from ctx.actor, never from the input. The owner is never restricted.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Ctx } from '../api/context';
import { AppError } from '../api/errors';

type Db = Kysely<Database>;

/** The calling agent's id when the caller is an agent; null for the owner. */
export function callingAgent(ctx: Pick<Ctx, 'actor'>): string | null {
  if (ctx.actor.role === 'owner') return null;
  const self = ctx.actor.agentId;
  if (self === undefined || self === '') {
    throw new AppError('FORBIDDEN', 'This caller is not linked to an agent.');
  }
  return self;
}

/** A refusal naming the input field it is about. */
export function forbidden(path: string, message: string, details: Record<string, unknown> = {}) {
  return new AppError('FORBIDDEN', `${path}: ${message}`, {
    ...details,
    path,
    issues: [{ path, message }],
  });
}

/** The agents of a team (the subquery the list filters use): self and its whole downline. */
export const teamIds = (db: Db, self: string) =>
  db.selectFrom('agent_closure').select('descendant').where('ancestor', '=', self);

/** Whether agentId is self or under self. */
export async function inTeam(db: Db, self: string, agentId: string | null): Promise<boolean> {
  if (agentId === null) return false;
  const row = await db
    .selectFrom('agent_closure')
    .select('depth')
    .where('ancestor', '=', self)
    .where('descendant', '=', agentId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Refuses (FORBIDDEN, naming `path`) an agent id outside the calling agent's team; null (no
 * agent: the owner's own books) is outside every team. The owner may name anyone.
 */
export async function assertAgentInTeam(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  agentId: string | null,
  path: string,
  doing: string,
): Promise<void> {
  const self = callingAgent(ctx);
  if (self === null) return;
  if (agentId === null) {
    throw forbidden(
      path,
      `an agent cannot ${doing} without an agent of its team: leave it out to use yourself, or name yourself or someone in your downline.`,
      { id: null },
    );
  }
  if (!(await inTeam(ctx.db, self, agentId))) {
    throw forbidden(
      path,
      `agent ${agentId} is not you or in your downline, so you cannot ${doing} for them.`,
      { id: agentId },
    );
  }
}

/** The rows an agent's team owns, by the column naming the agent, and how to say so. */
const OWNED = {
  customers: {
    column: 'owner_agent_id',
    refusal: (id: string) =>
      `customer ${id} does not belong to you or your downline (ownerAgentId), so you cannot see or change them.`,
  },
  customer_groups: {
    column: 'owner_agent_id',
    refusal: (id: string) =>
      `customer group ${id} does not belong to you or your downline (ownerAgentId).`,
  },
  orders: {
    column: 'agent_id',
    refusal: (id: string) =>
      `order ${id} is not credited to you or your downline (agentId), so you cannot see or change it.`,
  },
} as const;

/**
 * Refuses (FORBIDDEN, naming `path`) a row of `table` whose agent is not in the calling
 * agent's team (the owner's own rows included). A missing row passes: NOT_FOUND stays the
 * caller's job.
 */
async function assertOwnedByTeam(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  table: keyof typeof OWNED,
  id: string,
  path: string,
): Promise<void> {
  const self = callingAgent(ctx);
  if (self === null) return;
  const { column, refusal } = OWNED[table];
  const row = (await ctx.db
    .selectFrom(table)
    .select(column)
    .where('id', '=', id)
    .executeTakeFirst()) as Record<string, string | null> | undefined;
  if (row === undefined) return;
  if (!(await inTeam(ctx.db, self, row[column] ?? null)))
    throw forbidden(path, refusal(id), { id });
}

/** Refuses a customer whose owner agent is not in the calling agent's team. */
export const assertCustomerInScope = (
  ctx: Pick<Ctx, 'db' | 'actor'>,
  customerId: string,
  path: string,
): Promise<void> => assertOwnedByTeam(ctx, 'customers', customerId, path);

/** Refuses an order whose credited agent (agent_id) is not in the calling agent's team. */
export const assertOrderInScope = (
  ctx: Pick<Ctx, 'db' | 'actor'>,
  orderId: string,
  path: string,
): Promise<void> => assertOwnedByTeam(ctx, 'orders', orderId, path);

/** Refuses a customer group whose owner agent is not in the calling agent's team. */
export const assertGroupInScope = (
  ctx: Pick<Ctx, 'db' | 'actor'>,
  groupId: string,
  path: string,
): Promise<void> => assertOwnedByTeam(ctx, 'customer_groups', groupId, path);

/**
 * Runs fn for an agent caller without letting its errors name rows outside the agent's team:
 * a taken external ref is reported without the customer who holds it (details.existingId and
 * the name in the message are left out). The owner gets fn's errors as they are.
 */
export async function withoutOthersNames<T>(ctx: Pick<Ctx, 'actor'>, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (err) {
    if (
      ctx.actor.role === 'owner' ||
      !(err instanceof AppError) ||
      err.code !== 'CONFLICT' ||
      err.details?.field !== 'externalRef'
    )
      throw err;
    const message = 'this external ref is already used by another customer; use another ref';
    throw new AppError('CONFLICT', `externalRef: ${message}.`, {
      field: 'externalRef',
      issues: [{ path: 'externalRef', message }],
    });
  }
}
