// API methods of the customers domain: the customer record, addresses, tags, marketing
// consent, search, and the customer's personal-data rights (export, erase).
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction, nowIso } from '../api/context';
import { id, optionalText } from '../shared/schemas';
import {
  createCustomerTx,
  customerInput,
  customerTags,
  customerUpdateInput,
  deleteCustomerTx,
  requireCustomer,
  requireLiveCustomer,
  toCustomer,
  updateCustomerTx,
} from './customer';
import {
  addAddressInput,
  addAddressTx,
  addressOwner,
  removeAddressTx,
  updateAddressInput,
  updateAddressTx,
} from './addresses';
import { tagList, writeTags } from './tags';
import { customerProfile } from './profile';
import { listCustomers, listInput, searchCustomers, searchInput } from './listing';
import { eraseCustomerTx, exportPersonalDataTx } from './personal-data';
import { withExportLog } from '../exports/personal-log';
import {
  assertAgentInTeam,
  assertCustomerInScope,
  callingAgent,
  withoutOthersNames,
} from '../agents/scope';

/** Owner and agent: an agent records and keeps the customers of its own team. */
const TEAM = ['owner', 'agent'] as const;

export { createCustomerTx, customerInput } from './customer';

export const customersMethods = {
  'customer.create': method({
    summary: 'Add a customer (name, phone, WeChat id, tags, addresses, consent...).',
    mutates: true,
    roles: TEAM,
    input: customerInput,
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => {
        // An agent's customer is its own unless it names someone of its downline: a customer
        // outside its team would leave its device at the next sync.
        const self = callingAgent(ctx);
        const ownerAgentId = self !== null ? (input.ownerAgentId ?? self) : input.ownerAgentId;
        await assertAgentInTeam(
          { ...ctx, db: trx },
          ownerAgentId,
          'ownerAgentId',
          'record a customer',
        );
        return withoutOthersNames(ctx, () =>
          createCustomerTx(trx, ctx, { ...input, ownerAgentId }),
        );
      }),
  }),

  'customer.update': method({
    summary: 'Change some fields of a customer; fields left out stay as they are, null clears one.',
    mutates: true,
    roles: TEAM,
    input: customerUpdateInput,
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => {
        const scoped = { ...ctx, db: trx };
        await assertCustomerInScope(scoped, input.id, 'id');
        if (input.ownerAgentId !== undefined)
          await assertAgentInTeam(scoped, input.ownerAgentId, 'ownerAgentId', 'hand a customer');
        return withoutOthersNames(ctx, () => updateCustomerTx(trx, ctx, input));
      }),
  }),

  'customer.delete': method({
    summary: 'Delete a customer: hidden from lists and search; their orders keep them.',
    mutates: true,
    input: z.object({ id }),
    run: (ctx, input) => inTransaction(ctx, (trx) => deleteCustomerTx(trx, ctx, input.id)),
  }),

  'customer.get': method({
    summary: "A customer's profile: tags, addresses, current groups and what they bought.",
    mutates: false,
    roles: TEAM,
    input: z.object({ id }),
    async run(ctx, input) {
      await assertCustomerInScope(ctx, input.id, 'id');
      return customerProfile(ctx.db, input.id, callingAgent(ctx));
    },
  }),

  'customer.list': method({
    summary:
      'Customers by name/pinyin/phone/WeChat query, tag, group and consent, a page at a time.',
    mutates: false,
    roles: TEAM,
    input: listInput,
    async run(ctx, input) {
      const team = callingAgent(ctx);
      if (team !== null && input.ownerAgentId !== undefined)
        await assertAgentInTeam(ctx, input.ownerAgentId, 'ownerAgentId', 'list customers');
      return listCustomers(ctx.db, input, team);
    },
  }),

  'customer.search': method({
    summary: 'Quick search by name, pinyin, initials (张三 -> zs), phone or WeChat id.',
    mutates: false,
    roles: TEAM,
    input: searchInput,
    run: (ctx, input) => searchCustomers(ctx.db, input, callingAgent(ctx)),
  }),

  'customer.addAddress': method({
    summary: 'Add a shipping address; the first one (or isDefault) becomes the default.',
    mutates: true,
    roles: TEAM,
    input: addAddressInput,
    run: (ctx, { customerId, ...address }) =>
      inTransaction(ctx, async (trx) => {
        await assertCustomerInScope({ ...ctx, db: trx }, customerId, 'customerId');
        await requireLiveCustomer(trx, customerId, 'add an address', 'customerId');
        return addAddressTx(trx, ctx, customerId, address);
      }),
  }),

  'customer.updateAddress': method({
    summary: 'Change some fields of an address, or make it the default.',
    mutates: true,
    roles: TEAM,
    input: updateAddressInput,
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => {
        const customerId = await addressOwner(trx, input.id);
        await assertCustomerInScope({ ...ctx, db: trx }, customerId, 'id');
        await requireLiveCustomer(trx, customerId, 'change their addresses');
        return updateAddressTx(trx, ctx, input);
      }),
  }),

  'customer.removeAddress': method({
    summary: "Remove an address; the customer's remaining addresses are returned.",
    mutates: true,
    roles: TEAM,
    input: z.object({ id }),
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => {
        const customerId = await addressOwner(trx, input.id);
        await assertCustomerInScope({ ...ctx, db: trx }, customerId, 'id');
        await requireLiveCustomer(trx, customerId, 'change their addresses');
        return { customerId, addresses: await removeAddressTx(trx, ctx, input.id) };
      }),
  }),

  'customer.setTags': method({
    summary: "Replace a customer's tags.",
    mutates: true,
    roles: TEAM,
    input: z.object({ id, tags: tagList }),
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => {
        await assertCustomerInScope({ ...ctx, db: trx }, input.id, 'id');
        const row = await requireLiveCustomer(trx, input.id, 'tag them');
        const tags = await writeTags(trx, input.id, input.tags);
        const now = nowIso(ctx);
        await trx
          .updateTable('customers')
          .set({ updated_at: now })
          .where('id', '=', input.id)
          .execute();
        return toCustomer({ ...row, updated_at: now }, tags);
      }),
  }),

  'customer.setConsent': method({
    summary: 'Record whether the customer agreed to marketing messages (and when).',
    mutates: true,
    roles: TEAM,
    input: z.object({ id, consent: z.boolean() }),
    run: (ctx, input) =>
      inTransaction(ctx, async (trx) => {
        await assertCustomerInScope({ ...ctx, db: trx }, input.id, 'id');
        const row = await requireLiveCustomer(trx, input.id, 'change their marketing consent');
        // consent_at is when the latest decision was made, granted or withdrawn; repeating the
        // same answer keeps the time it was given.
        if ((row.marketing_consent === 1) !== input.consent) {
          const now = nowIso(ctx);
          await trx
            .updateTable('customers')
            .set({ marketing_consent: input.consent ? 1 : 0, consent_at: now, updated_at: now })
            .where('id', '=', input.id)
            .execute();
        }
        return toCustomer(await requireCustomer(trx, input.id), await customerTags(trx, input.id));
      }),
  }),

  'customer.exportPersonalData': method({
    summary:
      'Everything held about a customer, as JSON (their right of access); the export is logged.',
    mutates: true,
    input: z.object({ id }),
    run: (ctx, input) =>
      withExportLog(ctx, null, (trx, log) => exportPersonalDataTx(trx, ctx, input.id, log)),
    // Signed in: the data is handed back here, its log entry recorded as personalData.logExport.
    atOrigin: (ctx, input, record) =>
      withExportLog(ctx, record, (trx, log) => exportPersonalDataTx(trx, ctx, input.id, log)),
  }),

  'customer.erase': method({
    summary: "Erase a customer's personal data (anonymised in place; order figures stay); logged.",
    mutates: true,
    input: z.object({ id, reason: optionalText(500) }),
    run: (ctx, input) =>
      inTransaction(ctx, (trx) => eraseCustomerTx(trx, ctx, input.id, input.reason)),
  }),
} satisfies Record<string, AnyMethod>;
