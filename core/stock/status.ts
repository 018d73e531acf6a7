// How a product's stock reads to the seller: what it is worth and whether to worry.
// Pure, so the catalog and the stock screens say exactly the same thing.

export interface StockStatus {
  /** on hand x average cost; 0 when nothing (or less than nothing) is on hand. */
  stockValue: number;
  /** At or below the low-stock threshold: time to reorder. */
  low: boolean;
  /** More was sold than received (orders taken before goods arrived): always shown. */
  negative: boolean;
}

export function stockStatus(onHand: number, avgCost: number, threshold: number): StockStatus {
  return {
    stockValue: onHand > 0 ? onHand * avgCost : 0,
    low: onHand <= threshold,
    negative: onHand < 0,
  };
}
