// Customer tags ('VIP', '老客户', '宝妈'): free words the seller filters by. Stored one row per
// tag, so a list can filter by tag through an index.
import { z } from 'zod';
import type { Tx } from '../api/context';
import { rowsOf } from '../../db/prepared';

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
  await rowsOf(trx, 'DELETE FROM customer_tags WHERE customer_id = ?', [customerId]);
  for (const t of tags)
    await rowsOf(trx, 'INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)', [
      customerId,
      t,
    ]);
  return [...tags].sort();
}
