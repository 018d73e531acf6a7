// Day arithmetic the date window (core/shared/day-window.ts) relies on: calendar text, the same in every zone.
import { describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../core/shared/days';

describe('addDays / addYears', () => {
  it('steps across months, years and leap days', () => {
    expect(addDays('2026-03-15', 1)).toBe('2026-03-16');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addYears('2026-03-15', -10)).toBe('2016-03-15');
    expect(addYears('2026-03-15', 1)).toBe('2027-03-15');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', -4)).toBe('2020-02-29');
    expect(addYears('0050-06-30', -40)).toBe('0010-06-30');
  });
});
