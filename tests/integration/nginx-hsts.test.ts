import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeShippedConfig } from '../../bench/lib/nginx.ts';
import { projectRoot } from '../../src/cli/build.ts';
import { SECURITY_HEADERS } from '../../src/config/http-headers.ts';
import { freePort } from '../e2e/app-process.ts';

/**
 * The shipped nginx config, run for real with a TLS listener added where its comment says: every
 * kind of location answers with HSTS over TLS and without it over plain HTTP. No app runs behind
 * it, so proxied locations answer 502, which still must carry the header (`always`).
 */
const hasNginx = spawnSync('sh', ['-c', 'command -v nginx && command -v openssl'], { stdio: 'ignore' }).status === 0;
const PATHS = ['/policies/', '/law/', '/_astro/none.css', '/favicon.svg', '/', '/cases/', '/staff/login/', '/report/', '/api/health'];

let nginx: ChildProcess | null = null;
let httpPort = 0;
let httpsPort = 0;

function headOverTls(pathname: string): Promise<{ status: number; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: httpsPort, path: pathname, method: 'GET', rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] as string | undefined });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!hasNginx)('the shipped nginx config', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gd-nginx-'));
    [httpPort, httpsPort] = [await freePort(), await freePort()];
    // writeShippedConfig empties its directory first, so the certificate is made after it.
    const conf = writeShippedConfig({ projectRoot, dir, listenPort: httpPort, appPort: await freePort() });
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    expect(made.status).toBe(0);
    const text = readFileSync(conf, 'utf8');
    const tlsLine = /# listen 443 ssl;[^\n]*/;
    expect(text).toMatch(tlsLine);
    writeFileSync(conf, text.replace(tlsLine, `listen 127.0.0.1:${httpsPort} ssl; ssl_certificate ${cert}; ssl_certificate_key ${key};`));
    const check = spawnSync('nginx', ['-t', '-c', conf], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn('nginx', ['-c', conf], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        await fetch(`http://127.0.0.1:${httpPort}/favicon.svg`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('nginx did not start');
  });

  afterAll(() => {
    nginx?.kill('SIGTERM');
  });

  it('sends HSTS on every kind of location over TLS', async () => {
    for (const p of PATHS) {
      const { status, hsts } = await headOverTls(p);
      expect(status, p).toBeGreaterThan(0);
      expect(hsts, `${p} (${status})`).toBe('max-age=31536000; includeSubDomains');
    }
  });

  it('sends the one table’s security headers, exactly, on every file it serves itself, and none twice where the app answers', async () => {
    const astroFile = readdirSync(path.join(projectRoot, 'dist/client/_astro'))[0];
    const files = ['/policies/hejin-2023/', '/law/', '/favicon.svg', ...(astroFile ? [`/_astro/${astroFile}`] : [])];
    for (const p of files) {
      const res = await fetch(`http://127.0.0.1:${httpPort}${p}`);
      expect(res.status, p).toBe(200);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), `${p}: ${name}`).toBe(value);
    }
    // No app runs behind it: nginx's own 502 for a proxied path carries nothing of the table, so
    // the app's answers would carry each header once, from the app.
    const proxied = await fetch(`http://127.0.0.1:${httpPort}/cases/`);
    expect(proxied.status).toBe(502);
    for (const name of Object.keys(SECURITY_HEADERS)) expect(proxied.headers.get(name), name).toBeNull();
  });

  it('sends no HSTS over plain HTTP', async () => {
    for (const p of PATHS) {
      const res = await fetch(`http://127.0.0.1:${httpPort}${p}`, { redirect: 'manual' });
      expect(res.headers.get('strict-transport-security'), p).toBeNull();
    }
  });
});
