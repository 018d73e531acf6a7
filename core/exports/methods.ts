// Exports: orders, customers, products and the stock ledger as CSV or XLSX (export.run), and
// the P&L report (report.export). Personal data is masked unless asked for in full, and every
// export of it is logged (PIPL): on a device signed in to a sync server the log entry is
// recorded as the synced mutation personalData.logExport, and the file stays on the device
// (personal-log.ts).
import { z } from 'zod';
import { method, type AnyMethod, type RecordCall } from '../api/define';
import { nowIso, type Ctx, type Tx } from '../api/context';
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
import { withExportLog, type ExportLog } from './personal-log';

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

/** A row count no export reaches: the longest detail an entry can have, checked up front. */
const MOST_ROWS = Number.MAX_SAFE_INTEGER;

/**
 * Logs the export of personal data that `write` makes: the entry (at its longest) is checked
 * before the file is written, and logged with the rows written once it is.
 */
async function loggedWrite(
  log: ExportLog,
  trx: Tx,
  subject: string,
  file: string,
  detail: (rows: number) => Record<string, unknown>,
  write: () => Promise<{ rows: number }>,
): Promise<{ rows: number }> {
  log.check({ subject, detail: JSON.stringify(detail(MOST_ROWS)) });
  const written = await write();
  await log.add(trx, { subject, detail: JSON.stringify(detail(written.rows)) }, file);
  return written;
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

const exportRunInput = z
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
  });

const reportExportInput = withDateRange({
  by: z.enum([...TIME_BREAKDOWNS, ...DIMENSION_BREAKDOWNS]).default('month'),
  file,
  format: z.enum(['csv', 'xlsx']).optional(),
});

/** export.run: the file, and its log when it carries personal data (record: at the origin). */
async function exportRun(
  ctx: Ctx,
  input: z.output<typeof exportRunInput>,
  record: RecordCall | null,
) {
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
  return withExportLog(ctx, record, async (trx, log) => {
    let table: ExportTable;
    let filters: string;
    switch (input.kind) {
      case 'orders':
        table = ordersTable(trx, range, input.unmasked, await countOrderLines(trx, range));
        filters = rangeText('下单日期 ordered', range);
        break;
      case 'customers':
        table = customersTable(
          trx,
          range,
          input.unmasked,
          await countCustomers(trx, range, ctx.clock),
          ctx.clock,
        );
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
    const writeFile = () => write(ctx, table, { file: input.file, format }, notes, decimals);
    const { rows } = PERSONAL.has(input.kind)
      ? await loggedWrite(
          log,
          trx,
          input.kind,
          input.file,
          (n) => ({ file: input.file, rows: n, from: range.from, to: range.to, masked }),
          writeFile,
        )
      : await writeFile();
    return { kind: input.kind, file: input.file, format, rows, masked, madeAt };
  });
}

/** report.export: the file, and its log when it lists customers (record: at the origin). */
async function reportExport(
  ctx: Ctx,
  input: z.output<typeof reportExportInput>,
  record: RecordCall | null,
) {
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
  return withExportLog(ctx, record, async (trx, log) => {
    const report = await pnlReport(trx, { from: input.from, to: input.to, by: input.by });
    const notes: ExportNotes = {
      subject: `利润表 (P&L) ${report.currency}, 按${BREAKDOWN_WORDS[report.by]} (by ${report.by})`,
      filters: `${report.from} 至 ${report.to}`,
      madeAt,
      version: APP_VERSION,
      remarks: [],
    };
    const writeFile = () =>
      write(ctx, pnlTable(report), { file: input.file, format }, notes, decimals);
    // A breakdown by customer lists customers by name: personal data, so logged.
    const { rows } =
      report.by === 'customer'
        ? await loggedWrite(
            log,
            trx,
            'report:customer',
            input.file,
            (n) => ({ file: input.file, rows: n, from: report.from, to: report.to }),
            writeFile,
          )
        : await writeFile();
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
}

export const exportsMethods = {
  'export.run': method({
    summary: 'Export orders, customers, products or stock movements to a .csv or .xlsx file.',
    mutates: true,
    input: exportRunInput,
    run: (ctx, input) => exportRun(ctx, input, null),
    // Signed in: the file is written here, and its log entry recorded as personalData.logExport.
    atOrigin: (ctx, input, record) => exportRun(ctx, input, record),
  }),

  'report.export': method({
    summary: 'Write the P&L report (the figures of figures.pnl) to a .csv or .xlsx file.',
    mutates: true,
    input: reportExportInput,
    run: (ctx, input) => reportExport(ctx, input, null),
    // Signed in: the file is written here, and its log entry recorded as personalData.logExport.
    atOrigin: (ctx, input, record) => reportExport(ctx, input, record),
  }),
} satisfies Record<string, AnyMethod>;
