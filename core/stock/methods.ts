// API methods of this domain (filled by the stock work).
import type { AnyMethod } from '../api/define';

export const stockMethods = {} satisfies Record<string, AnyMethod>;
