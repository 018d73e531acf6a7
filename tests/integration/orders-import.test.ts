// recordImportedOrder: the entry point the order import uses for historical orders.
import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';
import {
  addCustomer,
  addGroup,
  addProduct,
  pnl,
  pnlMatchesRebuild,
  product,
} from '../support/order-fixtures';
import { addAgent } from '../support/agent-fixtures';
import { recordImportedOrder, type ImportedOrderSpec } from '../../core/orders/imported';
import type { Ctx } from '../../core/api/context';
import { AppError } from '../../core/api/errors';

let biz: TestBusiness;
let agent: string;
afterEach(async () => biz?.close());

function ctxOf(b: TestBusiness): Ctx {
  return {
    db: b.store.db,
    sqlite: b.store.sqlite,
    clock: { now: () => new Date('2026-03-15T02:00:00Z') },
    actor: { role: 'owner' },
    progress: () => {},
  };
}

const importOne = (spec: ImportedOrderSpec) =>
  biz.store.db.transaction().execute((trx) => recordImportedOrder(trx, ctxOf(biz), spec));

async function base(): Promise<ImportedOrderSpec> {
  const p = await addProduct(biz, {
    sku: 'OLD-1',
    retailPrice: 1000,
    stock: { quantity: 10, unitCost: 400 },
  });
  agent = await addAgent(biz);
  return {
    orderNo: 'TB-2025-0001',
    orderedOn: '2025-12-01',
    paidOn: '2025-12-02',
    status: 'completed',
    customerId: await addCustomer(biz),
    groupId: await addGroup(biz),
    agentId: agent,
    shippingCharged: 500,
    fees: [{ kind: 'platform', amount: 60 }],
    lines: [{ productId: p, quantity: 3, unitPrice: 1000, netAmount: 2800, cost: 1000 }],
    moveStock: true,
  };
}

describe('recordImportedOrder', () => {
  it('keeps the given net and cost, pays, moves stock and recognises the money on the paid day', async () => {
    biz = await newBusiness();
    const spec = await base();
    const { id } = await importOne(spec);
    const o = await biz.core.invoke('order.get', { id });
    expect(o).toMatchObject({
      orderNo: 'TB-2025-0001',
      source: 'import',
      status: 'completed',
      paidOn: '2025-12-02',
      goodsTotal: 2800,
      totalDue: 3300,
      paidTotal: 3300,
      balanceDue: 0,
      agentId: agent,
    });
    expect(o.lines[0]).toMatchObject({
      sku: 'OLD-1',
      lineDiscount: 200,
      netAmount: 2800,
      unitCost: 333,
      cost: 1000,
    });
    expect(o.payments.map((p) => [p.amount, p.paidOn])).toEqual([[3300, '2025-12-02']]);
    expect(product(biz, spec.lines[0]!.productId).onHand).toBe(7);
    expect(pnl(biz, { day: '2025-12-02' })).toEqual({
      revenue: 3300,
      cogs: 1000,
      fees: 60,
      orders: 1,
    });
    const { kept, rebuilt } = pnlMatchesRebuild(biz);
    expect(kept).toEqual(rebuilt);
    // A historical order can be refunded like any other.
    const r = await biz.core.invoke('refund.full', { orderId: id, restock: true });
    expect(r.amount).toBe(3300);
  });

  it('moves no stock when asked not to, and recognises nothing for an unpaid order', async () => {
    biz = await newBusiness();
    const spec = await base();
    await importOne({ ...spec, moveStock: false });
    await importOne({
      ...spec,
      orderNo: 'TB-2',
      status: 'confirmed',
      paidOn: null,
      moveStock: false,
    });
    await importOne({
      ...spec,
      orderNo: 'TB-3',
      status: 'cancelled',
      paidOn: null,
      moveStock: true,
    });
    expect(product(biz, spec.lines[0]!.productId).onHand).toBe(10);
    expect(pnl(biz).orders).toBe(1);
  });

  it('refuses a taken number, a bad spec and unknown products, and the transaction rolls back', async () => {
    biz = await newBusiness();
    const spec = await base();
    await importOne(spec);
    const before = biz.snapshot();
    const failures: [ImportedOrderSpec, string, string][] = [
      [spec, 'CONFLICT', 'orderNo'],
      [{ ...spec, orderNo: 'X1', paidOn: null }, 'VALIDATION', 'paidOn'],
      [{ ...spec, orderNo: 'X2', status: 'confirmed' }, 'VALIDATION', 'paidOn'],
      [
        { ...spec, orderNo: 'X3', lines: [{ ...spec.lines[0]!, quantity: 0 }] },
        'VALIDATION',
        'lines.0.quantity',
      ],
      [
        { ...spec, orderNo: 'X4', lines: [{ ...spec.lines[0]!, productId: 'ghost' }] },
        'NOT_FOUND',
        'lines.0.productId',
      ],
      [{ ...spec, orderNo: 'X5', customerId: 'ghost' }, 'NOT_FOUND', 'customerId'],
      // Issue 14: an agent id that does not exist was stored, and its sales paid no commission.
      [{ ...spec, orderNo: 'X6', agentId: 'ghost' }, 'NOT_FOUND', 'agentId'],
    ];
    for (const [bad, code, path] of failures) {
      const err = await importOne(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe(code);
      expect((err as AppError).details?.issues?.map((i) => i.path)).toContain(path);
    }
    expect(biz.snapshot()).toEqual(before);
  });
});
