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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recreateDatabase, startEmbeddedPostgres, withDatabase, type RunningDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { buildIfNeeded, projectRoot } from '../src/cli/build.ts';
import { createDb } from '../src/server/db.ts';
import { createStaffUser } from '../src/domain/accounts/staff-users.ts';
import { parseQueueFilter } from '../src/domain/reports/queue-filter.ts';
import { appEnv, ensureTools, startApp, version } from './lib/apps.ts';
import { lastRecordedFile, ratiosOfFile } from './lib/compare.ts';
import { combineIntakeRounds, forgedRequestCpu, runIntake, makePhoto, type IntakeFigures } from './lib/intake.ts';
import { photoStages } from './lib/photo-stages.ts';
import { readProfile, summariseProfile, type ProfileSummary } from './lib/profile.ts';
import { cpuOfAllProcesses, cpuSplit, machineLoad, median, sleep, startChild, stopAll, waitFor200, waitForIdle, type Child } from './lib/proc.ts';
import { fetchText, publicPages } from './lib/public-pages.ts';
import { explain, queueQueries, signIn, timeNearby, timePagesSideBySide, type Timing } from './lib/queue.ts';
import { generateReports } from './lib/queue-data.ts';
import { fmt, renderMarkdown, type Results } from './lib/render.ts';
import { args, CONNECTIONS, CORES, DATE, HOST, INTAKE_ROUNDS, PG_DIR, PG_PORT, PHASES, PORTS, PUBLIC_PAGES, QUEUE_URLS, QUICK, ROWS, SECONDS, STAFF_PASSWORD, TMP, WARMUP, WEIGHT_PAGES, log, url } from './lib/settings.ts';
import { pageWeight, type Weight } from './lib/weight.ts';

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

/** Reports in the database, to check that a run stored each accepted report once. */
async function countReports(databaseUrl: string): Promise<number> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    return Number((await db.selectFrom('report').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  } finally {
    await db.destroy();
  }
}

/** One intake run, with the rows it added counted. */
async function countedIntake(appPort: number, appPid: number, databaseUrl: string, opts: Parameters<typeof runIntake>[1], label: string): Promise<IntakeFigures> {
  const before = await countReports(databaseUrl);
  const cpuBefore = cpuOfAllProcesses();
  const f = await runIntake(url(appPort, ''), opts);
  f.cpu = cpuSplit(cpuBefore, cpuOfAllProcesses(), appPid);
  await drain(appPort);
  f.stored = (await countReports(databaseUrl)) - before;
  log(`   ${label.padEnd(24)} ${fmt(f.perSecond, 1)} accepted/s (${f.accepted} in ${f.seconds.toFixed(1)} s, ${f.stored} stored, ${f.retried} retried, ${f.failed} failed) ${f.errors.join('; ')}`);
  log(`   CPU s: app ${(f.cpu.app / 1000).toFixed(1)}, PostgreSQL ${(f.cpu.postgres / 1000).toFixed(1)}, load generator ${(f.cpu.load / 1000).toFixed(1)}, other ${(f.cpu.other / 1000).toFixed(1)}`);
  return f;
}

/**
 * Where a profiled app (`node --cpu-prof`, its own instance on the same database) spends the
 * no-photo intake load. The profile is written when the app exits, so the instance is stopped here.
 */
async function profileIntake(databaseUrl: string): Promise<ProfileSummary> {
  const dir = path.join(TMP, 'profile-intake');
  rmSync(dir, { recursive: true, force: true });
  const spawned = performance.now();
  const app = await startApp('app (profiled)', databaseUrl, PORTS.profiled, { SEED_DEMO: 'off' }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  // The measured load only, in ms since the process (and its profile) began.
  const window = { fromMs: 0, toMs: 0 };
  try {
    await runIntake(url(PORTS.profiled, ''), { clients: CONNECTIONS, seconds: WARMUP, photo: null });
    window.fromMs = performance.now() - spawned;
    await runIntake(url(PORTS.profiled, ''), { clients: CONNECTIONS, seconds: SECONDS, photo: null });
    window.toMs = performance.now() - spawned;
  } finally {
    await app.stop('SIGINT');
  }
  return summariseProfile(readProfile(dir), window);
}

async function intake(appPort: number, appPid: number, databaseUrl: string): Promise<NonNullable<Results['intake']>> {
  const photo = await makePhoto(path.join(TMP, 'photo-2mb.jpg'));
  await runIntake(url(appPort, ''), { clients: CONNECTIONS, seconds: WARMUP, photo: null });
  await drain(appPort);
  // Each round: the baseline, then each case, seconds apart, so a round's ratio meets one state of the machine.
  const rounds: Array<{ tps: number; noPhoto: IntakeFigures; spread: IntakeFigures }> = [];
  for (let round = 1; round <= INTAKE_ROUNDS; round++) {
    const tps = pgbench(databaseUrl, SECONDS);
    log(`   round ${round}/${INTAKE_ROUNDS} pgbench insert: ${fmt(tps)} tps`);
    const noPhoto = await countedIntake(appPort, appPid, databaseUrl, { clients: CONNECTIONS, seconds: SECONDS, photo: null }, 'no photo, one address:');
    const spread = await countedIntake(appPort, appPid, databaseUrl, { clients: CONNECTIONS, seconds: SECONDS, photo: null, spread: true }, `no photo, ${CONNECTIONS} addresses:`);
    rounds.push({ tps, noPhoto, spread });
  }
  const pgbenchRounds = rounds.map((r) => r.tps);
  const tps = median(pgbenchRounds);
  const noPhoto = combineIntakeRounds(rounds.map((r) => r.noPhoto));
  const spread = combineIntakeRounds(rounds.map((r) => r.spread));
  const withPhoto = await countedIntake(appPort, appPid, databaseUrl, { clients: CONNECTIONS, seconds: SECONDS, photo }, 'with photo:');
  const stages = await photoStages(photo, QUICK ? 3 : 9);
  log(`   photo stages: ${stages.map((st) => `${st.stage.split(' (')[0]} ${st.cpuMs.toFixed(1)} ms`).join(', ')}`);
  const forged = await forgedRequestCpu(url(appPort, ''), appPid, photo, QUICK ? 20 : 100);
  log(`   forged:     ${forged.cpuMsPerRequest.toFixed(2)} ms CPU per request with a ${(photo.length / 1048576).toFixed(1)} MB photo (statuses ${JSON.stringify(forged.statuses)})`);
  const profile = await profileIntake(databaseUrl);
  log(`   profile:    idle ${(profile.idle * 100).toFixed(0)} %, GC ${(profile.gc * 100).toFixed(0)} %; ${profile.parts.slice(0, 5).map((p) => `${p.part} ${(p.share * 100).toFixed(1)} %`).join(', ')}`);
  const beforeFile = args['profile-before'];
  const profileBefore = beforeFile ? { source: path.relative(projectRoot, path.resolve(beforeFile)), summary: JSON.parse(readFileSync(beforeFile, 'utf8')) as ProfileSummary } : undefined;
  return { noPhoto, spread, photo: withPhoto, photoBytes: photo.length, photoStages: stages, pgbenchTps: tps, pgbenchRounds, forged, profile, profileBefore };
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
  // Chosen before this run writes its own file, which git does not hold yet anyway.
  const previousFile = args['compare-with'] ?? lastRecordedFile(path.join(projectRoot, 'bench', 'results'));
  if (previousFile) {
    results.previous = { source: path.relative(projectRoot, path.resolve(previousFile)), ratios: Object.fromEntries(ratiosOfFile(readFileSync(previousFile, 'utf8'))) };
    log(`comparing with ${results.previous.source}`);
  }
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
  // Kept beside the results, so a later run can show it as its "before" (--profile-before).
  if (results.intake?.profile) writeFileSync(path.join(dir, `${name}-intake-profile.json`), JSON.stringify(results.intake.profile, null, 2) + '\n');
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
