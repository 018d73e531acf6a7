// Reading one spreadsheet cell as a day, an amount, a whole number, yes/no, an order status or
// tags, the way sellers' sheets write them (Chinese dates, ¥ signs, 已付款, Excel date cells).
// Each reader returns the value or the reason the seller sees next to the row and column.
import type { OrderStatus } from '../../db/schema';
import { parseAmount } from '../money';
import { cellText, type Cell } from './sheet';
import { dayAt, dayOf } from '../shared/days';

export type Reading<T> = { value: T } | { reason: string };

/** Excel counts days from 1899-12-30 (its 1900 leap-year bug included). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** 9999-12-31, the last day Excel can show. */
const MAX_SERIAL = 2_958_465;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function ymd(y: number, m: number, d: number): Reading<string> {
  const value = y >= 1900 && y <= 2999 ? dayOf(y, m, d) : null;
  return value === null ? { reason: `${y}-${pad(m)}-${pad(d)} is not a real date` } : { value };
}

function fromSerial(serial: number): Reading<string> {
  if (!(serial >= 1 && serial <= MAX_SERIAL)) {
    return { reason: `${serial} is not a date (expected e.g. 2026-03-01)` };
  }
  const t = new Date(EXCEL_EPOCH_MS + Math.floor(serial) * DAY_MS);
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

const TIME = String.raw`(?:[T\s]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?`;
const ZONE = String.raw`(Z|[+-]\d{2}:?\d{2})?`;
const DASHED = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${TIME}\s*${ZONE}$`, 'i');
const CHINESE =
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]\s*(?:\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2}\s*秒?)?\s*分?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * The calendar day of a cell: ISO (with or without time), YYYY/M/D, YYYY年M月D日, an Excel date
 * cell or a date serial number. A time is dropped: the day is what the books count. A time
 * with a zone (…Z, +08:00) is an instant and counts on the seller's local day: in the calendar
 * `utcOffsetMinutes` from UTC when given (an import replayed on the sync server counts the
 * device's day, not the server's), else in this process's time zone.
 */
export function readDay(c: Cell, utcOffsetMinutes?: number): Reading<string> {
  if (c instanceof Date) {
    // Excel date cells hold the wall-clock date; exceljs hands them over as UTC.
    if (Number.isNaN(c.getTime())) return { reason: 'not a date' };
    return ymd(c.getUTCFullYear(), c.getUTCMonth() + 1, c.getUTCDate());
  }
  if (typeof c === 'number') return fromSerial(c);
  const s = cellText(c).normalize('NFKC').trim();
  const dashed = DASHED.exec(s);
  if (dashed) {
    if (dashed[5]) {
      const t = new Date(s.replace(' ', 'T'));
      if (!Number.isNaN(t.getTime())) return { value: dayAt(t, { utcOffsetMinutes }) };
    }
    return ymd(Number(dashed[1]), Number(dashed[3]), Number(dashed[4]));
  }
  const chinese = CHINESE.exec(s);
  if (chinese) return ymd(Number(chinese[1]), Number(chinese[2]), Number(chinese[3]));
  const compact = COMPACT.exec(s);
  if (compact) return ymd(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  // A serial number that travelled through a CSV ("45352").
  if (/^\d{5}(?:\.\d+)?$/.test(s)) return fromSerial(Number(s));
  return { reason: `"${s}" is not a date: use e.g. 2026-03-01, 2026/3/1 or 2026年3月1日` };
}

/** Extra digits kept when an amount is multiplied before its one rounding (unit price x qty). */
export const EXACT_DIGITS = 6;

export interface Amount {
  /** Rounded half-up to the currency's minor unit. */
  minor: number;
  /** Kept at EXACT_DIGITS more decimals, for products rounded once per line. */
  exact: number;
}

/** An amount of money; negative only where `signed` (a profit can be a loss). */
export function readAmount(c: Cell, decimals: number, signed = false): Reading<Amount> {
  if (typeof c === 'boolean' || c instanceof Date) return { reason: 'not an amount' };
  const text = typeof c === 'number' ? c : cellText(c).normalize('NFKC').replace(/元$/, '');
  const minor = parseAmount(text, decimals);
  const exact = parseAmount(text, decimals + EXACT_DIGITS);
  if (minor === null || exact === null) {
    return { reason: `"${cellText(c)}" is not an amount: use digits like 12.50` };
  }
  if (!signed && (minor < 0 || exact < 0)) return { reason: 'must be 0 or more' };
  return { value: { minor, exact } };
}

/** A whole number ("3", "3.0", a number cell); `min` is the smallest allowed. */
export function readWhole(c: Cell, min: number): Reading<number> {
  const s = typeof c === 'number' ? String(c) : cellText(c).normalize('NFKC').replace(/[,\s]/g, '');
  if (!/^[+-]?\d+(?:\.0*)?$/.test(s)) return { reason: `"${cellText(c)}" is not a whole number` };
  const n = Number.parseInt(s, 10);
  if (!Number.isSafeInteger(n)) return { reason: 'number too large' };
  if (n < min) return { reason: min === 1 ? 'must be more than 0' : `must be ${min} or more` };
  return { value: n === 0 ? 0 : n };
}

const YES = new Set(['是', '有', '同意', '已同意', 'y', 'yes', 'true', '1', '√', '✓', 'ok']);
const NO = new Set(['否', '无', '不同意', '未同意', 'n', 'no', 'false', '0', '×', '✗']);

export function readYesNo(c: Cell): Reading<boolean> {
  if (typeof c === 'boolean') return { value: c };
  const s = cellText(c).normalize('NFKC').trim().toLowerCase();
  if (YES.has(s)) return { value: true };
  if (NO.has(s)) return { value: false };
  return { reason: `"${cellText(c)}" is not yes or no: use 是/否, yes/no or 1/0` };
}

/** Order statuses as shops and sheets spell them, in English and Chinese. */
const STATUS_WORDS: Record<string, OrderStatus> = {
  draft: 'draft',
  草稿: 'draft',
  confirmed: 'confirmed',
  pending: 'confirmed',
  unpaid: 'confirmed',
  待付款: 'confirmed',
  待支付: 'confirmed',
  未付款: 'confirmed',
  未支付: 'confirmed',
  已确认: 'confirmed',
  已下单: 'confirmed',
  paid: 'paid',
  已付款: 'paid',
  已支付: 'paid',
  待发货: 'paid',
  shipped: 'shipped',
  已发货: 'shipped',
  待收货: 'shipped',
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  delivered: 'completed',
  已完成: 'completed',
  已收货: 'completed',
  已签收: 'completed',
  交易成功: 'completed',
  交易完成: 'completed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  已取消: 'cancelled',
  已关闭: 'cancelled',
  交易关闭: 'cancelled',
  取消: 'cancelled',
};

export function readStatus(c: Cell): Reading<OrderStatus> {
  const s = cellText(c).normalize('NFKC').trim().toLowerCase();
  const status = STATUS_WORDS[s];
  if (status) return { value: status };
  return {
    reason: `"${cellText(c)}" is not an order status: use 待付款, 已付款, 已发货, 已完成 or 已取消 (or paid, shipped, completed, cancelled)`,
  };
}

/** Tags separated by commas (either width), 、 or semicolons; repeats dropped. */
export function readTags(c: Cell): Reading<string[]> {
  const tags = cellText(c)
    .split(/[,，、;；|]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const long = tags.find((t) => t.length > 30);
  if (long) return { reason: `tag "${long}" is longer than 30 characters` };
  return { value: [...new Set(tags)] };
}

/** Text up to `max` characters; line breaks and runs of spaces become one space unless `multiline`. */
export function readText(c: Cell, max: number, multiline = false): Reading<string> {
  const s = multiline ? cellText(c) : cellText(c).replace(/\s+/g, ' ');
  if (s.length > max) return { reason: `at most ${max} characters (this one has ${s.length})` };
  return { value: s };
}

/** Phones exported masked ('138****5678') cannot come back: say so instead of "not a phone". */
export const MASKED_PHONE =
  'this phone number is masked (138****5678): export again with --unmasked, or leave the cell empty';

export const isMaskedPhone = (text: string): boolean => text.includes('*');

export const isEmptyCell = (c: Cell | undefined): boolean =>
  c === undefined || c === null || (typeof c === 'string' && c.trim() === '');
