// The sync simulator (see simulate.ts). SIM_SEED=<n> replays one seed; SIM_SEEDS=<count>
// widens the run; SIM_STORE=sqlite|postgres picks one store. A run follows from its seed alone
// (device clock nodes, and so every id, are made from it): SIM_NODE_SALT=<s> gives the same
// seed other ids, another run to explore; SIM_TRACE_DIR=<dir> writes each run's trace there
// (two runs of a seed must write the same trace).
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
  // Nothing of a run may depend on how fast the machine is or on anything but its seed: a
  // failure is replayed from the seed alone (SIM_SEED), or it cannot be looked into.
  it.skipIf(one !== undefined)(
    'replays: one seed, the same run twice',
    async () => {
      const runs: string[][] = [[], []];
      for (const trace of runs)
        await simulate({ seed: 77, kind: 'sqlite', owners: 2, agents: 1, steps: 40, trace });
      expect(runs[0]!.length).toBeGreaterThan(40);
      expect(runs[1]).toEqual(runs[0]);
    },
    180_000,
  );

  for (const kind of stores) {
    for (const seed of seeds) {
      it(`converges: seed ${seed} on ${kind}`, async () => {
        try {
          const report = await simulate({ seed, kind, owners: 3, agents: 2, steps: 120 });
          expect(report.mutations).toBeGreaterThan(0);
          console.log(JSON.stringify(report));
        } catch (err) {
          const salt = process.env.SIM_NODE_SALT;
          console.error(
            `sync simulator failed: replay with SIM_SEED=${seed} SIM_STORE=${kind}${
              salt ? ` SIM_NODE_SALT=${salt}` : ''
            }`,
          );
          throw err;
        }
      }, 180_000);
    }
  }
});
