import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reclaimDataDir } from '../../db/embedded.ts';
import { projectRoot } from '../../src/cli/build.ts';
import { freshToken, multipart, postTo, reportFields } from '../hostile/client.ts';
import { freePort, stopChild } from './app-process.ts';

/**
 * `npm start` killed with `kill -9` leaves its embedded PostgreSQL running; the next `npm start`
 * must take the data directory back by itself and serve, with every acknowledged report kept.
 */
const dataDir = `.data/test-restart-${process.env.TEST_DB_PREFIX ?? 'default'}`;
let pgPort = 0;
let appPort = 0;
const children: ChildProcess[] = [];

function start(): ChildProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, 'src/cli/start.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env, DATABASE_URL: '', EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), HOST: '127.0.0.1', PORT: String(appPort),
      SEED_DEMO: 'off', REPORT_MIN_FILL_SECONDS: '0', REPORT_RATE_PER_HOUR: '1000', REPORT_RATE_PER_DAY: '1000', PUBLIC_CACHE_SECONDS: '0',
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

async function healthyWithin(ms: number, child: ChildProcess): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${appPort}/api/health`)).ok) return Date.now() - started;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not serving within ${ms} ms`);
}

afterAll(async () => {
  for (const child of children) await stopChild(child, 15_000);
  // Whatever happened above, no PostgreSQL of this test is left running.
  await reclaimDataDir(path.join(projectRoot, dataDir, 'cluster'));
  rmSync(path.join(projectRoot, dataDir), { recursive: true, force: true });
});

describe('npm start after a crash', () => {
  it('serves again within 10 s after kill -9, by itself, with every acknowledged report kept', { timeout: 120_000 }, async () => {
    rmSync(path.join(projectRoot, dataDir), { recursive: true, force: true });
    [pgPort, appPort] = [await freePort(), await freePort()];
    const first = start();
    await healthyWithin(60_000, first);
    const url = `http://127.0.0.1:${appPort}`;
    const receipts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postTo(`${url}/report/?_action=report`, multipart(reportFields(await freshToken(url), { place: `重启检查地块 ${i}` })), { json: true });
      expect(res.status, await res.clone().text()).toBe(200);
      // The receipt is the acknowledgement: the citizen's code, in the receipt cookie.
      const code = res.headers.getSetCookie().find((c) => c.startsWith('gd_receipt='))?.split(';')[0]?.slice('gd_receipt='.length);
      expect(code).toMatch(/^[0-9A-Z]{18}$/);
      receipts.push(code!);
    }
    first.kill('SIGKILL');
    await new Promise<void>((resolve) => first.once('exit', () => resolve()));

    const second = start();
    const ms = await healthyWithin(10_000, second);
    expect(ms).toBeLessThan(10_000);
    for (const code of receipts) {
      const res = await postTo(`${url}/track/`, new URLSearchParams({ code }));
      expect(res.status, code).toBe(200);
      expect(await res.text(), code).toContain('举报办理进度');
    }
  });
});
