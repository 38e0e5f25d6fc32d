/**
 * `npm test`: the whole suite against real PostgreSQL and real servers.
 *  1. builds the app if needed and snapshots the build;
 *  2. uses DATABASE_URL's server if set, else an embedded PostgreSQL under .data/postgres-test;
 *  3. makes two template databases: one migrated (integration files), one migrated and seeded
 *     with the demo by `npm start`'s own code path (e2e files);
 *  4. runs vitest (unit, integration, e2e) with the files in a shuffled order whose seed it
 *     prints (TEST_SEED=<seed> replays an order); every integration file works in its own copy
 *     of the first template, every e2e file starts its own app on its own copy of the second
 *     (tests/support/), so each file passes alone and in any order;
 *  5. ends with a plain `N passed, N failed` line.
 * Extra arguments go to vitest, e.g. `npm test -- tests/e2e/report.test.ts` or `npm test -- --project unit`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { recreateDatabase, withDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { projectRoot, snapshotBuild } from '../src/cli/build.ts';
import { provideDatabase } from '../src/cli/database.ts';
import { createDb } from '../src/server/db.ts';
import { startTestApp, E2E_STAFF_PASSWORD } from './support/test-app.ts';
import { dropLeftovers, templateNames } from './support/test-databases.ts';

// The apps under test serve a copy of the build: an `npm start` after an edit, or a second test
// run in this checkout, rebuilds dist/ and would otherwise swap the code under this run.
const distCopy = path.join(projectRoot, '.data', `test-dist-${process.env.TEST_DB_PREFIX ?? 'default'}`);
snapshotBuild(distCopy);
process.env.DIST_DIR = distCopy;
const resultsDir = path.join(projectRoot, '.data', `test-results-${process.env.TEST_DB_PREFIX ?? 'default'}`);
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const server = await provideDatabase({
  name: 'postgres',
  // Separate directories, ports and database names let several runs share a machine.
  dataDir: process.env.EMBEDDED_PG_TEST_DIR ?? '.data/postgres-test',
  port: Number(process.env.EMBEDDED_PG_TEST_PORT ?? 54339),
  quiet: true,
});
console.log(server.embedded ? '测试数据库：内置 PostgreSQL' : `测试数据库：外部 PostgreSQL（${new URL(server.url).host}）`);
const prefix = process.env.TEST_DB_PREFIX ?? 'gengdi_test';
const templates = templateNames(prefix);
// A random order each run, printed by vitest; the same seed gives the same order.
const seed = Number(process.env.TEST_SEED) || Math.floor(Math.random() * 1_000_000);

let exitCode = 1;
try {
  await dropLeftovers(server.url, prefix);
  await recreateDatabase(server.url, templates.integration);
  const itDb = createDb(withDatabase(server.url, templates.integration), { max: 1 });
  try {
    await migrateToLatest(itDb);
  } finally {
    await itDb.destroy();
  }
  // The demo, as a first `npm start` seeds it; then the app stops, so the template can be copied.
  await recreateDatabase(server.url, templates.e2e);
  await (await startTestApp(withDatabase(server.url, templates.e2e))).stop();

  const vitest = spawn(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config', 'tests/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(resultsDir, 'vitest.json')}`,
      `--sequence.seed=${seed}`,
      ...process.argv.slice(2),
    ],
    {
      cwd: projectRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_ADMIN_DATABASE_URL: server.url,
        TEST_INTEGRATION_TEMPLATE: templates.integration,
        TEST_E2E_TEMPLATE: templates.e2e,
        E2E_STAFF_PASSWORD,
      },
    },
  );
  exitCode = await new Promise<number>((resolve) => vitest.on('exit', (code) => resolve(code ?? 1)));
  console.log(`测试文件顺序种子：${seed}（重放同一顺序：TEST_SEED=${seed} npm test）`);
} catch (err) {
  console.error(err);
} finally {
  await dropLeftovers(server.url, prefix).catch(() => {});
  await server.stop();
}

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(path.join(resultsDir, 'vitest.json'), 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  // Files that failed to load count as failures even though no test in them ran.
  failed += report.testResults.filter((f: { status: string; assertionResults: unknown[] }) => f.status === 'failed' && f.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
if (exitCode !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || exitCode !== 0 ? 1 : 0);
