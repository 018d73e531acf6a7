// Commission plans: effective-dated, a direct rate plus at most two upline levels (禁止传销条例
// 第七条), overrides per product, category and beneficiary tier (the most specific wins).
import type { Kysely, Selectable } from 'kysely';
import type { CommissionBase, CommissionPlansTable, Database, RateScope } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { AppError, invalidState, notFound } from '../api/errors';
import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../../db/prepared';
import { assertBusinessDays } from '../shared/day-window';

export type PlanRow = Selectable<CommissionPlansTable>;

export interface RateOverride {
  scope: RateScope;
  key: string;
  level: number;
  rateBp: number;
}

export interface Plan {
  id: string;
  name: string;
  effectiveFrom: string;
  /** Exclusive end; null = open-ended. */
  effectiveTo: string | null;
  base: CommissionBase;
  /** The direct rate, then the upline levels: [direct, level 1, level 2]. */
  rates: [number, number, number];
  overrides: RateOverride[];
  note: string | null;
  createdAt: string;
}

/** Upline levels a plan may pay beyond the direct rate (禁止传销条例 第七条). */
export const MAX_UPLINE_LEVELS = 2;
export const DEPTH_RULE =
  '禁止传销条例 第七条 (Regulations on Prohibition of Pyramid Selling, Art. 7): a plan pays the ' +
  'credited agent a direct rate plus at most two upline levels; deeper team pay is refused';

export interface RateQuery {
  level: number;
  productId: string;
  category: string;
  beneficiaryTier: string;
}

/**
 * The rate (basis points) one beneficiary earns on one line: a product override, else a
 * category override, else the beneficiary's tier override, else the plan's rate for the level.
 */
export function rateFor(
  plan: Pick<Plan, 'rates'>,
  overrides: readonly RateOverride[],
  q: RateQuery,
): number {
  const find = (scope: RateScope, key: string) =>
    overrides.find((o) => o.scope === scope && o.key === key && o.level === q.level);
  const hit =
    find('product', q.productId) ?? find('category', q.category) ?? find('tier', q.beneficiaryTier);
  if (hit) return hit.rateBp;
  return q.level >= 0 && q.level <= MAX_UPLINE_LEVELS ? plan.rates[q.level]! : 0;
}

function toPlan(row: PlanRow, overrides: RateOverride[]): Plan {
  return {
    id: row.id,
    name: row.name,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    base: row.base,
    rates: [row.direct_bp, row.level1_bp, row.level2_bp],
    overrides,
    note: row.note,
    createdAt: row.created_at,
  };
}

async function overridesOf(db: Kysely<Database>, planIds: string[]) {
  const map = new Map<string, RateOverride[]>(planIds.map((id) => [id, []]));
  if (planIds.length === 0) return map;
  const rows = await db
    .selectFrom('commission_plan_rates')
    .selectAll()
    .where('plan_id', 'in', planIds)
    .orderBy('plan_id')
    .orderBy('scope')
    .orderBy('scope_key')
    .orderBy('level')
    .execute();
  for (const r of rows) {
    map
      .get(r.plan_id)!
      .push({ scope: r.scope, key: r.scope_key, level: r.level, rateBp: r.rate_bp });
  }
  return map;
}

export async function getPlan(db: Kysely<Database>, id: string): Promise<Plan> {
  const row = await db
    .selectFrom('commission_plans')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Commission plan', id);
  return toPlan(row, (await overridesOf(db, [id])).get(id)!);
}

export async function listPlans(db: Kysely<Database>): Promise<Plan[]> {
  const rows = await db
    .selectFrom('commission_plans')
    .selectAll()
    .orderBy('effective_from')
    .execute();
  const o = await overridesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPlan(r, o.get(r.id)!));
}

const PLAN_IN_FORCE_SQL = `SELECT * FROM commission_plans
  WHERE effective_from <= ? AND (effective_to IS NULL OR effective_to > ?)
  ORDER BY effective_from DESC LIMIT 1`;
const PLAN_RATES_SQL = `SELECT * FROM commission_plan_rates WHERE plan_id = ?
  ORDER BY plan_id, scope, scope_key, level`;

/**
 * planInForce through prepared statements on the store's connection (inside the caller's
 * transaction): the hot path of a paid order. Same rule and same result as planInForce.
 */
export function planInForceNow(sqlite: BetterSqlite3.Database, on: string): Plan | null {
  const row = prepared(sqlite, PLAN_IN_FORCE_SQL).get(on, on) as PlanRow | undefined;
  if (!row) return null;
  const rates = prepared(sqlite, PLAN_RATES_SQL).all(row.id) as {
    scope: RateScope;
    scope_key: string;
    level: number;
    rate_bp: number;
  }[];
  return toPlan(
    row,
    rates.map((r) => ({ scope: r.scope, key: r.scope_key, level: r.level, rateBp: r.rate_bp })),
  );
}

/** The plan in force on a day (effective_from <= day < effective_to), or null. */
export async function planInForce(db: Kysely<Database>, on: string): Promise<Plan | null> {
  const row = await db
    .selectFrom('commission_plans')
    .selectAll()
    .where('effective_from', '<=', on)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', on)]))
    .orderBy('effective_from', 'desc')
    .executeTakeFirst();
  if (!row) return null;
  return toPlan(row, (await overridesOf(db, [row.id])).get(row.id)!);
}

export interface NewPlan {
  name: string;
  effectiveFrom: string;
  base: CommissionBase;
  rates: number[];
  overrides: RateOverride[];
  note: string | null;
}

/**
 * Writes a plan. Plans never overlap: the plan open on the new plan's first day ends there
 * (its effective_to becomes that day). A plan cannot start on or before the start of an
 * existing plan: history already paid under a plan is not re-planned.
 */
export async function createPlan(trx: Tx, ctx: Ctx, p: NewPlan): Promise<string> {
  await assertOverrideKeysExist(trx, p.overrides);
  await assertBusinessDays(trx, ctx, { effectiveFrom: p.effectiveFrom });
  const latest = await trx
    .selectFrom('commission_plans')
    .select(['id', 'name', 'effective_from', 'effective_to'])
    .orderBy('effective_from', 'desc')
    .executeTakeFirst();
  if (latest && p.effectiveFrom <= latest.effective_from) {
    throw invalidState(
      `A plan must start after the latest plan "${latest.name}" (from ${latest.effective_from}); ` +
        'plans are effective-dated and never rewrite the past.',
      { planId: latest.id, effectiveFrom: latest.effective_from },
    );
  }
  const at = nowIso(ctx);
  if (latest && (latest.effective_to === null || latest.effective_to > p.effectiveFrom)) {
    await trx
      .updateTable('commission_plans')
      .set({ effective_to: p.effectiveFrom, updated_at: at })
      .where('id', '=', latest.id)
      .execute();
  }
  const id = newId(ctx);
  await trx
    .insertInto('commission_plans')
    .values({
      id,
      name: p.name,
      effective_from: p.effectiveFrom,
      effective_to: null,
      base: p.base,
      direct_bp: p.rates[0] ?? 0,
      level1_bp: p.rates[1] ?? 0,
      level2_bp: p.rates[2] ?? 0,
      note: p.note,
      created_at: at,
      updated_at: at,
    })
    .execute();
  for (const o of p.overrides) {
    await trx
      .insertInto('commission_plan_rates')
      .values({ plan_id: id, scope: o.scope, scope_key: o.key, level: o.level, rate_bp: o.rateBp })
      .execute();
  }
  return id;
}

/**
 * A product override names a product (by id) and a tier override a tier (by code): both must
 * exist, or the override would never apply. Categories are free text and stay as given.
 */
async function assertOverrideKeysExist(trx: Tx, overrides: readonly RateOverride[]) {
  for (const [i, o] of overrides.entries()) {
    if (o.scope === 'category') continue;
    const found =
      o.scope === 'product'
        ? await trx.selectFrom('products').select('id').where('id', '=', o.key).executeTakeFirst()
        : await trx
            .selectFrom('agent_tiers')
            .select('code')
            .where('code', '=', o.key)
            .executeTakeFirst();
    if (found === undefined) {
      const path = `overrides.${i}.key`;
      const message =
        o.scope === 'product'
          ? `no product with id ${o.key} in this business: give the product's id`
          : `no agent tier ${o.key}: use one of the tiers agents have (general, level1, level2)`;
      throw new AppError('NOT_FOUND', `${path}: ${message}`, {
        what: o.scope,
        id: o.key,
        path,
        issues: [{ path, message }],
      });
    }
  }
}
