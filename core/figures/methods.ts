// API methods of the figures: the P&L report, the dashboard, customer analytics, and the
// rebuild/verify tools for the rollup they all read.
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction } from '../api/context';
import { customerFigures, customersInput } from './customers';
import { dashboardInput, dashboardReport } from './dashboard';
import { pnlInput, pnlReport } from './report';
import { rebuildRollup, verifyRollup } from './check';
import { campaignReturns, campaignsInput } from './campaigns';

export const figuresMethods = {
  'figures.pnl': method({
    summary:
      'Profit and loss for a date range, by day, week, month, product, category, group, agent, campaign, customer or fee.',
    mutates: false,
    input: pnlInput,
    run: (ctx, input) => pnlReport(ctx.db, input),
  }),

  'figures.dashboard': method({
    summary: 'Totals, monthly trend, top 10 products and groups, and fees for a date range.',
    mutates: false,
    input: dashboardInput,
    run: (ctx, input) => dashboardReport(ctx.db, input),
  }),

  'figures.customers': method({
    summary:
      'Buyers, repeat buyers, repurchase rate and RFM segments for a date range (optionally the customer list).',
    mutates: false,
    input: customersInput,
    run: (ctx, input) => customerFigures(ctx.db, input),
  }),

  'figures.campaigns': method({
    summary: 'Group-buy campaigns with revenue, gross profit, costs and ROI for a date range.',
    mutates: false,
    input: campaignsInput,
    run: (ctx, input) => campaignReturns(ctx.db, input),
  }),

  'figures.rebuild': method({
    summary: 'Recompute the P&L rollup from orders, refunds, expenses and other income.',
    mutates: true,
    input: z.object({}),
    run: (ctx) => inTransaction(ctx, (trx) => rebuildRollup(trx)),
  }),

  'figures.verify': method({
    summary: 'Recompute the P&L rollup aside and list where it differs from the stored one.',
    mutates: false,
    input: z.object({}),
    run: (ctx) => verifyRollup(ctx.db),
  }),
} satisfies Record<string, AnyMethod>;
