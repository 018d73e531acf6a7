// API methods of this domain (filled by the demo work).
import type { AnyMethod } from '../api/define';

export const demoMethods = {} satisfies Record<string, AnyMethod>;
