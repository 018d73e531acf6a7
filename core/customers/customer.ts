// The customer record: its input schemas, creating and changing it, and keeping its search
// terms and pinyin columns in step with the name, phone and WeChat id.
import { z } from 'zod';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, CustomersTable } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { AppError, invalidState, notFound } from '../api/errors';
import { id, optionalText, requiredText } from '../shared/schemas';
import { phoneField } from './phone';
import { indexCustomer, namePinyin, searchTerms, unindexCustomer } from './search';
import { tagList, writeTags } from './tags';
import { addAddressTx, addressFields, type Address } from './addresses';
import { rowsOf } from '../../db/prepared';
import { requireAgentRef } from '../agents/references';

export type CustomerRow = Selectable<CustomersTable>;

export interface Customer {
  id: string;
  name: string;
  phone: string | null;
  wechatId: string | null;
  source: string | null;
  notes: string | null;
  marketingConsent: boolean;
  consentAt: string | null;
  ownerAgentId: string | null;
  externalRef: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  erasedAt: string | null;
}

/** The fields a seller edits on a customer (create and update share them). */
const editable = {
  name: requiredText(100),
  phone: phoneField,
  wechatId: optionalText(100),
  source: optionalText(100),
  notes: optionalText(2000),
  ownerAgentId: optionalText(64),
  externalRef: optionalText(100),
};

/** Input of customer.create, and of every other path that creates a customer (imports). */
export const customerInput = z.object({
  ...editable,
  marketingConsent: z.boolean().default(false),
  tags: tagList.default([]),
  addresses: z.array(z.object(addressFields)).max(20, 'at most 20 addresses').default([]),
});
export type CustomerInput = z.output<typeof customerInput>;

/** Input of customer.update: only the fields given change; null clears an optional one. */
export const customerUpdateInput = z.object({
  id,
  name: editable.name.optional(),
  phone: editable.phone.optional(),
  wechatId: editable.wechatId.optional(),
  source: editable.source.optional(),
  notes: editable.notes.optional(),
  ownerAgentId: editable.ownerAgentId.optional(),
  externalRef: editable.externalRef.optional(),
});
export type CustomerUpdate = z.output<typeof customerUpdateInput>;

export function toCustomer(row: CustomerRow, tags: string[]): Customer {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    wechatId: row.wechat_id,
    source: row.source,
    notes: row.notes,
    marketingConsent: row.marketing_consent === 1,
    consentAt: row.consent_at,
    ownerAgentId: row.owner_agent_id,
    externalRef: row.external_ref,
    tags,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    erasedAt: row.erased_at,
  };
}

type Db = Kysely<Database>;

/** The customer row, deleted and erased ones included (orders still point at them). */
export async function requireCustomer(
  db: Db,
  customerId: string,
  path?: string,
): Promise<CustomerRow> {
  const row = await db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!row) throw notFound('customer', customerId, path);
  return row;
}

/** The customer row, refusing one that was deleted or erased: `doing` says what was tried. */
export async function requireLiveCustomer(
  db: Db,
  customerId: string,
  doing: string,
  path?: string,
): Promise<CustomerRow> {
  const row = await requireCustomer(db, customerId, path);
  if (row.erased_at !== null) {
    throw invalidState(
      `Customer ${customerId} was erased on ${row.erased_at.slice(0, 10)}, so you cannot ${doing}. Create a new customer instead.`,
      { id: customerId, state: 'erased', ...(path !== undefined && { path }) },
    );
  }
  if (row.deleted_at !== null) {
    throw invalidState(`Customer "${row.name}" was deleted, so you cannot ${doing}.`, {
      id: customerId,
      state: 'deleted',
      ...(path !== undefined && { path }),
    });
  }
  return row;
}

export async function customerTags(db: Db, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_tags')
    .select('tag')
    .where('customer_id', '=', customerId)
    .orderBy('tag')
    .execute();
  return rows.map((r) => r.tag);
}

/** Tags of many customers at once (one query for a page of a list). */
export async function tagsByCustomer(
  db: Db,
  customerIds: string[],
): Promise<Map<string, string[]>> {
  const byCustomer = new Map<string, string[]>(customerIds.map((cid) => [cid, []]));
  if (customerIds.length === 0) return byCustomer;
  const rows = await db
    .selectFrom('customer_tags')
    .select(['customer_id', 'tag'])
    .where('customer_id', 'in', customerIds)
    .orderBy('tag')
    .execute();
  for (const r of rows) byCustomer.get(r.customer_id)?.push(r.tag);
  return byCustomer;
}

async function assertExternalRefFree(
  db: Db,
  externalRef: string | null,
  exceptId?: string,
): Promise<void> {
  if (externalRef === null) return;
  const taken = await db
    .selectFrom('customers')
    .select(['id', 'name'])
    .where('external_ref', '=', externalRef)
    .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId as string))
    .executeTakeFirst();
  if (taken) {
    const message = `External ref "${externalRef}" already belongs to customer "${taken.name}" (${taken.id}). Use another ref or update that customer.`;
    throw new AppError('CONFLICT', message, {
      field: 'externalRef',
      value: externalRef,
      existingId: taken.id,
      issues: [{ path: 'externalRef', message }],
    });
  }
}

/** Recomputes the pinyin columns and search terms from the row as it now stands. */
export async function refreshSearch(trx: Tx, customerId: string): Promise<void> {
  const row = await trx
    .selectFrom('customers')
    .select([
      'name',
      'phone',
      'wechat_id',
      'deleted_at',
      'erased_at',
      sql<number>`rowid`.as('rowid'),
    ])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  if (row.deleted_at !== null || row.erased_at !== null) {
    await unindexCustomer(trx, row.rowid);
    return;
  }
  const py = namePinyin(row.name);
  await trx
    .updateTable('customers')
    .set({ name_pinyin: py.pinyin, name_initials: py.initials })
    .where('id', '=', customerId)
    .execute();
  await indexCustomer(
    trx,
    row.rowid,
    searchTerms({ name: row.name, phone: row.phone, wechatId: row.wechat_id }),
  );
}

export type CreatedCustomer = Customer & { addresses: Address[] };

const CUSTOMER_COLUMNS = [
  'id',
  'name',
  'phone',
  'wechat_id',
  'source',
  'notes',
  'marketing_consent',
  'consent_at',
  'owner_agent_id',
  'external_ref',
  'name_pinyin',
  'name_initials',
  'created_at',
  'updated_at',
  'deleted_at',
  'erased_at',
] as const satisfies readonly (keyof CustomerRow)[];
const INSERT_CUSTOMER = `INSERT INTO customers (${CUSTOMER_COLUMNS.join(', ')})
  VALUES (${CUSTOMER_COLUMNS.map(() => '?').join(', ')}) RETURNING rowid`;

/**
 * Creates a customer with its tags and addresses, indexed for search. The one code path for
 * customer.create and imports; runs inside the caller's transaction.
 */
export async function createCustomerTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: CustomerInput,
): Promise<CreatedCustomer> {
  await assertExternalRefFree(trx, input.externalRef);
  if (input.ownerAgentId) await requireAgentRef(trx, input.ownerAgentId, 'ownerAgentId');
  const now = nowIso(ctx);
  const py = namePinyin(input.name);
  const row: CustomerRow = {
    id: newId(ctx),
    name: input.name,
    phone: input.phone,
    wechat_id: input.wechatId,
    source: input.source,
    notes: input.notes,
    marketing_consent: input.marketingConsent ? 1 : 0,
    consent_at: input.marketingConsent ? now : null,
    owner_agent_id: input.ownerAgentId,
    external_ref: input.externalRef,
    name_pinyin: py.pinyin,
    name_initials: py.initials,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    erased_at: null,
  };
  const [inserted] = await rowsOf<{ rowid: number }>(
    trx,
    INSERT_CUSTOMER,
    CUSTOMER_COLUMNS.map((c) => row[c]),
  );
  const rowid = inserted!.rowid;
  await indexCustomer(
    trx,
    rowid,
    searchTerms({ name: row.name, phone: row.phone, wechatId: row.wechat_id }),
  );
  const tags = input.tags.length > 0 ? await writeTags(trx, row.id, input.tags) : [];
  const addresses: Address[] = [];
  for (const address of input.addresses)
    addresses.push(await addAddressTx(trx, ctx, row.id, address));
  return { ...toCustomer(row, tags), addresses };
}

/** Changes the given fields of a live customer and keeps search in step. */
export async function updateCustomerTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: CustomerUpdate,
): Promise<Customer> {
  await requireLiveCustomer(trx, input.id, 'edit them');
  if (input.externalRef !== undefined)
    await assertExternalRefFree(trx, input.externalRef, input.id);
  if (input.ownerAgentId) await requireAgentRef(trx, input.ownerAgentId, 'ownerAgentId');
  await trx
    .updateTable('customers')
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(input.wechatId !== undefined && { wechat_id: input.wechatId }),
      ...(input.source !== undefined && { source: input.source }),
      ...(input.notes !== undefined && { notes: input.notes }),
      ...(input.ownerAgentId !== undefined && { owner_agent_id: input.ownerAgentId }),
      ...(input.externalRef !== undefined && { external_ref: input.externalRef }),
      updated_at: nowIso(ctx),
    })
    .where('id', '=', input.id)
    .execute();
  await refreshSearch(trx, input.id);
  return toCustomer(await requireCustomer(trx, input.id), await customerTags(trx, input.id));
}

/** Soft delete: the customer leaves lists and search; orders and figures keep pointing at them. */
export async function deleteCustomerTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  customerId: string,
): Promise<Customer> {
  const row = await requireCustomer(trx, customerId);
  if (row.deleted_at !== null && row.erased_at === null) {
    throw invalidState(
      `Customer "${row.name}" is already deleted (since ${row.deleted_at.slice(0, 10)}).`,
      {
        id: customerId,
        state: 'deleted',
      },
    );
  }
  await requireLiveCustomer(trx, customerId, 'delete them');
  const now = nowIso(ctx);
  await trx
    .updateTable('customers')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', customerId)
    .execute();
  await refreshSearch(trx, customerId);
  return toCustomer(await requireCustomer(trx, customerId), await customerTags(trx, customerId));
}
