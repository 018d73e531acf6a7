// What customer.get shows: the record, its addresses, the groups the customer is in now, and
// a summary of what they bought (read from orders, which may be empty).
import { sql, type Kysely } from 'kysely';
import type { Database, Platform } from '../../db/schema';
import { customerTags, requireCustomer, toCustomer, type Customer } from './customer';
import { customerAddresses, type Address } from './addresses';
import { teamIds } from '../agents/scope';

export interface GroupMembership {
  groupId: string;
  name: string;
  platform: Platform;
  joinedOn: string;
  leftOn: string | null;
}

export interface OrderSummary {
  /** Orders that were paid and not cancelled. */
  paidCount: number;
  /**
   * What the customer spent, net: amount due minus refunds, over every paid order (a paid
   * order cancelled later is refunded, so it nets to what was kept). Same basis as revenue.
   */
  netSpent: number;
  lastPaidOn: string | null;
}

export type CustomerProfile = Customer & {
  addresses: Address[];
  groups: GroupMembership[];
  orders: OrderSummary;
};

type Db = Kysely<Database>;

/**
 * Group memberships; `current` keeps only groups the customer has not left (and not deleted).
 * `team`: the calling agent, who sees only the groups of its team (null: the owner, all).
 */
export async function customerGroups(
  db: Db,
  customerId: string,
  current: boolean,
  team: string | null = null,
): Promise<GroupMembership[]> {
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('customer_groups as g', 'g.id', 'm.group_id')
    .select(['g.id', 'g.name', 'g.platform', 'm.joined_on', 'm.left_on'])
    .where('m.customer_id', '=', customerId)
    .$if(current, (q) => q.where('m.left_on', 'is', null).where('g.deleted_at', 'is', null))
    .$if(team !== null, (q) => q.where('g.owner_agent_id', 'in', teamIds(db, team as string)))
    .orderBy('m.joined_on')
    .orderBy('g.name')
    .execute();
  return rows.map((r) => ({
    groupId: r.id,
    name: r.name,
    platform: r.platform,
    joinedOn: r.joined_on,
    leftOn: r.left_on,
  }));
}

/** `team`: the calling agent, whose summary counts only the orders credited to its team. */
export async function orderSummary(
  db: Db,
  customerId: string,
  team: string | null = null,
): Promise<OrderSummary> {
  const row = await db
    .selectFrom('orders')
    .select([
      sql<number>`coalesce(sum(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END), 0)`.as(
        'paidCount',
      ),
      sql<number>`coalesce(sum(total_due - refunded_total), 0)`.as('netSpent'),
      sql<string | null>`max(paid_on)`.as('lastPaidOn'),
    ])
    .where('customer_id', '=', customerId)
    .where('paid_on', 'is not', null)
    .$if(team !== null, (q) => q.where('agent_id', 'in', teamIds(db, team as string)))
    .executeTakeFirstOrThrow();
  return { paidCount: row.paidCount, netSpent: row.netSpent, lastPaidOn: row.lastPaidOn };
}

/** `team`: as in customerGroups and orderSummary (an agent caller sees its team's part). */
export async function customerProfile(
  db: Db,
  customerId: string,
  team: string | null = null,
): Promise<CustomerProfile> {
  const row = await requireCustomer(db, customerId);
  return {
    ...toCustomer(row, await customerTags(db, customerId)),
    addresses: await customerAddresses(db, customerId),
    groups: await customerGroups(db, customerId, true, team),
    orders: await orderSummary(db, customerId, team),
  };
}
