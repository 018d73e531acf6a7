// API methods of this domain (filled by the orders work).
import type { AnyMethod } from '../api/define';

export const ordersMethods = {} satisfies Record<string, AnyMethod>;
