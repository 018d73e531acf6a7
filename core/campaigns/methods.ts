// API methods of this domain (filled by the campaigns work).
import type { AnyMethod } from '../api/define';

export const campaignsMethods = {} satisfies Record<string, AnyMethod>;
