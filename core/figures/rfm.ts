// Recency-frequency-monetary scoring of customers, pure and deterministic.
//
// Scores 1..5 are quintiles of the customers in the report, with ties kept together: a
// customer's score comes from the share of customers that did worse plus half of those that
// did the same (the mid-rank percentile), cut into fifths:
//   score = 1 + floor(5 x (worse + same / 2) / n)
// So equal values always get equal scores, the order of the input never matters, and when all
// customers are alike they all score 3.
//
// Segments come from the R score and FM, the mean of the F and M scores rounded half up:
//
//   R \ FM   1            2            3            4            5
//   5, 4     new          potential    potential    champions    champions
//   3        hibernating  hibernating  loyal        loyal        loyal
//   2        hibernating  hibernating  at_risk      at_risk      at_risk
//   1        lost         lost         at_risk      at_risk      at_risk

export type Score = 1 | 2 | 3 | 4 | 5;

export const SEGMENTS = [
  { segment: 'champions', label: '重要价值客户' },
  { segment: 'loyal', label: '忠诚客户' },
  { segment: 'potential', label: '潜力客户' },
  { segment: 'new', label: '新客户' },
  { segment: 'at_risk', label: '流失预警客户' },
  { segment: 'hibernating', label: '沉睡客户' },
  { segment: 'lost', label: '流失客户' },
] as const;

export type Segment = (typeof SEGMENTS)[number]['segment'];

export const SEGMENT_LABELS: Record<Segment, string> = Object.fromEntries(
  SEGMENTS.map((s) => [s.segment, s.label]),
) as Record<Segment, string>;

/**
 * Quintile scores of `values` (same order as given). `better` says which way is good:
 * 'higher' for frequency and money, 'lower' for recency days.
 */
export function quintileScores(values: readonly number[], better: 'higher' | 'lower'): Score[] {
  const n = values.length;
  // A typed array sorts numbers natively: 200,000 customers take milliseconds.
  const sorted = Float64Array.from(values, (v) => (better === 'higher' ? v : -v)).sort();
  // For each distinct value: how many did worse (lower after the flip), how many the same.
  const rank = new Map<number, Score>();
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && sorted[j] === sorted[i]) j++;
    const worse = i;
    const same = j - i;
    rank.set(sorted[i]!, Math.min(5, 1 + Math.floor((5 * (2 * worse + same)) / (2 * n))) as Score);
    i = j;
  }
  return values.map((v) => rank.get(better === 'higher' ? v : -v)!);
}

/** The segment of a customer's R, F and M scores (table above). */
export function segmentOf(r: Score, f: Score, m: Score): Segment {
  const fm = Math.floor((f + m + 1) / 2);
  if (r >= 4) return fm >= 4 ? 'champions' : fm >= 2 ? 'potential' : 'new';
  if (r === 3) return fm >= 3 ? 'loyal' : 'hibernating';
  if (fm >= 3) return 'at_risk';
  return r === 2 ? 'hibernating' : 'lost';
}
