// Customer import: one row per customer. A customer is recognised by your customer number
// (customer_ref), else by phone, else by name, so re-importing the same sheet adds nobody twice.
import { z } from 'zod';
import type { Tx } from '../api/context';
import { createCustomerTx, customerInput, type CustomerInput } from '../customers/customer';
import { MASKED_PHONE, isMaskedPhone, readTags, readText, readYesNo } from './cells';
import type { KindImporter } from './run';
import { cellField } from './rows';

const text = (max: number, multiline = false) =>
  cellField((c) => readText(c, max, multiline)).optional;

/** customerInput field -> import field, for issues the customers domain raises. */
const INPUT_FIELDS: Record<string, string> = {
  externalRef: 'customer_ref',
  name: 'name',
  phone: 'phone',
  wechatId: 'wechat_id',
  tags: 'tags',
  source: 'source',
  notes: 'notes',
  marketingConsent: 'marketing_consent',
  addresses: 'address',
};

const fieldOf = (path: string): string | null => INPUT_FIELDS[path.split('.')[0] ?? ''] ?? null;

/** How a customer is recognised across imports: the strongest key the row has. */
export type CustomerKey = { by: 'ref' | 'phone' | 'name'; value: string };

export function customerKey(c: {
  externalRef: string | null;
  phone: string | null;
  name: string;
}): CustomerKey {
  if (c.externalRef) return { by: 'ref', value: c.externalRef };
  if (c.phone) return { by: 'phone', value: c.phone };
  return { by: 'name', value: c.name };
}

/** The live customer this key names, if the store has one (the oldest, if several). */
export async function findCustomer(
  trx: Tx,
  key: CustomerKey,
): Promise<{ id: string; name: string } | null> {
  let q = trx
    .selectFrom('customers')
    .select(['id', 'name'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(1);
  if (key.by === 'ref') q = q.where('external_ref', '=', key.value);
  else {
    q = q
      .where(key.by === 'phone' ? 'phone' : 'name', '=', key.value)
      .where('deleted_at', 'is', null)
      .where('erased_at', 'is', null);
  }
  return (await q.executeTakeFirst()) ?? null;
}

const KEY_FIELD = { ref: 'customer_ref', phone: 'phone', name: 'name' } as const;

export const customerImport: KindImporter<CustomerInput> = {
  fieldOf,

  rowSchema() {
    return z
      .object({
        customer_ref: text(100),
        name: cellField((c) => readText(c, 100)).required,
        phone: text(40),
        wechat_id: text(100),
        tags: cellField(readTags).optional,
        source: text(100),
        notes: text(2000, true),
        marketing_consent: cellField(readYesNo).optional,
        address: text(300, true),
      })
      .transform((r, ctx) => {
        if (r.phone !== null && isMaskedPhone(r.phone)) {
          ctx.addIssue({ code: 'custom', path: ['phone'], message: MASKED_PHONE });
          return z.NEVER;
        }
        // The customers domain's own schema decides what a valid customer is (phone shape...).
        const parsed = customerInput.safeParse({
          externalRef: r.customer_ref,
          name: r.name,
          phone: r.phone,
          wechatId: r.wechat_id,
          tags: r.tags ?? [],
          source: r.source,
          notes: r.notes,
          marketingConsent: r.marketing_consent ?? false,
          addresses: r.address
            ? [
                {
                  recipient: r.name.slice(0, 50),
                  phone: r.phone,
                  detail: r.address,
                  isDefault: true,
                },
              ]
            : [],
        });
        if (!parsed.success) {
          for (const i of parsed.error.issues) {
            ctx.addIssue({
              code: 'custom',
              path: [fieldOf(i.path.map(String).join('.')) ?? 'name'],
              message: i.message,
            });
          }
          return z.NEVER;
        }
        return parsed.data;
      });
  },

  async write({ trx, ctx, report, tick }, rows) {
    let inserted = 0;
    let skipped = 0;
    const seen = new Map<string, number>();
    for (const [i, { row, data }] of rows.entries()) {
      const key = customerKey(data);
      const firstRow = seen.get(`${key.by}:${key.value}`);
      if (firstRow !== undefined) {
        skipped++;
        report.warn(row, KEY_FIELD[key.by], `the same customer as row ${firstRow}: skipped`);
      } else {
        seen.set(`${key.by}:${key.value}`, row);
        const existing = await findCustomer(trx, key);
        if (existing) {
          skipped++;
          if (key.by === 'name') {
            report.warn(
              row,
              'name',
              `a customer named "${data.name}" already exists: skipped (give a customer_ref or phone to import a namesake)`,
            );
          }
        } else {
          try {
            await createCustomerTx(trx, ctx, data);
            inserted++;
          } catch (err) {
            report.failWith(row, err, fieldOf);
          }
        }
      }
      tick(i + 1);
    }
    return { inserted, skipped };
  },
};
