// The customer's rights over their personal information (PIPL): a copy of everything held
// about them (access), and erasure. Erasure anonymises in place rather than deleting, because
// order figures must stay for the 3-year record keeping the E-commerce Law asks; both are
// logged in personal_data_log. An export's log entry is synced as personalData.logExport from a
// signed-in device (core/exports/personal-log.ts); an erasure is itself a synced mutation.
import { nowIso, type Ctx, type Tx } from '../api/context';
import { invalidState } from '../api/errors';
import {
  customerTags,
  refreshSearch,
  requireCustomer,
  toCustomer,
  type Customer,
} from './customer';
import { customerAddresses, type Address } from './addresses';
import { customerGroups, type GroupMembership } from './profile';
import { purgeRemovedTerms } from './search';
import { writePersonalDataLog, type ExportLog, type ExportLogEntry } from '../exports/personal-log';

export interface PersonalDataOrder {
  orderNo: string;
  status: string;
  orderedOn: string;
  paidOn: string | null;
  totalDue: number;
  paidTotal: number;
  refundedTotal: number;
  shippingAddress: string | null;
}

export interface PersonalData {
  exportedAt: string;
  customer: Omit<Customer, 'tags'>;
  tags: string[];
  addresses: Address[];
  /** Every group they were ever in, with join and leave days. */
  groups: GroupMembership[];
  orders: PersonalDataOrder[];
}

/** The name an erased customer keeps: anonymous, but still told apart in old orders. */
export const erasedName = (customerId: string): string => `已注销客户${customerId.slice(-6)}`;

/** The log entry of an export of a customer's personal data. */
const personalDataExportLog = (customerId: string): ExportLogEntry => ({
  subject: customerId,
  detail: `personal data of customer ${customerId} exported`,
});

/**
 * A copy of everything held about the customer, its export logged through `exports` (in this
 * transaction, or recorded once it is over on a signed-in device: core/exports/personal-log.ts).
 */
export async function exportPersonalDataTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock'>,
  customerId: string,
  exports: ExportLog,
): Promise<PersonalData> {
  const row = await requireCustomer(trx, customerId);
  const { tags, ...customer } = toCustomer(row, await customerTags(trx, customerId));
  const orders = await trx
    .selectFrom('orders')
    .select([
      'order_no',
      'status',
      'ordered_on',
      'paid_on',
      'total_due',
      'paid_total',
      'refunded_total',
      'shipping_address',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('ordered_on')
    .orderBy('order_no')
    .execute();
  await exports.add(trx, personalDataExportLog(customerId));
  return {
    exportedAt: nowIso(ctx),
    customer,
    tags,
    addresses: await customerAddresses(trx, customerId),
    groups: await customerGroups(trx, customerId, false),
    orders: orders.map((o) => ({
      orderNo: o.order_no,
      status: o.status,
      orderedOn: o.ordered_on,
      paidOn: o.paid_on,
      totalDue: o.total_due,
      paidTotal: o.paid_total,
      refundedTotal: o.refunded_total,
      shippingAddress: o.shipping_address,
    })),
  };
}

/**
 * Anonymises the customer in place: identity, contact, notes, addresses, tags, consent and the
 * shipping addresses on their orders go; group memberships and every order figure stay.
 */
export async function eraseCustomerTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock'>,
  customerId: string,
  reason: string | null,
): Promise<Customer> {
  const row = await requireCustomer(trx, customerId);
  if (row.erased_at !== null) {
    throw invalidState(
      `Customer ${customerId} was already erased on ${row.erased_at.slice(0, 10)}; nothing personal is left to erase.`,
      { id: customerId, state: 'erased' },
    );
  }
  const now = nowIso(ctx);
  await trx
    .updateTable('customers')
    .set({
      name: erasedName(customerId),
      phone: null,
      wechat_id: null,
      notes: null,
      source: null,
      external_ref: null,
      marketing_consent: 0,
      consent_at: null,
      name_pinyin: '',
      name_initials: '',
      erased_at: now,
      updated_at: now,
    })
    .where('id', '=', customerId)
    .execute();
  // Removed addresses are blanked too: a soft-deleted row still holds the text.
  await trx
    .updateTable('customer_addresses')
    .set((eb) => ({
      deleted_at: eb.fn.coalesce('deleted_at', eb.val(now)),
      label: null,
      recipient: '',
      phone: null,
      region: null,
      detail: '',
      is_default: 0,
      updated_at: now,
    }))
    .where('customer_id', '=', customerId)
    .execute();
  await trx.deleteFrom('customer_tags').where('customer_id', '=', customerId).execute();
  await trx
    .updateTable('orders')
    .set({ shipping_address: null, updated_at: now })
    .where('customer_id', '=', customerId)
    .where('shipping_address', 'is not', null)
    .execute();
  await refreshSearch(trx, customerId);
  await purgeRemovedTerms(trx);
  await writePersonalDataLog(trx, ctx, 'erase', { subject: customerId, detail: reason });
  return toCustomer(await requireCustomer(trx, customerId), []);
}
