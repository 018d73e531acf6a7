// The owner's dashboard in one call: totals, the monthly trend, the best products and groups,
// and where the fees went. Five reads of the rollup, none of them of orders.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { requireSettings } from '../workspace/settings';
import { withDateRange, type DateRange } from './periods';
import { labelledRows, timeRows, type Figures, type PnlRow } from './report';
import { sumsByKey } from './sums';

export const TOP = 10;

export const dashboardInput = withDateRange({});

export interface Dashboard {
  currency: string;
  from: string;
  to: string;
  totals: Figures;
  /** Every month of the range, in order ('YYYY-MM'; the edge months only count days in range). */
  trend: PnlRow[];
  /** The first 10 products by revenue (the unattributed shipping row is not a product). */
  topProducts: PnlRow[];
  /** The first 10 customer groups by revenue. */
  topGroups: PnlRow[];
  /** Fee lines and expenses by kind ('order:platform', 'expense:ads'...), largest first. */
  feeBreakdown: PnlRow[];
  commissionsTotal: number;
}

export async function dashboardReport(db: Kysely<Database>, range: DateRange): Promise<Dashboard> {
  const { currency } = await requireSettings(db);
  const { rows: trend, totals } = await timeRows(db, 'month', range);
  const [products, groups, fees] = await Promise.all([
    sumsByKey(db, 'product', range, { withoutUnattributed: true, top: TOP }),
    sumsByKey(db, 'group', range, { withoutUnattributed: true, top: TOP }),
    // The '' row of the fee dimension holds the sales themselves, not a fee.
    sumsByKey(db, 'fee', range, { withoutUnattributed: true }),
  ]);
  fees.sort((a, b) => b.fees - a.fees || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    currency,
    from: range.from,
    to: range.to,
    totals,
    trend,
    topProducts: await labelledRows(db, 'product', products),
    topGroups: await labelledRows(db, 'group', groups),
    feeBreakdown: await labelledRows(db, 'fee', fees),
    commissionsTotal: totals.commissions,
  };
}
