import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files run in name order: the e2e files share one app and database, and the public-page checks
 * (exact county figures, six demo notices) must see the seed before other files publish or import.
 */
class NameOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

/**
 * Three tiers, run together by `npm test` (tests/run.ts provides the databases and the app). A
 * fourth, `hostile` (tests/hostile/: sqlmap, the whole hostile corpus, big bodies), exists only
 * when GD_HOSTILE=1, which `npm run test:hostile` sets: plain `npm test` never runs it.
 */
const hostile = process.env.GD_HOSTILE === '1'
  ? [{
      test: {
        name: 'hostile',
        include: ['tests/hostile/**/*.test.ts'],
        fileParallelism: false,
        testTimeout: 1_800_000,
        hookTimeout: 300_000,
      },
    }]
  : [];

export default defineConfig({
  test: {
    sequence: { sequencer: NameOrderSequencer },
    projects: [
      ...hostile,
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // One database shared by every file: files run one after another, tables cleared per test.
          fileParallelism: false,
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
