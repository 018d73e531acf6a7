import { simulate } from './tests/sim/simulate';
for (const seed of process.argv.slice(2).map(Number)) {
  const t0 = Date.now();
  try {
    const r = await simulate({ seed, kind: 'sqlite', owners: 3, agents: 2, steps: 200 });
    console.log(seed, Date.now() - t0, JSON.stringify(r));
  } catch (e) { console.log(seed, 'FAIL', String(e).slice(0, 1500)); }
}
