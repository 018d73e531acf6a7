// Random sequences of purchases, adjustments and stocktakes over a few products, checked
// against a tiny model of the business rules (DOMAIN.md "Stock").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';
import { addProduct } from '../support/catalog-fixtures';
import { rebuildPnl } from '../../db/pnl';

let biz: TestBusiness;
beforeAll(async () => {
  biz = await newBusiness();
});
afterAll(async () => biz?.close());

const PRODUCTS = 3;
const productIndex = fc.integer({ min: 0, max: PRODUCTS - 1 });
const someDay = fc.constantFrom('2026-03-01', '2026-03-02', '2026-03-03');

const purchase = fc.record({
  op: fc.constant('purchase' as const),
  day: someDay,
  lines: fc.array(
    fc.record({
      p: productIndex,
      quantity: fc.integer({ min: 1, max: 50 }),
      unitCost: fc.integer({ min: 0, max: 10_000 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});
const goingOut = fc.record({
  op: fc.constant('adjust' as const),
  day: someDay,
  p: productIndex,
  kind: fc.constantFrom('damage' as const, 'loss' as const, 'transfer_out' as const),
  quantity: fc.integer({ min: 1, max: 30 }),
});
const correction = fc.record({
  op: fc.constant('adjust' as const),
  day: someDay,
  p: productIndex,
  kind: fc.constant('adjustment' as const),
  quantity: fc.integer({ min: -30, max: 30 }).filter((q) => q !== 0),
});
const stocktake = fc.record({
  op: fc.constant('stocktake' as const),
  day: someDay,
  lines: fc.uniqueArray(fc.record({ p: productIndex, counted: fc.integer({ min: 0, max: 60 }) }), {
    selector: (l) => l.p,
    minLength: 1,
    maxLength: PRODUCTS,
  }),
});
const operation = fc.oneof(purchase, goingOut, correction, stocktake);

/** The average rule written out independently: positive on hand only, half-up to the fen. */
function modelAverage(onHand: number, avg: number, qty: number, cost: number): number {
  const base = BigInt(Math.max(onHand, 0));
  const num = base * BigInt(avg) + BigInt(qty) * BigInt(cost);
  const den = base + BigInt(qty);
  return Number((2n * num + den) / (2n * den));
}

const pnlRows = () =>
  biz.store.sqlite.prepare('SELECT * FROM pnl_daily ORDER BY dim, day, key').all();

describe('stock ledger properties', () => {
  it('on hand is the sum of movements, follows the model, and a stocktake leaves the count', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (ops) => {
        const ids: string[] = [];
        for (let i = 0; i < PRODUCTS; i++) ids.push((await addProduct(biz)).id);
        const model = ids.map(() => ({ onHand: 0, avg: 0 }));
        const pnlBefore = pnlRows();

        for (const op of ops) {
          if (op.op === 'purchase') {
            await biz.core.invoke('purchase.record', {
              receivedOn: op.day,
              lines: op.lines.map((l) => ({
                productId: ids[l.p]!,
                quantity: l.quantity,
                unitCost: l.unitCost,
              })),
            });
            for (const l of op.lines) {
              const m = model[l.p]!;
              m.avg = modelAverage(m.onHand, m.avg, l.quantity, l.unitCost);
              m.onHand += l.quantity;
            }
          } else if (op.op === 'adjust') {
            const r = await biz.core.invoke('stock.adjust', {
              productId: ids[op.p]!,
              kind: op.kind,
              quantity: op.quantity,
              occurredOn: op.day,
            });
            model[op.p]!.onHand += op.kind === 'adjustment' ? op.quantity : -op.quantity;
            expect(r.negative).toBe(model[op.p]!.onHand < 0);
          } else {
            const st = await biz.core.invoke('stock.stocktake', {
              countedOn: op.day,
              lines: op.lines.map((l) => ({ productId: ids[l.p]!, counted: l.counted })),
            });
            for (const l of op.lines) {
              expect(st.lines.find((x) => x.productId === ids[l.p])?.expected).toBe(
                model[l.p]!.onHand,
              );
              model[l.p]!.onHand = l.counted;
              const after = await biz.core.invoke('product.get', { id: ids[l.p]! });
              expect(after.onHand).toBe(l.counted);
            }
          }
        }

        for (const [i, productId] of ids.entries()) {
          const p = await biz.core.invoke('product.get', { id: productId });
          const sum = biz.store.sqlite
            .prepare('SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE product_id = ?')
            .pluck()
            .get(productId);
          expect(p.onHand).toBe(sum);
          expect(p.onHand).toBe(model[i]!.onHand);
          expect(p.avgCost).toBe(model[i]!.avg);
          expect(p.avgCost).toBeGreaterThanOrEqual(0);
          expect(p.negative).toBe(p.onHand < 0);
          expect(p.stockValue).toBe(Math.max(p.onHand, 0) * p.avgCost);
          const ledger = await biz.core.invoke('stock.movements', { productId, limit: 1000 });
          if (ledger.rows.length > 0) expect(ledger.rows[0]!.balance).toBe(p.onHand);
          // The oldest row's balance is its own quantity; each later one adds its own.
          const oldest = [...ledger.rows].reverse();
          oldest.forEach((r, k) =>
            expect(r.balance).toBe((k === 0 ? 0 : oldest[k - 1]!.balance) + r.quantity),
          );
        }

        // Stock moves no money into the P&L, and a rebuild agrees with the rollup.
        expect(pnlRows()).toEqual(pnlBefore);
        rebuildPnl(biz.store.sqlite);
        expect(pnlRows()).toEqual(pnlBefore);
      }),
      { numRuns: 40 },
    );
  });
});
