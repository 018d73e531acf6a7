import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { priceLines } from '../../core/orders/pricing';
import type { AppError } from '../../core/api/errors';

const money = (n: number) => `¥${n}`;

describe('priceLines', () => {
  it('splits any order discount exactly, never below zero, in proportion to each line', () => {
    const line = fc
      .record({
        quantity: fc.integer({ min: 1, max: 50 }),
        unitPrice: fc.integer({ min: 0, max: 100_000 }),
        discountPart: fc.integer({ min: 0, max: 100 }),
      })
      .map((l) => ({
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        lineDiscount: Math.floor((l.quantity * l.unitPrice * l.discountPart) / 100),
      }));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 100 }),
        (lines, pct) => {
          const before = lines.reduce((s, l) => s + l.quantity * l.unitPrice - l.lineDiscount, 0);
          const discount = Math.floor((before * pct) / 100);
          const priced = priceLines(lines, discount, money);
          const shares = priced.lines.map((l) => l.orderDiscountShare);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(discount);
          expect(priced.lines.reduce((s, l) => s + l.netAmount, 0)).toBe(priced.goodsTotal);
          expect(priced.goodsTotal).toBe(before - discount);
          priced.lines.forEach((l, i) => {
            const base = l.quantity * l.unitPrice - l.lineDiscount;
            expect(l.netAmount).toBeGreaterThanOrEqual(0);
            expect(l.netAmount).toBe(base - l.orderDiscountShare);
            // Largest remainder: each share is within one unit of its exact proportion.
            if (before > 0)
              expect(Math.abs(l.orderDiscountShare * before - discount * base)).toBeLessThan(
                before,
              );
            expect(shares[i]).toBeGreaterThanOrEqual(0);
          });
        },
      ),
    );
  });

  it('names the field when a discount is larger than the goods', () => {
    const lines = [{ quantity: 2, unitPrice: 100, lineDiscount: 0 }];
    const err = (() => {
      try {
        priceLines(lines, 201, money);
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err?.details?.issues?.[0]?.path).toBe('orderDiscount');
    expect(() => priceLines([{ quantity: 1, unitPrice: 5, lineDiscount: 6 }], 0, money)).toThrow(
      /lineDiscount/,
    );
  });
});
