// Zod building blocks shared by every domain's input schemas.
import { z } from 'zod';
import { isCalendarDay } from './days';

export const id = z.string().trim().min(1, 'required').max(64);

/** A calendar day, 'YYYY-MM-DD', that exists (checked as a calendar, in no time zone). */
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine(isCalendarDay, 'not a real date');

/** Money in integer minor units (fen). */
export const money = z
  .number()
  .int('amounts are integer minor units (fen)')
  .refine(Number.isSafeInteger, 'amount too large');
export const nonNegativeMoney = money.refine((n) => n >= 0, 'must be 0 or more');
export const positiveMoney = money.refine((n) => n > 0, 'must be more than 0');

/** A rate in basis points (1% = 100). */
export const basisPoints = z.number().int('rates are integer basis points').min(0).max(10_000);

export const quantity = z
  .number()
  .int('quantity must be a whole number')
  .positive('must be more than 0');

export const text = (max = 200) => z.string().trim().max(max, `at most ${max} characters`);
export const requiredText = (max = 200) => text(max).min(1, 'required');
export const optionalText = (max = 2000) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((s) => (s === '' || s == null ? null : s));

export const page = {
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
};
