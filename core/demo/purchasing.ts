// Goods in: the demo seller restocks like a careful one. Each morning every product whose
// stock would not last about a week (at its recent sales rate) is reordered from its supplier
// for about three more weeks, at a cost that drifts up with time and varies by batch.
// One purchase per supplier per day; the moving average moves exactly as the ledger says.
import { mulDivRoundHalfUp } from '../money';
import type { DemoIds } from './ids';
import type { Random } from './random';
import type { DemoTables } from './tables';
import type { DemoWorld } from './world';

export class Purchasing {
  purchases = 0;
  private readonly floor: Float64Array;

  constructor(
    private readonly w: DemoWorld,
    private readonly r: Random,
    private readonly ids: DemoIds,
    private readonly t: DemoTables,
    /** Expected units a day per product when the period starts. */
    expected: Float64Array,
  ) {
    this.floor = expected.map((e) => e * 0.2);
    w.products.forEach((p, i) => {
      w.stock.dailyDemand[i] = expected[i]!;
      p.threshold = Math.max(5, Math.round(expected[i]! * 5));
    });
  }

  /** Buys what runs short; `opening` stocks a month of everything on the first day. */
  restock(day: number, opening = false): void {
    const { w, r } = this;
    const bySupplier = new Map<number, { product: number; quantity: number; unitCost: number }[]>();
    w.products.forEach((p, i) => {
      const demand = Math.max(w.stock.dailyDemand[i]!, this.floor[i]!, 0.2);
      const onHand = w.stock.onHand[i]!;
      const reorderAt = Math.ceil(demand * 7) + p.threshold;
      if (!opening && onHand >= reorderAt) return;
      if (p.discontinued && day > (w.cal.first + w.cal.last) / 2) return;
      // A few products the seller has not reordered yet lately: the low-stock list has work.
      if (!opening && i % 17 === 5 && day > w.cal.last - 14) return;
      const target = Math.ceil(demand * (opening ? 30 : 21)) + p.threshold * 2;
      const quantity = target - onHand;
      if (quantity <= 0) return;
      // About 4% a year dearer, each batch within 6% either way.
      const drift = 10_000 + Math.floor(((day - w.cal.first) * 400) / 365) + r.int(-600, 600);
      const unitCost = Math.max(1, mulDivRoundHalfUp(p.baseCost, drift, 10_000));
      const list = bySupplier.get(p.supplier) ?? [];
      list.push({ product: i, quantity, unitCost });
      bySupplier.set(p.supplier, list);
    });
    const dayText = w.cal.days[day]!;
    for (const [supplier, lines] of [...bySupplier].sort((a, b) => a[0] - b[0])) {
      const second = r.int(0, 3600);
      const at = w.at(day, second);
      const id = this.ids.at(w.ms(day, second));
      let total = 0;
      for (const l of lines) total += l.quantity * l.unitCost;
      this.purchases++;
      this.t.purchases.add(
        id,
        w.suppliers[supplier],
        dayText,
        `CG${dayText.replaceAll('-', '')}-${supplier + 1}`,
        total,
        at,
      );
      for (const l of lines) {
        const product = w.products[l.product]!;
        const lineId = this.ids.at(w.ms(day, second));
        this.t.purchaseLines.add(
          lineId,
          id,
          product.id,
          l.quantity,
          l.unitCost,
          l.quantity * l.unitCost,
        );
        w.stock.receive(l.product, l.quantity, l.unitCost);
        this.t.movements.add(
          this.ids.at(w.ms(day, second)),
          product.id,
          'purchase',
          l.quantity,
          l.unitCost,
          dayText,
          null,
          null,
          id,
          null,
          null,
          at,
        );
      }
    }
  }
}
