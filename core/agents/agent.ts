// The agent record and the downline tree: one upline each, kept as a closure table
// (agent_closure: every ancestor/descendant pair, itself at depth 0) so "everyone under X" is
// one indexed range. Moves rewrite the closure for the whole subtree and are recorded in
// agent_moves; a move that would make a cycle is refused.
import { z } from 'zod';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AgentStatus, AgentsTable, Database } from '../../db/schema';
import { newId, nowIso, today, type Ctx, type Tx } from '../api/context';
import { AppError, fieldError, invalidState, notFound } from '../api/errors';
import { day, id, optionalText, requiredText } from '../shared/schemas';
import { phoneField } from '../customers/phone';
import { inTeam } from './scope';
import { rowsOf } from '../../db/prepared';
import { createCustomerTx, requireLiveCustomer, updateCustomerTx } from '../customers/customer';
import { assertBusinessDays } from '../shared/day-window';

type Db = Kysely<Database>;

export const TIERS = ['general', 'level1', 'level2'] as const;
export const STATUSES = ['active', 'suspended', 'left'] as const satisfies readonly AgentStatus[];

export const tier = z.enum(TIERS, { error: `use one of ${TIERS.join(', ')}` });
export const agentStatus = z.enum(STATUSES, { error: `use one of ${STATUSES.join(', ')}` });

export const agentInput = z.object({
  name: requiredText(100),
  phone: phoneField,
  wechatId: optionalText(100),
  tier,
  uplineId: id.nullish(),
  joinedOn: day.optional(),
  notes: optionalText(2000),
  externalRef: optionalText(100),
  /** The customer record that represents this agent as a buyer; omitted: one is created. */
  customerId: id.optional(),
});
export type AgentInput = z.output<typeof agentInput>;

export const agentUpdateInput = z.object({
  id,
  name: requiredText(100).optional(),
  phone: phoneField.optional(),
  wechatId: optionalText(100).optional(),
  tier: tier.optional(),
  status: agentStatus.optional(),
  notes: optionalText(2000).optional(),
});
export type AgentUpdate = z.output<typeof agentUpdateInput>;

export const moveInput = z.object({
  id,
  /** The new upline; null makes the agent a top-level agent. */
  uplineId: id.nullable(),
  movedOn: day.optional(),
  reason: optionalText(500),
});
export type MoveInput = z.output<typeof moveInput>;

export type AgentRow = Selectable<AgentsTable>;

export interface Agent {
  id: string;
  name: string;
  phone: string | null;
  wechatId: string | null;
  tier: string;
  status: AgentStatus;
  joinedOn: string;
  uplineId: string | null;
  customerId: string | null;
  notes: string | null;
  externalRef: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export const toAgent = (r: AgentRow): Agent => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  wechatId: r.wechat_id,
  tier: r.tier,
  status: r.status,
  joinedOn: r.joined_on,
  uplineId: r.upline_id,
  customerId: r.customer_id,
  notes: r.notes,
  externalRef: r.external_ref,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

/**
 * The agent row (deleted ones included: orders and commissions still point at them). `field`
 * names the input field the id came from, so the error points at it.
 */
export async function requireAgent(db: Db, agentId: string, field = 'id'): Promise<AgentRow> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (!row) {
    const e = notFound('agent', agentId);
    throw new AppError('NOT_FOUND', e.message, {
      what: 'agent',
      id: agentId,
      path: field,
      issues: [{ path: field, message: e.message }],
    });
  }
  return row;
}

/** The agent, refusing a deleted one: `doing` says what was tried. */
export async function requireLiveAgent(
  db: Db,
  agentId: string,
  doing: string,
  field = 'id',
): Promise<AgentRow> {
  const row = await requireAgent(db, agentId, field);
  if (row.deleted_at !== null) {
    throw invalidState(`Agent "${row.name}" was deleted, so you cannot ${doing}.`, {
      id: agentId,
      state: 'deleted',
      path: field,
    });
  }
  return row;
}

export interface Upline {
  agentId: string;
  /** 0: the credited agent itself; 1: its upline; 2: the next one up. */
  level: number;
  tier: string;
  status: AgentStatus;
}

/**
 * The credited agent and its uplines up to `levels` levels, nearest first, whatever their
 * status (the caller decides who is paid). One indexed read of agent_closure.
 */
export async function uplinesOf(db: Db, agentId: string, levels = 2): Promise<Upline[]> {
  const rows = await db
    .selectFrom('agent_closure as c')
    .innerJoin('agents as a', 'a.id', 'c.ancestor')
    .select(['c.ancestor as agentId', 'c.depth as level', 'a.tier', 'a.status'])
    .where('c.descendant', '=', agentId)
    .where('c.depth', '<=', levels)
    .orderBy('c.depth')
    .execute();
  return rows;
}

/** The agent whose buyer record is this customer (a wholesale buyer), or null. */
export async function agentOfCustomer(db: Db, customerId: string): Promise<string | null> {
  const [row] = await rowsOf<{ id: string }>(db, 'SELECT id FROM agents WHERE customer_id = ?', [
    customerId,
  ]);
  return row?.id ?? null;
}

function conflict(field: string, message: string, existingId: string): AppError {
  return new AppError('CONFLICT', message, {
    field,
    existingId,
    issues: [{ path: field, message }],
  });
}

async function assertExternalRefFree(db: Db, externalRef: string | null): Promise<void> {
  if (externalRef === null) return;
  const taken = await db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
  if (taken) {
    throw conflict(
      'externalRef',
      `External ref "${externalRef}" already belongs to agent "${taken.name}" (${taken.id}). Use another ref or update that agent.`,
      taken.id,
    );
  }
}

/** Creates an agent (and its buyer record unless one is given) and its closure rows. */
export async function createAgentTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: AgentInput,
): Promise<Agent> {
  await assertExternalRefFree(trx, input.externalRef);
  const uplineId = input.uplineId ?? null;
  if (uplineId !== null) await requireLiveAgent(trx, uplineId, 'put agents under them', 'uplineId');

  let customerId: string;
  if (input.customerId !== undefined) {
    await requireLiveCustomer(trx, input.customerId, 'link them to an agent', 'customerId');
    const other = await agentOfCustomer(trx, input.customerId);
    if (other !== null) {
      throw conflict(
        'customerId',
        `Customer ${input.customerId} already represents agent ${other}. Each agent has its own buyer record.`,
        other,
      );
    }
    customerId = input.customerId;
  } else {
    const customer = await createCustomerTx(trx, ctx, {
      name: input.name,
      phone: input.phone,
      wechatId: input.wechatId,
      source: 'agent',
      notes: null,
      ownerAgentId: null,
      externalRef: null,
      marketingConsent: false,
      tags: [],
      addresses: [],
    });
    customerId = customer.id;
  }

  await assertBusinessDays(trx, ctx, { joinedOn: input.joinedOn });
  const now = nowIso(ctx);
  const row: AgentRow = {
    id: newId(ctx),
    name: input.name,
    phone: input.phone,
    wechat_id: input.wechatId,
    tier: input.tier,
    status: 'active',
    joined_on: input.joinedOn ?? today(ctx),
    upline_id: uplineId,
    customer_id: customerId,
    notes: input.notes,
    external_ref: input.externalRef,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await trx.insertInto('agents').values(row).execute();
  await trx
    .insertInto('agent_closure')
    .values({ ancestor: row.id, descendant: row.id, depth: 0 })
    .execute();
  if (uplineId !== null) {
    await sql`INSERT INTO agent_closure (ancestor, descendant, depth)
      SELECT ancestor, ${row.id}, depth + 1 FROM agent_closure WHERE descendant = ${uplineId}`.execute(
      trx,
    );
  }
  return toAgent(row);
}

export async function updateAgentTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: AgentUpdate,
): Promise<Agent> {
  const before = await requireLiveAgent(trx, input.id, 'edit them');
  await trx
    .updateTable('agents')
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(input.wechatId !== undefined && { wechat_id: input.wechatId }),
      ...(input.tier !== undefined && { tier: input.tier }),
      ...(input.status !== undefined && { status: input.status }),
      ...(input.notes !== undefined && { notes: input.notes }),
      updated_at: nowIso(ctx),
    })
    .where('id', '=', input.id)
    .execute();
  // The agent's own buyer record (made by agent.create, source 'agent') carries its name: a
  // renamed agent buys under its new name, and is found by it in customer search.
  if (input.name !== undefined && input.name !== before.name && before.customer_id !== null) {
    const buyer = await trx
      .selectFrom('customers')
      .select(['id', 'name'])
      .where('id', '=', before.customer_id)
      .where('source', '=', 'agent')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (buyer && buyer.name === before.name) {
      await updateCustomerTx(trx, ctx, { id: buyer.id, name: input.name });
    }
  }
  return toAgent(await requireAgent(trx, input.id));
}

/** Live agents directly under this one. */
async function directDownlineCount(db: Db, agentId: string): Promise<number> {
  const { n } = await db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('upline_id', '=', agentId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return n;
}

/** Soft delete; refused while live agents are still under this one. */
export async function deleteAgentTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  agentId: string,
): Promise<Agent> {
  const row = await requireAgent(trx, agentId);
  if (row.deleted_at !== null) {
    throw invalidState(
      `Agent "${row.name}" is already deleted (since ${row.deleted_at.slice(0, 10)}).`,
      { id: agentId, state: 'deleted' },
    );
  }
  const downline = await directDownlineCount(trx, agentId);
  if (downline > 0) {
    throw invalidState(
      `Agent "${row.name}" still has ${downline} agent(s) directly under them: move its downline first (agent.move), then delete.`,
      { id: agentId, state: 'has_downline', downline },
    );
  }
  const now = nowIso(ctx);
  await trx
    .updateTable('agents')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', agentId)
    .execute();
  return toAgent(await requireAgent(trx, agentId));
}

export interface AgentDetail extends Agent {
  upline: { id: string; name: string } | null;
  directDownline: number;
  /** Live agents anywhere under this one (itself excluded). */
  teamSize: number;
  /** How many uplines it has: 0 for a top-level agent. */
  depth: number;
}

export async function agentDetail(db: Db, agentId: string): Promise<AgentDetail> {
  const row = await requireAgent(db, agentId);
  const upline =
    row.upline_id === null
      ? null
      : await db
          .selectFrom('agents')
          .select(['id', 'name'])
          .where('id', '=', row.upline_id)
          .executeTakeFirstOrThrow();
  const { teamSize } = await db
    .selectFrom('agent_closure as c')
    .innerJoin('agents as a', 'a.id', 'c.descendant')
    .select((eb) => eb.fn.countAll<number>().as('teamSize'))
    .where('c.ancestor', '=', agentId)
    .where('c.depth', '>', 0)
    .where('a.deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  const { depth } = await db
    .selectFrom('agent_closure')
    .select((eb) => eb.fn.max<number>('depth').as('depth'))
    .where('descendant', '=', agentId)
    .executeTakeFirstOrThrow();
  return {
    ...toAgent(row),
    upline,
    directDownline: await directDownlineCount(db, agentId),
    teamSize,
    depth: depth ?? 0,
  };
}

/**
 * Everyone under an agent (live agents; itself too when includeSelf), nearest first: one
 * read of agent_closure by its primary key, joined to the agents. Exported so the query plan
 * can be checked.
 */
export function downlineQuery(db: Db, agentId: string, includeSelf: boolean) {
  return db
    .selectFrom('agent_closure as c')
    .innerJoin('agents as a', 'a.id', 'c.descendant')
    .select(['a.id', 'a.name', 'a.tier', 'a.status', 'a.upline_id as uplineId', 'c.depth'])
    .where('c.ancestor', '=', agentId)
    .where('c.depth', includeSelf ? '>=' : '>', 0)
    .where('a.deleted_at', 'is', null)
    .orderBy('c.depth')
    .orderBy('a.name')
    .orderBy('a.id');
}

/**
 * Moves an agent with its whole subtree under another upline (or to the top): the standard
 * closure-table subtree move, plus a row in agent_moves. Past commissions keep the uplines
 * they were paid to (they are in the ledger).
 */
export async function moveAgentTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: MoveInput,
): Promise<AgentDetail> {
  const row = await requireLiveAgent(trx, input.id, 'move them');
  await assertBusinessDays(trx, ctx, { movedOn: input.movedOn });
  const to = input.uplineId;
  if (to !== null) {
    const upline = await requireLiveAgent(trx, to, 'put agents under them', 'uplineId');
    if (to === input.id) {
      throw fieldError('uplineId', `an agent cannot be its own upline: it would make a cycle`);
    }
    const below = await trx
      .selectFrom('agent_closure')
      .select('depth')
      .where('ancestor', '=', input.id)
      .where('descendant', '=', to)
      .executeTakeFirst();
    if (below) {
      throw fieldError(
        'uplineId',
        `"${upline.name}" is in the downline of "${row.name}" (${below.depth} level(s) below): moving "${row.name}" under them would make a cycle. Move "${upline.name}" out first, or pick an upline outside this team.`,
      );
    }
  }
  if (to === row.upline_id) {
    throw invalidState(
      `Agent "${row.name}" is already ${to === null ? 'a top-level agent' : `under ${to}`}: nothing to move.`,
      { id: input.id, uplineId: to },
    );
  }

  // Cut the subtree from its old ancestors (pairs whose ancestor is outside the subtree)...
  await sql`DELETE FROM agent_closure
    WHERE descendant IN (SELECT descendant FROM agent_closure WHERE ancestor = ${input.id})
      AND ancestor NOT IN (SELECT descendant FROM agent_closure WHERE ancestor = ${input.id})`.execute(
    trx,
  );
  // ...and hang it under the new upline's ancestors (the upline itself included).
  if (to !== null) {
    await sql`INSERT INTO agent_closure (ancestor, descendant, depth)
      SELECT up.ancestor, sub.descendant, up.depth + sub.depth + 1
        FROM agent_closure up, agent_closure sub
       WHERE up.descendant = ${to} AND sub.ancestor = ${input.id}`.execute(trx);
  }
  const now = nowIso(ctx);
  await trx
    .updateTable('agents')
    .set({ upline_id: to, updated_at: now })
    .where('id', '=', input.id)
    .execute();
  await trx
    .insertInto('agent_moves')
    .values({
      id: newId(ctx),
      agent_id: input.id,
      from_upline_id: row.upline_id,
      to_upline_id: to,
      moved_on: input.movedOn ?? today(ctx),
      reason: input.reason,
      created_at: now,
    })
    .execute();
  return agentDetail(trx, input.id);
}

export interface TreeRow {
  id: string;
  name: string;
  tier: string;
  status: AgentStatus;
  uplineId: string | null;
  /** Levels below the root of the listing (0 for the root, or for top-level agents). */
  depth: number;
  /** Live agents under this one. */
  teamSize: number;
}

/**
 * The tree (or the subtree under rootId) as flat rows in depth-first order, siblings by name:
 * a UI indents each row by `depth`. Deleted agents are left out (they are always leaves).
 */
export async function agentTree(db: Db, rootId?: string): Promise<TreeRow[]> {
  let rows: {
    id: string;
    name: string;
    tier: string;
    status: AgentStatus;
    uplineId: string | null;
  }[];
  if (rootId !== undefined) {
    await requireAgent(db, rootId, 'rootId');
    rows = await downlineQuery(db, rootId, true).execute();
  } else {
    rows = await db
      .selectFrom('agents')
      .select(['id', 'name', 'tier', 'status', 'upline_id as uplineId'])
      .where('deleted_at', 'is', null)
      .execute();
  }
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, typeof rows>();
  for (const r of rows) {
    const parent =
      r.id === rootId || r.uplineId === null || !ids.has(r.uplineId) ? null : r.uplineId;
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  const out: TreeRow[] = [];
  // Iterative depth-first walk (trees can be deep); team sizes are filled in on the way back.
  const stack: { row: (typeof rows)[number]; depth: number; index: number }[] = [];
  const pushAll = (parent: string | null, depth: number) => {
    const kids = [...(children.get(parent) ?? [])].sort(byName).reverse();
    for (const row of kids) stack.push({ row, depth, index: -1 });
  };
  pushAll(null, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index === -1) {
      top.index = out.length;
      out.push({ ...top.row, depth: top.depth, teamSize: 0 });
      pushAll(top.row.id, top.depth + 1);
    } else {
      stack.pop();
      const done = out[top.index]!;
      done.teamSize = out.length - top.index - 1;
    }
  }
  return out;
}

/**
 * An agent caller sees only its own subtree (itself included); the owner sees everyone.
 * Refuses (FORBIDDEN) an agent outside the caller's subtree, after checking it exists.
 */
export async function assertInScope(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  agentId: string,
  field = 'id',
): Promise<void> {
  await requireAgent(ctx.db, agentId, field);
  if (ctx.actor.role === 'owner') return;
  const self = ctx.actor.agentId;
  if (self === undefined || !(await inTeam(ctx.db, self, agentId))) {
    throw new AppError(
      'FORBIDDEN',
      `Agent ${agentId} is not in your team: you can only see your own downline.`,
      {
        id: agentId,
        path: field,
      },
    );
  }
}
