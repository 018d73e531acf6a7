// Run in a child process with TZ set (tests/integration/time-zones.test.ts): a new business
// that follows the machine's zone records dates typed by a seller, and reads them back. Prints
// one JSON line: what each step gave, or the error it met. Nothing here mocks the store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';
import { day } from '../../core/shared/schemas';
import { addDays, dayAt } from '../../core/shared/days';

const dir = mkdtempSync(join(tmpdir(), 'qundesk-zone-'));
const out: Record<string, unknown> = { zone: process.env.TZ };
try {
  const store = openStore(join(dir, 'shop.sqlite'));
  // 2026-12-07 20:30 UTC: already the 8th east of UTC+3:30, still the 7th in the Americas.
  const now = new Date('2026-12-07T20:30:00Z');
  const core = createCore({ store, clock: { now: () => now } });
  await core.invoke('workspace.init', { name: '时区小店' });
  // Days a seller types, the daylight-saving changes of 2026 among them.
  const typed = [
    '2026-03-01',
    '2026-03-08',
    '2026-03-29',
    '2026-10-25',
    '2026-11-01',
    '2026-12-31',
    '2024-02-29',
  ];
  out.refused = typed.filter((d) => !day.safeParse(d).success);
  out.invalidAccepted = ['2026-02-29', '2026-13-01', '2026-04-31'].filter(
    (d) => day.safeParse(d).success,
  );
  out.nextDays = typed.map((d) => addDays(d, 1));
  out.today = ((await core.invoke('workspace.get', {})) as { today: string }).today;
  const product = (await core.invoke('product.create', {
    name: '赣南脐橙',
    sku: 'ORANGE-5',
    retailPrice: 2890,
  })) as { id: string };
  const order = (await core.invoke('order.create', {
    orderedOn: '2026-03-29',
    lines: [{ productId: product.id, quantity: 1 }],
  })) as { id: string; orderedOn: string; orderNo: string };
  out.order = { orderedOn: order.orderedOn, orderNo: order.orderNo };
  const paid = (await core.invoke('order.recordPayment', {
    orderId: order.id,
    amount: 2890,
    method: 'wechat',
    paidOn: '2026-03-29',
  })) as { paidOn: string };
  out.paidOn = paid.paidOn;
  const expense = (await core.invoke('expense.record', {
    category: 'ads',
    amount: 100,
    spentOn: '2026-03-01',
  })) as { spentOn: string };
  out.spentOn = expense.spentOn;
  const pnl = (await core.invoke('figures.pnl', {
    from: '2026-03-01',
    to: '2026-03-31',
    by: 'day',
  })) as { rows: { key: string; revenue: number; fees: number }[] };
  out.pnlDays = pnl.rows.filter((r) => r.revenue !== 0 || r.fees !== 0).map((r) => r.key);
  // An order import: plain days and a time with a zone.
  const csv = join(dir, 'orders.csv');
  writeFileSync(
    csv,
    '订单号,下单时间,客户,商品编码,数量,单价,状态\nA1,2026-10-25,王芳,ORANGE-5,1,28.90,已付款\nA2,2026-11-01T01:30:00+08:00,李娜,ORANGE-5,1,28.90,已付款\n',
  );
  out.imported = await core.invoke('import.run', { kind: 'orders', file: csv });
  const list = (await core.invoke('order.list', { from: '2026-10-01', to: '2026-11-30' })) as {
    rows: { orderedOn: string; externalRef?: string | null }[];
  };
  out.importedDays = list.rows.map((r) => r.orderedOn).sort();
  out.dayOfInstant = dayAt('2026-12-07T20:30:00Z', { timeZone: 'Asia/Shanghai' });
  await store.close();
} catch (e) {
  out.error =
    e instanceof Error
      ? `${e.message} ${JSON.stringify((e as { details?: unknown }).details ?? '')}`
      : String(e);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out)}\n`);
