export * from './store';
export * from './pnl';
export type * from './schema';
export { LATEST_VERSION } from './migrations';
