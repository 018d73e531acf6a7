import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, applyRate, divRoundHalfUp, formatAmount, parseAmount } from '../../core/money';

describe('money', () => {
  it('parses decimal text half-up to the minor unit, once', () => {
    expect(parseAmount('22.368')).toBe(2237);
    expect(parseAmount('22.365')).toBe(2237);
    expect(parseAmount('22.3649')).toBe(2236);
    expect(parseAmount('-22.365')).toBe(-2237);
    expect(parseAmount('1,234.5')).toBe(123450);
    expect(parseAmount('¥12.30')).toBe(1230);
    expect(parseAmount('.5')).toBe(50);
    expect(parseAmount('7')).toBe(700);
    expect(parseAmount('7', 0)).toBe(7);
    expect(parseAmount('7.5', 0)).toBe(8);
    expect(parseAmount(22.368)).toBe(2237);
    expect(parseAmount(0.1 + 0.2)).toBe(30);
    expect(parseAmount('abc')).toBeNull();
    expect(parseAmount('')).toBeNull();
    expect(parseAmount('1.2.3')).toBeNull();
  });

  it('formats minor units', () => {
    expect(formatAmount(123450)).toBe('1234.50');
    expect(formatAmount(-5)).toBe('-0.05');
    expect(formatAmount(7, 0)).toBe('7');
  });

  it('rounds half away from zero', () => {
    expect(divRoundHalfUp(5, 2)).toBe(3);
    expect(divRoundHalfUp(-5, 2)).toBe(-3);
    expect(divRoundHalfUp(4, 3)).toBe(1);
    expect(applyRate(12345, 1000)).toBe(1235); // 10% of 123.45 = 12.345 -> 12.35
    expect(applyRate(-12345, 1000)).toBe(-1235);
  });

  it('allocates by largest remainder', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(10, [0, 0])).toEqual([5, 5]);
    expect(allocate(1000, [3000, 1000])).toEqual([750, 250]);
  });

  it('allocations always sum exactly to the whole (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          expect(parts).toHaveLength(weights.length);
          // Each part is within one unit of its exact share.
          const sum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            const exact = sum === 0 ? total / weights.length : (total * weights[i]!) / sum;
            expect(Math.abs(p - exact)).toBeLessThan(1.000001);
          });
        },
      ),
    );
  });
});
