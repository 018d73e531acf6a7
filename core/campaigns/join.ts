// Joining a group-buy: a confirmed order at the group price, inside the campaign's limits.
import type { Ctx, Tx } from '../api/context';
import { fieldError, invalidState } from '../api/errors';
import { requireCustomer } from '../orders/capture';
import { createOrder } from '../orders/record';
import { payBalance, type PaymentMethod } from '../orders/payments';
import { soldByProduct, type CampaignRow } from './read';
import { assertOpen } from './write';

export interface JoinSpec {
  customerId: string;
  joinedOn: string;
  lines: { productId: string; quantity: number }[];
  shippingCharged: number;
  shippingAddress: string | null;
  note: string | null;
  pay?: { method: PaymentMethod; paidOn?: string | undefined } | undefined;
}

export async function joinCampaign(
  trx: Tx,
  ctx: Ctx,
  c: CampaignRow,
  spec: JoinSpec,
): Promise<string> {
  assertOpen(c, 'joined');
  if (spec.joinedOn < c.starts_on || spec.joinedOn > c.ends_on) {
    throw invalidState(
      `Campaign "${c.name}" runs from ${c.starts_on} to ${c.ends_on}; it cannot be joined on ${spec.joinedOn}.`,
      { campaignId: c.id, startsOn: c.starts_on, endsOn: c.ends_on, joinedOn: spec.joinedOn },
    );
  }
  await requireCustomer(trx, spec.customerId);
  const offer = new Map(
    (
      await trx
        .selectFrom('campaign_products')
        .selectAll()
        .where('campaign_id', '=', c.id)
        .execute()
    ).map((p) => [p.product_id, p]),
  );
  const soldToAll = await soldByProduct(trx, c.id);
  const soldToBuyer = await soldByProduct(trx, c.id, spec.customerId);
  // The same product may be on two lines: each line counts what the lines before it asked for.
  const asked = new Map<string, number>();
  spec.lines.forEach((line, i) => {
    const terms = offer.get(line.productId);
    if (!terms) {
      throw fieldError(`lines.${i}.productId`, `this product is not part of campaign "${c.name}"`);
    }
    const askedSoFar = (asked.get(line.productId) ?? 0) + line.quantity;
    asked.set(line.productId, askedSoFar);
    const buyerHas = soldToBuyer.get(line.productId) ?? 0;
    if (terms.per_buyer_limit !== null && buyerHas + askedSoFar > terms.per_buyer_limit) {
      throw fieldError(
        `lines.${i}.quantity`,
        `each buyer may take at most ${terms.per_buyer_limit}; this customer already has ${buyerHas}` +
          (askedSoFar > line.quantity
            ? ` and asks for ${askedSoFar - line.quantity} on earlier lines`
            : ''),
      );
    }
    const sold = soldToAll.get(line.productId) ?? 0;
    if (terms.stock_cap !== null && sold + askedSoFar > terms.stock_cap) {
      const left = Math.max(0, terms.stock_cap - sold - (askedSoFar - line.quantity));
      throw fieldError(
        `lines.${i}.quantity`,
        `only ${left} left of the campaign's cap of ${terms.stock_cap}`,
      );
    }
  });

  const order = await createOrder(trx, ctx, {
    customerId: spec.customerId,
    // The campaign's group; a campaign for no group leaves the customer's own group.
    groupId: c.group_id ?? undefined,
    campaignId: c.id,
    source: 'campaign',
    orderedOn: spec.joinedOn,
    status: 'confirmed',
    lines: spec.lines.map((l) => ({
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: offer.get(l.productId)!.group_price,
    })),
    orderDiscount: 0,
    shippingCharged: spec.shippingCharged,
    fees: [],
    shippingAddress: spec.shippingAddress,
    note: spec.note,
  });
  if (spec.pay) {
    await payBalance(trx, ctx, order, {
      method: spec.pay.method,
      // Paid as they joined, unless told otherwise (a 接龙 list is often entered afterwards).
      paidOn: spec.pay.paidOn ?? spec.joinedOn,
      paidOnPath: 'pay.paidOn',
      reference: null,
    });
  }
  return order.id;
}
