// API methods of this domain: commission plans, the commission ledger, settlements, the
// commissions report. Every mutating method is one transaction.
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction, nowIso, today, type Ctx } from '../api/context';
import { AppError, fieldError, notFound } from '../api/errors';
import { basisPoints, day, id, optionalText, page, requiredText, text } from '../shared/schemas';
import { workspaceCurrency } from '../workspace/settings';
import { APP_VERSION } from '../exports/about';
import { exportFormat, writeTable } from '../exports/write';
import { openDatabaseFiles } from '../exports/output';
import {
  DEPTH_RULE,
  MAX_UPLINE_LEVELS,
  createPlan,
  getPlan,
  listPlans,
  planInForce,
} from './plans';
import { ENTRY_STATUSES, commissionBalances, entryStatusSql, refundWindowDays } from './status';
import {
  discardSettlement,
  generateSettlement,
  getStatement,
  listSettlements,
  markSettlementPaid,
} from './settlements';
import { commissionReport, commissionReportTable, statementTable } from './report';
import { assertInScope } from '../agents/agent';

const override = z.object({
  scope: z.enum(['tier', 'category', 'product']),
  key: requiredText(64),
  level: z.number().int().min(0).max(MAX_UPLINE_LEVELS, `levels are 0..${MAX_UPLINE_LEVELS}`),
  rateBp: basisPoints,
});

const planInput = z
  .object({
    name: requiredText(100),
    effectiveFrom: day,
    base: z.enum(['net', 'margin']),
    rates: z
      .array(basisPoints)
      .min(1, 'give at least the direct rate')
      .max(1 + MAX_UPLINE_LEVELS, `at most two upline levels: ${DEPTH_RULE}`),
    overrides: z.array(override).default([]),
    note: optionalText(),
  })
  .superRefine((p, issue) => {
    const seen = new Set<string>();
    p.overrides.forEach((o, i) => {
      const k = `${o.scope}\u0000${o.key}\u0000${o.level}`;
      if (seen.has(k)) {
        issue.addIssue({
          code: 'custom',
          path: ['overrides', i],
          message: `${o.scope} ${o.key} level ${o.level} is given twice`,
        });
      }
      seen.add(k);
    });
  });

const toAfterFrom = (r: { from: string; to: string }, issue: z.RefinementCtx) => {
  if (r.to < r.from) {
    issue.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be on or after from (${r.from})`,
    });
  }
};

const file = z.string().trim().min(1, 'required');

/** An agent caller sees its own commissions only; an owner sees everyone's. */
function ownAgentOnly(ctx: Ctx, agentId: string | undefined, path = 'agentId'): string | undefined {
  if (ctx.actor.role !== 'agent') return agentId;
  const own = ctx.actor.agentId;
  if (!own || (agentId !== undefined && agentId !== own)) {
    throw new AppError('FORBIDDEN', 'An agent sees its own commissions only.', {
      issues: [{ path, message: 'not your agent id' }],
    });
  }
  return own;
}

const OWNER_AND_AGENT = ['owner', 'agent'] as const;

export const commissionsMethods = {
  'plan.create': method({
    summary:
      'Create a commission plan (direct rate + at most two upline levels); it ends the plan in force on its first day.',
    mutates: true,
    input: planInput,
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const planId = await createPlan(trx, ctx, {
          name: input.name,
          effectiveFrom: input.effectiveFrom,
          base: input.base,
          rates: input.rates,
          overrides: input.overrides,
          note: input.note,
        });
        return getPlan(trx, planId);
      });
    },
  }),
  'plan.get': method({
    summary: 'A commission plan with its overrides.',
    mutates: false,
    input: z.object({ id }),
    run: (ctx, input) => getPlan(ctx.db, input.id),
  }),
  'plan.list': method({
    summary: 'Every commission plan, oldest first.',
    mutates: false,
    input: z.object({}),
    run: (ctx) => listPlans(ctx.db),
  }),
  'plan.inForce': method({
    summary: 'The commission plan in force on a day (null when none).',
    mutates: false,
    input: z.object({ on: day.optional() }),
    run: (ctx, input) => planInForce(ctx.db, input.on ?? today(ctx)),
  }),
  'commission.entries': method({
    summary: 'Commission ledger entries with their status (pending, payable, inDraft, settled).',
    mutates: false,
    roles: OWNER_AND_AGENT,
    input: z.object({
      agentId: id.optional(),
      orderId: id.optional(),
      from: day.optional(),
      to: day.optional(),
      status: z.enum(ENTRY_STATUSES).optional(),
      asOf: day.optional(),
      ...page,
    }),
    async run(ctx, input) {
      const agentId = ownAgentOnly(ctx, input.agentId);
      const asOf = input.asOf ?? today(ctx);
      const status = entryStatusSql(asOf, await refundWindowDays(ctx.db));
      let q = ctx.db
        .selectFrom('commission_entries as e')
        .innerJoin('orders as o', 'o.id', 'e.order_id')
        .innerJoin('order_lines as l', 'l.id', 'e.order_line_id')
        .select([
          'e.id',
          'e.kind',
          'e.order_id',
          'o.order_no',
          'l.line_no',
          'e.order_line_id',
          'l.product_id',
          'e.refund_id',
          'e.reverses_id',
          'e.agent_id',
          'e.level',
          'e.credited_agent_id',
          'e.plan_id',
          'e.base_amount',
          'e.rate_bp',
          'e.amount',
          'e.accrued_on',
        ])
        .select(status.as('status'))
        .select((eb) =>
          eb
            .selectFrom('settlement_entries as se')
            .select('se.settlement_id')
            .whereRef('se.entry_id', '=', 'e.id')
            .as('settlement_id'),
        );
      if (agentId) q = q.where('e.agent_id', '=', agentId);
      if (input.orderId) q = q.where('e.order_id', '=', input.orderId);
      if (input.from) q = q.where('e.accrued_on', '>=', input.from);
      if (input.to) q = q.where('e.accrued_on', '<=', input.to);
      if (input.status) q = q.where(status, '=', input.status);
      const rows = await q
        .orderBy('e.accrued_on')
        .orderBy('e.id')
        .limit(input.limit)
        .offset(input.offset)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        orderId: r.order_id,
        orderNo: r.order_no,
        orderLineId: r.order_line_id,
        lineNo: r.line_no,
        productId: r.product_id,
        refundId: r.refund_id,
        reversesId: r.reverses_id,
        agentId: r.agent_id,
        level: r.level,
        creditedAgentId: r.credited_agent_id,
        planId: r.plan_id,
        baseAmount: r.base_amount,
        rateBp: r.rate_bp,
        amount: r.amount,
        accruedOn: r.accrued_on,
        status: r.status,
        settlementId: r.settlement_id ?? null,
      }));
    },
  }),
  'commission.balances': method({
    summary: "An agent's commission balances by status on a day (default today).",
    mutates: false,
    roles: OWNER_AND_AGENT,
    input: z.object({ agentId: id, asOf: day.optional() }),
    async run(ctx, input) {
      ownAgentOnly(ctx, input.agentId);
      const agent = await ctx.db
        .selectFrom('agents')
        .select('id')
        .where('id', '=', input.agentId)
        .executeTakeFirst();
      if (!agent) throw notFound('Agent', input.agentId, 'agentId');
      const asOf = input.asOf ?? today(ctx);
      return {
        agentId: input.agentId,
        asOf,
        ...(await commissionBalances(ctx.db, input.agentId, asOf)),
      };
    },
  }),
  'commission.report': method({
    summary:
      'Commissions by agent accrued in a period (net of reversals), by level and status. An agent sees its own subtree.',
    mutates: false,
    roles: OWNER_AND_AGENT,
    input: z
      .object({ from: day, to: day, agentId: id.optional(), asOf: day.optional() })
      .superRefine(toAfterFrom),
    async run(ctx, input) {
      let teamOf: string | undefined;
      if (ctx.actor.role === 'agent') {
        if (input.agentId !== undefined) await assertInScope(ctx, input.agentId, 'agentId');
        else teamOf = ownAgentOnly(ctx, undefined);
      }
      return commissionReport(ctx.db, {
        from: input.from,
        to: input.to,
        agentId: input.agentId,
        teamOf,
        asOf: input.asOf ?? today(ctx),
      });
    },
  }),
  'commission.reportExport': method({
    summary: 'Write the commissions report to a .csv or .xlsx file.',
    mutates: true,
    input: z
      .object({ from: day, to: day, agentId: id.optional(), asOf: day.optional(), file })
      .superRefine(toAfterFrom),
    async run(ctx, input) {
      const format = exportFormat(input.file);
      const { decimals } = await workspaceCurrency(ctx.db);
      return inTransaction(ctx, async (trx) => {
        const report = await commissionReport(trx, {
          from: input.from,
          to: input.to,
          agentId: input.agentId,
          asOf: input.asOf ?? today(ctx),
        });
        const r = await writeTable(commissionReportTable(report), {
          file: input.file,
          format,
          decimals,
          store: openDatabaseFiles(ctx.sqlite),
          notes: {
            subject: '佣金报表 (commissions)',
            filters: `计提日 accrued ${report.from} .. ${report.to}${input.agentId ? `; 代理 agent ${input.agentId}` : ''}; 状态截至 status as of ${report.asOf}`,
            madeAt: nowIso(ctx),
            version: APP_VERSION,
            remarks: [],
          },
          onRows: () => {},
        });
        return { file: input.file, format, rows: r.rows, totals: report.totals };
      });
    },
  }),
  'settlement.generate': method({
    summary:
      "Draft an agent's statement: every payable entry accrued up to periodTo, with carried clawbacks.",
    mutates: true,
    input: z
      .object({
        agentId: id,
        periodFrom: day.optional(),
        periodTo: day,
        asOf: day.optional(),
        note: optionalText(),
      })
      .superRefine((s, issue) => {
        if (s.periodFrom && s.periodFrom > s.periodTo) {
          issue.addIssue({
            code: 'custom',
            path: ['periodTo'],
            message: `must be on or after periodFrom (${s.periodFrom})`,
          });
        }
      }),
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const settlementId = await generateSettlement(trx, ctx, input);
        return getStatement(trx, settlementId);
      });
    },
  }),
  'settlement.get': method({
    summary: 'A statement with every entry behind its total.',
    mutates: false,
    roles: OWNER_AND_AGENT,
    input: z.object({ id }),
    async run(ctx, input) {
      const s = await getStatement(ctx.db, input.id);
      ownAgentOnly(ctx, s.agentId, 'id');
      return s;
    },
  }),
  'settlement.list': method({
    summary: 'Statements, optionally of one agent or one status.',
    mutates: false,
    roles: OWNER_AND_AGENT,
    input: z.object({ agentId: id.optional(), status: z.enum(['draft', 'paid']).optional() }),
    run: (ctx, input) =>
      listSettlements(ctx.db, { ...input, agentId: ownAgentOnly(ctx, input.agentId) }),
  }),
  'settlement.discard': method({
    summary: 'Discard a draft statement (its entries become payable again).',
    mutates: true,
    input: z.object({ id }),
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        await discardSettlement(trx, input.id);
        return { id: input.id, discarded: true };
      });
    },
  }),
  'settlement.markPaid': method({
    summary: 'Record the payout of a draft statement (method, reference, day, who paid); final.',
    mutates: true,
    input: z.object({
      id,
      paidOn: day.optional(),
      method: requiredText(40),
      reference: optionalText(200),
      paidBy: text(100).optional(),
    }),
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        await markSettlementPaid(trx, ctx, input.id, input);
        return getStatement(trx, input.id);
      });
    },
  }),
  'settlement.export': method({
    summary: 'Write a statement with every entry behind its total to a .csv or .xlsx file.',
    mutates: true,
    input: z.object({ id, file }),
    async run(ctx, input) {
      const format = exportFormat(input.file);
      const { decimals } = await workspaceCurrency(ctx.db);
      return inTransaction(ctx, async (trx) => {
        const s = await getStatement(trx, input.id);
        if (s.entries.length === 0) throw fieldError('id', 'this statement has no entries');
        const r = await writeTable(statementTable(s), {
          file: input.file,
          format,
          decimals,
          store: openDatabaseFiles(ctx.sqlite),
          notes: {
            subject: `佣金结算单 (commission statement) ${s.agentName}`,
            filters: `结算单 settlement ${s.id}; 代理 agent ${s.agentId}; 期间 period ${s.periodFrom} .. ${s.periodTo}; 状态 ${s.status}`,
            madeAt: nowIso(ctx),
            version: APP_VERSION,
            remarks: s.paidOn
              ? [`已付 paid ${s.paidOn} ${s.method ?? ''} ${s.reference ?? ''}`.trim()]
              : [],
          },
          onRows: () => {},
        });
        return { file: input.file, format, rows: r.rows, total: s.total };
      });
    },
  }),
} satisfies Record<string, AnyMethod>;
