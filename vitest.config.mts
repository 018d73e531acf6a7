import { defineConfig } from 'vitest/config';

// `npm test` runs every suite in Asia/Shanghai (TZ in package.json: where our sellers are, and
// where a day turned into a local Date and back through UTC moves), then the date suites (QUNDESK_TEST_SET=dates),
// the suites that turn times into days, again in UTC and America/Los_Angeles.
const DATE_SUITES = [
  'tests/unit/figures-periods.test.ts',
  'tests/unit/import-cells.test.ts',
  'tests/integration/time-zones.test.ts',
  'tests/integration/orders.test.ts',
  'tests/integration/orders-import.test.ts',
  'tests/integration/refunds.test.ts',
  'tests/integration/expenses.test.ts',
  'tests/integration/figures.test.ts',
  'tests/integration/campaigns.test.ts',
  'tests/integration/commissions.test.ts',
  'tests/integration/settlements.test.ts',
  'tests/integration/agents.test.ts',
  'tests/integration/sync/imports.test.ts',
];

export default defineConfig({
  test: {
    include:
      process.env.QUNDESK_TEST_SET === 'dates'
        ? DATE_SUITES
        : ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/sim/**/*.test.ts'],
    // better-sqlite3 is a native module: forks isolate it cleanly per worker.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
