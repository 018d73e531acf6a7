// Exports: orders, customers, products and the stock ledger as CSV or XLSX (export.run), and
// the P&L report (report.export). Personal data is masked unless asked for in full, and every
// export of it is logged (PIPL).
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction, newId, nowIso, type Ctx, type Tx } from '../api/context';
import { fieldError } from '../api/errors';
import { day } from '../shared/schemas';
import { workspaceCurrency } from '../workspace/settings';
import { withDateRange } from '../figures/periods';
import { DIMENSION_BREAKDOWNS, TIME_BREAKDOWNS, pnlReport } from '../figures/report';
import { APP_VERSION } from './about';
import { exportFormat, writeTable, type ExportFormat } from './write';
import { rangeText, type DayRange } from './ranges';
import type { ExportNotes, ExportTable } from './table';
import { countOrderLines, ordersTable } from './orders';
import { countCustomers, customersTable } from './customers';
import { countProducts, productsTable } from './products';
import { countMovements, stockTable } from './stock';
import { BREAKDOWN_WORDS, pnlTable } from './pnl';
import { EXPORT_KINDS, type ExportKind } from './kinds';

const file = z.string().trim().min(1, 'required');

const SUBJECTS: Record<ExportKind, string> = {
  orders: '订单 (orders)',
  customers: '客户 (customers)',
  products: '商品 (products)',
  stock: '库存流水 (stock movements)',
};

const MASKED_REMARK = '手机号和地址已脱敏 (phones and addresses masked)';

/** Exports that carry customers' personal data, and so are logged. */
const PERSONAL: ReadonlySet<ExportKind> = new Set(['orders', 'customers']);

async function logPersonalExport(
  trx: Tx,
  ctx: Ctx,
  subject: string,
  detail: Record<string, unknown>,
) {
  await trx
    .insertInto('personal_data_log')
    .values({
      id: newId(),
      action: 'export',
      subject,
      detail: JSON.stringify(detail),
      created_at: nowIso(ctx),
    })
    .execute();
}

/** Writes the table with progress every ~1% of its rows. */
async function write(
  ctx: Ctx,
  table: ExportTable,
  target: { file: string; format: ExportFormat },
  notes: ExportNotes,
  decimals: number,
) {
  let lastStep = -1;
  const label = `Exporting ${notes.subject}`;
  ctx.progress({ label, done: 0, total: table.rowCount });
  return writeTable(table, {
    ...target,
    decimals,
    notes,
    onRows(done) {
      const step = table.rowCount === 0 ? 100 : Math.floor((done * 100) / table.rowCount);
      if (step !== lastStep) {
        lastStep = step;
        ctx.progress({ label, done, total: Math.max(table.rowCount, done) });
      }
    },
  });
}

export const exportsMethods = {
  'export.run': method({
    summary: 'Export orders, customers, products or stock movements to a .csv or .xlsx file.',
    mutates: true,
    input: z
      .object({
        kind: z.enum(EXPORT_KINDS, { error: `use one of ${EXPORT_KINDS.join(', ')}` }),
        file,
        from: day.optional(),
        to: day.optional(),
        /** Phones and addresses in full (the export is logged either way). */
        unmasked: z.boolean().default(false),
      })
      .superRefine((input, issue) => {
        if (input.from && input.to && input.to < input.from) {
          issue.addIssue({
            code: 'custom',
            path: ['to'],
            message: `must be on or after from (${input.from})`,
          });
        }
      }),
    async run(ctx, input) {
      const format = exportFormat(input.file);
      if (input.kind === 'products' && (input.from || input.to)) {
        throw fieldError(
          input.from ? 'from' : 'to',
          'products are exported as they are now: leave out from and to',
        );
      }
      const { decimals } = await workspaceCurrency(ctx.db);
      const range: DayRange = { from: input.from ?? null, to: input.to ?? null };
      const masked = !input.unmasked && PERSONAL.has(input.kind);
      const madeAt = nowIso(ctx);
      return inTransaction(ctx, async (trx) => {
        let table: ExportTable;
        let filters: string;
        switch (input.kind) {
          case 'orders':
            table = ordersTable(trx, range, input.unmasked, await countOrderLines(trx, range));
            filters = rangeText('下单日期 ordered', range);
            break;
          case 'customers':
            table = customersTable(trx, range, input.unmasked, await countCustomers(trx, range));
            filters = rangeText('建档日期 added', range);
            break;
          case 'products':
            table = productsTable(trx, await countProducts(trx));
            filters = '全部在用商品 (all products not deleted)';
            break;
          case 'stock':
            table = stockTable(trx, range, await countMovements(trx, range));
            filters = rangeText('日期 day', range);
            break;
        }
        const notes: ExportNotes = {
          subject: SUBJECTS[input.kind],
          filters,
          madeAt,
          version: APP_VERSION,
          remarks: masked ? [MASKED_REMARK] : [],
        };
        const { rows } = await write(ctx, table, { file: input.file, format }, notes, decimals);
        if (PERSONAL.has(input.kind)) {
          await logPersonalExport(trx, ctx, input.kind, {
            file: input.file,
            rows,
            from: range.from,
            to: range.to,
            masked,
          });
        }
        return { kind: input.kind, file: input.file, format, rows, masked, madeAt };
      });
    },
  }),

  'report.export': method({
    summary: 'Write the P&L report (the figures of figures.pnl) to a .csv or .xlsx file.',
    mutates: true,
    input: withDateRange({
      by: z.enum([...TIME_BREAKDOWNS, ...DIMENSION_BREAKDOWNS]).default('month'),
      file,
      format: z.enum(['csv', 'xlsx']).optional(),
    }),
    async run(ctx, input) {
      let format: ExportFormat;
      if (input.format) {
        format = input.format;
        const named = /\.(csv|xlsx)$/i.exec(input.file)?.[1]?.toLowerCase();
        if (named && named !== format) {
          throw fieldError(
            'format',
            `the file name ends in .${named} but the format is ${format}: make them agree`,
          );
        }
      } else {
        format = exportFormat(input.file);
      }
      const { decimals } = await workspaceCurrency(ctx.db);
      const madeAt = nowIso(ctx);
      return inTransaction(ctx, async (trx) => {
        const report = await pnlReport(trx, { from: input.from, to: input.to, by: input.by });
        const notes: ExportNotes = {
          subject: `利润表 (P&L) ${report.currency}, 按${BREAKDOWN_WORDS[report.by]} (by ${report.by})`,
          filters: `${report.from} 至 ${report.to}`,
          madeAt,
          version: APP_VERSION,
          remarks: [],
        };
        const { rows } = await write(
          ctx,
          pnlTable(report),
          { file: input.file, format },
          notes,
          decimals,
        );
        // A breakdown by customer lists customers by name: personal data, so logged.
        if (report.by === 'customer') {
          await logPersonalExport(trx, ctx, 'report:customer', {
            file: input.file,
            rows,
            from: report.from,
            to: report.to,
          });
        }
        return {
          file: input.file,
          format,
          rows,
          from: report.from,
          to: report.to,
          by: report.by,
          madeAt,
        };
      });
    },
  }),
} satisfies Record<string, AnyMethod>;
