// Fixtures for catalog, stock and expenses tests: products through the contract, rows of
// domains still being written (campaigns, customers) inserted directly, and a helper that
// asserts a refused call changed nothing.
import { expect } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { ErrorCode } from '../../core/api/errors';
import type { TestBusiness } from './store';

let skuSeq = 0;

export async function addProduct(
  biz: TestBusiness,
  fields: Partial<{
    sku: string;
    name: string;
    category: string;
    retailPrice: number;
    lowStockThreshold: number;
    active: boolean;
    supplierId: string;
  }> = {},
) {
  skuSeq += 1;
  return biz.core.invoke('product.create', {
    sku: `SKU-${String(skuSeq).padStart(4, '0')}`,
    name: `商品${skuSeq}`,
    retailPrice: 1000,
    ...fields,
  });
}

export async function insertCampaign(biz: TestBusiness, name = '春季团购'): Promise<string> {
  const id = uuidv7();
  await biz.store.db
    .insertInto('campaigns')
    .values({
      id,
      name,
      group_id: null,
      starts_on: '2026-03-01',
      ends_on: '2026-03-31',
      status: 'open',
      outcome: null,
      note: null,
      created_at: '2026-03-01T00:00:00.000Z',
      updated_at: '2026-03-01T00:00:00.000Z',
      decided_at: null,
      closed_at: null,
    })
    .execute();
  return id;
}

export async function insertCustomer(
  biz: TestBusiness,
  name = '张三',
  deleted = false,
): Promise<string> {
  const id = uuidv7();
  await biz.store.db
    .insertInto('customers')
    .values({
      id,
      name,
      phone: null,
      wechat_id: null,
      source: null,
      notes: null,
      consent_at: null,
      owner_agent_id: null,
      external_ref: null,
      created_at: '2026-03-01T00:00:00.000Z',
      updated_at: '2026-03-01T00:00:00.000Z',
      deleted_at: deleted ? '2026-03-02T00:00:00.000Z' : null,
      erased_at: null,
    })
    .execute();
  return id;
}

/**
 * Calls a method that must fail with `code` (and, when given, name `path` in its details),
 * and checks the store is exactly as it was. Returns the error for further checks.
 */
export async function expectRefused(
  biz: TestBusiness,
  method: string,
  input: unknown,
  code: ErrorCode,
  path?: string,
) {
  const before = biz.snapshot();
  const r = await biz.core.call(method, input);
  expect(r.ok, `${method} should fail with ${code}`).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.code, r.error.message).toBe(code);
  if (path !== undefined) {
    const named = [...(r.error.details?.issues?.map((i) => i.path) ?? []), r.error.details?.field];
    expect(named, r.error.message).toContain(path);
  }
  expect(biz.snapshot()).toEqual(before);
  return r.error;
}
