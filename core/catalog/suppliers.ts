// Suppliers: who the seller buys goods from. Soft-deleted, because purchases and products keep
// pointing at them.
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import { z } from 'zod';
import type { Database, SuppliersTable } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { notFound } from '../api/errors';
import { id, optionalText, page, requiredText, text } from '../shared/schemas';
import { deletedReference, missingReference } from './references';
import { containsText } from './search';

export interface Supplier {
  id: string;
  name: string;
  contact: string | null;
  phone: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

const supplierFields = {
  name: requiredText(100),
  contact: optionalText(100),
  phone: optionalText(40),
  notes: optionalText(2000),
};

export const supplierInput = z.object(supplierFields);
export const supplierPatch = z.object(supplierFields).partial().extend({ id });
export const supplierListInput = z.object({
  query: text(100).optional(),
  includeDeleted: z.boolean().default(false),
  ...page,
});

function toSupplier(r: Selectable<SuppliersTable>): Supplier {
  return {
    id: r.id,
    name: r.name,
    contact: r.contact,
    phone: r.phone,
    notes: r.notes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  };
}

async function supplierRow(db: Kysely<Database>, supplierId: string) {
  return db.selectFrom('suppliers').selectAll().where('id', '=', supplierId).executeTakeFirst();
}

/** The supplier, or NOT_FOUND. Deleted suppliers are still readable (history). */
export async function readSupplier(db: Kysely<Database>, supplierId: string): Promise<Supplier> {
  const row = await supplierRow(db, supplierId);
  if (!row) throw notFound('Supplier', supplierId);
  return toSupplier(row);
}

/** A supplier a new product or purchase may point at: it exists and is not deleted. */
export async function requireSupplier(
  db: Kysely<Database>,
  supplierId: string,
  field: string,
): Promise<Supplier> {
  const row = await supplierRow(db, supplierId);
  if (!row) throw missingReference('Supplier', supplierId, field);
  if (row.deleted_at) {
    throw deletedReference(
      'Supplier',
      row.name,
      supplierId,
      field,
      'choose another supplier or leave it empty',
    );
  }
  return toSupplier(row);
}

export async function createSupplier(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof supplierInput>,
): Promise<Supplier> {
  const now = nowIso(ctx);
  const supplierId = newId(ctx);
  await trx
    .insertInto('suppliers')
    .values({ id: supplierId, ...input, created_at: now, updated_at: now, deleted_at: null })
    .execute();
  return readSupplier(trx, supplierId);
}

export async function updateSupplier(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof supplierPatch>,
): Promise<Supplier> {
  const { id: supplierId, ...patch } = input;
  const current = await readSupplier(trx, supplierId);
  if (current.deletedAt) {
    throw deletedReference(
      'Supplier',
      current.name,
      supplierId,
      'id',
      'a deleted supplier cannot be changed',
    );
  }
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return current;
  await trx
    .updateTable('suppliers')
    .set({ ...set, updated_at: nowIso(ctx) })
    .where('id', '=', supplierId)
    .execute();
  return readSupplier(trx, supplierId);
}

/** Soft delete; deleting twice leaves it as it is (the seller's intent is already met). */
export async function deleteSupplier(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  supplierId: string,
): Promise<Supplier> {
  const current = await readSupplier(trx, supplierId);
  if (current.deletedAt) return current;
  const now = nowIso(ctx);
  await trx
    .updateTable('suppliers')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', supplierId)
    .execute();
  return readSupplier(trx, supplierId);
}

export async function listSuppliers(
  db: Kysely<Database>,
  input: z.output<typeof supplierListInput>,
): Promise<{ rows: Supplier[]; total: number }> {
  const where = (eb: ExpressionBuilder<Database, 'suppliers'>) => {
    const all: Expression<SqlBool>[] = [];
    if (!input.includeDeleted) all.push(eb('deleted_at', 'is', null));
    if (input.query) {
      all.push(containsText(['name', 'contact', 'phone'], input.query));
    }
    return eb.and(all);
  };
  const [rows, count] = await Promise.all([
    db
      .selectFrom('suppliers')
      .selectAll()
      .where(where)
      .orderBy('name')
      .orderBy('id')
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    db
      .selectFrom('suppliers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toSupplier), total: count.n };
}
