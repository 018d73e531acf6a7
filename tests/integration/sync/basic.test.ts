// One owner device records a small business, a second device joins and ends up with the same
// rows; edits from both meet on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, diffRows, serverView, startServer, type SimServer } from '../../sim/harness';
import { systemClock } from '../../../core/api/context';

describe('sync (sqlite server)', () => {
  let server: SimServer;
  const devices: Device[] = [];
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(async () => {
    for (const d of devices) await d.dispose();
    await server.close();
  });

  it('a second device gets what the first recorded', async () => {
    const a = new Device({ name: 'a', clock: systemClock });
    const b = new Device({ name: 'b', clock: systemClock });
    devices.push(a, b);
    await a.core.invoke('workspace.init', { name: '小店' });
    const c = await a.core.invoke('customer.create', { name: '张三', phone: '13800138000' });
    const p = await a.core.invoke('product.create', { sku: 'A1', name: '脐橙', retailPrice: 1000 });
    await a.core.invoke('purchase.record', { lines: [{ productId: p.id, quantity: 10, unitCost: 600 }] });
    const o = await a.core.invoke('order.create', {
      customerId: c.id,
      lines: [{ productId: p.id, quantity: 2 }],
    });
    await a.core.invoke('order.markPaid', { orderId: o.id });
    const s = await a.client.signUp({
      serverUrl: server.url,
      email: 'owner@example.com',
      password: 'correct horse battery',
      workspaceName: '小店',
      deviceName: 'a',
    });
    await a.client.syncOnce();
    expect(diffRows(a.rows(), await serverView(server.db, s.workspace.id, null))).toEqual([]);

    await b.client.signIn({
      serverUrl: server.url,
      email: 'owner@example.com',
      password: 'correct horse battery',
      deviceName: 'b',
    });
    b.refreshCore();
    await b.client.syncOnce();
    expect(diffRows(b.rows(), a.rows())).toEqual([]);

    await b.core.invoke('customer.update', { id: c.id, notes: 'from b' });
    await a.core.invoke('customer.update', { id: c.id, name: '张三丰' });
    await b.client.syncOnce();
    await a.client.syncOnce();
    await b.client.syncOnce();
    expect(diffRows(b.rows(), a.rows())).toEqual([]);
    const got = await b.core.invoke('customer.get', { id: c.id });
    expect(got).toMatchObject({ name: '张三丰', notes: 'from b' });
  });
});
