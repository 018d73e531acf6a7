// Who is in a group. One row per (group, customer): leaving sets left_on, coming back clears it
// and starts a new join day. Deleted customers are hidden from member lists and counts (they
// are hidden everywhere else too); erased ones stay, anonymous.
import { z } from 'zod';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { today, type Ctx, type Tx } from '../api/context';
import { AppError, fieldError, invalidState, notFound } from '../api/errors';
import { day, id } from '../shared/schemas';
import { requireLiveGroup } from './group';
import { assertBusinessDays } from '../shared/day-window';

export const addMembersInput = z.object({
  groupId: id,
  customerIds: z
    .array(id)
    .min(1, 'name at least one customer')
    .max(1000, 'at most 1000 customers at a time'),
  joinedOn: day.optional(),
});
export type AddMembers = z.output<typeof addMembersInput>;

export const removeMemberInput = z.object({ groupId: id, customerId: id, leftOn: day.optional() });
export type RemoveMember = z.output<typeof removeMemberInput>;

export interface Member {
  id: string;
  name: string;
  phone: string | null;
  joinedOn: string;
}

export interface AddMembersResult {
  groupId: string;
  /** Customers who joined for the first time. */
  added: string[];
  /** Customers who had left and came back (their join day is the new one). */
  rejoined: string[];
  /** Customers already in the group: left as they were. */
  alreadyMembers: string[];
  activeMemberCount: number;
}

type Db = Kysely<Database>;

/** SQL: the number of current members of the group g (correlated on g.id). */
export const activeMemberCountSql = sql<number>`(
  SELECT count(*) FROM group_members m JOIN customers c ON c.id = m.customer_id
   WHERE m.group_id = g.id AND m.left_on IS NULL AND c.deleted_at IS NULL)`;

export async function activeMembers(db: Db, groupId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .select(['c.id', 'c.name', 'c.phone', 'm.joined_on'])
    .where('m.group_id', '=', groupId)
    .where('m.left_on', 'is', null)
    .where('c.deleted_at', 'is', null)
    .orderBy('m.joined_on')
    .orderBy('c.name_pinyin')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, phone: r.phone, joinedOn: r.joined_on }));
}

async function countActive(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('customer_groups as g')
    .select(activeMemberCountSql.as('n'))
    .where('g.id', '=', groupId)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function addMembersTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock'>,
  input: AddMembers,
): Promise<AddMembersResult> {
  await requireLiveGroup(trx, input.groupId, 'add members', 'groupId');
  await assertBusinessDays(trx, ctx, { joinedOn: input.joinedOn });
  const joinedOn = input.joinedOn ?? today(ctx);
  const customerIds = [...new Set(input.customerIds)];

  // Check every customer before writing anything, naming the first bad one by its position.
  const customers = new Map(
    (
      await trx
        .selectFrom('customers')
        .select(['id', 'name', 'deleted_at', 'erased_at'])
        .where('id', 'in', customerIds)
        .execute()
    ).map((c) => [c.id, c]),
  );
  for (const [i, customerId] of input.customerIds.entries()) {
    const c = customers.get(customerId);
    const path = `customerIds.${i}`;
    if (!c) {
      throw new AppError(
        'NOT_FOUND',
        `customer ${customerId} does not exist (${path}); nobody was added`,
        {
          what: 'customer',
          id: customerId,
          path,
        },
      );
    }
    if (c.deleted_at !== null || c.erased_at !== null) {
      const state = c.erased_at !== null ? 'erased' : 'deleted';
      throw invalidState(
        `Customer "${c.name}" (${path}) was ${state} and cannot join a group; nobody was added.`,
        {
          id: customerId,
          path,
          state,
        },
      );
    }
  }

  const existing = new Map(
    (
      await trx
        .selectFrom('group_members')
        .select(['customer_id', 'left_on'])
        .where('group_id', '=', input.groupId)
        .where('customer_id', 'in', customerIds)
        .execute()
    ).map((m) => [m.customer_id, m]),
  );
  const result: AddMembersResult = {
    groupId: input.groupId,
    added: [],
    rejoined: [],
    alreadyMembers: [],
    activeMemberCount: 0,
  };
  for (const customerId of customerIds) {
    const membership = existing.get(customerId);
    if (!membership) {
      await trx
        .insertInto('group_members')
        .values({
          group_id: input.groupId,
          customer_id: customerId,
          joined_on: joinedOn,
          left_on: null,
        })
        .execute();
      result.added.push(customerId);
    } else if (membership.left_on !== null) {
      await trx
        .updateTable('group_members')
        .set({ joined_on: joinedOn, left_on: null })
        .where('group_id', '=', input.groupId)
        .where('customer_id', '=', customerId)
        .execute();
      result.rejoined.push(customerId);
    } else {
      result.alreadyMembers.push(customerId);
    }
  }
  result.activeMemberCount = await countActive(trx, input.groupId);
  return result;
}

export async function removeMemberTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock'>,
  input: RemoveMember,
): Promise<{ groupId: string; customerId: string; joinedOn: string; leftOn: string }> {
  const group = await requireLiveGroup(trx, input.groupId, 'remove members', 'groupId');
  const customer = await trx
    .selectFrom('customers')
    .select(['id', 'name'])
    .where('id', '=', input.customerId)
    .executeTakeFirst();
  if (!customer) throw notFound('customer', input.customerId);
  const membership = await trx
    .selectFrom('group_members')
    .select(['joined_on', 'left_on'])
    .where('group_id', '=', input.groupId)
    .where('customer_id', '=', input.customerId)
    .executeTakeFirst();
  if (!membership) {
    throw invalidState(
      `Customer "${customer.name}" is not a member of group "${group.name}"; there is nothing to remove.`,
      {
        state: 'not_member',
      },
    );
  }
  if (membership.left_on !== null) {
    throw invalidState(
      `Customer "${customer.name}" already left group "${group.name}" on ${membership.left_on}. Add them again to bring them back.`,
      { state: 'left', leftOn: membership.left_on },
    );
  }
  await assertBusinessDays(trx, ctx, { leftOn: input.leftOn });
  const leftOn = input.leftOn ?? today(ctx);
  if (leftOn < membership.joined_on) {
    throw fieldError('leftOn', `cannot be before the day they joined (${membership.joined_on})`);
  }
  await trx
    .updateTable('group_members')
    .set({ left_on: leftOn })
    .where('group_id', '=', input.groupId)
    .where('customer_id', '=', input.customerId)
    .execute();
  return {
    groupId: input.groupId,
    customerId: input.customerId,
    joinedOn: membership.joined_on,
    leftOn,
  };
}
