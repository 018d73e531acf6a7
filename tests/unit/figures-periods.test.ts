// Report periods: ISO weeks, period listing, and the month split of a range.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoWeekOf, periodOf, periodsOf, splitByMonth } from '../../core/figures/periods';
import { daysBetween } from '../../core/shared/days';

const dayArb = fc
  .date({
    min: new Date('2019-01-01T12:00:00Z'),
    max: new Date('2031-12-31T12:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

// Plain UTC day arithmetic, independent of the code under test.
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); ; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d > to) return out;
    out.push(d);
  }
}

const dayAfter = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const lastDayOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).toISOString().slice(0, 10);
};

describe('periods', () => {
  it('ISO weeks at year ends', () => {
    expect(isoWeekOf('2025-12-28')).toBe('2025-W52');
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(periodOf('month', '2026-03-15')).toBe('2026-03');
  });

  it('lists every period touched, once, in order, cut to the range', () => {
    expect(periodsOf('month', { from: '2025-11-30', to: '2026-02-01' })).toEqual([
      { key: '2025-11', from: '2025-11-30', to: '2025-11-30' },
      { key: '2025-12', from: '2025-12-01', to: '2025-12-31' },
      { key: '2026-01', from: '2026-01-01', to: '2026-01-31' },
      { key: '2026-02', from: '2026-02-01', to: '2026-02-01' },
    ]);
    expect(periodsOf('week', { from: '2026-03-01', to: '2026-03-09' })).toEqual([
      { key: '2026-W09', from: '2026-03-01', to: '2026-03-01' },
      { key: '2026-W10', from: '2026-03-02', to: '2026-03-08' },
      { key: '2026-W11', from: '2026-03-09', to: '2026-03-09' },
    ]);
    expect(periodsOf('day', { from: '2024-02-28', to: '2024-03-01' }).map((p) => p.key)).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
  });

  it('periods partition the range: each day once, in the period its key names', () => {
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom<'day' | 'week' | 'month'>('day', 'week', 'month'),
        (from, length, grain) => {
          const to = dayAfter(from, length);
          const periods = periodsOf(grain, { from, to });
          const covered = periods.flatMap((p) => daysOf(p.from, p.to));
          expect(covered).toEqual(daysOf(from, to));
          expect(new Set(periods.map((p) => p.key)).size).toBe(periods.length);
          for (const p of periods) {
            expect(periodOf(grain, p.from)).toBe(p.key);
            expect(periodOf(grain, p.to)).toBe(p.key);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('daysBetween counts calendar days', () => {
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-12-31', '2026-01-01')).toBe(1);
  });

  it('splitByMonth covers every day of the range exactly once', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 500 }), (from, length) => {
        const to = dayAfter(from, length);
        const covered: string[] = [];
        for (const part of splitByMonth({ from, to })) {
          if ('days' in part) {
            expect(part.days.from <= part.days.to).toBe(true);
            covered.push(...daysOf(part.days.from, part.days.to));
          } else {
            expect(part.months.from <= part.months.to).toBe(true);
            covered.push(...daysOf(`${part.months.from}-01`, lastDayOf(part.months.to)));
          }
        }
        expect(covered.sort()).toEqual(daysOf(from, to));
      }),
      { numRuns: 200 },
    );
  });

  it('splitByMonth reads whole months from the monthly rollup', () => {
    expect(splitByMonth({ from: '2024-03-01', to: '2026-02-28' })).toEqual([
      { months: { from: '2024-03', to: '2026-02' } },
    ]);
    expect(splitByMonth({ from: '2026-03-10', to: '2026-03-20' })).toEqual([
      { days: { from: '2026-03-10', to: '2026-03-20' } },
    ]);
    expect(splitByMonth({ from: '2026-01-15', to: '2026-03-10' })).toEqual([
      { days: { from: '2026-01-15', to: '2026-01-31' } },
      { months: { from: '2026-02', to: '2026-02' } },
      { days: { from: '2026-03-01', to: '2026-03-10' } },
    ]);
    expect(splitByMonth({ from: '2026-01-15', to: '2026-02-10' })).toEqual([
      { days: { from: '2026-01-15', to: '2026-01-31' } },
      { days: { from: '2026-02-01', to: '2026-02-10' } },
    ]);
  });
});
