// Products export: the catalog as it stands now, with stock on hand and its value at average
// cost. The headers are the ones the product import reads (库存 as opening stock, 平均成本 as
// its cost), so a catalog moves to a new store with its stock.
import type { Tx } from '../api/context';
import type { Column, ExportTable, Value } from './table';

const PAGE = 1000;

const COLUMNS: Column[] = [
  { header: '商品编码', type: 'text' },
  { header: '商品名称', type: 'text', width: 24 },
  { header: '分类', type: 'text', width: 10 },
  { header: '单位', type: 'text', width: 6 },
  { header: '零售价', type: 'amount' },
  { header: '团购价', type: 'amount' },
  { header: '库存预警', type: 'count' },
  { header: '库存', type: 'count', total: true },
  { header: '平均成本', type: 'amount' },
  { header: '库存金额', type: 'amount', total: true },
  { header: '状态', type: 'text', width: 6 },
];

export async function countProducts(trx: Tx): Promise<number> {
  const r = await trx
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function productsTable(trx: Tx, rowCount: number): ExportTable {
  return {
    title: '商品',
    columns: COLUMNS,
    rowCount,
    async *pages() {
      let after: string | null = null;
      for (;;) {
        const rows = await trx
          .selectFrom('products')
          .selectAll()
          .where('deleted_at', 'is', null)
          .$if(after !== null, (q) => q.where('sku', '>', after!))
          .orderBy('sku')
          .limit(PAGE)
          .execute();
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.sku;
        yield rows.map((p): Value[] => [
          p.sku,
          p.name,
          p.category || null,
          p.unit,
          p.retail_price,
          p.group_price,
          p.low_stock_threshold,
          p.on_hand,
          p.avg_cost,
          p.on_hand * p.avg_cost,
          p.active === 1 ? '在售' : '停售',
        ]);
      }
    },
  };
}
