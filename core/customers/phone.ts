// Phone numbers as sellers paste them from chats: '138 1234 5678', '138-1234-5678',
// '+86 13812345678'. Stored in one shape so search, dedupe and masking see the same digits.
import { z } from 'zod';

export const PHONE_HINT =
  'use 5 to 20 digits, optionally starting with + (e.g. 13812345678 or +86 13812345678)';

/**
 * The stored form of a phone number, or null when it is not one. Spaces, dashes, dots and
 * brackets go; a +86 / 0086 country code goes too (every Chinese number is stored without
 * it); another country code keeps its '+'.
 */
export function normalisePhone(raw: string): string | null {
  let s = raw.normalize('NFKC').replace(/[\s\-.()]+/g, '');
  s = s.replace(/^(\+|00)86(?=\d{5})/, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  return /^\+?\d{5,20}$/.test(s) ? s : null;
}

/** An optional phone field: empty means none; anything else must be a phone number. */
export const phoneField = z
  .string()
  .max(40, PHONE_HINT)
  .nullish()
  .transform((raw, ctx) => {
    if (raw == null || raw.trim() === '') return null;
    const phone = normalisePhone(raw);
    if (phone === null) {
      ctx.addIssue({ code: 'custom', message: PHONE_HINT });
      return z.NEVER;
    }
    return phone;
  });
