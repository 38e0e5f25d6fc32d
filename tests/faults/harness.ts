/**
 * What the fault tests control: a dedicated embedded PostgreSQL they can stop and start, and app
 * processes (`node src/cli/start.ts`, the `npm start` code path) they can SIGKILL and restart.
 * Everything listens on 127.0.0.1 only; data lives under .data/faults-*.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { recreateDatabase, startEmbeddedPostgres, type RunningDatabase } from '../../db/embedded.ts';
import { projectRoot } from '../../src/cli/build.ts';

export const HOST = '127.0.0.1';
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(message: string): void {
  const t = new Date().toISOString().slice(11, 23);
  console.log(`[${t}] ${message}`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export class FaultDatabase {
  private running: RunningDatabase | null = null;
  url = '';
  readonly adminUrl: () => string = () => this.url.replace(/\/[^/]*$/, '/postgres');

  readonly dataDir: string;
  readonly port: number;
  readonly database: string;

  constructor(dataDir: string, port: number, database: string) {
    this.dataDir = dataDir;
    this.port = port;
    this.database = database;
  }

  async start(): Promise<void> {
    const lines: string[] = [];
    try {
      this.running = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port, database: 'postgres', log: (l) => lines.push(l) });
    } catch (err) {
      console.error(lines.slice(-20).join('\n'));
      throw err;
    }
    this.url = this.running.url.replace(/\/postgres$/, `/${this.database}`);
  }

  /** A fresh, empty application database (the cluster itself is kept between runs). */
  async recreate(): Promise<void> {
    await recreateDatabase(this.adminUrl(), this.database);
  }

  /** Fast shutdown (SIGINT to the postmaster): every backend is told "terminating connection". */
  async stop(): Promise<void> {
    const r = this.running;
    this.running = null;
    await r?.stop();
  }

  get isRunning(): boolean {
    return this.running !== null;
  }
}

// ---------------------------------------------------------------------------------------------
// App processes

export interface AppOptions {
  name: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
}

export class AppInstance {
  child: ChildProcess | null = null;
  private logStream: WriteStream | null = null;
  private generation = 0;
  /** Exits nobody asked for (a crash): the tests fail on any. */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;
  readonly url: string;
  readonly options: AppOptions;

  constructor(options: AppOptions) {
    this.options = options;
    this.url = `http://${HOST}:${options.port}`;
    mkdirSync(options.logDir, { recursive: true });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 90_000): Promise<number> {
    this.generation += 1;
    const logFile = path.join(this.options.logDir, `app-${this.options.name}-${this.generation}.log`);
    this.logStream = createWriteStream(logFile);
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(projectRoot, 'src/cli/start.ts')], {
      cwd: projectRoot,
      env: { ...process.env, ...this.options.env, HOST, PORT: String(this.options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.expectingExit = false;
    child.stdout!.pipe(this.logStream, { end: false });
    child.stderr!.pipe(this.logStream, { end: false });
    child.once('exit', (code, signal) => {
      if (!this.expectingExit) {
        this.unexpectedExits.push(`${this.options.name} (pid ${child.pid}) exited by itself: code ${code}, signal ${signal}; see ${logFile}`);
      }
    });
    const deadline = started + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`app ${this.options.name} exited during start-up; see ${logFile}`);
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.ok) return Date.now() - started;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    throw new Error(`app ${this.options.name} not healthy within ${timeoutMs} ms; see ${logFile}`);
  }

  /** kill -9: no shutdown handler runs, in-flight requests are cut. */
  async kill9(): Promise<void> {
    await this.killWith('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.killWith('SIGTERM', 10_000);
  }

  private async killWith(signal: NodeJS.Signals, escalateAfterMs?: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
      if (escalateAfterMs) setTimeout(() => child.kill('SIGKILL'), escalateAfterMs).unref();
    });
    this.child = null;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

/** The value of one Set-Cookie cookie in a response, if set (and not being deleted). */
export function setCookieValue(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    if (pair!.slice(0, eq).trim() !== name) continue;
    if (attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a))) return undefined;
    return decodeURIComponent(pair!.slice(eq + 1).trim());
  }
  return undefined;
}

export function formTokenFrom(html: string): string | undefined {
  return /name="form_token" value="([^"]+)"/.exec(html)?.[1];
}

/** The idempotency key inside a form token (its payload is plain base64url JSON; only the MAC is secret). */
export function idempotencyKeyOf(token: string): string {
  const payload = token.split('.')[0]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).k as string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
