// API methods of this domain (filled by the catalog work).
import type { AnyMethod } from '../api/define';

export const catalogMethods = {} satisfies Record<string, AnyMethod>;
