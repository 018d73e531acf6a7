// The demo's money that is not an order: expenses (ads, samples, subscriptions, rent, wages,
// packing material) and other income (franchise and training fees, advertising, rebates),
// sized to the business, some ads tied to a running 接龙, and now and then a mistyped expense
// corrected the way the ledger wants it: a reversal row, then the right amount.
import { applyRate, divRoundHalfUp } from '../money';
import { SELLING_SECONDS } from './calendar';
import type { DemoIds } from './ids';
import { feeKey } from './orders';
import type { ContributionKeys, PnlMirror } from './pnl-mirror';
import type { Random } from './random';
import type { DemoTables } from './tables';
import type { DemoWorld } from './world';

type ExpenseCategory =
  'ads' | 'samples' | 'subscription' | 'rent' | 'salary' | 'shipping' | 'packaging' | 'other';

const AD_NOTES = ['朋友圈广告', '小红书薯条推广', '抖音DOU+', '社群红包拉新', '快团团置顶'];
const SAMPLE_NOTES = ['新品试吃样品', '供应商寄样', '团长试用装'];

export class Spending {
  expenses = 0;
  income = 0;
  /** How big the business is: 1 = about 140 orders a day. */
  private readonly size: number;
  /** Amounts grow with the square root of the size, as a rate in basis points. */
  private readonly sizeRate: number;
  private readonly keys: ContributionKeys = {
    product: 0,
    category: 0,
    group: 0,
    agent: 0,
    campaign: 0,
    customer: 0,
    fee: 0,
  };

  constructor(
    private readonly w: DemoWorld,
    private readonly r: Random,
    private readonly ids: DemoIds,
    private readonly t: DemoTables,
    private readonly pnl: PnlMirror,
  ) {
    this.size = Math.max(0.05, w.plan.orders / 100_000);
    this.sizeRate = Math.round(Math.sqrt(this.size) * 10_000);
  }

  /** An amount between lo and hi fen for a business of size 1, in whole yuan. */
  private scaled(lo: number, hi: number): number {
    return Math.max(100, divRoundHalfUp(applyRate(this.r.int(lo, hi), this.sizeRate), 100) * 100);
  }

  private expense(
    day: number,
    category: ExpenseCategory,
    amount: number,
    note: string | null,
    campaign: number,
  ): void {
    const second = this.r.int(0, SELLING_SECONDS - 1);
    const id = this.ids.at(this.w.ms(day, second));
    const dayText = this.w.cal.days[day]!;
    const at = this.w.at(day, second);
    const campaignId = campaign >= 0 ? this.w.campaigns[campaign]!.id : null;
    this.t.expenses.add(id, category, amount, dayText, campaignId, note, null, at);
    this.book(day, category, amount, campaign);
    if (this.r.chance(0.02)) {
      // Typed wrong: reverse it and record the right amount (never an edit).
      const fix = Math.min(SELLING_SECONDS - 1, second + 600);
      this.t.expenses.add(
        this.ids.at(this.w.ms(day, fix)),
        category,
        -amount,
        dayText,
        campaignId,
        '冲销：金额录错',
        id,
        this.w.at(day, fix),
      );
      this.book(day, category, -amount, campaign);
      const right = Math.max(100, amount - this.r.int(1, 9) * 100);
      this.t.expenses.add(
        this.ids.at(this.w.ms(day, fix + 1)),
        category,
        right,
        dayText,
        campaignId,
        note,
        null,
        this.w.at(day, fix + 1),
      );
      this.book(day, category, right, campaign);
    }
  }

  private book(day: number, category: ExpenseCategory, amount: number, campaign: number): void {
    this.keys.fee = feeKey(`expense:${category}`);
    this.keys.campaign = campaign + 1;
    this.pnl.add(day, this.keys, 0, 0, amount, 0, -1);
    this.keys.campaign = 0;
    this.keys.fee = 0;
    this.expenses++;
  }

  private incomeRow(
    day: number,
    kind: 'franchise' | 'training' | 'advertising' | 'other',
    amount: number,
    note: string,
    customer: number,
  ): void {
    const second = this.r.int(0, SELLING_SECONDS - 1);
    this.t.otherIncome.add(
      this.ids.at(this.w.ms(day, second)),
      kind,
      amount,
      this.w.cal.days[day],
      customer >= 0 ? this.w.customerIds[customer] : null,
      note,
      this.w.at(day, second),
    );
    this.keys.customer = customer + 1;
    this.pnl.add(day, this.keys, 0, 0, 0, amount, -1);
    this.keys.customer = 0;
    this.income++;
  }

  /** The day's expenses and income. */
  day(day: number, runningCampaign: number): void {
    const { r, w } = this;
    const dom = w.cal.dayOfMonth(day);
    if (dom === 1) {
      this.expense(day, 'rent', this.scaled(80_000, 120_000), '仓库租金', -1);
      this.expense(day, 'subscription', 9_900, '快团团/有赞 月费', -1);
      if (this.size >= 1)
        this.expense(day, 'salary', this.scaled(300_000, 450_000), '兼职打包工资', -1);
    }
    if (dom === 15)
      this.expense(day, 'packaging', this.scaled(20_000, 60_000), '纸箱胶带泡沫箱', -1);
    if (r.chance(0.2)) {
      const campaign = runningCampaign >= 0 && r.chance(0.5) ? runningCampaign : -1;
      this.expense(day, 'ads', this.scaled(5_000, 50_000), r.pick(AD_NOTES), campaign);
    }
    if (r.chance(0.06))
      this.expense(day, 'samples', this.scaled(2_000, 20_000), r.pick(SAMPLE_NOTES), -1);
    if (r.chance(0.01)) this.expense(day, 'other', this.scaled(1_000, 30_000), '杂费', -1);

    const customers = w.customersBy[day]!;
    if (r.chance(0.004)) this.incomeRow(day, 'franchise', r.int(30, 100) * 10_000, '加盟费', -1);
    if (r.chance(0.03) && customers > 0) {
      this.incomeRow(day, 'training', r.int(199, 999) * 100, '团长培训课', r.int(0, customers - 1));
    }
    if (r.chance(0.05))
      this.incomeRow(day, 'advertising', this.scaled(20_000, 200_000), '品牌方群内推广费', -1);
    if (dom === 28 && r.chance(0.3))
      this.incomeRow(day, 'other', this.scaled(5_000, 50_000), '平台返佣', -1);
  }
}
