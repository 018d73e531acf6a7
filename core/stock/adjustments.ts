// Stock leaving (or corrected) outside a sale: damaged goods, losses, goods handed to an agent,
// and plain corrections. Booked at the current average cost, which they leave unchanged.
import { z } from 'zod';
import { nowIso, today, type Ctx, type Tx } from '../api/context';
import { requireProduct } from '../catalog/products';
import { day, id, optionalText } from '../shared/schemas';
import { recordMovement } from './ledger';
import { stockStatus } from './status';
import { assertBusinessDays } from '../shared/day-window';

export const ADJUSTMENT_KINDS = ['damage', 'loss', 'transfer_out', 'adjustment'] as const;

export const adjustInput = z
  .object({
    productId: id,
    kind: z.enum(ADJUSTMENT_KINDS),
    /** damage / loss / transfer_out: units going out (> 0). adjustment: signed, not 0. */
    quantity: z
      .number()
      .int('quantity must be a whole number')
      .refine(Number.isSafeInteger, 'too large'),
    occurredOn: day.optional(),
    note: optionalText(),
  })
  .superRefine((v, issues) => {
    if (v.kind === 'adjustment' && v.quantity === 0) {
      issues.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: 'an adjustment must add (positive) or remove (negative) at least one unit',
      });
    } else if (v.kind !== 'adjustment' && v.quantity <= 0) {
      issues.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: `give the number of units going out as a positive number (${v.kind})`,
      });
    }
  });

export interface Adjustment {
  movementId: string;
  productId: string;
  kind: (typeof ADJUSTMENT_KINDS)[number];
  /** Signed change to on hand (negative for goods going out). */
  quantity: number;
  occurredOn: string;
  /** Average cost the units were booked at. */
  unitCost: number;
  onHand: number;
  avgCost: number;
  negative: boolean;
}

export async function adjustStock(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: z.output<typeof adjustInput>,
): Promise<Adjustment> {
  const product = await requireProduct(trx, input.productId, 'productId');
  const quantity = input.kind === 'adjustment' ? input.quantity : -input.quantity;
  await assertBusinessDays(trx, ctx, { occurredOn: input.occurredOn });
  const occurredOn = input.occurredOn ?? today(ctx);
  const moved = await recordMovement(trx, ctx, {
    productId: input.productId,
    kind: input.kind,
    quantity,
    occurredOn,
    createdAt: nowIso(ctx),
    note: input.note,
  });
  return {
    movementId: moved.id,
    productId: input.productId,
    kind: input.kind,
    quantity,
    occurredOn,
    unitCost: moved.unitCost,
    onHand: moved.onHand,
    avgCost: moved.avgCost,
    negative: stockStatus(moved.onHand, moved.avgCost, product.low_stock_threshold).negative,
  };
}
