// The demo business's standing data, made before the first order: suppliers, the catalog with
// its opening stock, groups, customers (with addresses, tags, group memberships and search
// terms) and the 接龙 campaigns. Everything the day-by-day simulation draws from lives here.
//
// The agent tree is built before the groups (uplines first, so ids sort); groups and customers
// get an owner agent among those who had joined, kept in `customerAgent` like `customerGroup`;
// OrderMaker writes it to orders.agent_id once the agent has joined (captured as of the sale)
// and passes its key to the P&L mirror's `agent` dimension (names in generator.ts). Each
// agent's own buyer record comes after the customers (its index >= plan.customers).
import type { Platform } from '../../db/schema';
import { allocate, applyRate } from '../money';
import { namePinyin, searchTerms } from '../customers/search';
import { Calendar, instant, SELLING_SECONDS, type Season } from './calendar';
import { CATALOG, groupPriceOf } from './catalog';
import {
  campaignName,
  groupName,
  pickPlatform,
  type DemoCampaign,
  type DemoGroup,
} from './community';
import {
  CUSTOMERS_PER_AGENT,
  DEMO_PLAN,
  MAIN_TEAM_SHARE,
  MAX_TREE_DEPTH,
  MIN_AGENTS,
  tierAtDepth,
  type DemoAgent,
} from './agents';
import type { DemoIds } from './ids';
import { People } from './people';
import { cumulative, Random } from './random';
import { StockBook } from './stock-book';
import type { DemoTables } from './tables';

export interface DemoProduct {
  id: string;
  sku: string;
  name: string;
  category: number;
  unit: string;
  retail: number;
  groupPrice: number;
  baseCost: number;
  supplier: number;
  threshold: number;
  popularity: number;
  months: number[];
  /** Stops selling after the middle of the period (shown inactive at the end). */
  discontinued: boolean;
}

export interface DemoPlan {
  seed: number;
  orders: number;
  customers: number;
  endDay: string;
}

/** Two years of orders end at endDay; the first customers joined up to a year before. */
export const TRADING_DAYS = 730;
const DAYS_BEFORE = 365;
/** Share of all orders that come through 接龙 campaigns. */
const CAMPAIGN_SHARE = 0.1;

export class DemoWorld {
  readonly cal: Calendar;
  readonly categories = CATALOG.map((c) => c.name);
  readonly suppliers: string[] = [];
  readonly products: DemoProduct[] = [];
  readonly stock: StockBook;
  readonly groups: DemoGroup[] = [];
  /** Per group: member customer indexes, ascending (so members by a day are a prefix). */
  readonly members: Int32Array[] = [];
  readonly customerIds: string[] = [];
  readonly customerCreated: Int32Array;
  readonly customerGroup: Int32Array;
  readonly customerAddress: string[] = [];
  /** Running totals of each customer's buying weight (some buy every week, most rarely). */
  readonly customerWeights: Float64Array;
  /** Per calendar day: how many customers had joined by then. */
  readonly customersBy: Int32Array;
  readonly campaigns: DemoCampaign[] = [];
  /** Agents in the order they joined (uplines before their downlines). */
  readonly agents: DemoAgent[] = [];
  /** Per calendar day: how many agents had joined by then. */
  readonly agentsBy: Int32Array;
  /** Per customer: the owner agent's index, or -1. */
  readonly customerAgent: Int32Array;
  commissionPlanId = '';
  /** Per calendar day: regular (non-campaign) orders. */
  readonly regularOrders: Int32Array;
  /** Per calendar day: campaign index per campaign order that day. */
  readonly campaignOrders = new Map<number, number[]>();
  private readonly productWeights = new Map<string, Float64Array>();

  constructor(
    readonly plan: DemoPlan,
    private readonly ids: DemoIds,
    private readonly t: DemoTables,
  ) {
    this.cal = new Calendar(plan.endDay, TRADING_DAYS, DAYS_BEFORE);
    this.stock = new StockBook(CATALOG.reduce((n, c) => n + c.items.length, 0));
    this.customerCreated = new Int32Array(plan.customers);
    this.customerGroup = new Int32Array(plan.customers).fill(-1);
    this.customerWeights = new Float64Array(plan.customers);
    this.customerAgent = new Int32Array(plan.customers).fill(-1);
    this.agentsBy = new Int32Array(this.cal.days.length);
    this.customersBy = new Int32Array(this.cal.days.length);
    this.regularOrders = new Int32Array(this.cal.days.length);
  }

  /** Milliseconds since 1970 of a second of a calendar day (for ids). */
  ms(day: number, second: number): number {
    return this.cal.dayMs[day]! + second * 1000;
  }

  at(day: number, second: number): string {
    return instant(this.cal.days[day]!, second);
  }

  buildCatalog(): void {
    const r = new Random(this.plan.seed, 'catalog');
    const day = this.cal.first - 30;
    const second = 3600;
    const at = this.at(day, second);
    const people = new People(r);
    for (const category of CATALOG) {
      for (const name of category.suppliers) {
        this.suppliers.push(this.ids.at(this.ms(day, second)));
        this.t.suppliers.add(
          this.suppliers[this.suppliers.length - 1],
          name,
          people.name(),
          people.phone(),
          null,
          at,
          at,
        );
      }
    }
    let supplierBase = 0;
    CATALOG.forEach((category, c) => {
      category.items.forEach((item, i) => {
        const id = this.ids.at(this.ms(day, second + 60));
        const p: DemoProduct = {
          id,
          sku: `${category.skuPrefix}-${String(i + 1).padStart(3, '0')}`,
          name: item.name,
          category: c,
          unit: item.unit,
          retail: item.retail,
          groupPrice: groupPriceOf(item.retail, r.int(82, 92)),
          baseCost: applyRate(item.retail, item.costBp),
          supplier: supplierBase + (i % category.suppliers.length),
          threshold: 0,
          popularity: item.popularity,
          months: item.months,
          discontinued: r.chance(0.025),
        };
        this.products.push(p);
      });
      supplierBase += category.suppliers.length;
    });
  }

  /** Written once the run knows their final stock (on_hand and avg_cost are caches). */
  writeProducts(): void {
    const at = this.at(this.cal.first - 30, 3660);
    const end = this.at(this.cal.last, SELLING_SECONDS - 1);
    this.products.forEach((p, i) => {
      this.t.products.add(
        p.id,
        p.sku,
        p.name,
        this.categories[p.category],
        p.unit,
        p.retail,
        p.groupPrice,
        p.threshold,
        p.discontinued ? 0 : 1,
        this.suppliers[p.supplier],
        this.stock.onHand[i],
        this.stock.avgCost[i],
        at,
        p.discontinued ? end : at,
      );
    });
  }

  /** Product weights for a day: category by season, fruit by month, popularity. */
  productWeightsFor(day: number): Float64Array {
    const season: Season = this.cal.season(day);
    const month = this.cal.month(day);
    const late = day > (this.cal.first + this.cal.last) / 2;
    const key = `${season}:${month}:${late}`;
    let cum = this.productWeights.get(key);
    if (!cum) {
      cum = cumulative(
        this.products.map((p) => {
          if (late && p.discontinued) return 0;
          if (p.months.length > 0 && !p.months.includes(month)) return 0;
          const category = CATALOG[p.category]!;
          return category.weight * (category.seasons[season] ?? 1) * p.popularity;
        }),
      );
      this.productWeights.set(key, cum);
    }
    return cum;
  }

  buildGroups(): void {
    const r = new Random(this.plan.seed, 'groups');
    const count = Math.max(8, Math.round(this.plan.customers / 670));
    const counters = new Map<Platform, number>();
    for (let g = 0; g < count; g++) {
      const platform = pickPlatform(r);
      const n = (counters.get(platform) ?? 0) + 1;
      counters.set(platform, n);
      // Most groups exist before the period; the rest start during it, as the seller grows.
      const createdDay = r.chance(0.6)
        ? r.int(0, this.cal.first)
        : r.int(this.cal.first, this.cal.last - 30);
      this.groups.push({
        id: '',
        platform,
        name: groupName(r, platform, n),
        createdDay,
        weight: Math.floor(100 / (1 + (g % 40) * 0.15)) + r.int(0, 30),
      });
    }
    this.groups.sort((a, b) => a.createdDay - b.createdDay);
    for (const g of this.groups) {
      const second = 7200;
      g.id = this.ids.at(this.ms(g.createdDay, second));
      const at = this.at(g.createdDay, second);
      // Some groups are run by an agent who was already there.
      const joined = this.agentsBy[g.createdDay]!;
      const owner = joined > 0 && r.chance(0.3) ? this.agents[r.int(0, joined - 1)]!.id : null;
      this.t.groups.add(g.id, g.platform, g.name, owner, null, at, at);
    }
  }

  buildCustomers(onProgress: (done: number) => void): void {
    const r = new Random(this.plan.seed, 'customers');
    const people = new People(r);
    const n = this.plan.customers;
    const { first, last } = this.cal;
    // Joining days: a third before the period, the rest growing with the business.
    for (let i = 0; i < n; i++) {
      this.customerCreated[i] = r.chance(0.35)
        ? r.int(0, first - 1)
        : first + Math.floor(Math.sqrt(r.float()) * (last - first + 1));
    }
    this.customerCreated[0] = 0; // someone can place the first order
    this.customerCreated.sort();
    let c = 0;
    for (let d = 0; d < this.cal.days.length; d++) {
      while (c < n && this.customerCreated[c]! <= d) c++;
      this.customersBy[d] = c;
    }
    const owners = new Random(this.plan.seed, 'owners');
    const agentFloor = this.agentsBy[first]!;
    let weightSum = 0;
    const groupCum = new Float64Array(this.groups.length);
    let groupSum = 0;
    this.groups.forEach((g, i) => {
      groupSum += g.weight;
      groupCum[i] = groupSum;
    });
    const members: number[][] = this.groups.map(() => []);
    for (let i = 0; i < n; i++) {
      const day = this.customerCreated[i]!;
      const second = r.int(0, SELLING_SECONDS - 1);
      const id = this.ids.at(this.ms(day, second));
      const at = this.at(day, second);
      const name = people.name();
      const phone = r.chance(0.97) ? people.phone() : null;
      const wechatId = people.wechatId(phone ?? '');
      const consent = r.chance(0.6);
      const py = namePinyin(name);
      // About two in three customers belong to an agent (one who had joined by then, or by
      // the first trading day); their orders are credited to it from its join day on.
      let owner = -1;
      if (owners.chance(0.68)) {
        const joined = Math.max(agentFloor, this.agentsBy[day]!);
        if (joined > 0) owner = owners.int(0, joined - 1);
      }
      this.customerAgent[i] = owner;
      this.customerIds.push(id);
      this.t.customers.add(
        i + 1,
        id,
        name,
        phone,
        wechatId === '' ? null : wechatId,
        people.source(),
        people.note(),
        consent ? 1 : 0,
        consent ? at : null,
        py.pinyin,
        py.initials,
        owner >= 0 ? this.agents[owner]!.id : null,
        at,
        at,
      );
      this.t.customerSearch.add(i + 1, searchTerms({ name, phone, wechatId: wechatId || null }));
      for (const tag of people.tags()) this.t.customerTags.add(id, tag);
      const home = people.address();
      this.customerAddress.push(home.region + home.detail);
      this.t.customerAddresses.add(
        this.ids.at(this.ms(day, second)),
        id,
        '家',
        name,
        phone,
        home.region,
        home.detail,
        1,
        at,
        at,
      );
      if (r.chance(0.2)) {
        const work = people.address();
        this.t.customerAddresses.add(
          this.ids.at(this.ms(day, second)),
          id,
          r.pick(['公司', '父母家']),
          name,
          phone,
          work.region,
          work.detail,
          0,
          at,
          at,
        );
      }
      // Group memberships: among the groups that existed when the customer joined.
      const open = upperBound(this.groups, day);
      if (open > 0 && r.chance(0.85)) {
        const k = r.chance(0.6) ? 1 : r.int(2, 3);
        const seen: number[] = [];
        for (let j = 0; j < k; j++) {
          const g = r.pickCumulative(groupCum, open);
          if (seen.includes(g)) continue;
          seen.push(g);
          members[g]!.push(i);
          this.t.groupMembers.add(
            this.groups[g]!.id,
            id,
            this.cal.days[Math.max(day, this.groups[g]!.createdDay)],
          );
        }
        this.customerGroup[i] = seen[0]!;
      }
      // Buying weight: heavy-tailed, so a few regulars place many orders.
      weightSum += Math.min(5000, Math.floor(100 / Math.pow(1 - r.float() * 0.999, 0.6)));
      this.customerWeights[i] = weightSum;
      if ((i & 8191) === 8191) onProgress(i + 1);
    }
    for (const m of members) this.members.push(Int32Array.from(m));
  }

  /**
   * The agent tree: a few 总代 who joined before the period, then agents joining over the two
   * years, each under one already there (depth at most MAX_TREE_DEPTH), a few suspended.
   * Most join the first 总代's team (MAIN_TEAM_SHARE: one big team, as a real business grows
   * around its founding agent); the other 总代 keep small teams.
   */
  buildAgents(): void {
    const r = new Random(this.plan.seed, 'agents');
    const people = new People(r);
    const { first, last } = this.cal;
    const n = Math.max(MIN_AGENTS, Math.round(this.plan.customers / CUSTOMERS_PER_AGENT));
    const tops = Math.max(1, Math.round(n / 100));
    // Per 总代: the agents of its team so far (itself first), in joining order.
    const teams: number[][] = [];
    const days: number[] = [];
    for (let i = 0; i < tops; i++) days.push(r.int(0, Math.max(0, first - 150)));
    const lo = first - 120;
    const hi = Math.max(lo, last - 30);
    const rest: number[] = [];
    for (let i = tops; i < n; i++) rest.push(lo + Math.floor(Math.pow(r.float(), 0.8) * (hi - lo)));
    days.sort((a, b) => a - b);
    rest.sort((a, b) => a - b);
    days.push(...rest);
    for (let i = 0; i < n; i++) {
      let upline = -1;
      let team: number[];
      if (i < tops) {
        team = [];
        teams.push(team);
      } else {
        // Into the main team, or now and then a small one; under anyone of that team already
        // there (earlier joiners collect more downlines), but no deeper than the tree allows.
        team = teams[tops === 1 || r.chance(MAIN_TEAM_SHARE) ? 0 : r.int(1, tops - 1)]!;
        upline = team[r.int(0, team.length - 1)]!;
        while (this.agents[upline]!.depth >= MAX_TREE_DEPTH) upline = this.agents[upline]!.upline;
      }
      team.push(i);
      const depth = upline < 0 ? 0 : this.agents[upline]!.depth + 1;
      const second = r.int(0, SELLING_SECONDS - 1);
      const phone = people.phone();
      this.agents.push({
        id: this.ids.at(this.ms(days[i]!, second)),
        name: people.name(),
        phone,
        wechatId: people.wechatId(phone),
        tier: tierAtDepth(depth),
        status: i >= tops && r.chance(0.03) ? 'suspended' : 'active',
        joinDay: days[i]!,
        second,
        upline,
        depth,
        customer: -1,
      });
    }
    let a = 0;
    for (let d = 0; d < this.cal.days.length; d++) {
      while (a < n && this.agents[a]!.joinDay <= d) a++;
      this.agentsBy[d] = a;
    }
    // The commission plan, in force from the first trading day.
    const day = first - 1;
    const at = this.at(day, 3600);
    this.commissionPlanId = this.ids.at(this.ms(day, 3600));
    this.t.commissionPlans.add(
      this.commissionPlanId,
      DEMO_PLAN.name,
      this.cal.days[first],
      null,
      DEMO_PLAN.base,
      DEMO_PLAN.rates[0],
      DEMO_PLAN.rates[1],
      DEMO_PLAN.rates[2],
      DEMO_PLAN.note,
      at,
      at,
    );
    for (const o of DEMO_PLAN.overrides) {
      this.t.commissionPlanRates.add(this.commissionPlanId, o.scope, o.key, o.level, o.rateBp);
    }
  }

  /**
   * The agents' rows, closure and own buyer records (after the customers: rowids follow
   * theirs), as agent.create writes them: a customer with source 'agent' and no owner.
   */
  writeAgents(): void {
    const r = new Random(this.plan.seed, 'agent-customers');
    const people = new People(r);
    const ancestors: number[] = [];
    this.agents.forEach((g, i) => {
      const at = this.at(g.joinDay, g.second);
      const customerId = this.ids.at(this.ms(g.joinDay, g.second));
      const index = this.customerIds.length;
      g.customer = index;
      const py = namePinyin(g.name);
      this.customerIds.push(customerId);
      this.t.customers.add(
        index + 1,
        customerId,
        g.name,
        g.phone,
        g.wechatId,
        'agent',
        null,
        0,
        null,
        py.pinyin,
        py.initials,
        null,
        at,
        at,
      );
      this.t.customerSearch.add(
        index + 1,
        searchTerms({ name: g.name, phone: g.phone, wechatId: g.wechatId }),
      );
      const home = people.address();
      this.customerAddress.push(home.region + home.detail);
      this.t.customerAddresses.add(
        this.ids.at(this.ms(g.joinDay, g.second)),
        customerId,
        '家',
        g.name,
        g.phone,
        home.region,
        home.detail,
        1,
        at,
        at,
      );
      const updated =
        g.status === 'suspended'
          ? this.at(r.int(g.joinDay, Math.max(g.joinDay, this.cal.last)), 3600)
          : at;
      this.t.agents.add(
        g.id,
        g.name,
        g.phone,
        g.wechatId,
        g.tier,
        g.status,
        this.cal.days[g.joinDay],
        g.upline >= 0 ? this.agents[g.upline]!.id : null,
        customerId,
        null,
        at,
        updated,
      );
      ancestors.length = 0;
      for (let a = i; a >= 0; a = this.agents[a]!.upline) ancestors.push(a);
      ancestors.forEach((a, depth) => this.t.agentClosure.add(this.agents[a]!.id, g.id, depth));
    });
  }

  /** Splits the orders between days (seasons, weekdays, growth) and campaigns. */
  planOrders(): void {
    const r = new Random(this.plan.seed, 'plan');
    const { first, last } = this.cal;
    const campaignTotal = Math.round(this.plan.orders * CAMPAIGN_SHARE);
    const campaignCount = Math.min(400, Math.max(6, Math.round(this.plan.orders / 5000)));
    const regular = this.plan.orders - campaignTotal;
    const weights: number[] = [];
    for (let d = first; d <= last; d++) {
      const growth = 0.6 + (0.8 * (d - first)) / (last - first);
      weights.push(Math.round(1_000_000 * growth * this.cal.demand(d)));
    }
    allocate(regular, weights).forEach((n, i) => (this.regularOrders[first + i] = n));

    const participants = allocate(
      campaignTotal,
      Array.from({ length: campaignCount }, () => r.int(50, 150)),
    );
    const eligibleGroups = this.groups
      .map((g, i) => ({ g, i }))
      .filter(({ g }) => g.platform === 'wechat' || g.platform === 'qq');
    for (let k = 0; k < campaignCount; k++) {
      // The newest 接龙 is still open on endDay; the rest are spread over the period.
      const startDay = k === 0 ? last - 1 : r.int(first, last - 1);
      const endDay = startDay + r.int(2, 6);
      const open = eligibleGroups.filter(({ g }) => g.createdDay <= startDay);
      const group = open.length > 0 ? r.pick(open).i : r.int(0, this.groups.length - 1);
      const weightsToday = this.productWeightsFor(startDay);
      const lead = r.pickCumulative(weightsToday);
      const products = [lead];
      for (let extra = r.int(0, 2); extra > 0; extra--) {
        const p = r.pickCumulative(weightsToday);
        if (!products.includes(p)) products.push(p);
      }
      const count = participants[k]!;
      const decided = endDay < last;
      const failed = decided && (k % 6 === 2 || r.chance(0.05));
      this.campaigns.push({
        index: k,
        id: '',
        name: '',
        group,
        startDay,
        endDay,
        products,
        prices: products.map((p) => groupPriceOf(this.products[p]!.retail, r.int(75, 85))),
        perBuyerLimit: r.chance(0.6) ? r.int(3, 6) : null,
        participants: count,
        minParticipants: failed
          ? count + r.int(1, 10)
          : Math.max(1, Math.floor(count * (0.3 + r.float() * 0.6))),
        outcome: decided ? (failed ? 'failed' : 'succeeded') : null,
        failedOrders: [],
        joined: new Set(),
      });
    }
    this.campaigns.sort((a, b) => a.startDay - b.startDay);
    this.campaigns.forEach((c, k) => {
      c.index = k;
      c.id = this.ids.at(this.ms(c.startDay, 60));
      c.name = campaignName(this.products[c.products[0]!]!.name, this.cal.days[c.startDay]!, k + 1);
      // Most people join on the first days of a 接龙.
      const days = Math.min(c.endDay, last) - c.startDay + 1;
      const perDay = allocate(
        c.participants,
        Array.from({ length: days }, (_, i) => Math.max(1, 6 - i * 2)),
      );
      perDay.forEach((count, i) => {
        if (count === 0) return;
        const list = this.campaignOrders.get(c.startDay + i) ?? [];
        for (let j = 0; j < count; j++) list.push(k);
        this.campaignOrders.set(c.startDay + i, list);
      });
    });
  }

  writeCampaigns(): void {
    const { last } = this.cal;
    for (const c of this.campaigns) {
      const created = this.at(c.startDay, 60);
      const decidedAt = c.outcome ? this.at(c.endDay, SELLING_SECONDS - 1) : null;
      const closed = c.outcome !== null && c.endDay <= last - 7;
      const closedAt = closed ? this.at(c.endDay + 3, 3600) : null;
      const status = c.outcome === null ? 'open' : closed ? 'closed' : c.outcome;
      this.t.campaigns.add(
        c.id,
        c.name,
        this.groups[c.group]!.id,
        this.cal.text(c.startDay),
        this.cal.text(c.endDay),
        c.minParticipants,
        status,
        c.outcome,
        null,
        created,
        closedAt ?? decidedAt ?? created,
        decidedAt,
        closedAt,
      );
      c.products.forEach((p, i) => {
        const limit = c.perBuyerLimit;
        const cap = limit === null || c.participants === 0 ? null : limit * c.participants;
        this.t.campaignProducts.add(c.id, this.products[p]!.id, c.prices[i], limit, cap);
      });
    }
  }
}

/** How many groups were started on or before `day` (groups are sorted by that day). */
function upperBound(groups: DemoGroup[], day: number): number {
  let lo = 0;
  let hi = groups.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (groups[mid]!.createdDay <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
