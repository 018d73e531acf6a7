// Facts an order captures as of the sale: the product's SKU, name and category on each line,
// the customer's group and the credited agent. Later edits of products or customers never
// rewrite an order that captured them.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../api/errors';
import { rowsOf } from '../../db/prepared';
import { requireAgentRef } from '../agents/references';

export interface ProductFacts {
  id: string;
  sku: string;
  name: string;
  category: string;
  retailPrice: number;
}

const missing = (what: string, id: string, path: string): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} does not exist (${path}).`, {
    what,
    id,
    path,
    issues: [{ path, message: `no ${what.toLowerCase()} with this id` }],
  });

const PRODUCTS = `SELECT id, sku, name, category, retail_price, deleted_at FROM products
  WHERE id IN (SELECT value FROM json_each(?))`;
const LIVE_CUSTOMER =
  'SELECT id, owner_agent_id FROM customers WHERE id = ? AND deleted_at IS NULL';
const LIVE_GROUP = 'SELECT id FROM customer_groups WHERE id = ? AND deleted_at IS NULL';
const CURRENT_GROUP = `SELECT m.group_id FROM group_members m
  JOIN customer_groups g ON g.id = m.group_id
  WHERE m.customer_id = ? AND m.left_on IS NULL AND g.deleted_at IS NULL
  ORDER BY m.joined_on DESC, m.group_id DESC LIMIT 1`;

/**
 * The products named by the lines, by id. A product that does not exist (or was deleted, when
 * `allowDeleted` is false: new sales only sell the current catalog) is NOT_FOUND naming the line.
 */
export async function productsForLines(
  db: Kysely<Database>,
  productIds: readonly string[],
  path: (index: number) => string,
  allowDeleted = false,
): Promise<Map<string, ProductFacts>> {
  const unique = [...new Set(productIds)];
  const rows = unique.length
    ? await rowsOf<{
        id: string;
        sku: string;
        name: string;
        category: string;
        retail_price: number;
        deleted_at: string | null;
      }>(db, PRODUCTS, [JSON.stringify(unique)])
    : [];
  const byId = new Map<string, ProductFacts>();
  for (const r of rows) {
    if (r.deleted_at !== null && !allowDeleted) continue;
    byId.set(r.id, {
      id: r.id,
      sku: r.sku,
      name: r.name,
      category: r.category,
      retailPrice: r.retail_price,
    });
  }
  productIds.forEach((pid, i) => {
    if (!byId.has(pid)) throw missing('Product', pid, path(i));
  });
  return byId;
}

export interface CustomerFacts {
  id: string;
  ownerAgentId: string | null;
}

export async function requireCustomer(
  db: Kysely<Database>,
  customerId: string,
  path = 'customerId',
): Promise<CustomerFacts> {
  const [row] = await rowsOf<{ id: string; owner_agent_id: string | null }>(db, LIVE_CUSTOMER, [
    customerId,
  ]);
  if (!row) throw missing('Customer', customerId, path);
  return { id: row.id, ownerAgentId: row.owner_agent_id };
}

export async function requireGroup(
  db: Kysely<Database>,
  groupId: string,
  path = 'groupId',
): Promise<void> {
  const [row] = await rowsOf(db, LIVE_GROUP, [groupId]);
  if (!row) throw missing('Customer group', groupId, path);
}

/** The group the customer most recently joined and is still in (none: null). */
export async function currentGroupOf(
  db: Kysely<Database>,
  customerId: string,
): Promise<string | null> {
  const [row] = await rowsOf<{ group_id: string }>(db, CURRENT_GROUP, [customerId]);
  return row?.group_id ?? null;
}

export interface Attribution {
  customerId: string | null;
  groupId: string | null;
  agentId: string | null;
}

/**
 * Who the sale belongs to. `undefined` means "not given": the group falls back to the customer's
 * current group and the agent to the customer's owner agent; an explicit null means none.
 */
export async function attribute(
  db: Kysely<Database>,
  given: { customerId: string | null; groupId?: string | null; agentId?: string | null },
): Promise<Attribution> {
  const customer = given.customerId ? await requireCustomer(db, given.customerId) : null;
  let groupId = given.groupId;
  if (groupId) await requireGroup(db, groupId);
  if (groupId === undefined) groupId = customer ? await currentGroupOf(db, customer.id) : null;
  // A named agent must exist and be live; one inherited from the customer is kept as it is.
  if (given.agentId) await requireAgentRef(db, given.agentId, 'agentId');
  const agentId = given.agentId === undefined ? (customer?.ownerAgentId ?? null) : given.agentId;
  return { customerId: customer?.id ?? null, groupId, agentId };
}
