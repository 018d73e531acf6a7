// Campaign return on investment (DOMAIN.md): ROI = (gross profit - campaign costs) / campaign
// costs, where a campaign's costs are the fees and commissions attributed to it (its orders'
// fee lines, expenses booked against it, commissions on its sales). Read from the same P&L
// rows as `report pnl --by campaign`, so the two always agree.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { divRoundHalfUp } from '../money';
import { withDateRange } from './periods';
import { pnlReport } from './report';

export const campaignsInput = withDateRange({});

export interface CampaignReturn {
  key: string;
  label: string;
  revenue: number;
  cogs: number;
  grossProfit: number;
  /** fees + commissions attributed to the campaign */
  costs: number;
  /** (grossProfit - costs) / costs in basis points, rounded half-up; null when costs are 0 */
  roiBp: number | null;
  orders: number;
}

export async function campaignReturns(
  db: Kysely<Database>,
  range: { from: string; to: string },
): Promise<{ currency: string; from: string; to: string; rows: CampaignReturn[] }> {
  const report = await pnlReport(db, { ...range, by: 'campaign' });
  const rows = report.rows
    .filter((r) => r.key !== '')
    .map((r) => {
      const costs = r.fees + r.commissions;
      return {
        key: r.key,
        label: r.label,
        revenue: r.revenue,
        cogs: r.cogs,
        grossProfit: r.grossProfit,
        costs,
        roiBp: costs === 0 ? null : divRoundHalfUp((r.grossProfit - costs) * 10_000, costs),
        orders: r.orders,
      };
    });
  return { currency: report.currency, from: report.from, to: report.to, rows };
}
