// API methods of this domain (filled by the groups work).
import type { AnyMethod } from '../api/define';

export const groupsMethods = {} satisfies Record<string, AnyMethod>;
