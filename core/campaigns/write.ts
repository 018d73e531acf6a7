// Creating and changing a campaign (only while it is open).
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { fieldError, invalidState } from '../api/errors';
import { productsForLines, requireGroup } from '../orders/capture';
import { soldByProduct, type CampaignRow } from './read';
import { assertBusinessDays } from '../shared/day-window';

export interface CampaignProductSpec {
  productId: string;
  groupPrice: number;
  perBuyerLimit?: number | null | undefined;
  stockCap?: number | null | undefined;
}

export interface CampaignSpec {
  name: string;
  groupId?: string | null | undefined;
  startsOn: string;
  endsOn: string;
  minParticipants: number;
  products: CampaignProductSpec[];
  note: string | null;
}

async function writeProducts(
  trx: Tx,
  campaignId: string,
  products: readonly CampaignProductSpec[],
) {
  await productsForLines(
    trx,
    products.map((p) => p.productId),
    (i) => `products.${i}.productId`,
  );
  for (const p of products) {
    await trx
      .insertInto('campaign_products')
      .values({
        campaign_id: campaignId,
        product_id: p.productId,
        group_price: p.groupPrice,
        per_buyer_limit: p.perBuyerLimit ?? null,
        stock_cap: p.stockCap ?? null,
      })
      .execute();
  }
}

export async function createCampaign(trx: Tx, ctx: Ctx, spec: CampaignSpec): Promise<string> {
  if (spec.groupId) await requireGroup(trx, spec.groupId);
  await assertBusinessDays(trx, ctx, { startsOn: spec.startsOn, endsOn: spec.endsOn });
  const id = newId(ctx);
  const at = nowIso(ctx);
  await trx
    .insertInto('campaigns')
    .values({
      id,
      name: spec.name,
      group_id: spec.groupId ?? null,
      starts_on: spec.startsOn,
      ends_on: spec.endsOn,
      min_participants: spec.minParticipants,
      status: 'open',
      outcome: null,
      note: spec.note,
      created_at: at,
      updated_at: at,
      decided_at: null,
      closed_at: null,
    })
    .execute();
  await writeProducts(trx, id, spec.products);
  return id;
}

export function assertOpen(c: CampaignRow, doing: string): void {
  if (c.status !== 'open') {
    throw invalidState(
      `Campaign "${c.name}" is ${c.status}; only an open campaign can be ${doing}.` +
        (c.status === 'closed' ? '' : ' Start a new campaign instead.'),
      { campaignId: c.id, status: c.status },
    );
  }
}

export type CampaignChanges = Partial<Omit<CampaignSpec, 'note' | 'groupId'>> & {
  groupId?: string | null | undefined;
  note?: string | null | undefined;
};

/**
 * Changes an open campaign. Orders already taken keep their prices and group; a product that
 * already sold cannot leave the campaign, and a cap cannot go below what was sold.
 */
export async function updateCampaign(
  trx: Tx,
  ctx: Ctx,
  c: CampaignRow,
  changes: CampaignChanges,
): Promise<void> {
  assertOpen(c, 'changed');
  if (changes.groupId) await requireGroup(trx, changes.groupId);
  await assertBusinessDays(trx, ctx, { startsOn: changes.startsOn, endsOn: changes.endsOn });
  const startsOn = changes.startsOn ?? c.starts_on;
  const endsOn = changes.endsOn ?? c.ends_on;
  if (endsOn < startsOn) {
    throw fieldError(
      changes.endsOn !== undefined ? 'endsOn' : 'startsOn',
      `the campaign would end (${endsOn}) before it starts (${startsOn})`,
    );
  }
  if (changes.products) {
    const sold = await soldByProduct(trx, c.id);
    const kept = new Set(changes.products.map((p) => p.productId));
    for (const [productId, quantity] of sold) {
      if (quantity > 0 && !kept.has(productId)) {
        throw fieldError(
          'products',
          `product ${productId} already has ${quantity} sold in this campaign; keep it in the list`,
        );
      }
    }
    changes.products.forEach((p, i) => {
      const soldQty = sold.get(p.productId) ?? 0;
      if (p.stockCap != null && p.stockCap < soldQty) {
        throw fieldError(
          `products.${i}.stockCap`,
          `${soldQty} are already sold in this campaign; the cap cannot be lower`,
        );
      }
    });
    await trx.deleteFrom('campaign_products').where('campaign_id', '=', c.id).execute();
    await writeProducts(trx, c.id, changes.products);
  }
  await trx
    .updateTable('campaigns')
    .set({
      name: changes.name ?? c.name,
      group_id: changes.groupId !== undefined ? changes.groupId : c.group_id,
      starts_on: startsOn,
      ends_on: endsOn,
      min_participants: changes.minParticipants ?? c.min_participants,
      note: changes.note !== undefined ? changes.note : c.note,
      updated_at: nowIso(ctx),
    })
    .where('id', '=', c.id)
    .execute();
}
