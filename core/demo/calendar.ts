// The demo's calendar: two years of trading days ending at endDay, plus the months before
// them when the first customers joined, and the seasons community sellers live by.
const DAY_MS = 86_400_000;

/** Chinese New Year's day (Spring Festival) by year; sellers' busiest and quietest weeks. */
const SPRING_FESTIVAL: Record<number, string> = {
  2015: '2015-02-19',
  2016: '2016-02-08',
  2017: '2017-01-28',
  2018: '2018-02-16',
  2019: '2019-02-05',
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
  2033: '2033-01-31',
  2034: '2034-02-19',
  2035: '2035-02-08',
  2036: '2036-01-28',
  2037: '2037-02-15',
  2038: '2038-02-04',
};

const parseDay = (day: string): number =>
  Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));

const formatDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export type Season = 'springFestival' | 'holiday' | 'shopping' | 'summer' | 'newTea' | 'normal';

export class Calendar {
  /** 'YYYY-MM-DD' of every calendar day, oldest first. */
  readonly days: string[] = [];
  /** UTC midnight of each day in ms (the seller's day; instants are made inside it). */
  readonly dayMs: number[] = [];
  /** Index in `days` of the first trading day. */
  readonly first: number;
  /** Index of endDay (the last day). */
  readonly last: number;

  constructor(endDay: string, tradingDays: number, daysBefore: number) {
    const end = parseDay(endDay);
    const total = tradingDays + daysBefore;
    for (let i = 0; i < total; i++) {
      const ms = end - (total - 1 - i) * DAY_MS;
      this.dayMs.push(ms);
      this.days.push(formatDay(ms));
    }
    this.first = daysBefore;
    this.last = total - 1;
  }

  /** The day text of any index, also past endDay (a 接龙 may end after it). */
  text(i: number): string {
    return this.days[i] ?? formatDay(this.dayMs[this.last]! + (i - this.last) * DAY_MS);
  }

  /** Monday 1 ... Sunday 7. */
  weekday(i: number): number {
    const d = new Date(this.dayMs[i]!).getUTCDay();
    return d === 0 ? 7 : d;
  }

  month(i: number): number {
    return Number(this.days[i]!.slice(5, 7));
  }

  dayOfMonth(i: number): number {
    return Number(this.days[i]!.slice(8, 10));
  }

  /** Days from this year's Spring Festival (negative before it), or null when far from it. */
  springFestivalOffset(i: number): number | null {
    const day = this.days[i]!;
    const year = Number(day.slice(0, 4));
    for (const y of [year, year + 1]) {
      const sf = SPRING_FESTIVAL[y] ?? `${y}-02-01`;
      const offset = Math.round((this.dayMs[i]! - parseDay(sf)) / DAY_MS);
      if (offset >= -30 && offset <= 20) return offset;
    }
    return null;
  }

  /** How busy an ordinary day is (orders per day relative to 1), before growth. */
  demand(i: number): number {
    const weekday = [0, 0.9, 0.92, 0.95, 0.98, 1.05, 1.22, 1.15][this.weekday(i)]!;
    const month = this.month(i);
    const dom = this.dayOfMonth(i);
    let season = 1;
    const sf = this.springFestivalOffset(i);
    if (sf !== null) {
      if (sf >= -21 && sf <= -3)
        season = 1.6; // 年货: snacks, tea, oil and rice as gifts
      else if (sf >= -2 && sf <= 6)
        season = 0.45; // couriers stop, everyone is home
      else if (sf >= 7 && sf <= 15) season = 0.85;
    }
    if (month === 6 && dom <= 18) season *= dom === 18 ? 1.8 : 1.3; // 618
    if (month === 11 && dom <= 11) season *= dom === 11 ? 2.2 : 1.35; // Double 11
    if (month === 12 && dom === 12) season *= 1.4; // Double 12
    if (month === 10 && dom <= 7) season *= 0.8; // National Day week: people travel
    if (month >= 6 && month <= 8) season *= 1.05; // summer fruit
    return weekday * season;
  }

  /** Which category-shaping season a day is in (see catalog weights). */
  season(i: number): Season {
    const sf = this.springFestivalOffset(i);
    if (sf !== null && sf >= -21 && sf <= -3) return 'springFestival';
    const month = this.month(i);
    const dom = this.dayOfMonth(i);
    if ((month === 6 && dom <= 18) || (month === 11 && dom <= 11)) return 'shopping';
    if (month >= 6 && month <= 8) return 'summer';
    if (month === 3 || month === 4) return 'newTea';
    if (sf !== null && sf >= -2 && sf <= 6) return 'holiday';
    return 'normal';
  }
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * An instant inside a seller's day as ISO UTC text. Seconds run from 08:00 Beijing time
 * (00:00Z), so every instant of the day falls on the same UTC date as the seller's day.
 */
export function instant(day: string, secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor(secondOfDay / 60) % 60;
  return `${day}T${TWO[h]}:${TWO[m]}:${TWO[secondOfDay % 60]}.000Z`;
}

/** Seconds in the selling day (08:00 to 23:59 Beijing time). */
export const SELLING_SECONDS = 16 * 3600;
