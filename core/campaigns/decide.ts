// Deciding a campaign: it succeeded when enough people joined, else it failed. A failed
// campaign gives everyone their goods' worth back in the same transaction: unpaid orders are
// cancelled (stock returns) and paid ones are fully refunded with restock.
import { nowIso, type Ctx, type Tx } from '../api/context';
import { invalidState } from '../api/errors';
import { cancelOrder, PAID_STATUSES, UNPAID_STATUSES } from '../orders/lifecycle';
import { createRefund, remainingRefund } from '../orders/refunds';
import { participantCount, type CampaignRow } from './read';
import { assertOpen } from './write';
import { assertBusinessDay } from '../shared/day-window';

export interface Decision {
  outcome: 'succeeded' | 'failed';
  participants: number;
  cancelledOrderIds: string[];
  refundedOrderIds: string[];
}

export async function decideCampaign(
  trx: Tx,
  ctx: Ctx,
  c: CampaignRow,
  wanted: 'succeeded' | 'failed' | undefined,
  onDay: string,
): Promise<Decision> {
  assertOpen(c, 'decided');
  await assertBusinessDay(trx, ctx, onDay, 'decidedOn');
  const participants = await participantCount(trx, c.id);
  const reached = participants >= c.min_participants;
  if (wanted === 'succeeded' && !reached) {
    throw invalidState(
      `Campaign "${c.name}" has ${participants} participant(s) and needs ${c.min_participants} to succeed. ` +
        'Lower the minimum while it is open, wait for more people, or decide it as failed.',
      { campaignId: c.id, participants, minParticipants: c.min_participants },
    );
  }
  const outcome = wanted ?? (reached ? 'succeeded' : 'failed');
  const decision: Decision = { outcome, participants, cancelledOrderIds: [], refundedOrderIds: [] };
  if (outcome === 'failed') {
    const orders = await trx
      .selectFrom('orders')
      .selectAll()
      .where('campaign_id', '=', c.id)
      .where('status', '<>', 'cancelled')
      .orderBy('order_no')
      .execute();
    const reason = `Group-buy "${c.name}" failed`;
    for (const order of orders) {
      if (UNPAID_STATUSES.has(order.status)) {
        await cancelOrder(trx, ctx, order, reason, onDay);
        decision.cancelledOrderIds.push(order.id);
      } else if (PAID_STATUSES.has(order.status)) {
        const rest = await remainingRefund(trx, order);
        if (rest) {
          await createRefund(trx, ctx, order, {
            ...rest,
            restock: true,
            refundedOn: onDay,
            refundedOnPath: 'decidedOn',
            reason,
          });
          decision.refundedOrderIds.push(order.id);
        }
      }
    }
  }
  const at = nowIso(ctx);
  await trx
    .updateTable('campaigns')
    .set({ status: outcome, outcome, decided_at: at, updated_at: at })
    .where('id', '=', c.id)
    .execute();
  return decision;
}

export async function closeCampaign(trx: Tx, ctx: Ctx, c: CampaignRow): Promise<void> {
  if (c.status !== 'succeeded' && c.status !== 'failed') {
    throw invalidState(
      c.status === 'open'
        ? `Campaign "${c.name}" is still open; decide it (campaign.decide) before closing it.`
        : `Campaign "${c.name}" is already closed.`,
      { campaignId: c.id, status: c.status },
    );
  }
  const at = nowIso(ctx);
  await trx
    .updateTable('campaigns')
    .set({ status: 'closed', closed_at: at, updated_at: at })
    .where('id', '=', c.id)
    .execute();
}
