import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';

let biz: TestBusiness | undefined;
afterEach(async () => {
  await biz?.close();
  biz = undefined;
});

type Pair = { ancestor: string; descendant: string; depth: number };

/** The closure computed from the upline pointers alone. */
function closureOf(uplines: Map<string, string | null>): Pair[] {
  const pairs: Pair[] = [];
  for (const id of uplines.keys()) {
    let at: string | null = id;
    for (let depth = 0; at !== null; depth++) {
      pairs.push({ ancestor: at, descendant: id, depth });
      at = uplines.get(at) ?? null;
      if (depth > uplines.size) throw new Error('cycle in the model');
    }
  }
  return pairs.sort((a, b) =>
    a.ancestor === b.ancestor
      ? a.descendant < b.descendant
        ? -1
        : 1
      : a.ancestor < b.ancestor
        ? -1
        : 1,
  );
}

const isUnder = (uplines: Map<string, string | null>, x: string, root: string): boolean => {
  for (let at: string | null = x; at !== null; at = uplines.get(at) ?? null)
    if (at === root) return true;
  return false;
};

// Steps: create an agent under a random existing one (or at the top); move a random agent
// under a random other one (or to the top). Indexes are taken modulo the current count.
const step = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), upline: fc.option(fc.nat(), { nil: null }) }),
  fc.record({
    kind: fc.constant('move' as const),
    agent: fc.nat(),
    upline: fc.option(fc.nat(), { nil: null }),
  }),
);

describe('agent closure', () => {
  it('equals the closure of the upline pointers after every create and move; cycles are refused unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        await biz?.close();
        biz = await newBusiness();
        const b = biz;
        const uplines = new Map<string, string | null>();
        const ids: string[] = [];
        let moves = 0;
        for (const s of steps) {
          if (s.kind === 'create' || ids.length === 0) {
            const up = s.upline === null || ids.length === 0 ? null : ids[s.upline % ids.length]!;
            const a = await b.core.invoke('agent.create', {
              name: `A${ids.length}`,
              tier: 'level1',
              uplineId: up,
            });
            ids.push(a.id);
            uplines.set(a.id, up);
          } else {
            const id = ids[s.agent % ids.length]!;
            const to = s.upline === null ? null : ids[s.upline % ids.length]!;
            const before = b.snapshot();
            const r = await b.core.call('agent.move', { id, uplineId: to, movedOn: '2026-03-15' });
            if (to !== null && isUnder(uplines, to, id)) {
              // The target is the agent itself or in its subtree: a cycle.
              expect(r.ok).toBe(false);
              if (!r.ok) {
                expect(r.error.code).toBe('VALIDATION');
                expect(r.error.details?.issues?.[0]?.path).toBe('uplineId');
              }
              expect(b.snapshot()).toEqual(before);
            } else if (to === (uplines.get(id) ?? null)) {
              expect(r.ok).toBe(false);
              expect(b.snapshot()).toEqual(before);
            } else {
              expect(r.ok).toBe(true);
              uplines.set(id, to);
              moves++;
            }
          }
          const stored = b.store.sqlite
            .prepare('SELECT ancestor, descendant, depth FROM agent_closure ORDER BY 1, 2')
            .all() as Pair[];
          expect(stored).toEqual(closureOf(uplines));
        }
        const { n } = b.store.sqlite.prepare('SELECT count(*) AS n FROM agent_moves').get() as {
          n: number;
        };
        expect(n).toBe(moves);
        // The tree view agrees with the pointers: each row's team size is its subtree size.
        const tree = await b.core.invoke('agent.tree', {});
        expect(tree.rows).toHaveLength(ids.length);
        for (const row of tree.rows) {
          const team = ids.filter((x) => x !== row.id && isUnder(uplines, x, row.id)).length;
          expect(row.teamSize).toBe(team);
        }
      }),
      { numRuns: 25 },
    );
  });
});
