// What a seller reads next to a breakdown key: the product's name and SKU, the group's name...
// Labels are looked up when the report is made (the rollup keeps ids), so a renamed product
// shows its current name, and an erased customer its anonymised one.
import type { Kysely } from 'kysely';
import type { Database, PnlDim } from '../../db/schema';

export const UNATTRIBUTED_LABEL = '(unattributed)';

// SQLite allows 32k bound values per statement; smaller chunks keep each IN list cheap.
const CHUNK = 500;

async function lookup(
  keys: readonly string[],
  fetch: (chunk: string[]) => Promise<{ id: string; label: string }[]>,
): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    for (const row of await fetch(keys.slice(i, i + CHUNK))) labels.set(row.id, row.label);
  }
  return labels;
}

/** Agent names by id (deleted agents keep their name: their past figures still show). */
export function agentLabels(
  db: Kysely<Database>,
  agentIds: readonly string[],
): Promise<Map<string, string>> {
  return lookup(agentIds, (chunk) =>
    db.selectFrom('agents').select(['id', 'name as label']).where('id', 'in', chunk).execute(),
  );
}

/** Customer names by id (an erased customer's name is already anonymised in place). */
export function customerLabels(
  db: Kysely<Database>,
  customerIds: readonly string[],
): Promise<Map<string, string>> {
  return lookup(customerIds, (chunk) =>
    db.selectFrom('customers').select(['id', 'name as label']).where('id', 'in', chunk).execute(),
  );
}

/**
 * Labels for keys of a dimension. A key with no row to name it (should not happen) shows the
 * key itself rather than hiding the figure; the unattributed key '' shows "(unattributed)".
 */
export async function labelsFor(
  db: Kysely<Database>,
  dim: PnlDim,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const ids = keys.filter((k) => k !== '');
  let found: Map<string, string>;
  switch (dim) {
    case 'product':
      found = await lookup(ids, async (chunk) =>
        (
          await db
            .selectFrom('products')
            .select(['id', 'name', 'sku'])
            .where('id', 'in', chunk)
            .execute()
        ).map((p) => ({ id: p.id, label: `${p.name} (${p.sku})` })),
      );
      break;
    case 'group':
      found = await lookup(ids, (chunk) =>
        db
          .selectFrom('customer_groups')
          .select(['id', 'name as label'])
          .where('id', 'in', chunk)
          .execute(),
      );
      break;
    case 'campaign':
      found = await lookup(ids, (chunk) =>
        db
          .selectFrom('campaigns')
          .select(['id', 'name as label'])
          .where('id', 'in', chunk)
          .execute(),
      );
      break;
    case 'customer':
      found = await customerLabels(db, ids);
      break;
    case 'agent':
      found = await agentLabels(db, ids);
      break;
    // Category keys are the category's name; fee keys read 'order:platform', 'expense:ads'.
    case 'category':
    case 'fee':
    case 'total':
      found = new Map();
      break;
  }
  return new Map(keys.map((k) => [k, k === '' ? UNATTRIBUTED_LABEL : (found.get(k) ?? k)]));
}
