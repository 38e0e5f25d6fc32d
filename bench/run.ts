/**
 * `npm run bench`: the project's benchmarks, each printed as figure, baseline run side by side in
 * the same run, ratio, goal and whether it was met; written to bench/results/<date>.md (and .json).
 *
 *   npm run bench                      # everything, about 10–15 minutes on 2 cores
 *   npm run bench -- --quick           # short runs and 100 000 queue rows, to try the harness
 *   npm run bench -- --only public,weight
 *
 * Everything runs on this machine and talks to 127.0.0.1 only: its own embedded PostgreSQL
 * (.data/postgres-bench, port BENCH_PG_PORT=4599), the app by `npm start`'s code path
 * (src/cli/start.ts, port BENCH_PORT_BASE=4510 and up), nginx with the shipped deploy/nginx
 * config and a plain-file nginx as the limit. Every loop is bounded; every child is stopped.
 * See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { recreateDatabase, startEmbeddedPostgres, withDatabase, type RunningDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { buildIfNeeded, projectRoot } from '../src/cli/build.ts';
import { createDb } from '../src/server/db.ts';
import { createStaffUser } from '../src/domain/accounts/staff-users.ts';
import { parseQueueFilter } from '../src/domain/reports/queue-filter.ts';
import { forgedRequestCpu, runIntake, makePhoto, type ForgedFigures, type IntakeFigures } from './lib/intake.ts';
import { load, type LoadFigures } from './lib/load.ts';
import { writeShippedConfig, writeStaticConfig, writeStaticSameHeadersConfig } from './lib/nginx.ts';
import { machineLoad, median, sleep, startChild, stopAll, waitFor200, waitForIdle, type Child } from './lib/proc.ts';
import { explain, queueQueries, signIn, timeNearby, timePagesSideBySide, type Explained, type Timing } from './lib/queue.ts';
import { generateReports } from './lib/queue-data.ts';
import { pageWeight, type Weight } from './lib/weight.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rows: { type: 'string' },
    'no-idle-wait': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick!;
const SECONDS = QUICK ? 3 : 10;
/**
 * Public pages: rounds per page and setup, each ROUND_SECONDS long (6 × 4 s = 24 s per page and
 * setup). On a shared 2-core VM one 4 s figure moves by a quarter from round to round, so the
 * median of six, with the setups' order turning, is what a ratio can rest on.
 */
const ROUNDS = QUICK ? 1 : 6;
const ROUND_SECONDS = QUICK ? 3 : 4;
const WARMUP = QUICK ? 1 : 3;
const CONNECTIONS = 50;
const ROWS = Number(args.rows ?? process.env.BENCH_ROWS ?? (QUICK ? 100_000 : 1_000_000));
const PHASES = new Set((args.only ?? 'public,intake,weight,queue,start').split(',').map((s) => s.trim()));
const HOST = '127.0.0.1'; // the only address the bench ever targets
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4510);
const PORTS = { app: PORT_BASE, nginx: PORT_BASE + 1, static: PORT_BASE + 2, bare: PORT_BASE + 3, queueApp: PORT_BASE + 4, sameBytes: PORT_BASE + 5, sameHeaders: PORT_BASE + 6 };
// Below the ephemeral port range (32768+), so no client connection can be holding it.
const PG_PORT = Number(process.env.BENCH_PG_PORT ?? 4599);
const PG_DIR = process.env.BENCH_PG_DIR ?? '.data/postgres-bench';
const STAFF_PASSWORD = 'Bench-pass-2026-load';
const TMP = path.join(projectRoot, 'bench', 'tmp');
const DATE = process.env.BENCH_DATE ?? new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const CORES = os.cpus().length;

const PUBLIC_PAGES = [
  { name: 'home', path: '/', db: true },
  { name: 'policy (prerendered)', path: '/policies/hejin-2023/', db: false },
  { name: 'case list', path: '/cases/', db: true },
  { name: 'case', path: '/cases/1/', db: true },
  { name: 'progress', path: '/progress/', db: true },
] as const;
const PRERENDERED = PUBLIC_PAGES[1];
/** Where the control app (see publicPages) serves each database page's HTML as a prerendered page. */
const SAME_BYTES_PREFIX = '/bench-same-bytes';

const WEIGHT_PAGES = [
  { name: 'home', path: '/', content: true },
  { name: 'policy', path: '/policies/hejin-2023/', content: true },
  { name: 'law list', path: '/law/', content: true },
  { name: 'case list', path: '/cases/', content: true },
  { name: 'case', path: '/cases/1/', content: true },
  { name: 'progress', path: '/progress/', content: true },
  { name: 'track', path: '/track/', content: false },
  { name: 'report', path: '/report/', content: false },
] as const;

const QUEUE_URLS = [
  { name: 'queue, no filter', query: '' },
  { name: 'status = submitted', query: 'status=submitted' },
  { name: 'township + class', query: 'township=xishe&class=house' },
  { name: 'overdue + has photos', query: 'overdue=1&photos=1' },
] as const;

const log = (m: string) => console.log(m);
const url = (port: number, p = '/') => `http://${HOST}:${port}${p}`;

// ---------------------------------------------------------------- tools

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function ensureTools(): void {
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

function version(cmd: string, ...a: string[]): string {
  const r = spawnSync(cmd, a, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]!.trim();
}

// ---------------------------------------------------------------- processes

function appEnv(databaseUrl: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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
    ...extra,
  };
  delete env.EMBEDDED_PG_PORT;
  return env;
}

async function startApp(name: string, databaseUrl: string, port: number, extra: Record<string, string> = {}): Promise<Child> {
  const t0 = performance.now();
  const child = startChild(name, process.execPath, [path.join(projectRoot, 'src/cli/start.ts')], { cwd: projectRoot, env: appEnv(databaseUrl, port, extra) });
  await waitFor200(url(port, '/api/health'), t0, 180_000, child, 100);
  return child;
}

async function startNginx(name: string, conf: string, port: number): Promise<Child> {
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

// ---------------------------------------------------------------- results

type Row = (string | number)[];
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '—');
const met = (ok: boolean | null) => (ok === null ? '—' : ok ? '✅ yes' : '❌ no');
function table(head: string[], rows: Row[]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

interface Results {
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; nginx: string; pgbench: string; postgres: string };
  quick: boolean;
  loads: Array<{ phase: string; before: number; after: number; waitedSeconds: number; idle: boolean }>;
  public?: { direct: Record<string, LoadFigures>; sameBytes: Record<string, LoadFigures>; nginx: Record<string, LoadFigures>; static: Record<string, LoadFigures>; sameHeaders: Record<string, LoadFigures>; headerBytes: Record<string, { nginx: number; static: number }>; xcache: Record<string, string>; bytes: Record<string, number> };
  intake?: { noPhoto: IntakeFigures; photo: IntakeFigures; photoBytes: number; pgbenchTps: number; forged?: ForgedFigures };
  weight?: Record<string, Weight>;
  queue?: {
    rows: number;
    generateSeconds: number;
    baselineReports: number;
    pages: Record<string, { big: Timing; small: Timing }>;
    nearby: { big: Timing & { found: number }; small: Timing & { found: number } };
    explain: Array<{ filter: string; kind: string } & Explained>;
  };
  start?: { appMs: number[]; bareMs: number[] };
}

function renderMarkdown(r: Results): string {
  const out: string[] = [];
  out.push(`# Benchmarks — ${r.date}`, '');
  out.push(
    `Machine: **${r.machine.cores} cores** (${r.machine.cpu}), ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; ${r.machine.nginx}; ${r.machine.pgbench}; PostgreSQL ${r.machine.postgres} (embedded).`,
    `Made by \`npm run bench\`${r.quick ? ' **--quick** (short runs: not a final measurement)' : ''}. Load generator, app, nginx and PostgreSQL share the same ${r.machine.cores} cores, so every figure is relative to its baseline measured in the same run.`,
    '',
  );
  const busy = r.loads.filter((l) => !l.idle);
  if (busy.length) {
    const worst = Math.max(...r.loads.map((l) => Math.max(l.before, l.after)));
    out.push(
      `> **The machine was not idle** during ${busy.map((l) => l.phase).join(', ')} (1-minute load up to ${worst.toFixed(1)} on ${r.machine.cores} cores: other work was running). The bench waited for it to calm down (bounded, see below) and then measured anyway. Absolute figures are lower and tail latencies higher than on an idle machine; the ratios, measured side by side, are the more reliable part. Rerun \`npm run bench\` on an idle machine for final numbers.`,
      '',
    );
  }
  out.push('Machine load (1-minute average) around each phase; the bench waits for an idle machine before each phase (bounded):', '');
  out.push(table(['phase', 'load before', 'load after', 'waited', 'idle?'], r.loads.map((l) => [l.phase, l.before.toFixed(2), l.after.toFixed(2), `${l.waitedSeconds} s`, l.idle ? 'yes' : 'no — busy (others running tests); figures less reliable'])));
  out.push('');

  if (r.public) {
    const p = r.public;
    out.push('## Public pages', '');
    out.push(`autocannon, ${CONNECTIONS} connections, no compression requested, ${ROUNDS} rounds × ${ROUND_SECONDS} s per page and setup after a ${WARMUP} s warm-up; each round measures the page in all setups one right after the other (the order turning from round to round), and each figure is the median of its rounds. Setups: (1) the app served directly by \`npm start\`'s code path (with its control, below); (2) the app behind the shipped \`deploy/nginx/\` config; (3) nginx serving the same HTML bytes as plain files (the limit).`, '');
    out.push('### (2) behind the shipped nginx config vs (3) the nginx-static limit', '');
    out.push(
      table(
        ['page', 'req/s', 'p50 ms', 'p99 ms', 'X-Cache', 'baseline: static req/s', 'ratio', 'goal', 'met?', 'header bytes (shipped / static)', 'control: static + shipped headers req/s', 'ratio'],
        PUBLIC_PAGES.map((pg) => {
          const a = p.nginx[pg.name]!;
          const b = p.static[pg.name]!;
          const c = p.sameHeaders[pg.name]!;
          const h = p.headerBytes[pg.name];
          return [pg.name, fmt(a.rps), fmt(a.p50, 1), fmt(a.p99, 1), p.xcache[pg.name] ?? '', fmt(b.rps), ratio(a.rps, b.rps), '≥ 0.90×', met(a.rps >= 0.9 * b.rps && a.bad === 0), h ? `${h.nginx} / ${h.static}` : '', fmt(c.rps), ratio(a.rps, c.rps)];
        }),
      ),
      '',
      "The control serves the same files from nginx with, for each page, the headers the shipped setup sent for it (the app's security headers, Cache-Control, X-Cache), copied from a real response: the same response bytes, without the app and the micro-cache. The plain-file limit sends only the three headers of the shipped server block, so the extra header bytes (Content-Security-Policy, Permissions-Policy, Cross-Origin-Opener-Policy, Cache-Control) are part of the first ratio; the control's ratio shows the cost of the setup itself.",
      '',
    );
    const base = p.direct[PRERENDERED.name]!;
    out.push("### (1) served directly vs the app's own prerendered page", '');
    out.push(
      table(
        ['page', 'HTML bytes', 'req/s', 'p50 ms', 'p99 ms', `baseline: app ${PRERENDERED.path} req/s`, 'ratio', 'goal', 'met?', 'control: same bytes prerendered req/s', 'ratio'],
        PUBLIC_PAGES.map((pg) => {
          const a = p.direct[pg.name]!;
          const same = p.sameBytes[pg.name]!;
          const goal = pg.db ? a.rps >= 0.9 * base.rps && a.p99 <= 50 && a.bad === 0 : a.p99 <= 50 && a.bad === 0;
          return [pg.name, fmt(p.bytes[pg.name] ?? NaN), fmt(a.rps), fmt(a.p50, 1), fmt(a.p99, 1), fmt(base.rps), ratio(a.rps, base.rps), pg.db ? '≥ 0.90×, p99 ≤ 50 ms' : 'p99 ≤ 50 ms', met(goal), fmt(same.rps), ratio(a.rps, same.rps)];
        }),
      ),
      '',
      `The control is a second app instance whose build has each page's exact HTML added as a prerendered page (under \`${SAME_BYTES_PREFIX}/\`): the same bytes through the app's own prerendered path. autocannon keeps every response body as a string, so on these two cores the load generator's cost grows with the page's size; against the control that cost is the same on both sides, and the ratio shows only what the app does for a database page beyond sending its bytes.`,
      '',
    );
    out.push('### (3) the limit: nginx serving the HTML as plain files', '');
    out.push(table(['page', 'req/s', 'p50 ms', 'p99 ms'], PUBLIC_PAGES.map((pg) => [pg.name, fmt(p.static[pg.name]!.rps), fmt(p.static[pg.name]!.p50, 1), fmt(p.static[pg.name]!.p99, 1)])), '');
    const bad = Object.entries({ ...prefix('direct', p.direct), ...prefix('same bytes', p.sameBytes), ...prefix('nginx', p.nginx), ...prefix('static', p.static), ...prefix('static + shipped headers', p.sameHeaders) }).filter(([, f]) => f.bad > 0);
    if (bad.length) out.push(`Non-2xx or errors: ${bad.map(([k, f]) => `${k} ${f.bad}`).join(', ')}.`, '');
  }

  if (r.intake) {
    const i = r.intake;
    out.push('## Report intake', '');
    out.push(
      `${CONNECTIONS} concurrent clients, ${SECONDS} s each: GET /report/ for a fresh form token, then POST multipart to /report/?_action=report with Accept: application/json and Origin (app run with REPORT_MIN_FILL_SECONDS=0 and REPORT_RATE_PER_HOUR/DAY raised). Baseline: pgbench, -c ${CONNECTIONS}, a single-row INSERT into report with the same columns (bench/tmp/pgbench-insert.sql), same database, same duration.`,
      '',
    );
    out.push(
      table(
        ['case', 'accepted/s', 'p50 ms', 'p99 ms', 'failed', 'baseline: pgbench insert tps', 'ratio', 'goal', 'met?'],
        [
          ['no photo', fmt(i.noPhoto.perSecond, 1), fmt(i.noPhoto.p50), fmt(i.noPhoto.p99), i.noPhoto.failed, fmt(i.pgbenchTps), ratio(i.noPhoto.perSecond, i.pgbenchTps), '—', '—'],
          [`one ${(i.photoBytes / 1048576).toFixed(1)} MB photo (4032×3024 JPEG)`, fmt(i.photo.perSecond, 1), fmt(i.photo.p50), fmt(i.photo.p99), i.photo.failed, fmt(i.pgbenchTps), ratio(i.photo.perSecond, i.pgbenchTps), '—', '—'],
        ],
      ),
      '',
    );
    if (i.forged) {
      out.push(
        `A forged report (a form token the app never issued) with the same ${(i.photoBytes / 1048576).toFixed(1)} MB photo, ${i.forged.requests} one after another, after ten uncounted and on an app that had gone quiet (${i.forged.quietAfterMs < 0 ? 'it never did within 60 s' : `after ${(i.forged.quietAfterMs / 1000).toFixed(1)} s`}): the app process's own CPU time (/proc utime + stime) per request is **${i.forged.cpuMsPerRequest.toFixed(2)} ms** (goal < 5 ms; ${i.forged.cpuMsPerRequest < 5 ? 'met' : 'NOT met'}). Answers: ${Object.entries(i.forged.statuses).map(([s, n]) => `${n} × ${s}`).join(', ')}.`,
        '',
      );
    }
    const errs = [...i.noPhoto.errors, ...i.photo.errors];
    if (errs.length) out.push(`Failures: ${errs.join('; ')}.`, '');
  }

  if (r.weight) {
    out.push('## Page weight', '');
    out.push('JavaScript and CSS each page makes the browser load, read from dist/client by following the HTML as served (<script src>, static imports of those modules, inline scripts, <link rel=stylesheet>), gzip -6. Lazy = modules loaded only by dynamic import. Baseline: the budget.', '');
    out.push(
      table(
        ['page', 'JS gzip KB', 'lazy JS KB', 'CSS gzip KB', 'baseline: JS budget KB', 'ratio', 'goal', 'met?'],
        WEIGHT_PAGES.map((pg) => {
          const w = r.weight![pg.name]!;
          const budget = pg.content ? 0 : pg.path === '/report/' ? 60 : NaN;
          const kb = w.jsGzip / 1024;
          return [
            pg.name, fmt(kb, 1), fmt(w.lazyJsGzip / 1024, 1), fmt(w.cssGzip / 1024, 1), Number.isNaN(budget) ? '—' : fmt(budget),
            budget > 0 ? ratio(kb, budget) : '—',
            pg.content ? '0 KB JS' : pg.path === '/report/' ? '≤ 60 KB' : '—',
            Number.isNaN(budget) ? '—' : met(pg.content ? w.jsGzip === 0 : kb <= budget),
          ];
        }),
      ),
      '',
    );
  }

  if (r.queue) {
    const q = r.queue;
    out.push('## Staff queue at scale', '');
    out.push(
      `${fmt(q.rows)} reports generated with INSERT … SELECT generate_series in ${fmt(q.generateSeconds, 0)} s (three years, weighted townships/classes, age-dependent status, 92 % with a point, 0–5 photos), then VACUUM ANALYZE. Signed in as a moderator; sequential GETs, p50/p95 of the time to the whole response (loopback). Baseline: the same request on a second app instance over the demo database (${q.baselineReports} reports), running beside it, the two requested in alternation.`,
      '',
    );
    out.push(
      table(
        ['request', 'p50 ms', 'p95 ms', 'baseline: p95 at demo size', 'ratio', 'goal', 'met?'],
        [
          ...QUEUE_URLS.map((u) => {
            const t = q.pages[u.name]!;
            return [`/staff/${u.query ? `?${u.query}` : ''}`, fmt(t.big.p50, 1), fmt(t.big.p95, 1), fmt(t.small.p95, 1), ratio(t.big.p95, t.small.p95), 'p95 ≤ 50 ms', met(t.big.p95 <= 50)];
          }),
          [`nearby search, in-process (avg ${q.nearby.big.found} found)`, fmt(q.nearby.big.p50, 1), fmt(q.nearby.big.p95, 1), fmt(q.nearby.small.p95, 1), ratio(q.nearby.big.p95, q.nearby.small.p95), 'p95 ≤ 50 ms', met(q.nearby.big.p95 <= 50)],
        ],
      ),
      '',
    );
    out.push('### EXPLAIN ANALYZE of the queue queries (median of 5)', '');
    out.push(table(['filter', 'query', 'execution ms', 'planning ms', 'plan (first lines)'], q.explain.map((e) => [e.filter, e.kind, fmt(e.executionMs, 2), fmt(e.planningMs, 2), e.plan.split('\n').slice(0, 3).map((l) => l.trim()).join(' ⟶ ')])), '');
  }

  if (r.start) {
    const s = r.start;
    out.push('## Start', '');
    out.push('Restart-to-first-page: from spawning `node src/cli/start.ts` (database already migrated and seeded, build up to date) to the first 200 on /, polled every 5 ms; median of 3. Baseline: a bare Node HTTP server spawned and polled the same way.', '');
    out.push(table(['figure', 'ms', 'runs', 'baseline: bare node ms', 'ratio', 'goal', 'met?'], [['restart → first 200 on /', fmt(median(s.appMs)), s.appMs.map((x) => fmt(x)).join(', '), fmt(median(s.bareMs)), ratio(median(s.appMs), median(s.bareMs)), '—', '—']]), '');
  }
  return out.join('\n');
}

function prefix<T>(p: string, o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p} ${k}`, v]));
}

// ---------------------------------------------------------------- phases

let pgServer: RunningDatabase | null = null;

/** Seconds the whole run may spend waiting for an idle machine (BENCH_IDLE_WAIT_SECONDS). */
let idleBudgetMs = Number(process.env.BENCH_IDLE_WAIT_SECONDS ?? 300) * 1000;

async function phase<T>(results: Results, name: string, fn: () => Promise<T>): Promise<T> {
  log(`\n== ${name}`);
  const tries = args['no-idle-wait'] ? 0 : Math.min(3, Math.floor(idleBudgetMs / 30_000));
  const idle = await waitForIdle(CORES * 0.5, tries, 30_000, log);
  idleBudgetMs -= idle.waited;
  const before = idle.load1;
  const t0 = performance.now();
  const value = await fn();
  results.loads.push({ phase: name, before, after: machineLoad().load1, waitedSeconds: Math.round(idle.waited / 1000), idle: idle.idle });
  log(`   (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return value;
}

async function fetchText(u: string): Promise<string> {
  const res = await fetch(u, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${u}: HTTP ${res.status}`);
  return text;
}

/** A response's header block as the client reads it: its size in bytes, and the headers. */
async function headOf(u: string): Promise<{ bytes: number; headers: Headers }> {
  const target = new URL(u);
  const raw = await new Promise<string>((resolve, reject) => {
    // write, not end: nginx takes a half-closed connection for a client gone and drops a proxied answer (499).
    const socket = net.connect(Number(target.port), target.hostname, () => socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d)).on('end', () => resolve(data)).on('error', reject);
  });
  const head = raw.slice(0, raw.indexOf('\r\n\r\n') + 4);
  const headers = new Headers();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { bytes: head.length, headers };
}

async function publicPages(appPort: number, databaseUrl: string): Promise<NonNullable<Results['public']>> {
  const direct: Record<string, LoadFigures> = {};
  const sameBytes: Record<string, LoadFigures> = {};
  const viaNginx: Record<string, LoadFigures> = {};
  const plain: Record<string, LoadFigures> = {};
  const plainSameHeaders: Record<string, LoadFigures> = {};
  const headerBytes: Record<string, { nginx: number; static: number }> = {};
  const xcache: Record<string, string> = {};
  const bytes: Record<string, number> = {};
  const staticRoot = path.join(TMP, 'static-html');
  // The control for (1): a copy of the build whose prerendered pages include each database page's
  // HTML, served by a second app instance. The same bytes through the app's own prerendered path
  // cost the load generator (autocannon keeps every body as a string) exactly what the database
  // page costs it, so the ratio to them shows the app's own work alone.
  const sameBytesDist = path.join(TMP, 'dist-same-bytes');
  rmSync(sameBytesDist, { recursive: true, force: true });
  cpSync(path.join(projectRoot, 'dist'), sameBytesDist, { recursive: true });
  // The limit serves exactly the bytes the app sends.
  for (const pg of PUBLIC_PAGES) {
    const html = await fetchText(url(appPort, pg.path));
    bytes[pg.name] = Buffer.byteLength(html);
    for (const root of [staticRoot, path.join(sameBytesDist, 'client', SAME_BYTES_PREFIX)]) {
      const dir = path.join(root, pg.path);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'index.html'), html);
    }
  }
  const control = await startApp('app (same bytes, prerendered path)', databaseUrl, PORTS.sameBytes, { DIST_DIR: sameBytesDist, SEED_DEMO: 'off' });
  const shipped = await startNginx('nginx (shipped config)', writeShippedConfig({ projectRoot, dir: path.join(TMP, 'nginx-shipped'), listenPort: PORTS.nginx, appPort }), PORTS.nginx);
  const limit = await startNginx('nginx (static limit)', writeStaticConfig({ dir: path.join(TMP, 'nginx-static'), listenPort: PORTS.static, root: staticRoot }), PORTS.static);
  let limitSameHeaders: Child | null = null;
  try {
    const shippedHeaders: Record<string, Headers> = {};
    for (const pg of PUBLIC_PAGES) {
      for (const u of [url(PORTS.nginx, pg.path), url(PORTS.static, pg.path), url(PORTS.sameBytes, SAME_BYTES_PREFIX + pg.path)]) {
        const res = await fetch(u);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${u}: HTTP ${res.status}`);
      }
      const [viaShipped, viaStatic] = [await headOf(url(PORTS.nginx, pg.path)), await headOf(url(PORTS.static, pg.path))];
      shippedHeaders[pg.path] = viaShipped.headers;
      headerBytes[pg.name] = { nginx: viaShipped.bytes, static: viaStatic.bytes };
    }
    limitSameHeaders = await startNginx(
      'nginx (static, shipped headers)',
      writeStaticSameHeadersConfig({ dir: path.join(TMP, 'nginx-static-headers'), listenPort: PORTS.sameHeaders, root: staticRoot, headersByPath: shippedHeaders }),
      PORTS.sameHeaders,
    );
    // Side by side: every round measures each page in all setups one after the other, so
    // a figure and its baseline always share the machine's state of the moment; the figure
    // reported is the median of the rounds.
    const setups = [
      { label: 'direct', port: appPort, into: direct, prefix: '' },
      { label: 'same', port: PORTS.sameBytes, into: sameBytes, prefix: SAME_BYTES_PREFIX },
      { label: 'nginx', port: PORTS.nginx, into: viaNginx, prefix: '' },
      { label: 'static', port: PORTS.static, into: plain, prefix: '' },
      { label: 'static+h', port: PORTS.sameHeaders, into: plainSameHeaders, prefix: '' },
    ];
    const rounds: Record<string, LoadFigures[]> = {};
    for (const pg of PUBLIC_PAGES) for (const st of setups) await load(url(st.port, st.prefix + pg.path), { connections: CONNECTIONS, seconds: WARMUP, warmupSeconds: 0 });
    for (let r = 0; r < ROUNDS; r++) {
      for (const pg of PUBLIC_PAGES) {
        // The order turns each round, so no setup always runs first (or right after another).
        for (const st of setups.map((_, i) => setups[(i + r) % setups.length]!)) {
          const f = await load(url(st.port, st.prefix + pg.path), { connections: CONNECTIONS, seconds: ROUND_SECONDS, warmupSeconds: 0 });
          (rounds[`${st.label} ${pg.name}`] ??= []).push(f);
          log(`   round ${r + 1}/${ROUNDS} ${st.label.padEnd(7)} ${pg.path.padEnd(24)} ${fmt(f.rps).padStart(7)} req/s  p50 ${fmt(f.p50, 1)} ms  p99 ${fmt(f.p99, 1)} ms${f.bad ? `  (${f.bad} bad)` : ''}`);
        }
      }
    }
    for (const pg of PUBLIC_PAGES) {
      for (const st of setups) {
        const rs = rounds[`${st.label} ${pg.name}`]!;
        st.into[pg.name] = { rps: median(rs.map((f) => f.rps)), p50: median(rs.map((f) => f.p50)), p99: median(rs.map((f) => f.p99)), ok: rs.reduce((a, f) => a + f.ok, 0), bad: rs.reduce((a, f) => a + f.bad, 0) };
      }
      const res = await fetch(url(PORTS.nginx, pg.path));
      await res.arrayBuffer();
      xcache[pg.name] = res.headers.get('x-cache') ?? (pg.db ? '(none)' : 'file');
    }
  } finally {
    await shipped.stop('SIGQUIT');
    await limit.stop('SIGQUIT');
    await limitSameHeaders?.stop('SIGQUIT');
    await control.stop();
  }
  return { direct, sameBytes, nginx: viaNginx, static: plain, sameHeaders: plainSameHeaders, headerBytes, xcache, bytes };
}

function pgbench(databaseUrl: string, seconds: number): number {
  const script = path.join(TMP, 'pgbench-insert.sql');
  // The columns the app's intake writes (src/domain/reports/reports.ts), one row per transaction.
  writeFileSync(
    script,
    `\\set n random(1, 2000000000)
insert into report (receipt_hash, idempotency_key, submission_hash, problem_class, township, village, place_description, lng, lat, location_source, seen_on, description, reporter_name_enc, reporter_phone_enc, photo_count)
values (md5(:n || '-' || clock_timestamp()::text || random()::text), gen_random_uuid(), md5(random()::text), 'house', 'jifeng', '姚村', '村东头路口北侧麦地', 110.979, 35.6, 'map', current_date - 1, '压测：有人在麦地里打地基，看样子要盖两层楼。', null, null, 0);
`,
  );
  // pgbench's -T includes connecting its clients (SCRAM for each): never shorter than 10 s.
  const duration = Math.max(10, seconds);
  const r = spawnSync('pgbench', ['-n', '-c', String(CONNECTIONS), '-j', String(CORES), '-T', String(duration), '-f', script, databaseUrl], { encoding: 'utf8', timeout: (duration + 60) * 1000 });
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1] ?? /tps = ([\d.]+)/.exec(r.stdout)?.[1];
  if (!tps) throw new Error(`pgbench failed:\n${r.stdout}\n${r.stderr}`);
  return Number(tps);
}

/** After a load run: until the app answers its health check quickly again (it may still be working off requests whose clients gave up). */
async function drain(appPort: number): Promise<void> {
  const deadline = performance.now() + 90_000;
  while (performance.now() < deadline) {
    const t0 = performance.now();
    try {
      await (await fetch(url(appPort, '/api/health'), { signal: AbortSignal.timeout(5000) })).arrayBuffer();
      if (performance.now() - t0 < 200) return;
    } catch {
      /* busy */
    }
    await sleep(1000);
  }
}

async function intake(appPort: number, appPid: number, databaseUrl: string): Promise<NonNullable<Results['intake']>> {
  const photo = await makePhoto(path.join(TMP, 'photo-2mb.jpg'));
  const base = url(appPort, '');
  // The baseline first, on a quiet database.
  const tps = pgbench(databaseUrl, SECONDS);
  log(`   pgbench insert: ${fmt(tps)} tps`);
  await runIntake(base, { clients: CONNECTIONS, seconds: WARMUP, photo: null });
  await drain(appPort);
  const noPhoto = await runIntake(base, { clients: CONNECTIONS, seconds: SECONDS, photo: null });
  log(`   no photo:   ${fmt(noPhoto.perSecond, 1)} accepted/s (${noPhoto.accepted} in ${noPhoto.seconds.toFixed(1)} s, ${noPhoto.failed} failed) ${noPhoto.errors.join('; ')}`);
  await drain(appPort);
  const withPhoto = await runIntake(base, { clients: CONNECTIONS, seconds: SECONDS, photo });
  log(`   with photo: ${fmt(withPhoto.perSecond, 1)} accepted/s (${withPhoto.accepted} in ${withPhoto.seconds.toFixed(1)} s, ${withPhoto.failed} failed) ${withPhoto.errors.join('; ')}`);
  await drain(appPort);
  const forged = await forgedRequestCpu(base, appPid, photo, QUICK ? 20 : 100);
  log(`   forged:     ${forged.cpuMsPerRequest.toFixed(2)} ms CPU per request with a ${(photo.length / 1048576).toFixed(1)} MB photo (statuses ${JSON.stringify(forged.statuses)})`);
  return { noPhoto, photo: withPhoto, photoBytes: photo.length, pgbenchTps: tps, forged };
}

async function weights(appPort: number): Promise<Record<string, Weight>> {
  const out: Record<string, Weight> = {};
  for (const pg of WEIGHT_PAGES) {
    const fetchAsset = async (href: string) => {
      const target = new URL(href, url(appPort, pg.path));
      if (target.origin !== url(appPort, '')) return null; // only ever this app on 127.0.0.1
      const res = await fetch(target, { signal: AbortSignal.timeout(30_000) });
      const bytes = Buffer.from(await res.arrayBuffer());
      return res.status === 200 ? bytes : null;
    };
    out[pg.name] = await pageWeight(await fetchText(url(appPort, pg.path)), path.join(projectRoot, 'dist', 'client'), fetchAsset);
    log(`   ${pg.path.padEnd(24)} JS ${(out[pg.name]!.jsGzip / 1024).toFixed(1)} KB  CSS ${(out[pg.name]!.cssGzip / 1024).toFixed(1)} KB  ${out[pg.name]!.jsFiles.join(' ')}`);
  }
  return out;
}

/** The queue URLs on the 1M app and the demo-size app, request by request in alternation. */
async function timeQueuePages(big: { port: number; login: string }, small: { port: number; login: string }): Promise<Record<string, { big: Timing; small: Timing }>> {
  const bigCookie = await signIn(url(big.port, ''), big.login, STAFF_PASSWORD);
  const smallCookie = await signIn(url(small.port, ''), small.login, STAFF_PASSWORD);
  const out: Record<string, { big: Timing; small: Timing }> = {};
  for (const u of QUEUE_URLS) {
    const p = `/staff/${u.query ? `?${u.query}` : ''}`;
    const t = await timePagesSideBySide(url(big.port, p), bigCookie, url(small.port, p), smallCookie, QUICK ? 20 : 100, QUICK ? 3 : 10);
    out[u.name] = t;
    log(`   ${u.name.padEnd(22)} p50 ${fmt(t.big.p50, 1)} ms  p95 ${fmt(t.big.p95, 1)} ms | demo size p50 ${fmt(t.small.p50, 1)} ms  p95 ${fmt(t.small.p95, 1)} ms`);
  }
  return out;
}

async function startTimes(databaseUrl: string): Promise<NonNullable<Results['start']>> {
  const appMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const child = startChild('app (restart)', process.execPath, [path.join(projectRoot, 'src/cli/start.ts')], { cwd: projectRoot, env: appEnv(databaseUrl, PORTS.app) });
    appMs.push(await waitFor200(url(PORTS.app, '/'), t0, 120_000, child, 5));
    await child.stop();
    const t1 = performance.now();
    const bare = startChild('bare node', process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${PORTS.bare}, '${HOST}')`]);
    bareMs.push(await waitFor200(url(PORTS.bare, '/'), t1, 30_000, bare, 5));
    await bare.stop();
    log(`   run ${i + 1}: app ${fmt(appMs[i]!)} ms, bare node ${fmt(bareMs[i]!)} ms`);
  }
  return { appMs, bareMs };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  ensureTools();
  buildIfNeeded(log);
  mkdirSync(TMP, { recursive: true });
  const results: Results = {
    date: DATE,
    machine: {
      cores: CORES,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      nginx: version('nginx', '-v'),
      pgbench: version('pgbench', '--version'),
      postgres: '',
    },
    quick: QUICK,
    loads: [],
  };
  log(`${CORES} cores; results for ${DATE}${QUICK ? ' (quick)' : ''}; phases: ${[...PHASES].join(', ')}`);

  const pgLog: string[] = [];
  try {
    pgServer = await startEmbeddedPostgres({ dataDir: path.join(projectRoot, PG_DIR), port: PG_PORT, database: 'postgres', log: (l) => pgLog.push(l) });
  } catch (err) {
    console.error(pgLog.slice(-20).join('\n'));
    throw new Error(`the bench's PostgreSQL (${PG_DIR}, port ${PG_PORT}) did not start: ${(err as Error)?.message ?? err}. BENCH_PG_PORT chooses another port.`);
  }
  const adminUrl = pgServer.url;
  {
    const db = createDb(adminUrl, { max: 1 });
    const { rows } = await (await import('kysely')).sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
    results.machine.postgres = rows[0]!.v;
    await db.destroy();
  }
  const demoUrl = withDatabase(adminUrl, 'gengdi_bench');
  await recreateDatabase(adminUrl, 'gengdi_bench');

  // The app on the demo database: its first start migrates and seeds.
  let app: Child | null = await startApp('app', demoUrl, PORTS.app);
  const base = url(PORTS.app, '');
  for (const pg of PUBLIC_PAGES) await fetchText(base + pg.path);

  if (PHASES.has('public')) results.public = await phase(results, 'public pages', () => publicPages(PORTS.app, demoUrl));
  if (PHASES.has('weight')) results.weight = await phase(results, 'page weight', () => weights(PORTS.app));
  if (PHASES.has('intake')) results.intake = await phase(results, 'report intake', () => intake(PORTS.app, app!.proc.pid!, demoUrl));

  await app.stop();
  app = null;

  if (PHASES.has('start')) results.start = await phase(results, 'start (restart → first 200 on /)', () => startTimes(demoUrl));

  if (PHASES.has('queue')) {
    const bigUrl = withDatabase(adminUrl, 'gengdi_bench_1m');
    await recreateDatabase(adminUrl, 'gengdi_bench_1m');
    const db = createDb(bigUrl, { max: 2 });
    await migrateToLatest(db);
    log(`\n== generating ${fmt(ROWS)} reports`);
    const t0 = performance.now();
    await generateReports(db, ROWS);
    const generateSeconds = (performance.now() - t0) / 1000;
    log(`   (${generateSeconds.toFixed(0)} s)`);
    await createStaffUser(db, null, { login: 'bench-moderator', displayName: '压测审核员', role: 'moderator', township: null, password: STAFF_PASSWORD });
    await db.destroy();
    // The baseline: the same requests on a fresh demo database (the intake bench's reports do
    // not count), served by a second app instance running beside the first.
    const smallUrl = withDatabase(adminUrl, 'gengdi_bench_small');
    await recreateDatabase(adminUrl, 'gengdi_bench_small');
    const smallApp = await startApp('app (demo-size queue)', smallUrl, PORTS.app);
    const bigApp = await startApp('app (1M queue)', bigUrl, PORTS.queueApp, { SEED_DEMO: 'off' });
    try {
      const sdb = createDb(smallUrl, { max: 1 });
      const baselineReports = Number((await sdb.selectFrom('report').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      await sdb.destroy();
      results.queue = await phase(results, `queue at ${fmt(ROWS)} reports (beside demo size)`, async () => {
        const pages = await timeQueuePages({ port: PORTS.queueApp, login: 'bench-moderator' }, { port: PORTS.app, login: 'moderator' });
        const nearby = await timeNearby(bigUrl, smallUrl, QUICK ? 30 : 200, 500, 180);
        log(`   nearby search           p50 ${fmt(nearby.big.p50, 1)} ms  p95 ${fmt(nearby.big.p95, 1)} ms (avg ${nearby.big.found} found) | demo size p95 ${fmt(nearby.small.p95, 1)} ms`);
        const explained: NonNullable<Results['queue']>['explain'] = [];
        for (const u of QUEUE_URLS) {
          const [list, counts] = await queueQueries(bigUrl, parseQueueFilter(new URLSearchParams(u.query)));
          for (const [kind, q] of [['list', list], ['counts', counts]] as const) {
            if (!q) continue;
            const e = await explain(bigUrl, q, 5);
            explained.push({ filter: u.name, kind, ...e });
            log(`   EXPLAIN ${u.name} / ${kind}: ${e.executionMs.toFixed(2)} ms`);
          }
        }
        return { rows: ROWS, generateSeconds, baselineReports, pages, nearby, explain: explained };
      });
    } finally {
      await bigApp.stop();
      await smallApp.stop();
    }
  }

  const md = renderMarkdown(results);
  const dir = path.join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A partial run (--only) gets a name of its own, so it never replaces a full run's figures.
  const name = [DATE, ...(args.only ? [[...PHASES].join('-')] : []), ...(QUICK ? ['quick'] : [])].join('-');
  writeFileSync(path.join(dir, `${name}.md`), md + '\n');
  writeFileSync(path.join(TMP, `${name}.json`), JSON.stringify(results, null, 2));
  log(`\n${md}\n\nWritten: bench/results/${name}.md`);
}

let exitCode = 0;
let stopping: Promise<void> | null = null;
/** Stops every child (SIGKILL after 15 s) and then the database; one run of it, whoever asks first. */
const stopEverything = () =>
  (stopping ??= (async () => {
    await stopAll();
    if (pgServer) await pgServer.stop().catch(() => {});
    pgServer = null;
  })());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`\n${sig}: stopping`);
    void stopEverything().finally(() => process.exit(130));
  });
}
try {
  await main();
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await stopEverything();
}
process.exit(exitCode);
