// Runs the sync benches alone: node --import tsx tests/bench/sync-run.ts
// (environment knobs in sync.ts; QUNDESK_BENCH_SYNC_SCALE=0.1 for a quick run).
import { measureSync, syncBenchOptions } from './sync';
import { log } from './report';

await measureSync(syncBenchOptions());
log('done');
