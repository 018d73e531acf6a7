// Order import: one row per order line; rows sharing an order number are one order, whose
// order-level fields (dates, status, customer, group, shipping, fees) come from its first row.
// Orders already in the store (by order number) are skipped, so re-importing adds nothing.
// Customers, groups and products the sheet names but the store lacks are created on the way.
import { z } from 'zod';
import type { FeeKind, OrderStatus } from '../../db/schema';
import type { Tx } from '../api/context';
import { AppError } from '../api/errors';
import { divRoundHalfUp, mulDivRoundHalfUp } from '../money';
import { PHONE_HINT, normalisePhone } from '../customers/phone';
import { recordImportedOrder, type ImportedOrderSpec } from '../orders/imported';
import { PAID_STATUSES } from '../orders/lifecycle';
import {
  EXACT_DIGITS,
  MASKED_PHONE,
  isMaskedPhone,
  readAmount,
  readDay,
  readStatus,
  readText,
  readWhole,
} from './cells';
import { cellField } from './rows';
import type { KindImporter, WriteEnv } from './run';
import { OrderReferences, type LineProduct } from './order-references';

const FEES = [
  ['fee_platform', 'platform'],
  ['fee_payment', 'payment'],
  ['fee_shipping', 'shipping'],
  ['fee_packaging', 'packaging'],
  ['fee_other', 'other'],
] as const satisfies readonly (readonly [string, FeeKind])[];

/** Fields that describe the whole order: taken from its first row. */
const ORDER_LEVEL = [
  'ordered_at',
  'paid_at',
  'status',
  'customer_ref',
  'customer_name',
  'customer_phone',
  'group',
  'agent_ref',
  'shipping_charged',
  ...FEES.map(([field]) => field),
] as const;

export interface OrderLineRow {
  orderNo: string;
  orderedOn: string;
  paidOn: string | null;
  status: OrderStatus;
  customerRef: string | null;
  customerName: string | null;
  customerPhone: string | null;
  group: string | null;
  agentRef: string | null;
  sku: string | null;
  productName: string | null;
  category: string | null;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  /** Null when the sheet gives no cost for the line (the product's average cost is used). */
  cost: number | null;
  shippingCharged: number;
  fees: { kind: FeeKind; amount: number }[];
  /** Order-level values as read, to spot later rows that disagree with the first. */
  orderLevel: Record<(typeof ORDER_LEVEL)[number], string | null>;
  /** Not errors, but worth telling: (field, message). */
  notes: { field: string; message: string }[];
}

const SCALE = 10 ** EXACT_DIGITS;

export const orderImport: KindImporter<OrderLineRow> = {
  fieldOf: () => null,

  rowSchema(decimals, utcOffsetMinutes) {
    const text = (max: number) => cellField((c) => readText(c, max));
    const day = cellField((c) => readDay(c, utcOffsetMinutes));
    const amount = cellField((c) => readAmount(c, decimals)).optional;
    return z
      .object({
        order_no: text(64).required,
        ordered_at: day.required,
        paid_at: day.optional,
        status: cellField(readStatus).optional,
        customer_ref: text(100).optional,
        customer_name: text(100).optional,
        customer_phone: text(40).optional,
        group: text(100).optional,
        agent_ref: text(64).optional,
        sku: text(64).optional,
        product_name: text(200).optional,
        category: text(50).optional,
        quantity: cellField((c) => readWhole(c, 1)).required,
        unit_price: amount,
        line_total: amount,
        unit_cost: amount,
        line_cost: amount,
        line_profit: cellField((c) => readAmount(c, decimals, true)).optional,
        shipping_charged: amount,
        fee_platform: amount,
        fee_payment: amount,
        fee_shipping: amount,
        fee_packaging: amount,
        fee_other: amount,
      })
      .transform((r, ctx): OrderLineRow => {
        const issue = (field: string, message: string) => {
          ctx.addIssue({ code: 'custom', path: [field], message });
          return z.NEVER;
        };
        if (r.sku === null && r.product_name === null)
          return issue('sku', 'give a SKU or a product name');
        if (r.unit_price === null && r.line_total === null) {
          return issue('unit_price', 'give a unit price or a line amount');
        }
        let phone: string | null = null;
        if (r.customer_phone !== null) {
          if (isMaskedPhone(r.customer_phone)) return issue('customer_phone', MASKED_PHONE);
          phone = normalisePhone(r.customer_phone);
          if (phone === null) return issue('customer_phone', PHONE_HINT);
        }
        // Rounded once per line: a unit price of 22.368 x 3 is 67.104 -> 67.10, not 3 x 22.37.
        const lineTotal =
          r.line_total?.minor ?? mulDivRoundHalfUp(r.unit_price!.exact, r.quantity, SCALE);
        const unitPrice = r.unit_price?.minor ?? divRoundHalfUp(lineTotal, r.quantity);
        let cost: number | null = null;
        if (r.line_cost !== null) cost = r.line_cost.minor;
        else if (r.unit_cost !== null)
          cost = mulDivRoundHalfUp(r.unit_cost.exact, r.quantity, SCALE);
        else if (r.line_profit !== null) {
          cost = lineTotal - r.line_profit.minor;
          if (cost < 0)
            return issue(
              'line_profit',
              'the profit is more than the line amount, so the cost would be below 0',
            );
        }

        const notes: OrderLineRow['notes'] = [];
        const status = r.status ?? 'completed';
        let paidOn: string | null = null;
        if (PAID_STATUSES.has(status)) paidOn = r.paid_at ?? r.ordered_at;
        else if (r.paid_at !== null) {
          notes.push({
            field: 'paid_at',
            message: `the order is ${status}, not paid: its payment date is ignored`,
          });
        }
        if (r.unit_price !== null && r.line_total !== null && lineTotal > r.quantity * unitPrice) {
          notes.push({
            field: 'line_total',
            message: 'the line amount is more than quantity x unit price',
          });
        }
        const shown = (v: unknown): string | null =>
          v === null
            ? null
            : typeof v === 'object'
              ? String((v as { minor: number }).minor)
              : String(v);
        return {
          orderNo: r.order_no,
          orderedOn: r.ordered_at,
          paidOn,
          status,
          customerRef: r.customer_ref,
          customerName: r.customer_name,
          customerPhone: phone,
          group: r.group,
          agentRef: r.agent_ref,
          sku: r.sku,
          productName: r.product_name,
          category: r.category,
          quantity: r.quantity,
          unitPrice,
          lineTotal,
          cost,
          shippingCharged: r.shipping_charged?.minor ?? 0,
          fees: FEES.flatMap(([field, kind]) => {
            const a = r[field];
            return a && a.minor > 0 ? [{ kind, amount: a.minor }] : [];
          }),
          orderLevel: Object.fromEntries(
            ORDER_LEVEL.map((field) => [
              field,
              shown(field === 'customer_phone' ? phone : r[field]),
            ]),
          ) as OrderLineRow['orderLevel'],
          notes,
        };
      });
  },

  async write(env, rows) {
    const { trx, report, tick } = env;
    const orders = new Map<string, { row: number; data: OrderLineRow }[]>();
    for (const r of rows) {
      const lines = orders.get(r.data.orderNo);
      if (lines) lines.push(r);
      else orders.set(r.data.orderNo, [r]);
    }
    const existing = await existingOrderNos(trx, [...orders.keys()]);
    const refs = new OrderReferences(env);
    let inserted = 0;
    let skipped = 0;
    let done = 0;
    for (const [orderNo, lines] of orders) {
      done += lines.length;
      if (existing.has(orderNo)) {
        skipped++;
      } else if (await writeOrder(env, refs, orderNo, lines)) {
        inserted++;
        warnAboutRows(env, lines);
      }
      tick(done);
    }
    if (inserted > 0 && refs.costField === null) {
      report.warn(
        1,
        null,
        "the file has no cost column (成本, 成本金额 or 利润): lines are costed at the product's average cost",
      );
    }
    return { inserted, skipped };
  },
};

/** What the seller should know about an imported order's rows, though nothing is wrong. */
function warnAboutRows({ report }: WriteEnv, lines: { row: number; data: OrderLineRow }[]) {
  const first = lines[0]!;
  for (const { row, data } of lines) {
    for (const n of data.notes) report.warn(row, n.field, n.message);
    if (row === first.row) continue;
    for (const field of ORDER_LEVEL) {
      const later = data.orderLevel[field];
      if (later !== null && later !== first.data.orderLevel[field]) {
        report.warn(
          row,
          field,
          `differs from the order's first row (row ${first.row}): kept the first row's value`,
        );
      }
    }
  }
}

async function existingOrderNos(trx: Tx, orderNos: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  // Chunks stay well under SQLite's limit on bound parameters.
  for (let i = 0; i < orderNos.length; i += 500) {
    const rows = await trx
      .selectFrom('orders')
      .select('order_no')
      .where('order_no', 'in', orderNos.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.order_no);
  }
  return found;
}

/** Spec field -> import field, for issues recordImportedOrder raises. */
const SPEC_FIELDS: Record<string, string> = {
  orderNo: 'order_no',
  orderedOn: 'ordered_at',
  paidOn: 'paid_at',
  status: 'status',
  customerId: 'customer_name',
  groupId: 'group',
  agentId: 'agent_ref',
  shippingCharged: 'shipping_charged',
  productId: 'sku',
  quantity: 'quantity',
  unitPrice: 'unit_price',
  netAmount: 'line_total',
  cost: 'line_cost',
};

/** Writes one order; a refusal is reported against its rows and returns false. */
async function writeOrder(
  env: WriteEnv,
  refs: OrderReferences,
  orderNo: string,
  lines: { row: number; data: OrderLineRow }[],
): Promise<boolean> {
  const { report } = env;
  const head = lines[0]!;
  const o = head.data;
  try {
    const products: LineProduct[] = [];
    for (const l of lines) products.push(await refs.product(l.row, l.data));
    const spec: ImportedOrderSpec = {
      orderNo,
      orderedOn: o.orderedOn,
      paidOn: o.paidOn,
      status: o.status,
      customerId: await refs.customer(o),
      groupId: o.group === null ? null : await refs.group(o.group),
      agentId: o.agentRef === null ? null : await refs.agent(o.agentRef),
      shippingCharged: o.shippingCharged,
      fees: o.fees,
      lines: lines.map(({ row, data: l }, i) => {
        const product = products[i]!;
        let cost = l.cost;
        if (cost === null) {
          cost = product.avgCost * l.quantity;
          if (refs.costField !== null) {
            report.warn(row, refs.costField, "no cost given: used the product's average cost");
          }
        }
        return {
          productId: product.id,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          netAmount: l.lineTotal,
          cost,
        };
      }),
      moveStock: env.moveStock,
    };
    await recordImportedOrder(env.trx, env.ctx, spec);
    return true;
  } catch (err) {
    const issues = err instanceof AppError ? (err.details?.issues ?? []) : [];
    if (issues.length === 0) report.failWith(head.row, err, () => null);
    for (const i of issues) {
      // "lines.2.quantity" is about the order's third row; other paths about the order itself.
      const m = /^lines\.(\d+)\.(\w+)/.exec(i.path);
      const row = m ? (lines[Number(m[1])]?.row ?? head.row) : head.row;
      const field = SPEC_FIELDS[m ? m[2]! : (i.path.split('.')[0] ?? '')] ?? null;
      report.fail(row, field, i.message);
    }
    return false;
  }
}
