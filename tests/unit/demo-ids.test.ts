import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DemoIds } from '../../core/demo/ids';
import { Random } from '../../core/demo/random';
import { refundPart, type RefundableLine } from '../../core/demo/refunds';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('demo ids', () => {
  it('are UUIDv7-shaped, unique, and sort by time then by the order they were made', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 }),
        (seed, steps) => {
          const ids = new DemoIds(seed);
          let ms = Date.UTC(2025, 0, 1);
          const made = steps.map((step) => ids.at((ms += step * 1000)));
          for (const id of made) expect(id).toMatch(UUID_V7);
          expect(new Set(made).size).toBe(made.length);
          expect([...made].sort()).toEqual(made);
          expect(made[0]!.replace('-', '').slice(0, 12)).toBe(
            (Date.UTC(2025, 0, 1) + steps[0]! * 1000).toString(16).padStart(12, '0'),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('are the same for the same seed', () => {
    const a = new DemoIds(42);
    const b = new DemoIds(42);
    const c = new DemoIds(43);
    const t = Date.UTC(2025, 5, 18, 12);
    const first = [a.at(t), a.at(t), a.at(t + 1)];
    expect([b.at(t), b.at(t), b.at(t + 1)]).toEqual(first);
    expect([c.at(t), c.at(t), c.at(t + 1)]).not.toEqual(first);
  });
});

describe('demo random', () => {
  it('repeats per seed and stream, and stays in range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        (seed, lo, span) => {
          const a = new Random(seed, 'x');
          const b = new Random(seed, 'x');
          for (let i = 0; i < 20; i++) {
            const n = a.int(lo, lo + span);
            expect(n).toBe(b.int(lo, lo + span));
            expect(n).toBeGreaterThanOrEqual(lo);
            expect(n).toBeLessThanOrEqual(lo + span);
          }
          expect(new Random(seed, 'x').next()).not.toBe(new Random(seed, 'y').next());
        },
      ),
    );
  });
});

describe('demo refunds follow the cumulative rule', () => {
  it('parts of a line always sum to its net amount and (restocked) cost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }),
        (quantity, net, unitCost, steps) => {
          const line: RefundableLine = {
            id: 'l',
            product: 0,
            quantity,
            net,
            unitCost,
            cost: quantity * unitCost,
            refundedQuantity: 0,
            refundedAmount: 0,
            restockedQuantity: 0,
            costReversed: 0,
          };
          let amount = 0;
          let cost = 0;
          for (const step of steps) {
            const left = line.quantity - line.refundedQuantity;
            if (left === 0) break;
            const part = refundPart(line, Math.min(step, left), true);
            expect(part.amount).toBeGreaterThanOrEqual(0);
            amount += part.amount;
            cost += part.costReversed;
          }
          const left = line.quantity - line.refundedQuantity;
          if (left > 0) {
            const rest = refundPart(line, left, true);
            amount += rest.amount;
            cost += rest.costReversed;
          }
          expect(amount).toBe(net);
          expect(cost).toBe(quantity * unitCost);
        },
      ),
    );
  });
});
