// Rows an expense or an income may point at. The error names the input field.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../api/errors';

function missing(what: string, id: string, field: string): AppError {
  return new AppError('NOT_FOUND', `${what} ${id} does not exist (${field}).`, { what, id, field });
}

export async function requireCampaign(db: Kysely<Database>, campaignId: string, field: string) {
  const row = await db
    .selectFrom('campaigns')
    .select('id')
    .where('id', '=', campaignId)
    .executeTakeFirst();
  if (!row) throw missing('Campaign', campaignId, field);
}

export async function requireCustomer(db: Kysely<Database>, customerId: string, field: string) {
  const row = await db
    .selectFrom('customers')
    .select(['id', 'name', 'deleted_at'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!row) throw missing('Customer', customerId, field);
  if (row.deleted_at) {
    throw new AppError(
      'INVALID_STATE',
      `Customer "${row.name}" is deleted (${field}); choose another customer or leave it empty.`,
      { what: 'Customer', id: customerId, field, state: 'deleted' },
    );
  }
}
