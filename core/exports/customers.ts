// Customers export: the customer list with phone and address masked unless the seller asks for
// them in full. The headers are the ones the customer import reads.
import { addDays, dayAt, startOfDayAt, type DayZone } from '../shared/days';
import { sql } from 'kysely';
import type { Tx } from '../api/context';
import { maskAddress, maskPhone } from '../customers/mask';
import type { Column, ExportTable, Value } from './table';
import type { DayRange } from './ranges';

const PAGE = 1000;

const COLUMNS: Column[] = [
  { header: '客户编号', type: 'text' },
  { header: '姓名', type: 'text' },
  { header: '手机', type: 'text', width: 14 },
  { header: '微信号', type: 'text' },
  { header: '标签', type: 'text', width: 20 },
  { header: '来源', type: 'text' },
  { header: '备注', type: 'text', width: 24 },
  { header: '营销同意', type: 'text', width: 8 },
  { header: '地址', type: 'text', width: 30 },
  { header: '建档日期', type: 'day' },
];

/** Live customers (not deleted, not erased) added in the range (by the business's day). */
function inRange(trx: Tx, range: DayRange, zone: DayZone) {
  return trx
    .selectFrom('customers as c')
    .where('c.deleted_at', 'is', null)
    .where('c.erased_at', 'is', null)
    .$if(range.from !== null, (q) => q.where('c.created_at', '>=', startOfDayAt(range.from!, zone)))
    .$if(range.to !== null, (q) =>
      q.where('c.created_at', '<', startOfDayAt(addDays(range.to!, 1), zone)),
    );
}

export async function countCustomers(trx: Tx, range: DayRange, zone: DayZone): Promise<number> {
  const r = await inRange(trx, range, zone)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function customersTable(
  trx: Tx,
  range: DayRange,
  unmasked: boolean,
  rowCount: number,
  zone: DayZone,
): ExportTable {
  return {
    title: '客户',
    columns: COLUMNS,
    rowCount,
    async *pages() {
      let after: string | null = null;
      for (;;) {
        const rows = await inRange(trx, range, zone)
          .select([
            'c.id',
            'c.external_ref',
            'c.name',
            'c.phone',
            'c.wechat_id',
            'c.source',
            'c.notes',
            'c.marketing_consent',
            'c.created_at',
          ])
          // The default address (or the oldest), region and detail as one line.
          .select((eb) =>
            eb
              .selectFrom('customer_addresses as a')
              .select(sql<string>`coalesce(a.region, '') || a.detail`.as('address'))
              .whereRef('a.customer_id', '=', 'c.id')
              .where('a.deleted_at', 'is', null)
              .orderBy('a.is_default', 'desc')
              .orderBy('a.created_at')
              .limit(1)
              .as('address'),
          )
          .select((eb) =>
            eb
              .selectFrom('customer_tags as t')
              .select(sql<string>`group_concat(t.tag, '、')`.as('tags'))
              .whereRef('t.customer_id', '=', 'c.id')
              .as('tags'),
          )
          .$if(after !== null, (q) => q.where('c.id', '>', after!))
          .orderBy('c.id')
          .limit(PAGE)
          .execute();
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.id;
        yield rows.map((c): Value[] => [
          c.external_ref,
          c.name,
          unmasked ? c.phone : maskPhone(c.phone),
          c.wechat_id,
          c.tags,
          c.source,
          c.notes,
          c.marketing_consent === 1 ? '是' : '否',
          unmasked ? c.address : maskAddress(c.address),
          dayAt(c.created_at, zone),
        ]);
      }
    },
  };
}
