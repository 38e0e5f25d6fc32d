/**
 * `npm run test:faults`: load and fault tests against real processes on 127.0.0.1, run by hand
 * (not part of `npm test` or CI; about 5 minutes on 2 cores).
 *
 * It builds if needed and serves a copy of the build (.data/faults-dist, via DIST_DIR), starts its
 * own embedded PostgreSQL (.data/faults-pg, port 54395) with a fresh database and two app
 * instances (`node src/cli/start.ts`, ports 4701 and 4702) with report rate limits relaxed
 * (REPORT_RATE_PER_HOUR/PER_DAY) and REPORT_MIN_FILL_SECONDS=0, then runs:
 *   1. load      — 200 concurrent submitters for 60 s; a client whose answer does not come within
 *                  the timeout sends the same body (same form_token, so same idempotency key) again;
 *   2. crash     — the same load; the app is killed with SIGKILL after 20 s and restarted;
 *   3. outage    — the same load over both instances; PostgreSQL is stopped after 15 s for 20 s
 *                  and started again: the app must answer 503 (never 500) meanwhile, /api/health
 *                  must say so, and it must recover by itself;
 *   4. instances — a staff session made on one instance works (and ends) on the other, and rate
 *                  limits (/track/, failed sign-ins) hold across both.
 * Each phase prints sent / acknowledged / found / lost / duplicated; the run ends with
 * `N passed, N failed`.
 *
 * Settings: FAULTS_CLIENTS (200), FAULTS_SECONDS (60, the length of each load phase),
 * FAULTS_APP_PORT (4701; the second instance uses the next port), FAULTS_PG_PORT (54395),
 * FAULTS_REQUEST_TIMEOUT_MS (5000), FAULTS_PHASES (load,crash,outage,instances).
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/cli/build.ts';
import { createDb } from '../../src/server/db.ts';
import { getSecrets } from '../../src/server/secrets.ts';
import { phoneJpeg } from '../support/photos.ts';
import { AppInstance, FaultDatabase, HOST, log, sleep } from './harness.ts';
import { snapshotBuild } from '../../src/cli/build.ts';
import { describeLoad, runLoad, type LoadOptions, type LoadResult, type ResponseEvent } from './load.ts';
import { describeFigures, verifySubmissions, type Figures } from './verify.ts';
import { instanceChecks } from './instances.ts';
import { startProbes, type ProbeEvent } from './probes.ts';

const CLIENTS = Number(process.env.FAULTS_CLIENTS ?? 200);
const SECONDS = Number(process.env.FAULTS_SECONDS ?? 60);
const APP_PORT = Number(process.env.FAULTS_APP_PORT ?? 4701);
const PG_PORT = Number(process.env.FAULTS_PG_PORT ?? 54395);
const REQUEST_TIMEOUT_MS = Number(process.env.FAULTS_REQUEST_TIMEOUT_MS ?? 5000);
const PHASES = new Set((process.env.FAULTS_PHASES ?? 'load,crash,outage,instances').split(',').map((s) => s.trim()));
const GRACE_MS = 45_000;
/** How long PostgreSQL stays down in the outage phase. */
const OUTAGE_MS = 20_000;
const STAFF_PASSWORD = 'Faults-pass-2026-demo';

// ---------------------------------------------------------------------------------------------
// Bookkeeping

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];
function check(name: string, ok: boolean, detail = ''): void {
  checks.push({ name, ok, detail });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
const figuresByPhase: Array<{ phase: string; figures: Figures; lines: string[] }> = [];

function serverErrors(r: LoadResult): number {
  return [...r.statusCounts].filter(([s]) => s >= 500 && s !== 503).reduce((n, [, c]) => n + c, 0);
}

// ---------------------------------------------------------------------------------------------
// Set-up

const runTag = Date.now().toString(36);
const logDir = path.join(projectRoot, '.data', 'faults-logs');
rmSync(logDir, { recursive: true, force: true });
process.env.APP_SECRET = randomBytes(48).toString('base64');
process.env.REPORTER_DATA_KEY = randomBytes(32).toString('base64');
const { appSecret } = getSecrets();

const photo = await phoneJpeg({ width: 640, height: 480 });
const distDir = path.join(projectRoot, '.data', 'faults-dist');
snapshotBuild(distDir, log);
const pg = new FaultDatabase(path.join(projectRoot, '.data', 'faults-pg'), PG_PORT, 'gengdi_faults');
log(`starting PostgreSQL on ${HOST}:${PG_PORT} (.data/faults-pg)`);
await pg.start();
await pg.recreate();

const appEnv: Record<string, string> = {
  DATABASE_URL: pg.url,
  DIST_DIR: distDir,
  SKIP_BUILD: '1',
  APP_SECRET: process.env.APP_SECRET,
  REPORTER_DATA_KEY: process.env.REPORTER_DATA_KEY,
  REPORT_MIN_FILL_SECONDS: '0',
  REPORT_RATE_PER_HOUR: '1000000',
  REPORT_RATE_PER_DAY: '1000000',
  DEMO_STAFF_PASSWORD: STAFF_PASSWORD,
  // Lets the rate-limit checks act as distinct clients through X-Forwarded-For (loopback values).
  TRUST_PROXY: '1',
  // Public pages read the database again after 2 s, so the outage probes see it go and come back.
  PUBLIC_CACHE_SECONDS: '2',
  ASTRO_TELEMETRY_DISABLED: '1',
};
const appA = new AppInstance({ name: 'A', port: APP_PORT, env: appEnv, logDir });
const appB = new AppInstance({ name: 'B', port: APP_PORT + 1, env: appEnv, logDir });
const db = createDb(pg.url, { max: 2 });

let interrupted = false;
async function cleanup(): Promise<void> {
  await Promise.allSettled([appA.stop(), appB.stop()]);
  await db.destroy().catch(() => {});
  await pg.stop().catch(() => {});
}
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('interrupted: stopping apps and PostgreSQL');
  void cleanup().then(() => process.exit(130));
});

async function ensureUp(app: AppInstance): Promise<void> {
  if (!app.alive) {
    log(`app ${app.options.name} is not running: starting it`);
    await app.start();
  }
}

function loadOptions(phase: string, target: LoadOptions['target']): LoadOptions {
  return { phase, runTag, clients: CLIENTS, durationMs: SECONDS * 1000, requestTimeoutMs: REQUEST_TIMEOUT_MS, graceMs: GRACE_MS, target, photo, photoEvery: 10 };
}

async function settle(phase: string, r: LoadResult): Promise<Figures> {
  const figures = await verifySubmissions(db, r.submissions, appSecret, runTag, phase);
  const lines = [describeFigures(figures), ...describeLoad(r), `machine load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min, ${os.cpus().length} cores): other work on the machine slows every figure above`];
  figuresByPhase.push({ phase, figures, lines });
  log(`[${phase}] ${lines[0]}`);
  for (const line of lines.slice(1)) log(`[${phase}] ${line}`);
  for (const s of r.serverErrorSamples) log(`[${phase}] sample: ${s}`);
  for (const s of r.submissions.filter((x) => x.rejected).slice(0, 5)) log(`[${phase}] refused: ${s.rejected}`);
  check(`${phase}: every acknowledged report is in the database exactly once`, figures.found === figures.acknowledged && figures.lost === 0,
    `acknowledged ${figures.acknowledged}, found ${figures.found}, lost ${figures.lost}`);
  check(`${phase}: no report stored twice`, figures.duplicated === 0, `duplicated ${figures.duplicated}`);
  check(`${phase}: receipts match their forms and rows are whole`, figures.receiptMismatch === 0 && figures.incomplete === 0,
    `receipt mismatches ${figures.receiptMismatch}, incomplete rows ${figures.incomplete}`);
  check(`${phase}: every report sent was acknowledged in the end`, figures.unacknowledged === 0,
    `unacknowledged ${figures.unacknowledged} (refused ${figures.rejected})`);
  check(`${phase}: no 5xx other than 503`, serverErrors(r) === 0, `${serverErrors(r)} responses`);
  return figures;
}

function checkNoCrashes(phase: string): void {
  const exits = [...appA.unexpectedExits.splice(0), ...appB.unexpectedExits.splice(0)];
  check(`${phase}: no app process died by itself`, exits.length === 0, exits.join('; '));
}

// ---------------------------------------------------------------------------------------------
// Phases

try {
  log(`starting app A on ${appA.url} (migrations, demo seed)`);
  log(`app A healthy after ${await appA.start()} ms`);
  log(`starting app B on ${appB.url}`);
  log(`app B healthy after ${await appB.start()} ms`);
  log(`run ${runTag}: ${CLIENTS} clients, ${SECONDS} s per load phase, request timeout ${REQUEST_TIMEOUT_MS} ms; logs in .data/faults-logs/`);

  if (PHASES.has('load')) {
    log('— load: all clients on app A');
    const r = await runLoad(loadOptions('load', () => appA.url));
    await settle('load', r);
    checkNoCrashes('load');
  }

  if (PHASES.has('crash')) {
    await ensureUp(appA);
    log('— crash: all clients on app A; kill -9 after 20 s, then restart');
    const pidBefore = appA.pid;
    const loading = runLoad(loadOptions('crash', () => appA.url));
    await sleep(20_000);
    const killedAt = Date.now();
    await appA.kill9();
    log(`killed app A (pid ${pidBefore}) with SIGKILL; restarting`);
    const startMs = await appA.start();
    const downMs = Date.now() - killedAt;
    log(`app A (pid ${appA.pid}) healthy again ${downMs} ms after the kill (start-up ${startMs} ms)`);
    const r = await loading;
    const ackedBeforeKill = r.submissions.filter((s) => s.ackedAt && s.ackedAt <= killedAt).length;
    const inFlight = r.submissions.filter((s) => s.firstSentAt && s.firstSentAt <= killedAt && (!s.ackedAt || s.ackedAt > killedAt)).length;
    const f = await settle('crash', r);
    figuresByPhase.at(-1)!.lines.push(`killed after 20 s: acknowledged before the kill ${ackedBeforeKill}, unanswered at the kill ${inFlight}; app answering again ${downMs} ms after the kill`);
    log(`[crash] ${figuresByPhase.at(-1)!.lines.at(-1)}`);
    const before = await verifySubmissions(db, r.submissions.filter((s) => s.ackedAt && s.ackedAt <= killedAt), appSecret, runTag, 'crash');
    check('crash: reports acknowledged before the kill are all present', before.found === ackedBeforeKill && before.lost === 0,
      `acknowledged before the kill ${ackedBeforeKill}, found ${before.found}, lost ${before.lost}; whole phase lost ${f.lost}`);
    checkNoCrashes('crash');
  }

  if (PHASES.has('outage')) {
    await ensureUp(appA);
    await ensureUp(appB);
    log(`— outage: clients split over A and B; PostgreSQL stopped after 15 s for ${OUTAGE_MS / 1000} s`);
    const pids = [appA.pid, appB.pid];
    const probes = await startProbes([appA, appB], STAFF_PASSWORD);
    const loading = runLoad(loadOptions('outage', (n) => (n % 2 === 0 ? appA.url : appB.url)));
    await sleep(15_000);
    const stopAt = Date.now();
    await pg.stop();
    const downAt = Date.now();
    log(`PostgreSQL stopped (fast shutdown took ${downAt - stopAt} ms); keeping it down ${OUTAGE_MS / 1000} s`);
    await sleep(OUTAGE_MS);
    const restartAt = Date.now();
    await pg.start();
    const upAt = Date.now();
    log(`PostgreSQL accepting connections again (start took ${upAt - restartAt} ms)`);
    const r = await loading;
    // A few quiet rounds once the load is over: by then everything must answer as before the outage.
    const quietFrom = Date.now();
    await sleep(4000);
    const probeEvents = await probes.stop();
    await settle('outage', r);
    outageChecks(r.events, probeEvents, { stopAt, downAt, restartAt, upAt, quietFrom });
    // Every probe with times relative to the stop, for a closer look.
    writeFileSync(path.join(logDir, 'outage-probes.json'), JSON.stringify({
      stop: 0, down: downAt - stopAt, restart: restartAt - stopAt, up: upAt - stopAt,
      probes: probeEvents.map((e) => ({ ...e, sentAt: e.sentAt - stopAt, at: e.at - stopAt })),
    }));
    checkNoCrashes('outage');
    check('outage: the apps recovered without a restart', appA.pid === pids[0] && appB.pid === pids[1] && appA.alive && appB.alive,
      `pids before ${pids.join(',')}, after ${appA.pid},${appB.pid}`);
  }

  if (PHASES.has('instances')) {
    await ensureUp(appA);
    await ensureUp(appB);
    log('— two instances behind one PostgreSQL');
    for (const c of await instanceChecks(appA, appB, STAFF_PASSWORD, runTag)) check(c.name, c.ok, c.detail);
    checkNoCrashes('instances');
  }
} catch (err) {
  check('the run completed', false, (err as Error)?.stack ?? String(err));
} finally {
  await cleanup();
}

function outageChecks(load: ResponseEvent[], probe: ProbeEvent[], t: { stopAt: number; downAt: number; restartAt: number; upAt: number; quietFrom: number }): void {
  // "Down": sent from 3 s after the stop (public pages may be cached for 2 s), answered before
  // PostgreSQL accepted connections again.
  const down = (e: { sentAt: number; at: number }) => e.sentAt >= t.downAt + 3000 && e.at <= t.upAt;
  const bad = [...load.filter((e) => e.status >= 500 && e.status !== 503), ...probe.filter((e) => e.status >= 500 && e.status !== 503)];
  const badPaths = [...new Set(probe.filter((e) => e.status >= 500 && e.status !== 503).map((e) => `${e.app} ${e.label} → ${e.status}`))];
  check('outage: no 500 (or other 5xx but 503) from any request during the phase', bad.length === 0,
    `${bad.length} responses${badPaths.length ? `: ${badPaths.join('; ')}` : ''}`);

  // While down, every answer must be the outage answer; a timeout (the app busy answering 200
  // clients) is tolerated, a wrong status is not.
  const downPosts = load.filter((e) => e.kind === 'post' && down(e));
  const postStatuses = tally(downPosts.map((e) => e.status));
  check('outage: report submissions answer 503 while PostgreSQL is down', downPosts.some((e) => e.status === 503) && downPosts.every((e) => e.status === 503 || e.status === 0),
    `while down: ${postStatuses}`);
  // On a machine busy with other work a probe may get no answer inside the window at all: that is
  // noted, not failed (the 5xx check above still sees every answer of the phase).
  for (const label of new Set(probe.map((e) => e.label))) {
    const during = probe.filter((e) => e.label === label && down(e));
    const expected = probe.find((e) => e.label === label)!.expectDown;
    const answered = during.filter((e) => e.status !== 0);
    check(`outage: ${label} answers ${expected} while PostgreSQL is down`, answered.every((e) => e.status === expected),
      `while down: ${tally(during.map((e) => e.status))}${answered.length ? '' : ' (no answer inside the window: not observed)'}`);
  }

  for (const app of ['A', 'B']) {
    // Sent after PostgreSQL's return. Under the load a check may wait long for an answer, or get a
    // 503 when every pooled connection is busy for 3 s: the figure says when, the check says whether.
    const first = probe.find((e) => e.app === app && e.label === 'GET /api/health' && e.sentAt >= t.upAt && e.status === 200);
    check(`outage: app ${app} /api/health is 200 again by itself after PostgreSQL's return`, first !== undefined,
      first ? `first 200 for a check sent ${first.sentAt - t.upAt} ms after the return (answered after ${first.at - first.sentAt} ms)` : 'never');
    const quiet = probe.filter((e) => e.app === app && e.at >= t.quietFrom + 500);
    const wrong = quiet.filter((e) => e.status !== e.expectUp);
    check(`outage: app ${app} answers every probed page normally once the load is over`, quiet.length > 0 && wrong.length === 0,
      wrong.length ? [...new Set(wrong.map((e) => `${e.label} → ${e.status}`))].join('; ') : `${quiet.length} probes`);
  }
  const firstAckAfter = load.filter((e) => e.kind === 'post' && e.status === 200 && e.at >= t.upAt)[0]?.at;
  const healthDown = tally(probe.filter((e) => e.label === 'GET /api/health' && down(e)).map((e) => e.status));
  log(`[outage] PostgreSQL down ${t.upAt - t.downAt} ms; first receipt after its return: ${firstAckAfter ? `${firstAckAfter - t.upAt} ms` : 'never'}; submissions while down: ${postStatuses}; /api/health while down: ${healthDown}`);
  figuresByPhase.at(-1)?.lines.push(
    `PostgreSQL down ${t.upAt - t.downAt} ms; while down: POST ${postStatuses}, /api/health ${healthDown}; first receipt ${firstAckAfter ? firstAckAfter - t.upAt : '—'} ms after PostgreSQL returned`,
  );
}

function tally(statuses: number[]): string {
  const m = new Map<number, number>();
  for (const s of statuses) m.set(s, (m.get(s) ?? 0) + 1);
  return [...m].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s === 0 ? 'timeout' : s === -1 ? 'conn-error' : s}×${c}`).join(' ') || 'none';
}

// ---------------------------------------------------------------------------------------------
// Summary

console.log('\n=== figures ===');
for (const { phase, lines } of figuresByPhase) {
  console.log(`${phase}:`);
  for (const line of lines) console.log(`  ${line}`);
}
const failed = checks.filter((c) => !c.ok);
if (failed.length) {
  console.log('\n=== failed ===');
  for (const c of failed) console.log(`✗ ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
}
console.log(`\n${checks.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
