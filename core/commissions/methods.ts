// API methods of this domain (filled by the commissions work).
import type { AnyMethod } from '../api/define';

export const commissionsMethods = {} satisfies Record<string, AnyMethod>;
