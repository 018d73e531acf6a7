// Fixtures for the customers and groups tests: orders inserted directly (the orders domain is
// written elsewhere), and helpers to assert that a refused call left the store unchanged.
import { expect } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { OrderStatus } from '../../db/schema';
import type { TestBusiness } from './store';

export interface OrderFixture {
  customerId: string;
  orderNo?: string;
  status?: OrderStatus;
  orderedOn?: string;
  paidOn?: string | null;
  totalDue?: number;
  refundedTotal?: number;
  shippingAddress?: string | null;
}

let orderSeq = 0;

/** Inserts an order row (no lines) for a customer; returns its id. */
export async function insertOrder(biz: TestBusiness, o: OrderFixture): Promise<string> {
  const id = uuidv7();
  const paidOn = o.paidOn === undefined ? (o.orderedOn ?? '2026-03-01') : o.paidOn;
  const totalDue = o.totalDue ?? 10_000;
  await biz.store.db
    .insertInto('orders')
    .values({
      id,
      order_no: o.orderNo ?? `T${String(++orderSeq).padStart(6, '0')}`,
      customer_id: o.customerId,
      status: o.status ?? (paidOn ? 'paid' : 'confirmed'),
      ordered_on: o.orderedOn ?? '2026-03-01',
      paid_on: paidOn,
      goods_total: totalDue,
      total_due: totalDue,
      paid_total: paidOn ? totalDue : 0,
      refunded_total: o.refundedTotal ?? 0,
      shipping_address: o.shippingAddress ?? null,
      created_at: '2026-03-01T00:00:00.000Z',
      updated_at: '2026-03-01T00:00:00.000Z',
    })
    .execute();
  return id;
}

/**
 * Calls a method that must fail: asserts the error code (and the field path of the first issue
 * or of details.path when given) and that nothing in the store changed. Returns the error.
 */
export async function expectRefused(
  biz: TestBusiness,
  method: string,
  input: unknown,
  code: string,
  path?: string,
) {
  const before = biz.snapshot();
  const r = await biz.core.call(method, input);
  expect(r.ok, `${method} should have been refused`).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.code).toBe(code);
  if (path !== undefined) {
    const paths = [
      ...(r.error.details?.issues ?? []).map((i) => i.path),
      ...(typeof r.error.details?.path === 'string' ? [r.error.details.path] : []),
    ];
    expect(paths).toContain(path);
  }
  expect(r.error.message.length).toBeGreaterThan(10);
  expect(biz.snapshot()).toEqual(before);
  return r.error;
}
