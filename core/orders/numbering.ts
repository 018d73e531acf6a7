// Order numbers: 'QD' + the order day + '-' + a 4-digit sequence, e.g. 'QD20260315-0001'.
// The next number is one past the highest number of that day already in the store, whoever
// wrote it (this app or an import that happens to use the same shape), so a generated number
// is never one that is already taken; the UNIQUE index on order_no is the last word.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError } from '../api/errors';
import { prepared } from '../../db/prepared';

const PREFIX = 'QD';

// The day part ('QD' + 'YYYYMMDD' + '-', 11 characters) and the sequence number after it.
const ORDER_DAY = 'substr(order_no, 1, 11)';
const ORDER_SEQ = 'CAST(substr(order_no, 12) AS INTEGER)';

/**
 * An index that lets the highest number of a day be read off the top of the day's entries
 * instead of scanning them all. The server's mirror has it (it replays a whole busy day of
 * orders one after another); without it the day's range of the order_no index is scanned.
 */
export const ORDER_DAY_NUMBER_INDEX = `CREATE INDEX IF NOT EXISTS orders_day_number
  ON orders (${ORDER_DAY}, ${ORDER_SEQ})`;

// '.' sorts right after '-', so the order_no range is exactly the numbers of that day. Only a
// suffix of 1 to 9 digits is a sequence number.
const HIGHEST_OF_DAY = `SELECT ${ORDER_SEQ} FROM orders
  WHERE ${ORDER_DAY} = ? AND order_no >= ? AND order_no < ?
    AND length(order_no) BETWEEN 12 AND 20 AND substr(order_no, 12) NOT GLOB '*[^0-9]*'
  ORDER BY ${ORDER_SEQ} DESC LIMIT 1`;

export function nextOrderNo(sqlite: BetterSqlite3.Database, day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`nextOrderNo: bad day ${day}`);
  const prefix = `${PREFIX}${day.replaceAll('-', '')}-`;
  const highest = prepared(sqlite, HIGHEST_OF_DAY)
    .pluck()
    .get(prefix, prefix, `${prefix.slice(0, -1)}.`) as number | undefined;
  return `${prefix}${String((highest ?? 0) + 1).padStart(4, '0')}`;
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
