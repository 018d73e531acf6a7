// API methods of group-buy campaigns (团购 / 接龙).
import { method, type AnyMethod } from '../api/define';
import { answer, inTransaction, today } from '../api/context';
import { getOrder } from '../orders/read';
import { getCampaign, listCampaigns, requireCampaign } from './read';
import { createCampaign, updateCampaign } from './write';
import { joinCampaign } from './join';
import { closeCampaign, decideCampaign } from './decide';
import {
  byId,
  createCampaignInput,
  decideCampaignInput,
  joinCampaignInput,
  listCampaignsInput,
  updateCampaignInput,
} from './schemas';

export const campaignsMethods = {
  'campaign.create': method({
    summary: 'Start a group-buy: products at a group price, limits, dates, minimum participants.',
    mutates: true,
    input: createCampaignInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const id = await createCampaign(trx, ctx, input);
        return getCampaign(trx, id);
      });
    },
  }),

  'campaign.update': method({
    summary: 'Change an open campaign (name, group, dates, minimum, products, note).',
    mutates: true,
    input: updateCampaignInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const c = await requireCampaign(trx, input.id);
        await updateCampaign(trx, ctx, c, input);
        return getCampaign(trx, c.id);
      });
    },
  }),

  'campaign.join': method({
    summary: 'A customer joins: a confirmed order at the group price (optionally paid at once).',
    mutates: true,
    input: joinCampaignInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const c = await requireCampaign(trx, input.campaignId, 'campaignId');
        const orderId = await joinCampaign(trx, ctx, c, {
          ...input,
          joinedOn: input.joinedOn ?? today(ctx),
        });
        return answer(ctx, () => getOrder(trx, orderId));
      });
    },
  }),

  'campaign.get': method({
    summary: 'One campaign with its products (sold, cap left), participants and orders.',
    mutates: false,
    input: byId,
    async run(ctx, input) {
      return getCampaign(ctx.db, input.id);
    },
  }),

  'campaign.list': method({
    summary: 'Campaigns, newest start first, optionally by status.',
    mutates: false,
    input: listCampaignsInput,
    async run(ctx, input) {
      return listCampaigns(ctx.db, input.status);
    },
  }),

  'campaign.decide': method({
    summary:
      'Decide an open campaign: succeeded (enough participants) or failed (unpaid orders cancelled, paid ones refunded).',
    mutates: true,
    input: decideCampaignInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const c = await requireCampaign(trx, input.id);
        const decision = await decideCampaign(
          trx,
          ctx,
          c,
          input.outcome,
          input.decidedOn ?? today(ctx),
        );
        return { ...decision, campaign: await getCampaign(trx, c.id) };
      });
    },
  }),

  'campaign.close': method({
    summary: 'Close a decided campaign.',
    mutates: true,
    input: byId,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const c = await requireCampaign(trx, input.id);
        await closeCampaign(trx, ctx, c);
        return getCampaign(trx, c.id);
      });
    },
  }),
} satisfies Record<string, AnyMethod>;
