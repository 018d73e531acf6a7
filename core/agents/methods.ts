// API methods of the agents domain: the downline tree (create, edit, move, delete, read) and
// figures by agent.
import { z } from 'zod';
import { sql, type SqlBool } from 'kysely';
import { method, type AnyMethod } from '../api/define';
import { inTransaction, today } from '../api/context';
import { AppError } from '../api/errors';
import { id, text } from '../shared/schemas';
import {
  agentDetail,
  agentInput,
  agentStatus,
  agentTree,
  agentUpdateInput,
  assertInScope,
  createAgentTx,
  deleteAgentTx,
  downlineQuery,
  moveAgentTx,
  moveInput,
  tier,
  toAgent,
  updateAgentTx,
} from './agent';
import { agentFigures, agentFiguresInput, topAgents, topAgentsInput } from './figures';

/** A LIKE pattern matching `s` anywhere, with LIKE's own wildcards taken literally. */
const containsPattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const agentsMethods = {
  'agent.create': method({
    summary:
      'Add an agent (name, tier, upline, join day); links or creates the customer record it buys as.',
    mutates: true,
    input: agentInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => createAgentTx(trx, ctx, input)),
  }),

  'agent.update': method({
    summary: 'Change name, phone, WeChat id, tier, status or notes; use agent.move for the upline.',
    mutates: true,
    input: agentUpdateInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => updateAgentTx(trx, ctx, input)),
  }),

  'agent.delete': method({
    summary: 'Delete an agent with no downline (hidden from lists; past figures keep it).',
    mutates: true,
    input: z.object({ id }),
    run: (ctx, input) => inTransaction(ctx, (trx) => deleteAgentTx(trx, ctx, input.id)),
  }),

  'agent.get': method({
    summary: 'An agent with its upline, direct downline count, team size and depth in the tree.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({ id }),
    async run(ctx, input) {
      await assertInScope(ctx, input.id);
      return agentDetail(ctx.db, input.id);
    },
  }),

  'agent.list': method({
    summary: 'Agents (not deleted) by name, filtered by text, tier, status or upline.',
    mutates: false,
    input: z.object({
      query: text(100).optional(),
      tier: tier.optional(),
      status: agentStatus.optional(),
      uplineId: id.optional(),
      limit: z.number().int().min(1).max(1000).default(50),
      offset: z.number().int().min(0).default(0),
    }),
    async run(ctx, input) {
      const query = input.query?.trim() ?? '';
      const pattern = containsPattern(query);
      const filtered = ctx.db
        .selectFrom('agents as a')
        .where('a.deleted_at', 'is', null)
        .$if(input.tier !== undefined, (q) => q.where('a.tier', '=', input.tier!))
        .$if(input.status !== undefined, (q) => q.where('a.status', '=', input.status!))
        .$if(input.uplineId !== undefined, (q) => q.where('a.upline_id', '=', input.uplineId!))
        .$if(query !== '', (q) =>
          q.where(
            sql<SqlBool>`(a.name LIKE ${pattern} ESCAPE '\\' OR a.phone LIKE ${pattern} ESCAPE '\\' OR a.wechat_id LIKE ${pattern} ESCAPE '\\' OR a.external_ref = ${query})`,
          ),
        );
      const { total } = await filtered
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      const rows = await filtered
        .selectAll('a')
        .orderBy('a.name')
        .orderBy('a.id')
        .limit(input.limit)
        .offset(input.offset)
        .execute();
      return { rows: rows.map(toAgent), total };
    },
  }),

  'agent.tree': method({
    summary:
      'The agent tree (or the subtree under rootId) as flat rows in depth-first order with depth and team size.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({ rootId: id.optional() }),
    async run(ctx, input) {
      // An agent sees its own subtree: by default rooted at itself.
      let rootId = input.rootId;
      if (rootId === undefined && ctx.actor.role !== 'owner') {
        if (ctx.actor.agentId === undefined) {
          throw new AppError('FORBIDDEN', 'This caller is not linked to an agent.');
        }
        rootId = ctx.actor.agentId;
      }
      if (rootId !== undefined) await assertInScope(ctx, rootId, 'rootId');
      return { rows: await agentTree(ctx.db, rootId) };
    },
  }),

  'agent.downline': method({
    summary: 'Everyone under an agent (optionally itself too), nearest first: one indexed query.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({ id, includeSelf: z.boolean().default(false) }),
    async run(ctx, input) {
      await assertInScope(ctx, input.id);
      const rows = await downlineQuery(ctx.db, input.id, input.includeSelf).execute();
      return { ids: rows.map((r) => r.id), rows };
    },
  }),

  'agent.move': method({
    summary:
      'Move an agent with its whole subtree under another upline (null: to the top); recorded in the move history.',
    mutates: true,
    input: moveInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => moveAgentTx(trx, ctx, input)),
  }),

  'agent.moves': method({
    summary: 'The move history of an agent, oldest first.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({ id }),
    async run(ctx, input) {
      await assertInScope(ctx, input.id);
      const rows = await ctx.db
        .selectFrom('agent_moves')
        .select([
          'id',
          'agent_id as agentId',
          'from_upline_id as fromUplineId',
          'to_upline_id as toUplineId',
          'moved_on as movedOn',
          'reason',
          'created_at as createdAt',
        ])
        .where('agent_id', '=', input.id)
        .orderBy('moved_on')
        .orderBy('id')
        .execute();
      return { rows };
    },
  }),

  'agent.figures': method({
    summary:
      'Own sales, team sales (whole subtree), commissions earned by level and commission balances of an agent over a date range.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: agentFiguresInput,
    async run(ctx, input) {
      await assertInScope(ctx, input.id);
      return agentFigures(ctx.db, input, today(ctx));
    },
  }),

  'agent.top': method({
    summary: 'Top agents by revenue over a date range, by own sales or by team sales.',
    mutates: false,
    input: topAgentsInput,
    async run(ctx, input) {
      return { rows: await topAgents(ctx.db, input) };
    },
  }),
} satisfies Record<string, AnyMethod>;
