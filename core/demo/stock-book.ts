// The demo's stock, mirrored in memory while the ledger is written: on hand per product and
// the moving average cost, moved by exactly the rule the ledger uses (nextAverageCost), so the
// products' cached figures equal a replay of the movements the generator writes.
import { nextAverageCost } from '../stock/ledger';

export class StockBook {
  readonly onHand: Int32Array;
  readonly avgCost: Int32Array;
  /** Units sold per day, smoothed (what the seller would reorder against). */
  readonly dailyDemand: Float64Array;
  private readonly soldToday: Int32Array;

  constructor(products: number) {
    this.onHand = new Int32Array(products);
    this.avgCost = new Int32Array(products);
    this.dailyDemand = new Float64Array(products);
    this.soldToday = new Int32Array(products);
  }

  /** A sale: goods go out at the current average, which the sale line captures. */
  sell(product: number, quantity: number): number {
    this.onHand[product]! -= quantity;
    this.soldToday[product]! += quantity;
    return this.avgCost[product]!;
  }

  /** Goods coming in at a known cost (purchase, restock, cancelled sale) move the average. */
  receive(product: number, quantity: number, unitCost: number): void {
    this.avgCost[product] = nextAverageCost(
      this.onHand[product]!,
      this.avgCost[product]!,
      quantity,
      unitCost,
    );
    this.onHand[product]! += quantity;
  }

  /** End of a day: fold today's sales into the smoothed demand (about a two-week memory). */
  closeDay(): void {
    for (let p = 0; p < this.soldToday.length; p++) {
      this.dailyDemand[p] = this.dailyDemand[p]! * 0.93 + this.soldToday[p]! * 0.07;
      this.soldToday[p] = 0;
    }
  }
}
