import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine.
    // Most test time is spent waiting on services and stores, so two files run at once.
    maxWorkers: 2,
    // One embedded PostgreSQL server for the whole run, on which the suites make their databases.
    globalSetup: ['packages/database/test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'system',
          environment: 'node',
          exclude: [
            '**/node_modules/**',
            '**/dist/**',
            'gateway/test/booking-race.test.ts',
            'gateway/test/booking-crash.test.ts',
            'gateway/test/replicas.test.ts',
          ],
          include: [
            'packages/*/test/**/*.test.ts',
            'subgraphs/*/test/**/*.test.ts',
            'gateway/test/**/*.test.ts',
            'charts/test/**/*.test.ts',
            'scripts/test/**/*.test.ts',
            'load/test/**/*.test.ts',
            // The web app in real Chromium against the system `npm start` runs.
            'web/e2e/**/*.test.ts',
          ],
        },
      },
      // The booking race, crash and replica systems each start every service (the replicas two
      // of tickets, inventory and the gateway) and load the machine for minutes; run after the
      // rest, one file at a time, so none measures another's load.
      {
        extends: true,
        test: {
          name: 'booking-systems',
          environment: 'node',
          include: [
            'gateway/test/booking-race.test.ts',
            'gateway/test/booking-crash.test.ts',
            'gateway/test/replicas.test.ts',
          ],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      // React components in jsdom.
      'web/vitest.config.ts',
    ],
  },
});
