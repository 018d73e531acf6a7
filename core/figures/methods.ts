// API methods of this domain (filled by the figures work).
import type { AnyMethod } from '../api/define';

export const figuresMethods = {} satisfies Record<string, AnyMethod>;
