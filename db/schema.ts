// Kysely's view of the store. Keep in step with db/migrations (the migration test checks that
// every table named here exists after migrating).
import type { ColumnType, Generated } from 'kysely';

/** A column with a default in SQL: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CustomersTable {
  id: string;
  name: string;
  phone: string | null;
  wechat_id: string | null;
  source: string | null;
  notes: string | null;
  marketing_consent: Defaulted<number>;
  consent_at: string | null;
  owner_agent_id: string | null;
  external_ref: string | null;
  name_pinyin: Defaulted<string>;
  name_initials: Defaulted<string>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  erased_at: string | null;
}

export interface CustomerTagsTable {
  customer_id: string;
  tag: string;
}

export interface CustomerAddressesTable {
  id: string;
  customer_id: string;
  label: string | null;
  recipient: string;
  phone: string | null;
  region: string | null;
  detail: string;
  is_default: Defaulted<number>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface CustomerSearchTable {
  rowid: number;
  terms: string;
}

export type Platform = 'wechat' | 'qq' | 'xiaohongshu' | 'douyin' | 'offline' | 'other';

export interface CustomerGroupsTable {
  id: string;
  platform: Platform;
  name: string;
  owner_agent_id: string | null;
  notes: string | null;
  external_ref: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface GroupMembersTable {
  group_id: string;
  customer_id: string;
  joined_on: string;
  left_on: string | null;
}

export interface SuppliersTable {
  id: string;
  name: string;
  contact: string | null;
  phone: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  category: Defaulted<string>;
  unit: Defaulted<string>;
  retail_price: number;
  group_price: number | null;
  low_stock_threshold: Defaulted<number>;
  active: Defaulted<number>;
  supplier_id: string | null;
  on_hand: Defaulted<number>;
  avg_cost: Defaulted<number>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ProductTierPricesTable {
  product_id: string;
  tier: string;
  price: number;
}

export interface PurchasesTable {
  id: string;
  supplier_id: string | null;
  received_on: string;
  reference: string | null;
  note: string | null;
  total_cost: number;
  created_at: string;
}

export interface PurchaseLinesTable {
  id: string;
  purchase_id: string;
  product_id: string;
  quantity: number;
  unit_cost: number;
  line_cost: number;
}

export interface StocktakesTable {
  id: string;
  counted_on: string;
  note: string | null;
  created_at: string;
}

export interface StocktakeLinesTable {
  stocktake_id: string;
  product_id: string;
  expected: number;
  counted: number;
}

export type CampaignStatus = 'open' | 'succeeded' | 'failed' | 'closed';

export interface CampaignsTable {
  id: string;
  name: string;
  group_id: string | null;
  starts_on: string;
  ends_on: string;
  min_participants: Defaulted<number>;
  status: CampaignStatus;
  outcome: 'succeeded' | 'failed' | null;
  note: string | null;
  created_at: string;
  updated_at: string;
  decided_at: string | null;
  closed_at: string | null;
}

export interface CampaignProductsTable {
  campaign_id: string;
  product_id: string;
  group_price: number;
  per_buyer_limit: number | null;
  stock_cap: number | null;
}

export type OrderStatus = 'draft' | 'confirmed' | 'paid' | 'shipped' | 'completed' | 'cancelled';
export type OrderSource = 'manual' | 'import' | 'campaign' | 'demo';

export interface OrdersTable {
  id: string;
  order_no: string;
  customer_id: string | null;
  group_id: string | null;
  agent_id: string | null;
  campaign_id: string | null;
  status: OrderStatus;
  ordered_on: string;
  paid_on: string | null;
  confirmed_at: string | null;
  shipped_at: string | null;
  completed_at: string | null;
  /** The business day of completed_at (migration 6); null while not completed. */
  completed_on: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  goods_total: Defaulted<number>;
  order_discount: Defaulted<number>;
  shipping_charged: Defaulted<number>;
  total_due: Defaulted<number>;
  paid_total: Defaulted<number>;
  refunded_total: Defaulted<number>;
  is_wholesale: Defaulted<number>;
  source: Defaulted<OrderSource>;
  shipping_address: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  line_no: number;
  product_id: string;
  sku: string;
  product_name: string;
  category: Defaulted<string>;
  quantity: number;
  unit_price: number;
  line_discount: Defaulted<number>;
  order_discount_share: Defaulted<number>;
  net_amount: number;
  unit_cost: Defaulted<number>;
  cost: Defaulted<number>;
}

export type FeeKind = 'platform' | 'payment' | 'shipping' | 'packaging' | 'other';

export interface OrderFeesTable {
  id: string;
  order_id: string;
  kind: FeeKind;
  amount: number;
  note: string | null;
  created_at: string;
}

export interface PaymentsTable {
  id: string;
  order_id: string;
  amount: number;
  method: string;
  paid_on: string;
  reference: string | null;
  created_at: string;
}

export interface RefundsTable {
  id: string;
  order_id: string;
  refunded_on: string;
  amount: number;
  shipping_amount: Defaulted<number>;
  restock: number;
  reason: string | null;
  created_at: string;
}

export interface RefundLinesTable {
  id: string;
  refund_id: string;
  order_line_id: string;
  quantity: number;
  amount: number;
  cost_reversed: Defaulted<number>;
}

export type MovementKind =
  | 'opening'
  | 'purchase'
  | 'sale'
  | 'sale_cancel'
  | 'refund_restock'
  | 'stocktake'
  | 'damage'
  | 'loss'
  | 'transfer_out'
  | 'adjustment';

export interface StockMovementsTable {
  id: string;
  product_id: string;
  kind: MovementKind;
  quantity: number;
  unit_cost: Defaulted<number>;
  occurred_on: string;
  order_id: string | null;
  order_line_id: string | null;
  purchase_id: string | null;
  refund_id: string | null;
  stocktake_id: string | null;
  note: string | null;
  created_at: string;
}

export type ExpenseCategory =
  'ads' | 'samples' | 'subscription' | 'rent' | 'salary' | 'shipping' | 'packaging' | 'other';

export interface ExpensesTable {
  id: string;
  category: ExpenseCategory;
  amount: number;
  spent_on: string;
  campaign_id: string | null;
  note: string | null;
  reverses_id: string | null;
  created_at: string;
}

export type IncomeKind = 'franchise' | 'training' | 'advertising' | 'other';

export interface OtherIncomeTable {
  id: string;
  kind: IncomeKind;
  amount: number;
  received_on: string;
  agent_id: string | null;
  customer_id: string | null;
  note: string | null;
  reverses_id: string | null;
  created_at: string;
}

export interface PersonalDataLogTable {
  id: string;
  action: 'export' | 'erase';
  subject: string;
  detail: string | null;
  created_at: string;
}

export type PnlDim =
  'total' | 'product' | 'category' | 'group' | 'agent' | 'campaign' | 'customer' | 'fee';

export interface PnlDailyTable {
  dim: PnlDim;
  day: string;
  key: string;
  revenue: number;
  cogs: number;
  fees: number;
  commissions: number;
  other_income: number;
  orders: number;
}

/** pnl_daily summed per calendar month ('YYYY-MM'), kept in step by triggers. */
export interface PnlMonthlyTable {
  dim: PnlDim;
  month: string;
  key: string;
  revenue: number;
  cogs: number;
  fees: number;
  commissions: number;
  other_income: number;
  orders: number;
}

export interface AgentTiersTable {
  code: string;
  name: string;
  rank: number;
}

export type AgentStatus = 'active' | 'suspended' | 'left';

export interface AgentsTable {
  id: string;
  name: string;
  phone: string | null;
  wechat_id: string | null;
  tier: string;
  status: Defaulted<AgentStatus>;
  joined_on: string;
  upline_id: string | null;
  customer_id: string | null;
  notes: string | null;
  external_ref: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface AgentClosureTable {
  ancestor: string;
  descendant: string;
  depth: number;
}

export interface AgentMovesTable {
  id: string;
  agent_id: string;
  from_upline_id: string | null;
  to_upline_id: string | null;
  moved_on: string;
  reason: string | null;
  created_at: string;
}

export type CommissionBase = 'net' | 'margin';

export interface CommissionPlansTable {
  id: string;
  name: string;
  effective_from: string;
  effective_to: string | null;
  base: CommissionBase;
  direct_bp: number;
  level1_bp: Defaulted<number>;
  level2_bp: Defaulted<number>;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export type RateScope = 'tier' | 'category' | 'product';

export interface CommissionPlanRatesTable {
  plan_id: string;
  scope: RateScope;
  scope_key: string;
  level: number;
  rate_bp: number;
}

export interface CommissionEntriesTable {
  id: string;
  kind: 'accrual' | 'reversal';
  source_id: string;
  order_id: string;
  order_line_id: string;
  refund_id: string | null;
  reverses_id: string | null;
  agent_id: string;
  level: number;
  credited_agent_id: string;
  plan_id: string;
  base_amount: number;
  rate_bp: number;
  amount: number;
  accrued_on: string;
  created_at: string;
}

export interface SettlementsTable {
  id: string;
  agent_id: string;
  period_from: string;
  period_to: string;
  total: number;
  status: 'draft' | 'paid';
  paid_on: string | null;
  method: string | null;
  reference: string | null;
  paid_by: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface SettlementEntriesTable {
  entry_id: string;
  settlement_id: string;
}

export interface Database {
  settings: SettingsTable;
  customers: CustomersTable;
  customer_tags: CustomerTagsTable;
  customer_addresses: CustomerAddressesTable;
  customer_search: CustomerSearchTable;
  customer_groups: CustomerGroupsTable;
  group_members: GroupMembersTable;
  suppliers: SuppliersTable;
  products: ProductsTable;
  product_tier_prices: ProductTierPricesTable;
  purchases: PurchasesTable;
  purchase_lines: PurchaseLinesTable;
  stocktakes: StocktakesTable;
  stocktake_lines: StocktakeLinesTable;
  campaigns: CampaignsTable;
  campaign_products: CampaignProductsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_fees: OrderFeesTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  refund_lines: RefundLinesTable;
  stock_movements: StockMovementsTable;
  expenses: ExpensesTable;
  other_income: OtherIncomeTable;
  personal_data_log: PersonalDataLogTable;
  pnl_daily: PnlDailyTable;
  agent_tiers: AgentTiersTable;
  agents: AgentsTable;
  agent_closure: AgentClosureTable;
  agent_moves: AgentMovesTable;
  commission_plans: CommissionPlansTable;
  commission_plan_rates: CommissionPlanRatesTable;
  commission_entries: CommissionEntriesTable;
  settlements: SettlementsTable;
  settlement_entries: SettlementEntriesTable;
  pnl_monthly: PnlMonthlyTable;
}

// Generated is re-exported for later tables with AUTOINCREMENT-style keys.
export type { Generated };
