// The customers, groups and products an order sheet names, found in the store or created
// (once each: later rows naming the same one reuse it).
import { createHash } from 'node:crypto';
import { createCustomerTx, customerInput } from '../customers/customer';
import { createGroupTx, groupInput } from '../groups/group';
import { createProductTx, findProductBySku } from '../catalog/products';
import { productInput } from '../catalog/product-input';
import { customerKey, findCustomer } from './customers';
import type { OrderLineRow } from './orders';
import type { WriteEnv } from './run';

export interface LineProduct {
  id: string;
  avgCost: number;
}

/**
 * A SKU for a product the sheet names without one: the same name always gives the same SKU,
 * so re-importing the sheet finds the product it created the first time.
 */
export const skuForName = (name: string): string =>
  `AUTO-${createHash('sha1').update(name).digest('hex').slice(0, 8).toUpperCase()}`;

export class OrderReferences {
  private readonly customers = new Map<string, string>();
  private readonly groups = new Map<string, string>();
  private readonly agents = new Map<string, string>();
  private readonly products = new Map<string, LineProduct & { name: string }>();
  /** (sku, name) pairs already warned about, so a long sheet warns once per pair. */
  private readonly nameWarnings = new Set<string>();
  /** The cost field the sheet maps (line cost first), or null when it gives no cost at all. */
  readonly costField: string | null;

  constructor(private readonly env: WriteEnv) {
    this.costField =
      ['line_cost', 'unit_cost', 'line_profit'].find((f) => env.mapping[f] !== undefined) ?? null;
  }

  /** The order's customer by ref, else phone, else name; null when the sheet names none. */
  async customer(o: OrderLineRow): Promise<string | null> {
    const name = o.customerName ?? o.customerRef ?? o.customerPhone;
    if (name === null) return null;
    const key = customerKey({ externalRef: o.customerRef, phone: o.customerPhone, name });
    const cacheKey = `${key.by}:${key.value}`;
    const cached = this.customers.get(cacheKey);
    if (cached) return cached;
    const { trx, ctx } = this.env;
    let id = (await findCustomer(trx, key))?.id;
    if (!id) {
      const input = customerInput.parse({
        name,
        phone: o.customerPhone,
        externalRef: o.customerRef,
      });
      id = (await createCustomerTx(trx, ctx, input)).id;
      this.env.created.customers++;
    }
    this.customers.set(cacheKey, id);
    return id;
  }

  /**
   * The agent an order credits, by id or by the agent's own ref (its external ref, the code
   * the seller's other tools use). Agents are never created by an import: an unknown one is
   * returned as given and refused by recordImportedOrder as an error of the agent column.
   */
  async agent(ref: string): Promise<string> {
    const cached = this.agents.get(ref);
    if (cached) return cached;
    const found = await this.env.trx
      .selectFrom('agents')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', ref), eb('external_ref', '=', ref)]))
      .orderBy((eb) => eb.case().when('id', '=', ref).then(0).else(1).end())
      .executeTakeFirst();
    const id = found?.id ?? ref;
    this.agents.set(ref, id);
    return id;
  }

  /** The live group with this name; a new WeChat group when there is none. */
  async group(name: string): Promise<string> {
    const cached = this.groups.get(name);
    if (cached) return cached;
    const { trx, ctx } = this.env;
    const found = await trx
      .selectFrom('customer_groups')
      .select('id')
      .where('name', '=', name)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .executeTakeFirst();
    let id = found?.id;
    if (!id) {
      id = (await createGroupTx(trx, ctx, groupInput.parse({ platform: 'wechat', name }))).id;
      this.env.created.groups++;
    }
    this.groups.set(name, id);
    return id;
  }

  /**
   * The line's product: by SKU (a product keeps its first name: a different name on the sheet
   * is a warning), else by name; created from the row when the store has neither.
   */
  async product(row: number, l: OrderLineRow): Promise<LineProduct> {
    const sku = l.sku ?? null;
    const cacheKey = sku !== null ? `sku:${sku}` : `name:${l.productName}`;
    let p = this.products.get(cacheKey);
    if (!p) {
      p = (await this.find(sku, l.productName)) ?? (await this.create(l));
      this.products.set(cacheKey, p);
    }
    if (sku !== null && l.productName !== null && l.productName !== p.name) {
      const pair = `${sku}\u0000${l.productName}`;
      if (!this.nameWarnings.has(pair)) {
        this.nameWarnings.add(pair);
        this.env.report.warn(
          row,
          'product_name',
          `SKU ${sku} is "${p.name}" in the catalog; this row says "${l.productName}": kept "${p.name}"`,
        );
      }
    }
    return p;
  }

  private async find(sku: string | null, name: string | null) {
    const { trx } = this.env;
    if (sku !== null) {
      const p = await findProductBySku(trx, sku);
      return p ? { id: p.id, name: p.name, avgCost: p.avgCost } : null;
    }
    const byName = await trx
      .selectFrom('products')
      .select(['id', 'name', 'avg_cost'])
      .where('name', '=', name!)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .executeTakeFirst();
    if (byName) return { id: byName.id, name: byName.name, avgCost: byName.avg_cost };
    // A product an earlier import created for a nameless line (and renamed since) keeps its SKU.
    const auto = await findProductBySku(trx, skuForName(name!));
    return auto ? { id: auto.id, name: auto.name, avgCost: auto.avgCost } : null;
  }

  private async create(l: OrderLineRow) {
    const { trx, ctx } = this.env;
    const name = l.productName ?? l.sku!;
    const input = productInput.parse({
      sku: l.sku ?? skuForName(name),
      name,
      category: l.category ?? '',
      retailPrice: l.unitPrice,
    });
    const p = await createProductTx(trx, ctx, input);
    this.env.created.products++;
    return { id: p.id, name: p.name, avgCost: p.avgCost };
  }
}
