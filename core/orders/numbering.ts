// Order numbers: 'QD' + the order day + '-' + a 4-digit sequence, e.g. 'QD20260315-0001'.
// The next number is one past the highest number of that day already in the store, whoever
// wrote it (this app or an import that happens to use the same shape), so a generated number
// is never one that is already taken; the UNIQUE index on order_no is the last word.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../api/errors';

const PREFIX = 'QD';

export async function nextOrderNo(db: Kysely<Database>, day: string): Promise<string> {
  const prefix = `${PREFIX}${day.replaceAll('-', '')}-`;
  const start = prefix.length + 1;
  // '.' sorts right after '-', so this range is exactly the numbers of that day (and uses the
  // index). Only a suffix of 1 to 9 digits is a sequence number; the highest is found in SQL,
  // so a busy day's numbers are not each read back.
  const row = await db
    .selectFrom('orders')
    .select(sql<number | null>`max(CAST(substr(order_no, ${start}) AS INTEGER))`.as('highest'))
    .where('order_no', '>=', prefix)
    .where('order_no', '<', `${prefix.slice(0, -1)}.`)
    .where(sql<boolean>`length(order_no) BETWEEN ${start} AND ${start + 8}`)
    .where(sql<boolean>`substr(order_no, ${start}) NOT GLOB '*[^0-9]*'`)
    .executeTakeFirst();
  const highest = Number(row?.highest ?? 0);
  return `${prefix}${String(highest + 1).padStart(4, '0')}`;
}

/** CONFLICT when an order number is already in the store (imports bring their own numbers). */
export async function assertOrderNoFree(
  db: Kysely<Database>,
  orderNo: string,
  field = 'orderNo',
): Promise<void> {
  const row = await db
    .selectFrom('orders')
    .select('id')
    .where('order_no', '=', orderNo)
    .executeTakeFirst();
  if (row) {
    throw new AppError(
      'CONFLICT',
      `Order number ${orderNo} is already used by another order; give this order a different number.`,
      { field, orderNo, existingId: row.id, issues: [{ path: field, message: 'already used' }] },
    );
  }
}
