/**
 * The app under test: `npm start`'s own code path (src/cli/start.ts) on a free port, serving the
 * build tests/run.ts snapshotted (DIST_DIR), against the database it is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/cli/build.ts';
import { freePort, stopChild } from '../e2e/app-process.ts';

/** The demo staff accounts of the test apps all get this password, so browser tests can sign in. */
export const E2E_STAFF_PASSWORD = 'Demo-pass-2026-e2e';

export interface TestApp {
  url: string;
  stop(): Promise<void>;
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
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`测试用服务器 ${timeoutMs} ms 内未就绪：${url}`);
}

export async function startTestApp(databaseUrl: string): Promise<TestApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(projectRoot, 'src/cli/start.ts')], {
    cwd: projectRoot,
    // A short public cache so tests can watch a database change reach the pages; a 1 s minimum
    // fill time for the report form so browser tests need not wait the real 4 s.
    env: {
      ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), ASTRO_NODE_LOGGING: 'disabled',
      PUBLIC_CACHE_SECONDS: '2', REPORT_MIN_FILL_SECONDS: '1', DEMO_STAFF_PASSWORD: E2E_STAFF_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stdout?.on('data', (d) => log.push(String(d)));
  child.stderr?.on('data', (d) => log.push(String(d)));
  try {
    await waitForHealthy(`${url}/api/health`, child, 60_000);
  } catch (err) {
    await stopChild(child);
    throw new Error(`${(err as Error).message}\n${log.join('')}`);
  }
  return { url, stop: () => stopChild(child) };
}
