// API methods of this domain (filled by the agents work).
import type { AnyMethod } from '../api/define';

export const agentsMethods = {} satisfies Record<string, AnyMethod>;
