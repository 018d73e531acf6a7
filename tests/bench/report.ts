// What the benchmark prints: one JSON object per line per measure on stdout (nothing else goes
// there), and progress on stderr.
export interface Measure {
  measure: string;
  /** 'ms', 'MB', or a rate ending in '/s'. */
  unit: string;
  median: number;
  /** The same work by the best hand-written raw better-sqlite3 code, same data, same run. */
  baseline: number;
  /**
   * How many times worse than the baseline, so > 1 always means "slower / bigger than raw":
   * median / baseline for times and sizes; baseline / median for rates (time per item).
   */
  ratio: number;
  /** The goal, e.g. '<= 50' (ms) or '>= 20000' (/s). */
  target: string;
  n: number;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function emit(m: Omit<Measure, 'ratio'>): void {
  const isRate = m.unit.endsWith('/s');
  const ratio = isRate ? m.baseline / m.median : m.median / m.baseline;
  const line: Measure = {
    measure: m.measure,
    unit: m.unit,
    median: round(m.median),
    baseline: round(m.baseline),
    ratio: round(ratio, 2),
    target: m.target,
    n: m.n,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A measure that could not be taken: still one JSON line, with the reason. */
export function emitError(measure: string, unit: string, target: string, err: unknown): void {
  const error = err instanceof Error ? err.message : String(err);
  process.stdout.write(
    `${JSON.stringify({ measure, unit, median: null, baseline: null, ratio: null, target, n: 0, error })}\n`,
  );
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `n` times; returns each run's milliseconds. */
export async function sample(fn: (i: number) => unknown, n: number, warmup = 5): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}
