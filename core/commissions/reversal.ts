// The one rule for reversing commission when a line is refunded (used by the ledger and by the
// demo generator's bulk loader). Cumulative: after each refund the reversals of an accrual
// total round-half-up(accrual x refunded / line net), so a fully refunded line nets every
// accrual to exactly zero, whatever the refunds in between.
import { mulDivRoundHalfUp } from '../money';

export interface Reversal {
  /** Negative amount to write (0: nothing to write). */
  amount: number;
  /** Negative base to write. */
  base: number;
}

/**
 * @param accrual the accrual's amount and base
 * @param lineNet the line's net amount
 * @param refundedAfter the line's refunded amount including this refund (at most lineNet)
 * @param reversedSoFar sums of the accrual's earlier reversals (negative numbers)
 */
export function nextReversal(
  accrual: { amount: number; base: number },
  lineNet: number,
  refundedAfter: number,
  reversedSoFar: { amount: number; base: number },
): Reversal {
  const amount = mulDivRoundHalfUp(accrual.amount, refundedAfter, lineNet) + reversedSoFar.amount;
  const base = mulDivRoundHalfUp(accrual.base, refundedAfter, lineNet) + reversedSoFar.base;
  return { amount: amount === 0 ? 0 : -amount, base: base === 0 ? 0 : -base };
}
