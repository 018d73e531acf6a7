// API methods of this domain (filled by the customers work).
import type { AnyMethod } from '../api/define';

export const customersMethods = {} satisfies Record<string, AnyMethod>;
