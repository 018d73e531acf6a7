// API methods of the customer-groups domain: the groups a seller sells into and who is in them.
import { z } from 'zod';
import { sql, type SqlBool } from 'kysely';
import { method, type AnyMethod } from '../api/define';
import { inTransaction } from '../api/context';
import { id, text } from '../shared/schemas';
import { assertAgentInTeam, assertGroupInScope, callingAgent, teamIds } from '../agents/scope';
import {
  createGroupTx,
  deleteGroupTx,
  groupInput,
  groupUpdateInput,
  platform,
  requireGroup,
  toGroup,
  updateGroupTx,
} from './group';
import {
  activeMemberCountSql,
  activeMembers,
  addMembersInput,
  addMembersTx,
  removeMemberInput,
  removeMemberTx,
} from './members';

/** A LIKE pattern matching `s` anywhere, with LIKE's own wildcards taken literally. */
const containsPattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const groupsMethods = {
  'group.create': method({
    summary: 'Add a customer group (platform, name, owner agent, notes).',
    mutates: true,
    input: groupInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => createGroupTx(trx, ctx, input)),
  }),

  'group.update': method({
    summary: 'Change some fields of a group; fields left out stay as they are, null clears one.',
    mutates: true,
    input: groupUpdateInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => updateGroupTx(trx, ctx, input)),
  }),

  'group.delete': method({
    summary: 'Delete a group: hidden from lists; orders and memberships keep their history.',
    mutates: true,
    input: z.object({ id }),
    run: (ctx, input) => inTransaction(ctx, (trx) => deleteGroupTx(trx, ctx, input.id)),
  }),

  'group.get': method({
    summary: 'A group with its current members (name, phone, join day).',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({ id }),
    async run(ctx, input) {
      await assertGroupInScope(ctx, input.id, 'id');
      const group = toGroup(await requireGroup(ctx.db, input.id));
      let members = await activeMembers(ctx.db, input.id);
      // An agent sees the members who are customers of its own team.
      const self = callingAgent(ctx);
      if (self !== null && members.length > 0) {
        const rows = await ctx.db
          .selectFrom('customers')
          .select('id')
          .where(
            'id',
            'in',
            members.map((m) => m.id),
          )
          .where('owner_agent_id', 'in', teamIds(ctx.db, self))
          .execute();
        const visible = new Set(rows.map((r) => r.id));
        members = members.filter((m) => visible.has(m.id));
      }
      return { ...group, activeMemberCount: members.length, members };
    },
  }),

  'group.list': method({
    summary: 'Groups (not deleted) by platform and name, with how many members each has now.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({
      platform: platform.optional(),
      query: text(100).optional(),
      /** Only the groups this agent owns (the agent detail page). */
      ownerAgentId: id.optional(),
      limit: z.number().int().min(1).max(1000).default(500),
      offset: z.number().int().min(0).default(0),
    }),
    async run(ctx, input) {
      const query = input.query?.trim() ?? '';
      // An agent lists the groups of its own team.
      const team = callingAgent(ctx);
      if (team !== null && input.ownerAgentId !== undefined)
        await assertAgentInTeam(ctx, input.ownerAgentId, 'ownerAgentId', 'list groups');
      const filtered = ctx.db
        .selectFrom('customer_groups as g')
        .where('g.deleted_at', 'is', null)
        .$if(team !== null, (q) => q.where('g.owner_agent_id', 'in', teamIds(ctx.db, team!)))
        .$if(input.platform !== undefined, (q) => q.where('g.platform', '=', input.platform!))
        .$if(input.ownerAgentId !== undefined, (q) =>
          q.where('g.owner_agent_id', '=', input.ownerAgentId!),
        )
        .$if(query !== '', (q) =>
          q.where(sql<SqlBool>`g.name LIKE ${containsPattern(query)} ESCAPE '\\'`),
        );
      const { total } = await filtered
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      const rows = await filtered
        .selectAll('g')
        .select(activeMemberCountSql.as('active_member_count'))
        .orderBy('g.platform')
        .orderBy('g.name')
        .orderBy('g.id')
        .limit(input.limit)
        .offset(input.offset)
        .execute();
      return {
        rows: rows.map((r) => ({ ...toGroup(r), activeMemberCount: r.active_member_count })),
        total,
      };
    },
  }),

  'group.addMembers': method({
    summary: 'Add customers to a group (someone who had left comes back); all or nothing.',
    mutates: true,
    input: addMembersInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => addMembersTx(trx, ctx, input)),
  }),

  'group.removeMember': method({
    summary: 'Record that a customer left a group (on leftOn, default today).',
    mutates: true,
    input: removeMemberInput,
    run: (ctx, input) => inTransaction(ctx, (trx) => removeMemberTx(trx, ctx, input)),
  }),
} satisfies Record<string, AnyMethod>;
