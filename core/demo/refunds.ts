// Refund amounts exactly as the refund service computes them (core/orders/refunds.ts):
// cumulative per line, so refunding a line in parts sums to its net amount, and the cost of
// restocked units likewise sums to the line's cost.
import { mulDivRoundHalfUp } from '../money';
import type { DemoAccrual } from './agents';

export interface RefundableLine {
  id: string;
  product: number;
  quantity: number;
  net: number;
  unitCost: number;
  cost: number;
  refundedQuantity: number;
  refundedAmount: number;
  restockedQuantity: number;
  costReversed: number;
  /** The line's commission accruals (null: none), and its refunds written so far. */
  accruals?: DemoAccrual[] | null;
  refundWritten?: number;
}

export interface RefundLinePart {
  line: RefundableLine;
  quantity: number;
  amount: number;
  costReversed: number;
}

/** Takes `quantity` more units of `line` back (the default amount), updating what was refunded. */
export function refundPart(
  line: RefundableLine,
  quantity: number,
  restock: boolean,
): RefundLinePart {
  const qtyAfter = line.refundedQuantity + quantity;
  const target = mulDivRoundHalfUp(line.net, qtyAfter, line.quantity);
  const amount = Math.min(
    Math.max(target - line.refundedAmount, 0),
    line.net - line.refundedAmount,
  );
  let costReversed = 0;
  if (restock && quantity > 0) {
    const costTarget = mulDivRoundHalfUp(
      line.cost,
      line.restockedQuantity + quantity,
      line.quantity,
    );
    costReversed = Math.min(
      Math.max(costTarget - line.costReversed, 0),
      line.cost - line.costReversed,
    );
    line.restockedQuantity += quantity;
    line.costReversed += costReversed;
  }
  line.refundedQuantity = qtyAfter;
  line.refundedAmount += amount;
  return { line, quantity, amount, costReversed };
}

/** Everything not refunded yet, like refundEverything: each line's remaining units. */
export function refundRest(lines: RefundableLine[], restock: boolean): RefundLinePart[] {
  const parts: RefundLinePart[] = [];
  for (const line of lines) {
    const left = line.quantity - line.refundedQuantity;
    if (left > 0) parts.push(refundPart(line, left, restock));
  }
  return parts;
}
