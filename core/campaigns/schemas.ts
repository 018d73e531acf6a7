// Input schemas of the group-buy campaign methods.
import { z } from 'zod';
import { day, id, nonNegativeMoney, optionalText, quantity, requiredText } from '../shared/schemas';
import { paymentMethod } from '../orders/schemas';

const positiveCount = z.number().int('must be a whole number').positive('must be more than 0');

export const campaignProductInput = z.object({
  productId: id,
  groupPrice: nonNegativeMoney,
  perBuyerLimit: positiveCount.nullish(),
  stockCap: positiveCount.nullish(),
});

const products = z
  .array(campaignProductInput)
  .min(1, 'a campaign needs at least one product')
  .max(200)
  .superRefine((list, issue) => {
    const seen = new Set<string>();
    list.forEach((p, i) => {
      if (seen.has(p.productId)) {
        issue.addIssue({
          code: 'custom',
          path: [i, 'productId'],
          message: 'this product is already in the campaign; list it once',
        });
      }
      seen.add(p.productId);
    });
  });

export const createCampaignInput = z
  .object({
    name: requiredText(100),
    groupId: id.nullish(),
    startsOn: day,
    endsOn: day,
    minParticipants: positiveCount.default(1),
    products,
    note: optionalText(),
  })
  .superRefine((c, issue) => {
    if (c.endsOn < c.startsOn) {
      issue.addIssue({
        code: 'custom',
        path: ['endsOn'],
        message: 'the campaign cannot end before it starts',
      });
    }
  });

export const updateCampaignInput = z.object({
  id,
  name: requiredText(100).optional(),
  groupId: id.nullish(),
  startsOn: day.optional(),
  endsOn: day.optional(),
  minParticipants: positiveCount.optional(),
  products: products.optional(),
  note: optionalText().optional(),
});

export const joinCampaignInput = z.object({
  campaignId: id,
  customerId: id,
  joinedOn: day.optional(),
  lines: z
    .array(z.object({ productId: id, quantity }))
    .min(1, 'choose at least one product')
    .max(200),
  shippingCharged: nonNegativeMoney.default(0),
  shippingAddress: optionalText(500),
  note: optionalText(),
  pay: z.object({ method: paymentMethod, paidOn: day.optional() }).optional(),
});

export const CAMPAIGN_STATUSES = ['open', 'succeeded', 'failed', 'closed'] as const;

export const listCampaignsInput = z.object({ status: z.enum(CAMPAIGN_STATUSES).optional() });

export const decideCampaignInput = z.object({
  id,
  outcome: z.enum(['succeeded', 'failed']).optional(),
  /** Day of the refunds a failure writes; default today. */
  decidedOn: day.optional(),
});

export const byId = z.object({ id });
