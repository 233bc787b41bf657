import { defineConfig } from 'vitest/config';

/** Runs the fares latency benchmark only: `npx vitest run --config bench/prices/vitest.config.ts`. */
export default defineConfig({
  test: {
    include: ['bench/prices/*.bench-run.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
