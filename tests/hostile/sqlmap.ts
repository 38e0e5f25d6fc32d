/**
 * sqlmap against every form and query endpoint of a private app instance on 127.0.0.1.
 *
 *   bash tests/hostile/sqlmap.sh            (or: node tests/hostile/sqlmap.ts)
 *
 * 1. A database of its own: SQLMAP_DATABASE_URL if set, else gd_sqlmap on the machine's PostgreSQL at
 *    127.0.0.1:5432 if it answers, else an embedded PostgreSQL under .data/pg-sqlmap (port
 *    EMBEDDED_PG_PORT, 54394). It is recreated every run and rate limits are switched off in it
 *    (a trigger keeps every counter at 1), so sqlmap is never throttled into a false negative.
 * 2. The app through `npm start`'s own code path (src/cli/start.ts: migrations, demo data, demo
 *    staff accounts) on SQLMAP_APP_PORT (4650), form fill time 0.
 * 3. sqlmap in batch mode, level 2 / risk 2 (SQLMAP_LEVEL, SQLMAP_RISK), all techniques, a time
 *    limit per target (SQLMAP_TARGET_SECONDS, 600), with the Origin header and, for staff pages, a
 *    session cookie. The report form gets a fresh form token for every request (--eval).
 * 4. Its output is parsed; any confirmed injection point fails the run (exit code 1). A summary
 *    goes to .data/sqlmap/summary.json and the console.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { recreateDatabase, startEmbeddedPostgres, type RunningDatabase } from '../../db/embedded.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const outDir = path.join(root, '.data', 'sqlmap');
const APP_PORT = Number(process.env.SQLMAP_APP_PORT ?? 4650);
const BASE = `http://127.0.0.1:${APP_PORT}`;
const PASSWORD = 'Sqlmap-demo-2026';
const LEVEL = process.env.SQLMAP_LEVEL ?? '2';
const RISK = process.env.SQLMAP_RISK ?? '2';
const TARGET_SECONDS = Number(process.env.SQLMAP_TARGET_SECONDS ?? 600);
const ONLY = process.env.SQLMAP_ONLY; // a target name, to rerun one

function log(m: string): void {
  console.log(`[sqlmap-run] ${m}`);
}

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function provideDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  // Not DATABASE_URL: that may be someone's real database, and this one is dropped every run.
  const own = process.env.SQLMAP_DATABASE_URL;
  if (own) {
    const u = new URL(own);
    const name = u.pathname.slice(1);
    u.pathname = '/postgres';
    await recreateDatabase(u.toString(), name);
    log(`database: ${name} on ${u.host}`);
    return { url: own, stop: async () => {} };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(local)) {
    await recreateDatabase(local, 'gd_sqlmap');
    log('database: gd_sqlmap on 127.0.0.1:5432');
    return { url: 'postgres://postgres@127.0.0.1:5432/gd_sqlmap', stop: async () => {} };
  }
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54394);
  const running: RunningDatabase = await startEmbeddedPostgres({ dataDir: path.join(root, '.data', 'pg-sqlmap'), port, database: 'postgres' });
  const admin = running.url;
  await recreateDatabase(admin, 'gd_sqlmap');
  const u = new URL(admin);
  u.pathname = '/gd_sqlmap';
  log(`database: embedded PostgreSQL on 127.0.0.1:${port}`);
  return { url: u.toString(), stop: () => running.stop() };
}

async function waitHealthy(child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('app did not become healthy');
}

async function signIn(login: string): Promise<string> {
  const res = await fetch(`${BASE}/staff/login/?_action=staff.login`, {
    method: 'POST', body: new URLSearchParams({ login, password: PASSWORD, next: '/staff/' }), headers: { Origin: BASE }, redirect: 'manual',
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gd_session='));
  if (!cookie) throw new Error(`sign-in of ${login} failed: ${res.status}`);
  return cookie.split(';')[0]!;
}

interface Target {
  name: string;
  url: string;
  data?: string;
  params: string;
  cookie?: string;
  /** Extra request headers (Origin and the cookie are always sent). */
  headers?: string[];
  extra?: string[];
}

interface Result {
  target: string;
  url: string;
  params: string;
  seconds: number;
  exitCode: number | null;
  timedOut: boolean;
  injectable: string[];
  dismissed: string[];
  heuristics: string[];
  requests: number | null;
}

function runSqlmap(t: Target): Promise<Result> {
  const dir = path.join(outDir, t.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const headers = [`Origin: ${BASE}`, ...(t.cookie ? [`Cookie: ${t.cookie}`] : []), ...(t.headers ?? [])].join('\\n');
  const args = [
    '-u', t.url, '--batch', `--level=${LEVEL}`, `--risk=${RISK}`, '--dbms=PostgreSQL', '--technique=BEUSTQ', '--time-sec=2',
    '--timeout=15', '--retries=1', '--threads=2', '-p', t.params, `--headers=${headers}`, `--output-dir=${dir}`,
    // The app answers a refusal with its own 4xx (unknown code 404, invalid form 400, …): keep testing through them.
    '--ignore-code=400,401,403,404,409,413,415,429', '--flush-session', '--disable-coloring', ...(t.data ? ['--data', t.data] : []), ...(t.extra ?? []),
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('sqlmap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 5000);
    }, TARGET_SECONDS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      writeFileSync(path.join(dir, 'stdout.txt'), out);
      resolve({
        target: t.name, url: t.url, params: t.params, seconds: Math.round((Date.now() - started) / 1000), exitCode: code, timedOut,
        ...parseSqlmapOutput(out, dir),
      });
    });
  });
}

/**
 * Confirmed injection points (what fails the run), candidates sqlmap itself dismissed as false
 * positives, and heuristic hints (both reported only).
 */
export function parseSqlmapOutput(out: string, dir?: string): { injectable: string[]; dismissed: string[]; heuristics: string[]; requests: number | null } {
  const injectable = new Set<string>();
  for (const m of out.matchAll(/parameter '([^']+)' is vulnerable/gi)) injectable.add(m[0]);
  for (const m of out.matchAll(/^Parameter: (.+)$/gm)) injectable.add(`Parameter: ${m[1]}`);
  if (/identified the following injection point/i.test(out)) injectable.add('sqlmap identified injection point(s)');
  // sqlmap also writes confirmed points into <output-dir>/<host>/log.
  if (dir && existsSync(dir)) {
    for (const host of readdirSync(dir)) {
      const logFile = path.join(dir, host, 'log');
      if (existsSync(logFile) && statSync(logFile).size > 0) injectable.add(`log file ${path.relative(root, logFile)} is not empty`);
    }
  }
  // "appears to be … injectable" is a candidate; sqlmap then checks it and may call it a false positive.
  const dismissed = [...out.matchAll(/parameter '([^']+)' appears to be '([^']+)' injectable[\s\S]*?false positive or unexploitable injection point detected/g)].map((m) => `${m[1]}: ${m[2]}`);
  const heuristics = [...out.matchAll(/heuristic \(basic\) test shows that .+ might be injectable.*/g)].map((m) => m[0]);
  const total = /(\d+) HTTP\(s\) requests/.exec(out);
  return { injectable: [...injectable], dismissed, heuristics, requests: total ? Number(total[1]) : null };
}

async function main(): Promise<number> {
  if (spawnSync('sqlmap', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.error('sqlmap is not installed: apt-get install -y sqlmap');
    return 2;
  }
  // Under tests/run.ts, DIST_DIR names its copy of the build and start.ts serves that, unbuilt.
  mkdirSync(outDir, { recursive: true });
  const database = await provideDatabase();
  let app: ChildProcess | undefined;
  const appLog: string[] = [];
  try {
    app = spawn(process.execPath, [path.join(root, 'src/cli/start.ts')], {
      cwd: root,
      env: {
        ...process.env, DATABASE_URL: database.url, HOST: '127.0.0.1', PORT: String(APP_PORT),
        DEMO_STAFF_PASSWORD: PASSWORD, REPORT_MIN_FILL_SECONDS: '0', PUBLIC_CACHE_SECONDS: '0', ASTRO_NODE_LOGGING: 'disabled',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout?.on('data', (d) => appLog.push(String(d)));
    app.stderr?.on('data', (d) => appLog.push(String(d)));
    await waitHealthy(app, 300_000);
    log(`app on ${BASE}`);

    // Rate limits would turn sqlmap's requests into 429s: in this throwaway database, every counter stays at 1.
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    await c.query(`create or replace function sqlmap_no_limits() returns trigger language plpgsql as $$ begin new.hits := 1; return new; end $$`);
    await c.query(`drop trigger if exists sqlmap_no_limits on rate_limit`);
    await c.query(`create trigger sqlmap_no_limits before insert or update on rate_limit for each row execute function sqlmap_no_limits()`);
    const reportId = String((await c.query(`select min(id) as id from report`)).rows[0]?.id ?? '1');
    const cursor = String((await c.query(`select to_char(submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || id as c from report order by submitted_at, id limit 1`)).rows[0]?.c ?? '');
    const batch = String((await c.query(`select code from batch order by sort_order limit 1`)).rows[0]?.code ?? '');
    await c.end();

    const moderator = await signIn('moderator');
    const admin = await signIn('admin');
    const ledger = await signIn('ledger');
    const after = Buffer.from(cursor).toString('base64url');
    const tokenEval =
      "import urllib.request,re;form_token=re.search(r'name=\"form_token\" value=\"([^\"]+)\"',urllib.request.urlopen('" + BASE + "/report/').read().decode()).group(1)";
    const boundary = '----sqlmapBoundary7MA4YWxk';
    const part = (n: string, v: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
    // Multipart: sqlmap's --eval cannot rewrite a multipart field, so this body carries one real
    // token (stored once, then every variant is a retry or a conflict). The urlencoded target
    // below gets a fresh token per request and so reaches the insert with every payload.
    const formToken = /name="form_token" value="([^"]+)"/.exec(await (await fetch(`${BASE}/report/`)).text())![1]!;
    const reportFields: Array<[string, string]> = [
      ['problem_class', 'house'], ['township', 'zhaidian'], ['village', '南里村'], ['place', '南里村北'], ['lat', '35.58'], ['lng', '111.06'],
      ['coord_system', 'wgs84'], ['location_source', 'manual'], ['seen_on', '2026-01-05'], ['description', '耕地上倒了十几车建筑垃圾'],
      ['name', '王'], ['phone', '13800001111'], ['consent', 'yes'], ['website', ''],
    ];
    const reportBody =
      [
        ['form_token', formToken], ...reportFields,
      ].map(([n, v]) => part(n!, v!)).join('') + `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--${boundary}--\r\n`;
    const reportParams = 'problem_class,township,village,place,lat,lng,seen_on,description,name,phone,coord_system,location_source';

    const targets: Target[] = [
      { name: 'cases', url: `${BASE}/cases/?township=xishe&class=house&page=1`, params: 'township,class,page' },
      { name: 'progress-json', url: `${BASE}/progress/data.json?batch=${encodeURIComponent(batch)}&township=xishe`, params: 'batch,township' },
      { name: 'open-data-json', url: `${BASE}/open-data/notices.json?township=xishe`, params: 'township' },
      { name: 'track', url: `${BASE}/track/`, data: 'code=ABCD-EFGH-JKMN-PQRS-TV', params: 'code' },
      {
        name: 'report-multipart', url: `${BASE}/report/?_action=report`, data: reportBody, params: reportParams,
        headers: ['Accept: application/json', `Content-Type: multipart/form-data; boundary=${boundary}`],
      },
      {
        name: 'report-urlencoded', url: `${BASE}/report/?_action=report`, data: new URLSearchParams([['form_token', 'x'], ...reportFields]).toString(), params: reportParams,
        headers: ['Accept: application/json'], extra: [`--eval=${tokenEval}`],
      },
      { name: 'login', url: `${BASE}/staff/login/?_action=staff.login`, data: 'login=admin&password=wrong-password&next=%2Fstaff%2F', params: 'login,password,next' },
      { name: 'staff-queue', url: `${BASE}/staff/?status=submitted&class=house&township=xishe&from=2020-01-01&to=2030-12-31&after=${after}`, params: 'status,class,township,from,to,after', cookie: moderator },
      { name: 'staff-audit', url: `${BASE}/staff/audit/?actor=admin&action=auth.login&report=${reportId}`, params: 'actor,action,report', cookie: admin },
      { name: 'staff-ledger', url: `${BASE}/staff/ledger/?q=JS&batch=${encodeURIComponent(batch)}`, params: 'q,batch', cookie: ledger },
      { name: 'staff-report', url: `${BASE}/staff/reports/${reportId}*/`, params: 'URI', cookie: moderator },
      { name: 'staff-note', url: `${BASE}/staff/reports/${reportId}/?_action=staff.note`, data: `reportId=${reportId}&text=sqlmap`, params: 'reportId,text', cookie: moderator },
    ];
    const results: Result[] = [];
    for (const t of targets.filter((t) => !ONLY || t.name === ONLY)) {
      log(`${t.name}: ${t.url} (-p ${t.params})`);
      const r = await runSqlmap(t);
      results.push(r);
      log(`${t.name}: ${r.injectable.length ? `INJECTABLE ${r.injectable.join('; ')}` : 'nothing injectable'} — ${r.requests ?? '?'} requests, ${r.seconds} s${r.timedOut ? ' (time limit reached)' : ''}${r.dismissed.length ? `; dismissed by sqlmap as false positives: ${r.dismissed.join(', ')}` : ''}${r.heuristics.length ? `; heuristic hints: ${r.heuristics.length}` : ''}`);
      if (app.exitCode !== null) throw new Error('the app died during the run');
    }
    const summary = { at: new Date().toISOString(), base: BASE, level: LEVEL, risk: RISK, sqlmap: spawnSync('sqlmap', ['--version']).stdout?.toString().split('\n')[0]?.trim(), results };
    writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
    const bad = results.filter((r) => r.injectable.length > 0);
    const failedToRun = results.filter((r) => r.exitCode !== 0 && !r.timedOut);
    log(`summary: ${results.length} targets, ${bad.length} injectable, ${failedToRun.length} sqlmap errors (.data/sqlmap/summary.json)`);
    if (failedToRun.length) for (const r of failedToRun) log(`sqlmap exited ${r.exitCode} on ${r.target}: see .data/sqlmap/${r.target}/stdout.txt`);
    return bad.length > 0 || failedToRun.length > 0 ? 1 : 0;
  } catch (err) {
    console.error(appLog.slice(-40).join(''));
    console.error(err);
    return 1;
  } finally {
    if (app && app.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => app!.kill('SIGKILL'), 15_000);
        app!.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        app!.kill('SIGTERM');
      });
    }
    await database.stop();
  }
}

/** `node tests/hostile/sqlmap.ts --reparse`: the summary again from the saved outputs of the last run. */
function reparse(): number {
  const results = readdirSync(outDir).filter((d) => existsSync(path.join(outDir, d, 'stdout.txt'))).map((d) => ({ target: d, ...parseSqlmapOutput(readFileSync(path.join(outDir, d, 'stdout.txt'), 'utf8'), path.join(outDir, d)) }));
  for (const r of results) log(`${r.target}: ${r.injectable.length ? `INJECTABLE ${r.injectable.join('; ')}` : 'nothing injectable'}${r.dismissed.length ? ` (dismissed: ${r.dismissed.join(', ')})` : ''}`);
  return results.some((r) => r.injectable.length) ? 1 : 0;
}

if (import.meta.main) process.exit(process.argv.includes('--reparse') ? reparse() : await main());
