import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/config/http-headers.ts';
import { freePort, stopChild } from './app-process.ts';
import { baseUrl } from './browser.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

/** A policy's directives with their sources, hashes left out: those name each page's own inline code. */
function directivesOf(csp: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const directive of (csp ?? '').split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) out[name] = sources.filter((s) => !s.startsWith("'sha256-")).join(' ');
  }
  // A directive that says what default-src says changes nothing: the page cache leaves such out.
  for (const name of Object.keys(out)) if (name !== 'default-src' && out[name] === out['default-src']) delete out[name];
  return out;
}

/** The test's own environment, less what makes Vite think it runs under vitest, on the e2e app's database. */
function devEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(?:VITEST|VITE_|NODE_ENV$|TEST$|DIST_DIR$)/.test(name)));
  return { ...env, DATABASE_URL: process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL ?? '' };
}

let dev: ChildProcess | null = null;
let devUrl = '';
let devLog = '';

describe('astro dev', () => {
  beforeAll(async () => {
    const port = await freePort();
    devUrl = `http://127.0.0.1:${port}`;
    dev = spawn(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', String(port)], { cwd: root, env: devEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [dev.stdout!, dev.stderr!]) stream.on('data', (chunk: Buffer) => (devLog = (devLog + chunk.toString('utf8')).slice(-4000)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${devUrl}/law/`, { signal: AbortSignal.timeout(20_000) })).status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`astro dev did not start:\n${devLog}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }, 90_000);

  afterAll(async () => {
    if (dev) await stopChild(dev);
  });

  it('sends the same security headers and policy as npm start, on content pages, database pages and forms', async () => {
    for (const page of ['/law/', '/policies/hejin-2023/', '/cases/', '/staff/login/']) {
      const [started, developed] = await Promise.all([fetch(baseUrl + page), fetch(devUrl + page)]);
      expect([started.status, developed.status], page).toEqual([200, 200]);
      for (const name of Object.keys(SECURITY_HEADERS)) {
        if (name === 'Content-Security-Policy') continue;
        expect(developed.headers.get(name), `${page}: ${name}`).toBe(started.headers.get(name));
      }
      const policy = directivesOf(developed.headers.get('content-security-policy'));
      expect(policy, page).toMatchObject({ 'default-src': "'self'", 'frame-ancestors': "'none'", 'object-src': "'none'" });
      // A prerendered page's header is the file policy (its own hashes ride in a <meta> tag); a served page's is the page policy.
      if (!/^\/(?:law|policies)\//.test(page)) expect(policy, page).toEqual(directivesOf(started.headers.get('content-security-policy')));
    }
  });

  it('refuses a cross-site form post in Chinese, as npm start does', async () => {
    const post = (url: string) => fetch(`${url}/staff/login/?_action=auth.login`, { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=a&password=b', redirect: 'manual' });
    const [started, developed] = await Promise.all([post(baseUrl), post(devUrl)]);
    expect([started.status, developed.status]).toEqual([403, 403]);
    expect(await developed.text()).toBe(await started.text());
  });
});
