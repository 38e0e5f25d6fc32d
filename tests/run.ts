/**
 * `npm test`: the whole suite against real PostgreSQL and a real server.
 *  1. builds the app if needed;
 *  2. uses DATABASE_URL's server if set, else an embedded PostgreSQL under .data/postgres-test;
 *  3. creates fresh databases for integration tests and for the e2e app;
 *  4. starts the app (`npm start`'s own code path) on a free port for the browser tests;
 *  5. runs vitest (unit, integration, e2e) and ends with a plain `N passed, N failed` line.
 * Extra arguments go to vitest, e.g. `npm test -- --project unit`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { recreateDatabase } from '../db/embedded.ts';
import { projectRoot, snapshotBuild } from '../src/cli/build.ts';
import { provideDatabase } from '../src/cli/database.ts';
import { freePort, stopChild } from './e2e/app-process.ts';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`测试用服务器已退出（退出码 ${child.exitCode}）`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`测试用服务器 ${timeoutMs} ms 内未就绪：${url}`);
}

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
const integrationUrl = withDatabase(server.url, `${prefix}_it`);
const e2eUrl = withDatabase(server.url, `${prefix}_e2e`);
await recreateDatabase(server.url, `${prefix}_it`);
await recreateDatabase(server.url, `${prefix}_e2e`);

// The demo staff accounts of the e2e app all get this password, so browser tests can sign in.
const e2eStaffPassword = 'Demo-pass-2026-e2e';
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const app = spawn(process.execPath, [path.join(projectRoot, 'src/cli/start.ts')], {
  cwd: projectRoot,
  // A short public cache so tests can watch a database change reach the pages; a 1 s minimum
  // fill time for the report form so browser tests need not wait the real 4 s.
  env: {
    ...process.env, DATABASE_URL: e2eUrl, HOST: '127.0.0.1', PORT: String(port), ASTRO_NODE_LOGGING: 'disabled',
    PUBLIC_CACHE_SECONDS: '2', REPORT_MIN_FILL_SECONDS: '1', DEMO_STAFF_PASSWORD: e2eStaffPassword,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const appLog: string[] = [];
app.stdout?.on('data', (d) => appLog.push(String(d)));
app.stderr?.on('data', (d) => appLog.push(String(d)));

let exitCode = 1;
try {
  await waitForHealthy(`${baseUrl}/api/health`, app, 60_000);
  const vitest = spawn(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config', 'tests/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(resultsDir, 'vitest.json')}`,
      ...process.argv.slice(2),
    ],
    {
      cwd: projectRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_DATABASE_URL: integrationUrl,
        E2E_DATABASE_URL: e2eUrl,
        E2E_BASE_URL: baseUrl,
        E2E_STAFF_PASSWORD: e2eStaffPassword,
        TEST_ADMIN_DATABASE_URL: server.url,
      },
    },
  );
  exitCode = await new Promise<number>((resolve) => vitest.on('exit', (code) => resolve(code ?? 1)));
} catch (err) {
  console.error(appLog.join(''));
  console.error(err);
} finally {
  await stopChild(app);
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
