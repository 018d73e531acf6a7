// Line amounts: gross = quantity x unit price; the order discount is split over the lines by
// largest remainder in proportion to what each line is worth after its own discount, so the
// shares sum exactly to the order discount and no line goes below zero.
import { allocate } from '../money';
import { fieldError } from '../api/errors';
import type { MoneyText } from './money-text';

export interface LineToPrice {
  quantity: number;
  unitPrice: number;
  lineDiscount: number;
}

export interface PricedLine extends LineToPrice {
  orderDiscountShare: number;
  netAmount: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  goodsTotal: number;
}

export function priceLines(
  lines: readonly LineToPrice[],
  orderDiscount: number,
  money: MoneyText,
): PricedOrder {
  const afterLineDiscount = lines.map((l, i) => {
    const gross = l.quantity * l.unitPrice;
    if (!Number.isSafeInteger(gross)) {
      throw fieldError(`lines.${i}.quantity`, 'quantity x unit price is too large');
    }
    if (l.lineDiscount > gross) {
      throw fieldError(
        `lines.${i}.lineDiscount`,
        `the line discount ${money(l.lineDiscount)} is more than the line's goods ${money(gross)}`,
      );
    }
    return gross - l.lineDiscount;
  });
  const goodsBeforeOrderDiscount = afterLineDiscount.reduce((a, b) => a + b, 0);
  if (orderDiscount > goodsBeforeOrderDiscount) {
    throw fieldError(
      'orderDiscount',
      `the order discount ${money(orderDiscount)} is more than the goods ${money(goodsBeforeOrderDiscount)}`,
    );
  }
  const shares = allocate(orderDiscount, afterLineDiscount);
  const priced = lines.map((l, i) => ({
    ...l,
    orderDiscountShare: shares[i]!,
    netAmount: afterLineDiscount[i]! - shares[i]!,
  }));
  return { lines: priced, goodsTotal: goodsBeforeOrderDiscount - orderDiscount };
}
