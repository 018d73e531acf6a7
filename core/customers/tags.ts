// Customer tags ('VIP', '老客户', '宝妈'): free words the seller filters by. Stored one row per
// tag, so a list can filter by tag through an index.
import { z } from 'zod';
import type { Tx } from '../api/context';

export const tag = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(30, 'at most 30 characters');

/** A list of tags; repeats are dropped (keeping the first spelling), order does not matter. */
export const tagList = z
  .array(tag)
  .max(50, 'at most 50 tags')
  .transform((tags) => [...new Set(tags)]);

/** Replaces the customer's tags with these; returns them sorted. */
export async function writeTags(trx: Tx, customerId: string, tags: string[]): Promise<string[]> {
  await trx.deleteFrom('customer_tags').where('customer_id', '=', customerId).execute();
  if (tags.length > 0) {
    await trx
      .insertInto('customer_tags')
      .values(tags.map((t) => ({ customer_id: customerId, tag: t })))
      .execute();
  }
  return [...tags].sort();
}
