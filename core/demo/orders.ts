// The demo's orders, one at a time, in the order a seller lives them: lines and discounts,
// stock out at the moving average, payment, fees, shipping and completion as far as endDay
// allows, and the cancellations and refunds that come later (queued as events on their day).
// Each paid order's money goes into the P&L mirror on its paid day.
import { allocate, applyRate } from '../money';
import type { Platform } from '../../db/schema';
import { SELLING_SECONDS } from './calendar';
import type { DemoCampaign } from './community';
import { wholesalePrice, type DemoAgent, type DemoLedger } from './agents';
import type { DemoIds } from './ids';
import type { ContributionKeys, PnlMirror } from './pnl-mirror';
import { cumulative, type Random } from './random';
import { refundPart, refundRest, type RefundableLine, type RefundLinePart } from './refunds';
import type { DemoTables } from './tables';
import type { DemoWorld } from './world';

/** Fee keys as pnl_daily stores them (index = the mirror's key; 0 = none). */
export const FEE_KEYS = [
  '',
  'order:platform',
  'order:payment',
  'order:shipping',
  'order:packaging',
  'order:other',
  'expense:ads',
  'expense:samples',
  'expense:subscription',
  'expense:rent',
  'expense:salary',
  'expense:shipping',
  'expense:packaging',
  'expense:other',
];
export const feeKey = (key: string): number => FEE_KEYS.indexOf(key);

const LINE_COUNTS = cumulative([45, 30, 16, 9]);
const QUANTITIES = cumulative([65, 25, 7, 2, 1]);
const PAY_LAGS = cumulative([72, 17, 7, 2, 1, 1]);
const CANCEL_REASONS = ['客户不要了', '下错单了', '超时未付款', '缺货，和客户商量取消'];
const REFUND_REASONS_RESTOCK = ['不想要了，未拆封退回', '拍错规格', '地址填错退回'];
const REFUND_REASONS_LOSS = ['坏果包赔', '快递压坏', '少发漏发', '临期，补偿客户'];

type Event =
  | { kind: 'cancel'; second: number; orderId: string; orderNo: string; lines: RefundableLine[] }
  | { kind: 'refund'; refund: PlannedRefund };

interface PlannedRefund {
  id: string;
  orderId: string;
  orderNo: string;
  day: number;
  second: number;
  restock: boolean;
  reason: string;
  shipping: number;
  parts: RefundLinePart[];
  customer: number;
  group: number;
  agent: number;
  campaign: number;
}

export class OrderMaker {
  private readonly events = new Map<number, Event[]>();
  /** Failed campaigns by the day they end (decided once that day's orders are in). */
  private readonly failing = new Map<number, DemoCampaign[]>();
  private readonly keys: ContributionKeys = {
    product: 0,
    category: 0,
    group: 0,
    agent: 0,
    campaign: 0,
    customer: 0,
    fee: 0,
  };
  private orderSeq = 0;
  private dayNo = -1;
  private dayCount = 0;
  private readonly feeKeys = {
    platform: feeKey('order:platform'),
    payment: feeKey('order:payment'),
    shipping: feeKey('order:shipping'),
    packaging: feeKey('order:packaging'),
  };
  refunds = 0;

  constructor(
    private readonly w: DemoWorld,
    private readonly r: Random,
    private readonly ids: DemoIds,
    private readonly t: DemoTables,
    private readonly pnl: PnlMirror,
    private readonly ledger: DemoLedger,
  ) {
    for (const c of w.campaigns) {
      if (c.outcome === 'failed')
        this.failing.set(c.endDay, [...(this.failing.get(c.endDay) ?? []), c]);
    }
  }

  private queue(day: number, event: Event): void {
    const list = this.events.get(day);
    if (list) list.push(event);
    else this.events.set(day, [event]);
  }

  /** Cancellations and refunds that fall on `day` (before the day's new orders). */
  runEvents(day: number): void {
    const list = this.events.get(day);
    if (!list) return;
    this.events.delete(day);
    for (const e of list) {
      if (e.kind === 'cancel') this.cancelSale(day, e.second, e.orderId, e.orderNo, e.lines);
      else this.writeRefund(e.refund);
    }
  }

  /** The end of `day`: same-day cancellations, then the campaigns that fail tonight. */
  closeDay(day: number): void {
    this.runEvents(day);
    const list = this.failing.get(day);
    if (!list) return;
    this.failing.delete(day);
    for (const c of list) this.decideFailed(c);
  }

  /**
   * One order placed on `day` at `second` by `customer` (in `group`, for `campaign`); with
   * `wholesale`, the agent buying stock at its tier price (customer = its own buyer record).
   */
  make(
    day: number,
    second: number,
    customer: number,
    group: number,
    campaign: DemoCampaign | null,
    wholesale: DemoAgent | null = null,
  ): void {
    const { w, r, t } = this;
    const cal = w.cal;
    const last = cal.last;
    const dayText = cal.days[day]!;
    const seq = this.orderSeq++;
    if (this.dayNo !== day) {
      this.dayNo = day;
      this.dayCount = 0;
    }
    const orderNo = `QD${dayText.slice(0, 4)}${dayText.slice(5, 7)}${dayText.slice(8, 10)}-${String(++this.dayCount).padStart(4, '0')}`;
    const orderedAt = w.at(day, second);
    const orderId = this.ids.at(w.ms(day, second));
    const platform: Platform | null = group >= 0 ? w.groups[group]!.platform : null;
    // Credited to the customer's owner agent once it has joined (as of the sale); an agent's
    // own purchase is credited to no one (its buyer record has no owner).
    const owner = wholesale ? -1 : (w.customerAgent[customer] ?? -1);
    const agent = owner >= 0 && w.agents[owner]!.joinDay <= day ? owner : -1;

    // Lines: products, quantities, prices and line discounts.
    const products: number[] = [];
    const quantities: number[] = [];
    const prices: number[] = [];
    const lineDiscounts: number[] = [];
    if (campaign) {
      campaign.products.forEach((p, i) => {
        if (i > 0 && !r.chance(0.4)) return;
        products.push(p);
        quantities.push(Math.min(campaign.perBuyerLimit ?? 9, 1 + r.pickCumulative(QUANTITIES)));
        prices.push(campaign.prices[i]!);
        lineDiscounts.push(0);
      });
    } else if (wholesale) {
      const weights = w.productWeightsFor(day);
      const n = r.int(1, 3);
      for (let i = 0; i < n; i++) {
        const p = r.pickCumulative(weights);
        products.push(p);
        quantities.push(r.int(3, 10));
        prices.push(wholesalePrice(w.products[p]!.retail, wholesale.tier));
        lineDiscounts.push(0);
      }
    } else {
      const weights = w.productWeightsFor(day);
      const groupPrice = group >= 0 && r.chance(0.6);
      const n = 1 + r.pickCumulative(LINE_COUNTS);
      for (let i = 0; i < n; i++) {
        // Now and then the same product again as a free gift (赠品), at price 0.
        const gift = i > 0 && r.chance(0.05);
        const p = gift ? products[0]! : r.pickCumulative(weights);
        const product = w.products[p]!;
        const quantity = gift ? 1 : 1 + r.pickCumulative(QUANTITIES);
        const price = gift ? 0 : groupPrice ? product.groupPrice : product.retail;
        const gross = quantity * price;
        let discount = 0;
        if (gross > 1000 && r.chance(0.06)) {
          discount = Math.floor(applyRate(gross, r.int(5, 15) * 100) / 100) * 100;
          if (discount >= gross) discount = 0;
        }
        products.push(p);
        quantities.push(quantity);
        prices.push(price);
        lineDiscounts.push(discount);
      }
    }
    const lineCount = products.length;
    const afterLine: number[] = [];
    let subtotal = 0;
    for (let i = 0; i < lineCount; i++) {
      const a = quantities[i]! * prices[i]! - lineDiscounts[i]!;
      afterLine.push(a);
      subtotal += a;
    }
    // Order discount: 满减 on bigger orders, and 抹零 (dropping the small change).
    let orderDiscount = 0;
    if (!campaign && !wholesale && subtotal >= 19_900 && r.chance(0.1)) orderDiscount = 2000;
    else if (!campaign && !wholesale && subtotal >= 9_900 && r.chance(0.08)) orderDiscount = 1000;
    if (r.chance(0.1)) orderDiscount += (subtotal - orderDiscount) % 100;
    const shares = orderDiscount > 0 ? allocate(orderDiscount, afterLine) : null;
    const nets: number[] = [];
    let goodsTotal = 0;
    for (let i = 0; i < lineCount; i++) {
      const net = afterLine[i]! - (shares ? shares[i]! : 0);
      nets.push(net);
      goodsTotal += net;
    }
    const pickup = platform === 'offline' || r.chance(campaign ? 0.8 : 0.5);
    const shippingCharged = pickup || goodsTotal >= 9_900 ? 0 : r.pick([600, 800, 1000, 1200]);
    const totalDue = goodsTotal + shippingCharged;

    // The order's life as far as endDay reaches.
    let status: 'draft' | 'confirmed' | 'paid' | 'shipped' | 'completed' | 'cancelled' =
      'confirmed';
    let paidDay = -1;
    let shipDay = -1;
    let completeDay = -1;
    let cancelDay = -1;
    let cancelReason: string | null = null;
    if (!campaign && day >= last - 1 && r.chance(0.08)) {
      status = 'draft';
    } else if (!campaign && r.chance(0.025)) {
      const d = day + r.int(0, 3);
      if (d <= last) {
        status = 'cancelled';
        cancelDay = d;
        cancelReason = r.pick(CANCEL_REASONS);
      }
    } else {
      const d = day + (campaign ? (r.chance(0.8) ? 0 : 1) : r.pickCumulative(PAY_LAGS));
      if (d <= last && !(campaign?.outcome === 'failed' && d > campaign.endDay)) {
        paidDay = d;
        status = 'paid';
        if (campaign?.outcome === 'succeeded' || !campaign) {
          const from = campaign ? Math.max(d, campaign.endDay + 1) : d;
          if (pickup) completeDay = from + r.int(0, 2);
          else {
            shipDay = from + r.int(0, 2);
            completeDay = shipDay + r.int(2, 6);
          }
          if (shipDay >= 0 && shipDay <= last) status = 'shipped';
          if (completeDay <= last) status = 'completed';
          else completeDay = -1;
          if (shipDay > last) shipDay = -1;
        }
      } else if (campaign?.outcome === 'failed') {
        status = 'cancelled';
        cancelDay = campaign.endDay;
        cancelReason = `Group-buy "${campaign.name}" failed`;
      }
    }
    const confirmed = status !== 'draft';

    // Lines, and stock out at the moving average (captured on the line).
    const lines: RefundableLine[] = [];
    for (let i = 0; i < lineCount; i++) {
      const p = products[i]!;
      const product = w.products[p]!;
      const quantity = quantities[i]!;
      const lineId = this.ids.at(w.ms(day, second));
      const unitCost = confirmed ? w.stock.sell(p, quantity) : 0;
      const cost = quantity * unitCost;
      t.orderLines.add(
        lineId,
        orderId,
        i + 1,
        product.id,
        product.sku,
        product.name,
        w.categories[product.category],
        quantity,
        prices[i],
        lineDiscounts[i],
        shares ? shares[i] : 0,
        nets[i],
        unitCost,
        cost,
      );
      if (confirmed) {
        t.movements.add(
          this.ids.at(w.ms(day, second)),
          product.id,
          'sale',
          -quantity,
          unitCost,
          dayText,
          orderId,
          lineId,
          null,
          null,
          orderNo,
          orderedAt,
        );
      }
      lines.push({
        id: lineId,
        product: p,
        quantity,
        net: nets[i]!,
        unitCost,
        cost,
        refundedQuantity: 0,
        refundedAmount: 0,
        restockedQuantity: 0,
        costReversed: 0,
        accruals: null,
        refundWritten: 0,
      });
    }

    // Payment(s) and fees.
    let paidAt: string | null = null;
    let paymentFee = 0;
    if (paidDay >= 0) {
      const paySecond =
        paidDay === day
          ? Math.min(SELLING_SECONDS - 1, second + r.int(30, 1800))
          : r.int(0, SELLING_SECONDS - 1);
      paidAt = w.at(paidDay, paySecond);
      const method = pickup && r.chance(0.1) ? 'cash' : r.pick(METHODS);
      const deposit =
        paidDay > day && totalDue >= 1000 && r.chance(0.1) ? applyRate(totalDue, 3000) : 0;
      if (deposit > 0) {
        t.payments.add(
          this.ids.at(w.ms(day, second + 1)),
          orderId,
          deposit,
          method,
          dayText,
          null,
          w.at(day, Math.min(SELLING_SECONDS - 1, second + 1)),
        );
      }
      t.payments.add(
        this.ids.at(w.ms(paidDay, paySecond)),
        orderId,
        totalDue - deposit,
        method,
        cal.days[paidDay],
        method === 'bank' ? `转账尾号${r.digits(4)}` : null,
        paidAt,
      );
      if ((method === 'wechat' || method === 'alipay') && r.chance(0.75))
        paymentFee = applyRate(totalDue, 60);
    }

    // Refunds later on (about 3 in 100 paid orders), and cancellations' stock coming back.
    let refundedTotal = 0;
    const refundable = !campaign || campaign.outcome === 'succeeded';
    if (paidDay >= 0 && refundable && r.chance(0.03)) {
      refundedTotal = this.planRefunds(
        orderId,
        orderNo,
        paidDay,
        lines,
        shippingCharged,
        customer,
        group,
        agent,
        campaign ? campaign.index : -1,
      );
    }
    if (status === 'cancelled' && !campaign) {
      this.queue(cancelDay, {
        kind: 'cancel',
        second: r.int(0, SELLING_SECONDS - 1),
        orderId,
        orderNo,
        lines,
      });
    }
    if (campaign?.outcome === 'failed') {
      campaign.failedOrders.push({
        orderSeq: seq,
        orderId,
        orderNo,
        customer,
        agent,
        paid: paidDay >= 0,
        lines,
        shipping: shippingCharged,
      });
      if (paidDay >= 0) refundedTotal = totalDue;
    }

    const shippedAt = shipDay >= 0 ? w.at(shipDay, r.int(0, SELLING_SECONDS - 1)) : null;
    const completedAt = completeDay >= 0 ? w.at(completeDay, r.int(0, SELLING_SECONDS - 1)) : null;
    const cancelledAt =
      status === 'cancelled'
        ? w.at(cancelDay, campaign ? SELLING_SECONDS - 1 : r.int(0, SELLING_SECONDS - 1))
        : null;
    const updatedAt = completedAt ?? shippedAt ?? cancelledAt ?? paidAt ?? orderedAt;
    t.orders.add(
      orderId,
      orderNo,
      w.customerIds[customer],
      group >= 0 ? w.groups[group]!.id : null,
      agent >= 0 ? w.agents[agent]!.id : null,
      campaign ? campaign.id : null,
      status,
      dayText,
      paidDay >= 0 ? cal.days[paidDay] : null,
      confirmed ? orderedAt : null,
      shippedAt,
      completedAt,
      completeDay >= 0 ? cal.days[completeDay] : null,
      cancelledAt,
      cancelReason,
      goodsTotal,
      orderDiscount,
      shippingCharged,
      totalDue,
      paidDay >= 0 ? totalDue : 0,
      refundedTotal,
      wholesale ? 1 : 0,
      'demo',
      pickup ? null : w.customerAddress[customer],
      orderedAt,
      updatedAt,
    );

    if (paidDay < 0) return;
    // Fee lines, and the order's money on its paid day.
    const k = this.keys;
    k.group = group + 1;
    k.agent = agent + 1;
    k.campaign = campaign ? campaign.index + 1 : 0;
    k.customer = customer + 1;
    k.fee = 0;
    for (const line of lines) {
      k.product = line.product + 1;
      k.category = w.products[line.product]!.category + 1;
      this.pnl.add(paidDay, k, line.net, line.cost, 0, 0, seq);
    }
    k.product = 0;
    k.category = 0;
    if (shippingCharged !== 0) this.pnl.add(paidDay, k, shippingCharged, 0, 0, 0, seq);
    if (agent >= 0)
      this.ledger.accrue(orderId, agent, paidDay, w.ms(day, second), paidAt!, lines, k);
    if (paymentFee > 0)
      this.fee(orderId, paidDay, paidAt!, this.feeKeys.payment, 'payment', paymentFee);
    if (platform === 'xiaohongshu' || platform === 'douyin') {
      this.fee(
        orderId,
        paidDay,
        paidAt!,
        this.feeKeys.platform,
        'platform',
        applyRate(goodsTotal, 500),
      );
    }
    if (shippedAt) {
      const heavy = products.some((p) => w.products[p]!.category === 4);
      this.fee(
        orderId,
        paidDay,
        shippedAt,
        this.feeKeys.shipping,
        'shipping',
        heavy ? r.int(1200, 2000) : r.int(500, 1000),
      );
      if (r.chance(0.2))
        this.fee(orderId, paidDay, shippedAt, this.feeKeys.packaging, 'packaging', r.int(100, 300));
    }
  }

  private fee(
    orderId: string,
    paidDay: number,
    at: string,
    key: number,
    kind: string,
    amount: number,
  ): void {
    if (amount <= 0) return;
    const ms = Date.parse(at);
    this.t.orderFees.add(this.ids.at(ms), orderId, kind, amount, at);
    this.keys.fee = key;
    this.pnl.add(paidDay, this.keys, 0, 0, amount, 0, -1);
    this.keys.fee = 0;
  }

  /** Plans one or two refunds of a paid order; returns what they give back in total. */
  private planRefunds(
    orderId: string,
    orderNo: string,
    paidDay: number,
    lines: RefundableLine[],
    shipping: number,
    customer: number,
    group: number,
    agent: number,
    campaign: number,
  ): number {
    const { r, w } = this;
    const last = w.cal.last;
    let day = paidDay + r.int(1, 15);
    let total = 0;
    let shippingLeft = shipping;
    for (let round = 0; round < 2 && day <= last; round++) {
      const restock = r.chance(0.45);
      const full = round === 1 ? r.chance(0.5) : r.chance(0.35);
      let parts: RefundLinePart[];
      let refundShipping = 0;
      if (full) {
        parts = refundRest(lines, restock);
        refundShipping = shippingLeft;
        shippingLeft = 0;
      } else {
        const open = lines.filter((l) => l.refundedQuantity < l.quantity);
        if (open.length === 0) break;
        const line = r.pick(open);
        parts = [refundPart(line, r.int(1, line.quantity - line.refundedQuantity), restock)];
      }
      if (parts.length === 0 && refundShipping === 0) break;
      const amount = parts.reduce((s, p) => s + p.amount, 0) + refundShipping;
      const second = r.int(0, SELLING_SECONDS - 1);
      this.queue(day, {
        kind: 'refund',
        refund: {
          id: this.ids.at(w.ms(day, second)),
          orderId,
          orderNo,
          day,
          second,
          restock,
          reason: r.pick(restock ? REFUND_REASONS_RESTOCK : REFUND_REASONS_LOSS),
          shipping: refundShipping,
          parts,
          customer,
          group,
          agent,
          campaign,
        },
      });
      total += amount;
      if (full || !r.chance(0.2)) break;
      day += r.int(1, 10);
    }
    return total;
  }

  private writeRefund(f: PlannedRefund): void {
    const { w, t } = this;
    const dayText = w.cal.days[f.day]!;
    const at = w.at(f.day, f.second);
    const amount = f.parts.reduce((s, p) => s + p.amount, 0) + f.shipping;
    t.refunds.add(f.id, f.orderId, dayText, amount, f.shipping, f.restock ? 1 : 0, f.reason, at);
    const k = this.keys;
    k.group = f.group + 1;
    k.agent = f.agent + 1;
    k.campaign = f.campaign + 1;
    k.customer = f.customer + 1;
    k.fee = 0;
    for (const p of f.parts) {
      const line = p.line;
      const product = w.products[line.product]!;
      t.refundLines.add(
        this.ids.at(w.ms(f.day, f.second)),
        f.id,
        line.id,
        p.quantity,
        p.amount,
        p.costReversed,
      );
      if (f.restock && p.quantity > 0) {
        w.stock.receive(line.product, p.quantity, line.unitCost);
        t.movements.add(
          this.ids.at(w.ms(f.day, f.second)),
          product.id,
          'refund_restock',
          p.quantity,
          line.unitCost,
          dayText,
          f.orderId,
          line.id,
          null,
          f.id,
          f.orderNo,
          at,
        );
      }
      k.product = line.product + 1;
      k.category = product.category + 1;
      this.pnl.add(f.day, k, -p.amount, -p.costReversed, 0, 0, -1);
    }
    k.product = 0;
    k.category = 0;
    if (f.shipping !== 0) this.pnl.add(f.day, k, -f.shipping, 0, 0, 0, -1);
    this.ledger.reverse(f.id, f.orderId, f.day, w.ms(f.day, f.second), at, f.parts, k);
    this.refunds++;
  }

  /** A cancelled confirmed order: its goods come back at the cost each line captured. */
  private cancelSale(
    day: number,
    second: number,
    orderId: string,
    orderNo: string,
    lines: RefundableLine[],
  ): void {
    const { w, t } = this;
    const at = w.at(day, second);
    for (const line of lines) {
      w.stock.receive(line.product, line.quantity, line.unitCost);
      t.movements.add(
        this.ids.at(w.ms(day, second)),
        w.products[line.product]!.id,
        'sale_cancel',
        line.quantity,
        line.unitCost,
        w.cal.days[day],
        orderId,
        line.id,
        null,
        null,
        orderNo,
        at,
      );
    }
  }

  /** A failed 接龙, decided at the end of its last day: cancel the unpaid, refund the paid. */
  private decideFailed(c: DemoCampaign): void {
    const second = SELLING_SECONDS - 1;
    for (const o of c.failedOrders) {
      if (!o.paid) {
        this.cancelSale(c.endDay, second, o.orderId, o.orderNo, o.lines);
        continue;
      }
      this.writeRefund({
        id: this.ids.at(this.w.ms(c.endDay, second)),
        orderId: o.orderId,
        orderNo: o.orderNo,
        day: c.endDay,
        second,
        restock: true,
        reason: `Group-buy "${c.name}" failed`,
        shipping: o.shipping,
        parts: refundRest(o.lines, true),
        customer: o.customer,
        group: c.group,
        agent: o.agent,
        campaign: c.index,
      });
    }
    c.failedOrders = [];
  }
}

const METHODS = [
  'wechat',
  'wechat',
  'wechat',
  'wechat',
  'wechat',
  'alipay',
  'alipay',
  'other',
  'other',
  'bank',
];
