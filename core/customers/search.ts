// Customer search terms for the FTS5 table `customer_search` (tokenizer unicode61, prefix
// indexes 1 2 3). Every search is a PREFIX query on a term, so the terms are chosen to make a
// name substring, a phone prefix, the phone's last four digits, the full pinyin, the pinyin
// initials (张三 -> zs) and the WeChat id each the prefix of some term.
//
// Both sides (stored terms and the query) go through the same `compact` normalisation, so
// punctuation, emoji and spaces inside a name, WeChat id or phone never split a term in two.
import { pinyin } from 'pinyin-pro';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { rowsOf } from '../../db/prepared';

export interface SearchableCustomer {
  name: string;
  phone: string | null;
  wechatId: string | null;
}

/**
 * Keeps only what unicode61 treats as token characters (letters, digits, private use),
 * lowercased after NFKC (full-width "ＡＢ１" becomes "ab1"). Everything else would be a
 * separator to the tokenizer and would cut a term apart.
 */
export function compact(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{Co}]+/gu, '');
}

export interface NamePinyin {
  /** Syllables without tones, lowercased, one per character ('zhang', 'san'). */
  syllables: string[];
  /** The full pinyin joined: 'zhangsan'. */
  pinyin: string;
  /** The first letter of each syllable: 'zs'. */
  initials: string;
}

// The demo generator indexes 200,000 customers whose names repeat a lot; pinyin-pro is the
// slow part, so names are cached. Bounded so a long import cannot grow it without limit:
// when full, the oldest entry goes (Map keeps insertion order).
const PINYIN_CACHE_LIMIT = 50_000;
const pinyinCache = new Map<string, NamePinyin>();

/** Pinyin of a name, reading a leading surname as a surname (单 shan, 曾 zeng, 解 xie). */
export function namePinyin(name: string): NamePinyin {
  const cached = pinyinCache.get(name);
  if (cached) return cached;
  const full = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', v: true });
  const syllables: string[] = [];
  for (const s of full) {
    const c = compact(s);
    if (c !== '') syllables.push(c);
  }
  const value: NamePinyin = {
    syllables,
    pinyin: syllables.join(''),
    initials: syllables.map((s) => s[0]).join(''),
  };
  if (pinyinCache.size >= PINYIN_CACHE_LIMIT) {
    const oldest = pinyinCache.keys().next();
    if (!oldest.done) pinyinCache.delete(oldest.value);
  }
  pinyinCache.set(name, value);
  return value;
}

/** Every suffix of s, longest first ('张三丰' -> 张三丰 三丰 丰). */
function suffixes(s: string): string[] {
  const chars = Array.from(s); // by code point, so a rare character is never cut in half
  return chars.map((_, i) => chars.slice(i).join(''));
}

/** Suffixes that start at a syllable boundary ('zhang','san' -> zhangsan san). */
function syllableSuffixes(parts: string[]): string[] {
  return parts.map((_, i) => parts.slice(i).join(''));
}

/** The digits of a phone number ('+86 138-1234-5678' -> '8613812345678'). */
const phoneDigits = (phone: string): string => phone.replace(/\D+/g, '');

/** The text stored in customer_search.terms for one customer: terms separated by spaces. */
export function searchTerms(c: SearchableCustomer): string {
  const terms = new Set<string>();
  const name = compact(c.name);
  for (const s of suffixes(name)) terms.add(s);

  // Pinyin suffixes on syllable boundaries let 'sanfeng' or 'sf' find 张三丰 too.
  const py = namePinyin(c.name);
  for (const s of syllableSuffixes(py.syllables)) terms.add(s);
  const initials = py.syllables.map((s) => s[0] ?? '');
  for (const s of syllableSuffixes(initials)) terms.add(s);

  if (c.phone) {
    const digits = phoneDigits(c.phone);
    if (digits !== '') {
      terms.add(digits);
      terms.add(digits.slice(-4));
    }
  }
  if (c.wechatId) {
    const wechat = compact(c.wechatId);
    if (wechat !== '') terms.add(wechat);
  }
  terms.delete('');
  return [...terms].join(' ');
}

/** An FTS5 string literal: double quotes doubled, so no input can change the query syntax. */
const ftsString = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/**
 * The FTS5 MATCH expression for what the seller typed, or null when there is nothing to
 * search for. A query that looks like a phone number ('138 1234 5678', '+86 138...') is one
 * run of digits; otherwise each word must be the prefix of some term ('zhang san', 'Tom L').
 */
export function matchQuery(q: string): string | null {
  const trimmed = q.trim();
  if (trimmed === '') return null;
  if (/^[+\d\s\-()]+$/.test(trimmed) && /\d/.test(trimmed)) {
    let digits = phoneDigits(trimmed);
    // Stored Chinese numbers carry no country code (see phone.ts), so neither does the query.
    if (/^(\+|00)86/.test(trimmed)) digits = digits.replace(/^(00)?86/, '');
    return digits === '' ? null : `${ftsString(digits)}*`;
  }
  const words = trimmed
    .split(/\s+/)
    .map(compact)
    .filter((w) => w !== '');
  if (words.length === 0) return null;
  return words.map((w) => `${ftsString(w)}*`).join(' AND ');
}

type Db = Kysely<Database>;

/** Stores (or replaces) the search terms of the customer with this rowid. */
export async function indexCustomer(trx: Db, rowid: number, terms: string): Promise<void> {
  await unindexCustomer(trx, rowid);
  await rowsOf(trx, 'INSERT INTO customer_search (rowid, terms) VALUES (?, ?)', [rowid, terms]);
}

/** Removes the customer with this rowid from search (deleted or erased). */
export async function unindexCustomer(trx: Db, rowid: number): Promise<void> {
  await rowsOf(trx, 'DELETE FROM customer_search WHERE rowid = ?', [rowid]);
}

/**
 * Rewrites the search index without the terms of removed rows. FTS5 only marks a deleted row's
 * terms as deleted until its segments merge, so after an erasure the old name and phone would
 * still sit in customer_search_data. Costs a full index rewrite: call it for erasure only.
 */
export async function purgeRemovedTerms(trx: Db): Promise<void> {
  await sql`INSERT INTO customer_search (customer_search) VALUES ('optimize')`.execute(trx);
}
