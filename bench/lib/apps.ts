/** The processes the bench runs: the app by `npm start`'s code path, nginx, and the tools it needs. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/cli/build.ts';
import { sleep, startChild, waitFor200, type Child } from './proc.ts';
import { HOST, STAFF_PASSWORD, log, url } from './settings.ts';

// ---------------------------------------------------------------- tools

export function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function ensureTools(): void {
  const missing: string[] = [];
  if (!which('nginx')) missing.push('nginx');
  if (!which('pgbench')) missing.push('postgresql-contrib');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}: install with apt-get install -y ${missing.join(' ')}`);
  log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env, timeout: 300_000 });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env, timeout: 600_000 });
  if (r.status !== 0 || !which('nginx') || !which('pgbench')) throw new Error('apt-get could not install nginx / pgbench');
}

export function version(cmd: string, ...a: string[]): string {
  const r = spawnSync(cmd, a, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]!.trim();
}

// ---------------------------------------------------------------- processes

export function appEnv(databaseUrl: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HOST,
    PORT: String(port),
    PUBLIC_SITE_URL: url(port, ''),
    NODE_ENV: 'production',
    ASTRO_NODE_LOGGING: 'disabled',
    DEMO_STAFF_PASSWORD: STAFF_PASSWORD,
    // The intake bench sends every report from 127.0.0.1 as fast as it can (see README).
    REPORT_MIN_FILL_SECONDS: '0',
    REPORT_RATE_PER_HOUR: '100000000',
    REPORT_RATE_PER_DAY: '100000000',
    // So the intake bench can also send from many addresses (X-Forwarded-For); a client without the header is its socket's address.
    TRUST_PROXY: '1',
    ...extra,
  };
  delete env.EMBEDDED_PG_PORT;
  return env;
}

/** `nodeFlags`: e.g. `--cpu-prof` for the profiled intake run. */
export async function startApp(name: string, databaseUrl: string, port: number, extra: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Child> {
  const t0 = performance.now();
  const child = startChild(name, process.execPath, [...nodeFlags, path.join(projectRoot, 'src/cli/start.ts')], { cwd: projectRoot, env: appEnv(databaseUrl, port, extra) });
  await waitFor200(url(port, '/api/health'), t0, 180_000, child, 100);
  return child;
}

export async function startNginx(name: string, conf: string, port: number): Promise<Child> {
  const test = spawnSync('nginx', ['-t', '-c', conf], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed for ${conf}:\n${test.stderr}`);
  const child = startChild(name, 'nginx', ['-c', conf]);
  const t0 = performance.now();
  // Any answer means it listens; the pages are checked by the caller.
  for (let i = 0; i < 200; i++) {
    if (child.proc.exitCode !== null) throw new Error(`${name} exited:\n${child.log.join('')}`);
    try {
      await (await fetch(url(port, '/favicon.svg'))).arrayBuffer();
      return child;
    } catch {
      await sleep(25);
    }
  }
  throw new Error(`${name} did not listen within ${Math.round(performance.now() - t0)} ms`);
}
