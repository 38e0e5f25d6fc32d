import { defineConfig } from 'vitest/config';

/**
 * Three tiers, run together by `npm test` (tests/run.ts provides the database server, the
 * templates and the build). A fourth, `hostile` (the long tier of tests/hostile/: sqlmap, the
 * whole hostile corpus, big bodies), exists only when GD_HOSTILE=1, which `npm run test:hostile`
 * sets: plain `npm test` never runs it. Every hostile test lives in tests/hostile/; the fast ones
 * run with the tier they belong to.
 *
 * Files run in a shuffled order (tests/run.ts passes the seed; vitest prints it): each file has
 * its own database, and each e2e file its own app (the setup files), so none depends on another,
 * and two run at once. Two, not vitest's default of one fewer than the cores: on the 2-core CI
 * machine that default is one, and an e2e file spends much of its time waiting on its browser
 * and its app (344 → 295 s for the whole suite).
 */
const LONG_HOSTILE = ['tests/hostile/full.test.ts', 'tests/hostile/big-bodies.test.ts', 'tests/hostile/sqlmap.test.ts'];
const E2E_SETUP = ['tests/e2e/setup-app.ts'];

const hostile = process.env.GD_HOSTILE === '1'
  ? [{
      test: {
        name: 'hostile',
        include: LONG_HOSTILE,
        setupFiles: E2E_SETUP,
        fileParallelism: false,
        testTimeout: 1_800_000,
        hookTimeout: 300_000,
      },
    }]
  : [];

export default defineConfig({
  test: {
    sequence: { shuffle: { files: true, tests: false } },
    maxWorkers: 2,
    projects: [
      ...hostile,
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/hostile/schemas.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          setupFiles: ['tests/integration/setup-database.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts', 'tests/hostile/fast.test.ts'],
          setupFiles: E2E_SETUP,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
