// API methods of this domain (filled by the imports work).
import type { AnyMethod } from '../api/define';

export const importsMethods = {} satisfies Record<string, AnyMethod>;
