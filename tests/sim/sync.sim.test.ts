// The sync simulator (see simulate.ts). SIM_SEED=<n> replays one seed; SIM_SEEDS=<count>
// widens the run; SIM_STORE=sqlite|postgres picks one store.
import { describe, expect, it } from 'vitest';
import { simulate } from './simulate';
import type { StoreKind } from './harness';

const one = process.env.SIM_SEED;
const count = Number(process.env.SIM_SEEDS ?? 2);
const seeds = one !== undefined ? [Number(one)] : Array.from({ length: count }, (_, i) => 1000 + i);
const stores: StoreKind[] =
  process.env.SIM_STORE === 'sqlite' || process.env.SIM_STORE === 'postgres'
    ? [process.env.SIM_STORE]
    : ['sqlite', 'postgres'];

describe('sync simulator', () => {
  for (const kind of stores) {
    for (const seed of seeds) {
      it(`converges: seed ${seed} on ${kind}`, async () => {
        try {
          const report = await simulate({ seed, kind, owners: 3, agents: 2, steps: 120 });
          expect(report.mutations).toBeGreaterThan(0);
          console.log(JSON.stringify(report));
        } catch (err) {
          console.error(`sync simulator failed: replay with SIM_SEED=${seed} SIM_STORE=${kind}`);
          throw err;
        }
      }, 180_000);
    }
  }
});
