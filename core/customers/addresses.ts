// Shipping addresses of a customer. Rule kept here: a customer with any address has exactly
// one default (the first address becomes it; removing the default hands it to the newest
// remaining one; marking another as default takes it over).
import { z } from 'zod';
import type { Kysely, Selectable } from 'kysely';
import type { CustomerAddressesTable, Database } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { invalidState, notFound } from '../api/errors';
import { id, optionalText, requiredText } from '../shared/schemas';
import { phoneField } from './phone';

export interface Address {
  id: string;
  customerId: string;
  label: string | null;
  recipient: string;
  phone: string | null;
  region: string | null;
  detail: string;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export const addressFields = {
  label: optionalText(30),
  recipient: requiredText(50),
  phone: phoneField,
  region: optionalText(100),
  detail: requiredText(300),
  isDefault: z.boolean().default(false),
};
export type AddressInput = z.output<z.ZodObject<typeof addressFields>>;

export const addAddressInput = z.object({ customerId: id, ...addressFields });

export const updateAddressInput = z.object({
  id,
  label: addressFields.label.optional(),
  recipient: addressFields.recipient.optional(),
  phone: addressFields.phone.optional(),
  region: addressFields.region.optional(),
  detail: addressFields.detail.optional(),
  isDefault: z.boolean().optional(),
});
export type AddressUpdate = z.output<typeof updateAddressInput>;

type AddressRow = Selectable<CustomerAddressesTable>;

export const toAddress = (row: AddressRow): Address => ({
  id: row.id,
  customerId: row.customer_id,
  label: row.label,
  recipient: row.recipient,
  phone: row.phone,
  region: row.region,
  detail: row.detail,
  isDefault: row.is_default === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** One line for a parcel label or an order's shipping address: recipient, phone, region+detail. */
export const addressText = (
  a: Pick<Address, 'recipient' | 'phone' | 'region' | 'detail'>,
): string =>
  [a.recipient, a.phone, `${a.region ?? ''}${a.detail}`]
    .filter((p) => p !== null && p !== '')
    .join(' ');

type Db = Kysely<Database>;

/** Current (not removed) addresses of a customer, the default first. */
export async function customerAddresses(db: Db, customerId: string): Promise<Address[]> {
  const rows = await db
    .selectFrom('customer_addresses')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null)
    .orderBy('is_default', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAddress);
}

async function requireAddress(db: Db, addressId: string): Promise<AddressRow> {
  const row = await db
    .selectFrom('customer_addresses')
    .selectAll()
    .where('id', '=', addressId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('address', addressId);
  return row;
}

async function clearDefault(trx: Tx, customerId: string, now: string): Promise<void> {
  await trx
    .updateTable('customer_addresses')
    .set({ is_default: 0, updated_at: now })
    .where('customer_id', '=', customerId)
    .where('is_default', '=', 1)
    .execute();
}

/** Adds an address to a customer the caller has already checked is live. */
export async function addAddressTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  customerId: string,
  input: AddressInput,
): Promise<Address> {
  const now = nowIso(ctx);
  const hasDefault = await trx
    .selectFrom('customer_addresses')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null)
    .where('is_default', '=', 1)
    .executeTakeFirst();
  const isDefault = input.isDefault || !hasDefault;
  if (isDefault && hasDefault) await clearDefault(trx, customerId, now);
  const row: AddressRow = {
    id: newId(ctx),
    customer_id: customerId,
    label: input.label,
    recipient: input.recipient,
    phone: input.phone,
    region: input.region,
    detail: input.detail,
    is_default: isDefault ? 1 : 0,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await trx.insertInto('customer_addresses').values(row).execute();
  return toAddress(row);
}

/** The address row with its customer id, for the caller to check the customer is live. */
export async function addressOwner(db: Db, addressId: string): Promise<string> {
  return (await requireAddress(db, addressId)).customer_id;
}

export async function updateAddressTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: AddressUpdate,
): Promise<Address> {
  const row = await requireAddress(trx, input.id);
  if (input.isDefault === false && row.is_default === 1) {
    throw invalidState(
      'This is the default address. To change the default, mark another address as the default instead.',
      { id: input.id, state: 'default' },
    );
  }
  const now = nowIso(ctx);
  if (input.isDefault === true && row.is_default === 0)
    await clearDefault(trx, row.customer_id, now);
  await trx
    .updateTable('customer_addresses')
    .set({
      ...(input.label !== undefined && { label: input.label }),
      ...(input.recipient !== undefined && { recipient: input.recipient }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(input.region !== undefined && { region: input.region }),
      ...(input.detail !== undefined && { detail: input.detail }),
      ...(input.isDefault === true && { is_default: 1 }),
      updated_at: now,
    })
    .where('id', '=', input.id)
    .execute();
  return toAddress(await requireAddress(trx, input.id));
}

/** Removes an address (soft); a removed default hands the default to the newest remaining one. */
export async function removeAddressTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  addressId: string,
): Promise<Address[]> {
  const row = await requireAddress(trx, addressId);
  const now = nowIso(ctx);
  await trx
    .updateTable('customer_addresses')
    .set({ deleted_at: now, updated_at: now, is_default: 0 })
    .where('id', '=', addressId)
    .execute();
  if (row.is_default === 1) {
    const next = await trx
      .selectFrom('customer_addresses')
      .select('id')
      .where('customer_id', '=', row.customer_id)
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (next) {
      await trx
        .updateTable('customer_addresses')
        .set({ is_default: 1, updated_at: now })
        .where('id', '=', next.id)
        .execute();
    }
  }
  return customerAddresses(trx, row.customer_id);
}
