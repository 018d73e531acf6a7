// Adds a recorded source's P&L contributions to the rollup, inside the caller's transaction.
// Call it once per source, at the moment the money is recognised: an order when it becomes
// paid, a refund, an expense or an income row when written. See db/pnl.ts.
import type { Tx } from '../api/context';
import { rowsOf } from '../../db/prepared';
import { ADD_PAID_ORDER_SQL, ADD_SOURCE_SQL, type PnlSourceKind } from '../../db/pnl';

export async function addToPnl(trx: Tx, kind: PnlSourceKind, sourceId: string): Promise<void> {
  await rowsOf(trx, ADD_SOURCE_SQL, [kind, sourceId]);
}

/**
 * Adds an order that has just become paid: its 'order' source and its 'commission' source
 * (the accruals written with it) in one statement. Its fees are added one by one (addToPnl).
 */
export async function addPaidOrderToPnl(trx: Tx, orderId: string): Promise<void> {
  await rowsOf(trx, ADD_PAID_ORDER_SQL, [orderId]);
}
