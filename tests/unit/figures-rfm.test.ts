// RFM scoring is pure: quintiles with ties kept together, and a fixed segment table.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quintileScores, segmentOf, SEGMENTS, type Score } from '../../core/figures/rfm';

const scores: Score[] = [1, 2, 3, 4, 5];

describe('quintileScores', () => {
  it('five distinct values score 1..5; all alike score 3', () => {
    expect(quintileScores([50, 10, 40, 20, 30], 'higher')).toEqual([5, 1, 4, 2, 3]);
    expect(quintileScores([50, 10, 40, 20, 30], 'lower')).toEqual([1, 5, 2, 4, 3]);
    expect(quintileScores([7, 7, 7], 'higher')).toEqual([3, 3, 3]);
    expect(quintileScores([], 'higher')).toEqual([]);
  });

  it('ten values: two per quintile', () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'higher')).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
  });

  it('is deterministic: equal values score alike, order does not matter, better never scores lower', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 }),
        fc.constantFrom<'higher' | 'lower'>('higher', 'lower'),
        (values, better) => {
          const s = quintileScores(values, better);
          const reversed = quintileScores([...values].reverse(), better).reverse();
          expect(reversed).toEqual(s);
          for (let i = 0; i < values.length; i++) {
            expect(s[i]).toBeGreaterThanOrEqual(1);
            expect(s[i]).toBeLessThanOrEqual(5);
            for (let j = 0; j < values.length; j++) {
              const iBetter =
                better === 'higher' ? values[i]! > values[j]! : values[i]! < values[j]!;
              if (values[i] === values[j]) expect(s[i]).toBe(s[j]);
              if (iBetter) expect(s[i]).toBeGreaterThanOrEqual(s[j]!);
            }
          }
        },
      ),
    );
  });
});

describe('segmentOf', () => {
  it('follows the documented table', () => {
    const table: Record<Score, string[]> = {
      5: ['new', 'potential', 'potential', 'champions', 'champions'],
      4: ['new', 'potential', 'potential', 'champions', 'champions'],
      3: ['hibernating', 'hibernating', 'loyal', 'loyal', 'loyal'],
      2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'at_risk'],
      1: ['lost', 'lost', 'at_risk', 'at_risk', 'at_risk'],
    };
    for (const r of scores) {
      for (const fm of scores) {
        // F = M = fm gives FM = fm.
        expect(segmentOf(r, fm, fm), `R${r} FM${fm}`).toBe(table[r][fm - 1]);
      }
    }
    // FM rounds half up: F5 M4 -> 5, F3 M2 -> 3, F2 M1 -> 2.
    expect(segmentOf(3, 3, 2)).toBe('loyal');
    expect(segmentOf(5, 2, 1)).toBe('potential');
    expect(segmentOf(1, 5, 4)).toBe('at_risk');
  });

  it('every segment is reachable and labelled in Chinese', () => {
    const seen = new Set<string>();
    for (const r of scores)
      for (const f of scores) for (const m of scores) seen.add(segmentOf(r, f, m));
    expect([...seen].sort()).toEqual(SEGMENTS.map((s) => s.segment).sort());
    for (const s of SEGMENTS) expect(s.label).toMatch(/客户$/);
  });
});
