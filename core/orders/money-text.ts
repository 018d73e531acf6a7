// Amounts in messages a seller reads ("the balance due is ¥12.30"), in the workspace currency.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { currency, formatAmount } from '../money';
import { readSettings } from '../workspace/settings';

export type MoneyText = (minor: number) => string;

export async function moneyText(db: Kysely<Database>): Promise<MoneyText> {
  const settings = await readSettings(db);
  const cur = currency(settings?.currency ?? 'CNY');
  return (minor) => `${cur.symbol}${formatAmount(minor, cur.decimals)}`;
}
