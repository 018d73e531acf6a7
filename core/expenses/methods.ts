// API methods of this domain (filled by the expenses work).
import type { AnyMethod } from '../api/define';

export const expensesMethods = {} satisfies Record<string, AnyMethod>;
