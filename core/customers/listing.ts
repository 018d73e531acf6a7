// Finding customers: the paged list with filters, and the quick search box. Both leave out
// deleted and erased customers, and both search through customer_search (see search.ts).
import { z } from 'zod';
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema';
import { id, page, text } from '../shared/schemas';
import { tag } from './tags';
import { matchQuery } from './search';
import { tagsByCustomer, toCustomer, type Customer } from './customer';
import { teamIds } from '../agents/scope';

export const listInput = z.object({
  query: text(100).optional(),
  tag: tag.optional(),
  groupId: id.optional(),
  /** Only the customers this agent owns (the agent detail page). */
  ownerAgentId: id.optional(),
  /** true: only customers who agreed to marketing; false: only those who did not. */
  consent: z.boolean().optional(),
  ...page,
});
export type ListInput = z.output<typeof listInput>;

export const searchInput = z.object({
  query: text(100),
  limit: z.number().int().min(1).max(50).default(20),
});
export type SearchInput = z.output<typeof searchInput>;

export interface CustomerHit {
  id: string;
  name: string;
  phone: string | null;
  wechatId: string | null;
  tags: string[];
}

type Db = Kysely<Database>;

const matches = (match: string) =>
  sql<SqlBool>`c.rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ${match})`;

/**
 * `team`: the calling agent, whose list holds only customers owned by it or its downline
 * (null: the owner, everyone).
 */
export async function listCustomers(
  db: Db,
  input: ListInput,
  team: string | null = null,
): Promise<{ rows: Customer[]; total: number }> {
  const typed = input.query?.trim() ?? '';
  const match = typed === '' ? null : matchQuery(typed);
  // Typed something that holds no letter or digit ('***'): nothing can match it.
  if (typed !== '' && match === null) return { rows: [], total: 0 };

  const filtered = db
    .selectFrom('customers as c')
    .where('c.deleted_at', 'is', null)
    .where('c.erased_at', 'is', null)
    .$if(match !== null, (q) => q.where(matches(match as string)))
    .$if(input.tag !== undefined, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('customer_tags as t')
            .select('t.tag')
            .whereRef('t.customer_id', '=', 'c.id')
            .where('t.tag', '=', input.tag as string),
        ),
      ),
    )
    .$if(input.groupId !== undefined, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('group_members as m')
            .select('m.customer_id')
            .whereRef('m.customer_id', '=', 'c.id')
            .where('m.group_id', '=', input.groupId as string)
            .where('m.left_on', 'is', null),
        ),
      ),
    )
    .$if(input.ownerAgentId !== undefined, (q) =>
      q.where('c.owner_agent_id', '=', input.ownerAgentId as string),
    )
    .$if(team !== null, (q) => q.where('c.owner_agent_id', 'in', teamIds(db, team as string)))
    .$if(input.consent !== undefined, (q) =>
      q.where('c.marketing_consent', '=', input.consent ? 1 : 0),
    );

  const { total } = await filtered
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  // Sorted by pinyin, so 张 sits among the z's the way sellers expect of a contact list.
  const rows = await filtered
    .selectAll('c')
    .orderBy('c.name_pinyin')
    .orderBy('c.name')
    .orderBy('c.id')
    .limit(input.limit)
    .offset(input.offset)
    .execute();
  const tags = await tagsByCustomer(
    db,
    rows.map((r) => r.id),
  );
  return { rows: rows.map((r) => toCustomer(r, tags.get(r.id) ?? [])), total };
}

/**
 * The search box: up to `limit` live customers whose name, pinyin, initials, phone or WeChat id
 * starts with what was typed. Newest customers first; the FTS index walks rowids backwards and
 * stops at the limit, so a one-letter query over 200,000 customers stays quick. `team`: as in
 * listCustomers.
 */
export async function searchCustomers(
  db: Db,
  input: SearchInput,
  team: string | null = null,
): Promise<CustomerHit[]> {
  const match = matchQuery(input.query);
  if (match === null) return [];
  // An agent finds only the customers of its own team.
  const inTeam =
    team === null
      ? sql``
      : sql`AND c.owner_agent_id IN (SELECT descendant FROM agent_closure WHERE ancestor = ${team})`;
  const { rows } = await sql<{
    id: string;
    name: string;
    phone: string | null;
    wechat_id: string | null;
  }>`
    SELECT c.id, c.name, c.phone, c.wechat_id
      FROM customer_search s
      JOIN customers c ON c.rowid = s.rowid
     WHERE customer_search MATCH ${match}
       AND c.deleted_at IS NULL AND c.erased_at IS NULL ${inTeam}
     ORDER BY s.rowid DESC
     LIMIT ${input.limit}`.execute(db);
  const tags = await tagsByCustomer(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phone: r.phone,
    wechatId: r.wechat_id,
    tags: tags.get(r.id) ?? [],
  }));
}
