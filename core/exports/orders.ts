// Orders export: one row per order line, with the order's fields on its first line only (so the
// totals row adds shipping and fees once per order). The headers are the ones the order import
// reads, so an exported sheet imports back into another store as it is.
import type { FeeKind, OrderStatus } from '../../db/schema';
import type { Tx } from '../api/context';
import { maskAddress, maskPhone } from '../customers/mask';
import type { Column, ExportTable, Value } from './table';
import type { DayRange } from './ranges';

/** Where the previous page ended (keyset paging: no OFFSET scans on long exports). */
type Cursor = { day: string; id: string };

const PAGE = 500;

/** Order statuses as the seller says them (the order import reads these back). */
export const STATUS_WORDS: Record<OrderStatus, string> = {
  draft: '草稿',
  confirmed: '待付款',
  paid: '已付款',
  shipped: '已发货',
  completed: '已完成',
  cancelled: '已取消',
};

const FEE_COLUMNS: [FeeKind, string][] = [
  ['platform', '平台费'],
  ['payment', '手续费'],
  ['shipping', '快递费'],
  ['packaging', '包装费'],
  ['other', '其他费用'],
];

/** The eight line columns (商品编码 .. 利润), empty for an order without lines. */
const LINE_BLANKS: Value[] = Array.from({ length: 8 }, () => null);

const COLUMNS: Column[] = [
  { header: '订单号', type: 'text', width: 18 },
  { header: '下单日期', type: 'day' },
  { header: '付款日期', type: 'day' },
  { header: '状态', type: 'text', width: 8 },
  { header: '客户编号', type: 'text' },
  { header: '客户', type: 'text' },
  { header: '手机', type: 'text', width: 14 },
  { header: '群', type: 'text' },
  { header: '代理', type: 'text' },
  { header: '商品编码', type: 'text' },
  { header: '商品名称', type: 'text', width: 24 },
  { header: '分类', type: 'text', width: 10 },
  { header: '数量', type: 'count', total: true, width: 8 },
  { header: '单价', type: 'amount' },
  { header: '金额', type: 'amount', total: true },
  { header: '成本金额', type: 'amount', total: true },
  { header: '利润', type: 'amount', total: true },
  { header: '运费', type: 'amount', total: true },
  ...FEE_COLUMNS.map(([, header]): Column => ({ header, type: 'amount', total: true })),
  { header: '已退款', type: 'amount', total: true },
  { header: '收货地址', type: 'text', width: 30 },
];

export function ordersTable(
  trx: Tx,
  range: DayRange,
  unmasked: boolean,
  rowCount: number,
): ExportTable {
  return {
    title: '订单',
    columns: COLUMNS,
    rowCount,
    async *pages() {
      let after: Cursor | null = null;
      for (;;) {
        const orders = await orderPage(trx, range, after);
        if (orders.length === 0) return;
        const last = orders[orders.length - 1]!;
        after = { day: last.ordered_on, id: last.id };

        const ids = orders.map((o) => o.id);
        const lines = await trx
          .selectFrom('order_lines')
          .select([
            'order_id',
            'sku',
            'product_name',
            'category',
            'quantity',
            'unit_price',
            'net_amount',
            'cost',
          ])
          .where('order_id', 'in', ids)
          .orderBy('order_id')
          .orderBy('line_no')
          .execute();
        const fees = await trx
          .selectFrom('order_fees')
          .select(['order_id', 'kind'])
          .select((eb) => eb.fn.sum<number>('amount').as('amount'))
          .where('order_id', 'in', ids)
          .groupBy(['order_id', 'kind'])
          .execute();
        const linesOf = groupBy(lines, (l) => l.order_id);
        const feesOf = groupBy(fees, (f) => f.order_id);

        const page: Value[][] = [];
        for (const o of orders) {
          const feeByKind = new Map(
            (feesOf.get(o.id) ?? []).map((f) => [f.kind, Number(f.amount)]),
          );
          const phone = unmasked ? o.phone : maskPhone(o.phone);
          const address = unmasked ? o.shipping_address : maskAddress(o.shipping_address);
          const orderCells = (first: boolean) => ({
            head: [
              o.order_no,
              o.ordered_on,
              first ? o.paid_on : null,
              first ? STATUS_WORDS[o.status] : null,
              first ? o.external_ref : null,
              first ? o.customer_name : null,
              first ? phone : null,
              first ? o.group_name : null,
              first ? o.agent_id : null,
            ],
            money: first
              ? [
                  o.shipping_charged,
                  ...FEE_COLUMNS.map(([kind]) => feeByKind.get(kind) ?? 0),
                  o.refunded_total,
                  address,
                ]
              : [null, ...FEE_COLUMNS.map(() => null), null, null],
          });
          const orderLines = linesOf.get(o.id) ?? [];
          // An order with no lines still shows once.
          if (orderLines.length === 0) {
            const c = orderCells(true);
            page.push([...c.head, ...LINE_BLANKS, ...c.money]);
          }
          orderLines.forEach((l, i) => {
            const c = orderCells(i === 0);
            page.push([
              ...c.head,
              l.sku,
              l.product_name,
              l.category || null,
              l.quantity,
              l.unit_price,
              l.net_amount,
              l.cost,
              l.net_amount - l.cost,
              ...c.money,
            ]);
          });
        }
        yield page;
      }
    },
  };
}

/** One page of orders in the range after the cursor, oldest first. */
function orderPage(trx: Tx, range: DayRange, cursor: Cursor | null) {
  return trx
    .selectFrom('orders as o')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .leftJoin('customer_groups as g', 'g.id', 'o.group_id')
    .select([
      'o.id',
      'o.order_no',
      'o.ordered_on',
      'o.paid_on',
      'o.status',
      'o.agent_id',
      'o.shipping_charged',
      'o.refunded_total',
      'o.shipping_address',
      'c.external_ref',
      'c.name as customer_name',
      'c.phone',
      'g.name as group_name',
    ])
    .$if(range.from !== null, (q) => q.where('o.ordered_on', '>=', range.from!))
    .$if(range.to !== null, (q) => q.where('o.ordered_on', '<=', range.to!))
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('o.ordered_on', '>', cursor!.day),
          eb.and([eb('o.ordered_on', '=', cursor!.day), eb('o.id', '>', cursor!.id)]),
        ]),
      ),
    )
    .orderBy('o.ordered_on')
    .orderBy('o.id')
    .limit(PAGE)
    .execute();
}

/** Rows of the export: one per line, and one for each order without lines. */
export async function countOrderLines(trx: Tx, range: DayRange): Promise<number> {
  const r = await trx
    .selectFrom('orders as o')
    .leftJoin('order_lines as l', 'l.order_id', 'o.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .$if(range.from !== null, (q) => q.where('o.ordered_on', '>=', range.from!))
    .$if(range.to !== null, (q) => q.where('o.ordered_on', '<=', range.to!))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
