// Money is integer minor units (fen for CNY); rates are integer basis points (1% = 100).
// Nothing here touches floating point for amounts: decimal text is parsed digit by digit.

export interface Currency {
  code: string;
  /** Digits after the decimal point (CNY 2, JPY 0). */
  decimals: number;
  symbol: string;
}

const CURRENCIES: Record<string, Currency> = {
  CNY: { code: 'CNY', decimals: 2, symbol: '¥' },
  HKD: { code: 'HKD', decimals: 2, symbol: 'HK$' },
  TWD: { code: 'TWD', decimals: 2, symbol: 'NT$' },
  USD: { code: 'USD', decimals: 2, symbol: '$' },
  EUR: { code: 'EUR', decimals: 2, symbol: '€' },
  SGD: { code: 'SGD', decimals: 2, symbol: 'S$' },
  MYR: { code: 'MYR', decimals: 2, symbol: 'RM' },
  JPY: { code: 'JPY', decimals: 0, symbol: '¥' },
  KRW: { code: 'KRW', decimals: 0, symbol: '₩' },
};

export const CURRENCY_CODES = Object.keys(CURRENCIES);

export function currency(code: string): Currency {
  const c = CURRENCIES[code];
  if (!c) throw new Error(`Unknown currency ${code}; known: ${CURRENCY_CODES.join(', ')}`);
  return c;
}

/**
 * Divides and rounds half away from zero ("half-up" on magnitudes, so a refund mirrors its sale).
 * Exact for any safe integers: uses BigInt when the product would lose precision.
 */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`divRoundHalfUp needs safe integers and a non-zero divisor`);
  }
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an * 2n + ad) / (ad * 2n);
  return Number(neg ? -q : q);
}

/** amount x a / b, rounded half-up, without intermediate overflow. */
export function mulDivRoundHalfUp(amount: number, a: number, b: number): number {
  const n = BigInt(amount) * BigInt(a);
  const d = BigInt(b);
  if (d === 0n) throw new RangeError('division by zero');
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an * 2n + ad) / (ad * 2n);
  return Number(neg ? -q : q);
}

/** amount x rate (basis points), rounded half-up to the minor unit. */
export function applyRate(amount: number, basisPoints: number): number {
  return mulDivRoundHalfUp(amount, basisPoints, 10_000);
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * Parses decimal text ("22.368", "-5", "1,234.5", "¥12.30") into minor units, rounding
 * half-up once if it has more decimals than the currency. Returns null for text that is not
 * a number, so callers can report the row and column.
 */
export function parseAmount(text: string | number, decimals = 2): number | null {
  let s = typeof text === 'number' ? numberToPlainString(text) : text;
  s = s
    .trim()
    .replace(/[,\s，]/g, '')
    .replace(/^[¥￥$€]|^(?:CNY|RMB)/i, '');
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const sign = m[1] === '-' ? -1n : 1n;
  const whole = m[2] === '' ? '0' : m[2]!;
  const frac = m[3] ?? '';
  const scale = 10n ** BigInt(decimals);
  let minor =
    BigInt(whole) * scale + BigInt((frac.slice(0, decimals) || '0').padEnd(decimals, '0'));
  const rest = frac.slice(decimals);
  if (rest.length > 0 && rest[0]! >= '5') minor += 1n;
  const value = sign * minor;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return null;
  return n === 0 ? 0 : n;
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  // Spreadsheet cells arrive as doubles; 15 significant digits is what Excel itself keeps.
  return Number(n.toPrecision(15)).toLocaleString('en-US', {
    useGrouping: false,
    maximumFractionDigits: 20,
  });
}

/** Minor units to plain decimal text ("1234.50"), for CSV and the CLI. */
export function formatAmount(minor: number, decimals = 2): string {
  const neg = minor < 0;
  const abs = BigInt(Math.abs(minor));
  if (decimals === 0) return `${neg ? '-' : ''}${abs}`;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(decimals, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Minor units to a major-unit number, for spreadsheet number cells only (never stored). */
export function toMajor(minor: number, decimals = 2): number {
  return Number(formatAmount(minor, decimals));
}

/**
 * Splits `total` into parts proportional to `weights` by largest remainder: each part gets
 * floor(total x w / sum), then the leftover units go to the largest fractional remainders
 * (ties to the earlier part). Parts always sum exactly to `total`. A negative total is split
 * as its magnitude and negated. All weights zero: split evenly the same way.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError('allocate: total must be a safe integer');
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError('allocate: no parts to allocate a non-zero total to');
    return [];
  }
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new RangeError('allocate: weights must be non-negative safe integers');
  }
  const sign = total < 0 ? -1n : 1n;
  const t = BigInt(Math.abs(total));
  let ws = weights.map((w) => BigInt(w));
  let sum = ws.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    ws = weights.map(() => 1n);
    sum = BigInt(weights.length);
  }
  const parts = ws.map((w) => (t * w) / sum);
  const remainders = ws.map((w, i) => ({ i, r: (t * w) % sum }));
  let left = t - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) parts[remainders[k]!.i]! += 1n;
  return parts.map((p) => {
    const n = Number(sign * p);
    return n === 0 ? 0 : n;
  });
}
