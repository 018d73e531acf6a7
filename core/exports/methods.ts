// API methods of this domain (filled by the exports work).
import type { AnyMethod } from '../api/define';

export const exportsMethods = {} satisfies Record<string, AnyMethod>;
