// API methods of this domain (filled by the compliance work).
import type { AnyMethod } from '../api/define';

export const complianceMethods = {} satisfies Record<string, AnyMethod>;
