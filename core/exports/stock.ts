// Stock export: the movement ledger (every goods in and out, at its booked unit cost) in the
// range, oldest first.
import type { MovementKind } from '../../db/schema';
import type { Tx } from '../api/context';
import type { Column, ExportTable, Value } from './table';
import type { DayRange } from './ranges';

/** Where the previous page ended (keyset paging: no OFFSET scans on long exports). */
type Cursor = { day: string; id: string };

const PAGE = 1000;

export const MOVEMENT_WORDS: Record<MovementKind, string> = {
  opening: '期初',
  purchase: '采购入库',
  sale: '销售出库',
  sale_cancel: '取消退回',
  refund_restock: '退货入库',
  stocktake: '盘点',
  damage: '损坏',
  loss: '丢失',
  transfer_out: '调拨给代理',
  adjustment: '调整',
};

const COLUMNS: Column[] = [
  { header: '日期', type: 'day' },
  { header: '商品编码', type: 'text' },
  { header: '商品名称', type: 'text', width: 24 },
  { header: '类型', type: 'text', width: 10 },
  { header: '数量', type: 'count', total: true },
  { header: '单位成本', type: 'amount' },
  { header: '金额', type: 'amount', total: true },
  { header: '订单号', type: 'text', width: 18 },
  { header: '备注', type: 'text', width: 24 },
];

function inRange(trx: Tx, range: DayRange) {
  return trx
    .selectFrom('stock_movements as m')
    .$if(range.from !== null, (q) => q.where('m.occurred_on', '>=', range.from!))
    .$if(range.to !== null, (q) => q.where('m.occurred_on', '<=', range.to!));
}

export async function countMovements(trx: Tx, range: DayRange): Promise<number> {
  const r = await inRange(trx, range)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** One page of movements in the range after the cursor, oldest first. */
function movementPage(trx: Tx, range: DayRange, cursor: Cursor | null) {
  return inRange(trx, range)
    .innerJoin('products as p', 'p.id', 'm.product_id')
    .leftJoin('orders as o', 'o.id', 'm.order_id')
    .select([
      'm.id',
      'm.occurred_on',
      'p.sku',
      'p.name',
      'm.kind',
      'm.quantity',
      'm.unit_cost',
      'o.order_no',
      'm.note',
    ])
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('m.occurred_on', '>', cursor!.day),
          eb.and([eb('m.occurred_on', '=', cursor!.day), eb('m.id', '>', cursor!.id)]),
        ]),
      ),
    )
    .orderBy('m.occurred_on')
    .orderBy('m.id')
    .limit(PAGE)
    .execute();
}

export function stockTable(trx: Tx, range: DayRange, rowCount: number): ExportTable {
  return {
    title: '库存流水',
    columns: COLUMNS,
    rowCount,
    async *pages() {
      let after: Cursor | null = null;
      for (;;) {
        const rows = await movementPage(trx, range, after);
        if (rows.length === 0) return;
        const last = rows[rows.length - 1]!;
        after = { day: last.occurred_on, id: last.id };
        yield rows.map((m): Value[] => [
          m.occurred_on,
          m.sku,
          m.name,
          MOVEMENT_WORDS[m.kind],
          m.quantity,
          m.unit_cost,
          m.quantity * m.unit_cost,
          m.order_no,
          m.note,
        ]);
      }
    },
  };
}
