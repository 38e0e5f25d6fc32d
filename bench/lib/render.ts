/** The results file: every figure beside its baseline, the ratio, the goal and whether it was met. */
import { ratiosOfRun, roundRange, verdictOf } from './compare.ts';
import type { ForgedFigures, IntakeFigures } from './intake.ts';
import type { LoadFigures } from './load.ts';
import type { PhotoStage } from './photo-stages.ts';
import type { ProfileSummary } from './profile.ts';
import { median } from './proc.ts';
import type { Explained, Timing } from './queue.ts';
import { CONNECTIONS, INTAKE_ROUNDS, PRERENDERED, PUBLIC_PAGES, QUEUE_URLS, ROUNDS, ROUND_SECONDS, SAME_BYTES_PREFIX, SECONDS, WARMUP, WEIGHT_PAGES } from './settings.ts';
import type { Weight } from './weight.ts';

// ---------------------------------------------------------------- results

export type Row = (string | number)[];
export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '—');
const span = (r: { low: number; high: number } | undefined) => (r ? `${r.low.toFixed(2)}–${r.high.toFixed(2)}×` : '—');
export const met = (ok: boolean | null) => (ok === null ? '—' : ok ? '✅ yes' : '❌ no');
export function table(head: string[], rows: Row[]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface Results {
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; nginx: string; pgbench: string; postgres: string };
  quick: boolean;
  loads: Array<{ phase: string; before: number; after: number; waitedSeconds: number; idle: boolean }>;
  public?: { direct: Record<string, LoadFigures>; sameBytes: Record<string, LoadFigures>; nginx: Record<string, LoadFigures>; static: Record<string, LoadFigures>; sameHeaders: Record<string, LoadFigures>; headerBytes: Record<string, { nginx: number; static: number }>; xcache: Record<string, string>; bytes: Record<string, number> };
  intake?: {
    noPhoto: IntakeFigures;
    spread?: IntakeFigures;
    photo: IntakeFigures;
    photoBytes: number;
    photoStages?: PhotoStage[];
    /** The median of pgbench's rounds. */
    pgbenchTps: number;
    /** pgbench's inserts/s in each round, beside the intake cases' rounds. */
    pgbenchRounds?: number[];
    forged?: ForgedFigures;
    profile?: ProfileSummary;
    /** An earlier run's profile (--profile-before), shown beside this one. */
    profileBefore?: { source: string; summary: ProfileSummary };
  };
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
  /** The last recorded full run's ratios, for the comparison at the top. */
  previous?: { source: string; ratios: Record<string, number> };
}

/** Intake with one photo before issue 30 (bench/results/2026-11-23.md), and the goal: 1.5× that. */
const PHOTO_BEFORE = 10.1;
const PHOTO_GOAL = 1.5 * PHOTO_BEFORE;

const CORES_NOTE = `${SECONDS} s × the machine's cores`;
const pct = (share: number | undefined) => (share === undefined ? '—' : `${(share * 100).toFixed(1)} %`);

function renderProfile(now: ProfileSummary, before?: { source: string; summary: ProfileSummary }): string[] {
  const b = before?.summary;
  const parts = [...new Set([...now.parts.map((p) => p.part), ...(b?.parts.map((p) => p.part) ?? [])])];
  const shareOf = (s: ProfileSummary | undefined, part: string) => (s ? (s.parts.find((p) => p.part === part)?.share ?? 0) : undefined);
  return [
    '### Where the time goes (CPU profile of intake, no photo)',
    '',
    `A third app instance on the same database, run with \`node --cpu-prof\` (1 ms samples), under the same load as the no-photo case from one address for ${SECONDS} s after a ${WARMUP} s warm-up. Share of samples with the part on the stack (inclusive, so parts overlap; "idle" is the process waiting: for the database, the network or the load generator).${b ? ` Before: ${before!.source}.` : ''}`,
    '',
    table(
      ['part', ...(b ? ['before'] : []), b ? 'after' : 'share'],
      [
        ['idle (waiting)', ...(b ? [pct(b.idle)] : []), pct(now.idle)],
        ['garbage collection', ...(b ? [pct(b.gc)] : []), pct(now.gc)],
        ...parts.map((part) => [part, ...(b ? [pct(shareOf(b, part))] : []), pct(shareOf(now, part))]),
      ],
    ),
    '',
    `Functions by self time${b ? ' (after)' : ''}, share of all ${fmt(now.samples)} samples:`,
    '',
    table(['function', 'where', 'self'], now.top.map((t) => [t.fn, t.where, pct(t.share)])),
    '',
  ];
}

function renderComparison(r: Results, previous: NonNullable<Results['previous']>): string[] {
  const rows = ratiosOfRun(r)
    .filter((now) => previous.ratios[now.figure] !== undefined)
    .map((now) => {
      const before = previous.ratios[now.figure]!;
      return [now.figure, `${before.toFixed(2)}×`, `${now.ratio.toFixed(2)}×`, span(now.rounds), verdictOf(now, before)];
    });
  if (rows.length === 0) return [];
  const worse = rows.filter((row) => row[4] === 'worse').length;
  return [
    `## Against the last recorded results file (${previous.source})`,
    '',
    `Each ratio of this run beside the same ratio in ${previous.source}. Each ratio is also shown round by round (a page and its baseline, or an intake case and pgbench, measured seconds apart): where this run's figure is lower but the earlier one lies inside that range, the two are not told apart from the machine's noise. ${worse === 0 ? 'No ratio is worse beyond that range.' : `${worse} ${worse === 1 ? 'ratio is' : 'ratios are'} worse beyond that range.`}`,
    '',
    table(['figure', 'last recorded', 'this run', 'this run by round (lowest–highest)', 'verdict'], rows),
    '',
  ];
}

export function renderMarkdown(r: Results): string {
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
  if (r.previous) out.push(...renderComparison(r, r.previous));

  if (r.public) {
    const p = r.public;
    out.push('## Public pages', '');
    out.push(`autocannon, ${CONNECTIONS} connections, no compression requested, ${ROUNDS} rounds × ${ROUND_SECONDS} s per page and setup after a ${WARMUP} s warm-up; each round measures the page in all setups one right after the other (the order turning from round to round), and each figure is the median of its rounds. Setups: (1) the app served directly by \`npm start\`'s code path (with its control, below); (2) the app behind the shipped \`deploy/nginx/\` config; (3) nginx serving the same HTML bytes as plain files (the limit).`, '');
    out.push('### (2) behind the shipped nginx config vs (3) the nginx-static limit', '');
    out.push(
      table(
        ['page', 'req/s', 'p50 ms', 'p99 ms', 'X-Cache', 'baseline: static req/s', 'ratio', 'ratio by round (lowest–highest)', 'goal', 'met?', 'header bytes (shipped / static)', 'control: static + shipped headers req/s', 'ratio'],
        PUBLIC_PAGES.map((pg) => {
          const a = p.nginx[pg.name]!;
          const b = p.static[pg.name]!;
          const c = p.sameHeaders[pg.name]!;
          const h = p.headerBytes[pg.name];
          return [pg.name, fmt(a.rps), fmt(a.p50, 1), fmt(a.p99, 1), p.xcache[pg.name] ?? '', fmt(b.rps), ratio(a.rps, b.rps), span(roundRange(a, b)), '≥ 0.90×', met(a.rps >= 0.9 * b.rps && a.bad === 0), h ? `${h.nginx} / ${h.static}` : '', fmt(c.rps), ratio(a.rps, c.rps)];
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
        ['page', 'HTML bytes', 'req/s', 'p50 ms', 'p99 ms', `baseline: app ${PRERENDERED.path} req/s`, 'ratio', 'ratio by round (lowest–highest)', 'goal', 'met?', 'control: same bytes prerendered req/s', 'ratio'],
        PUBLIC_PAGES.map((pg) => {
          const a = p.direct[pg.name]!;
          const same = p.sameBytes[pg.name]!;
          const goal = pg.db ? a.rps >= 0.9 * base.rps && a.p99 <= 50 && a.bad === 0 : a.p99 <= 50 && a.bad === 0;
          return [pg.name, fmt(p.bytes[pg.name] ?? NaN), fmt(a.rps), fmt(a.p50, 1), fmt(a.p99, 1), fmt(base.rps), ratio(a.rps, base.rps), span(roundRange(a, base)), pg.db ? '≥ 0.90×, p99 ≤ 50 ms' : 'p99 ≤ 50 ms', met(goal), fmt(same.rps), ratio(a.rps, same.rps)];
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
      `${CONNECTIONS} concurrent clients, ${SECONDS} s each: GET /report/ for a fresh form token, then POST multipart to /report/?_action=report with Accept: application/json and Origin (app run with REPORT_MIN_FILL_SECONDS=0 and REPORT_RATE_PER_HOUR/DAY raised). Baseline: pgbench, -c ${CONNECTIONS}, a single-row INSERT into report with the same columns (bench/tmp/pgbench-insert.sql), same database, same duration. Without a photo, ${INTAKE_ROUNDS} rounds of pgbench and then each case: accepted/s, p50 and pgbench's figure are the median round's, p99 the worst round's, counts and CPU add up over the rounds, and each round's ratio is to that round's pgbench. The photo case runs once.`,
      '',
    );
    const cpu = (f: IntakeFigures) => (f.cpu ? [f.cpu.app, f.cpu.postgres, f.cpu.load, f.cpu.other].map((ms) => fmt(ms / 1000, 1)).join(' / ') : '—');
    const row = (name: string, f: IntakeFigures, goal: number | null, goalText: string) => [
      name, fmt(f.perSecond, 1), fmt(f.p50), fmt(f.p99), f.failed, f.stored ?? '—', f.retried ?? '—', cpu(f),
      fmt(i.pgbenchTps), ratio(f.perSecond, i.pgbenchTps), span(roundRange(f, { rounds: i.pgbenchRounds })), goalText,
      met(goal === null ? null : f.perSecond >= goal && f.failed === 0 && f.stored === f.accepted),
    ];
    out.push(
      table(
        ['case', 'accepted/s', 'p50 ms', 'p99 ms', 'failed', 'rows stored', 'retries answered', 'CPU s: app / PostgreSQL / load generator / other', 'baseline: pgbench insert tps', 'ratio', 'ratio by round (lowest–highest)', 'goal', 'met?'],
        [
          row('no photo, one address (127.0.0.1)', i.noPhoto, 0.3 * i.pgbenchTps, '≥ 0.30×, stored = accepted'),
          ...(i.spread ? [row(`no photo, ${CONNECTIONS} addresses`, i.spread, 0.3 * i.pgbenchTps, '≥ 0.30×, stored = accepted')] : []),
          row(`one ${(i.photoBytes / 1048576).toFixed(1)} MB photo (4032×3024 JPEG)`, i.photo, PHOTO_GOAL, `≥ ${PHOTO_GOAL.toFixed(1)}/s`),
        ],
      ),
      '',
      `Rows stored: reports the run added to the database, counted before and after; equal to the accepted count when none was lost and none stored twice. Every tenth accepted report is posted a second time with the same form token and content, as a browser retries after a lost answer; "retries answered" counts those that got their receipt again (they add no row). CPU: what each process on the machine spent during the run (/proc utime + stime), of ${CORES_NOTE}. The photo goal is 1.5× the ${PHOTO_BEFORE}/s of bench/results/2026-11-23.md.`,
      '',
    );
    if (i.photoStages) {
      out.push(
        `Where one ${(i.photoBytes / 1048576).toFixed(1)} MB photo's processing goes: CPU time per photo in the bench's own process, on the app's code (processPhoto) and the libraries it calls, median of 9. processPhoto decodes at reduced scale (shrink-on-load, for the 1,600 px public copy), so it costs less than decoding every pixel at full size, shown for comparison; libjpeg must still entropy-decode the whole file, which is most of it. In the app these run on libuv's threads, beside the main thread.`,
        '',
        table(['stage', 'CPU ms'], i.photoStages.map((st) => [st.stage, fmt(st.cpuMs, 1)])),
        '',
      );
    }
    if (i.forged) {
      out.push(
        `A forged report (a form token the app never issued) with the same ${(i.photoBytes / 1048576).toFixed(1)} MB photo, ${i.forged.requests} one after another, after ten uncounted and on an app that had gone quiet (${i.forged.quietAfterMs < 0 ? 'it never did within 60 s' : `after ${(i.forged.quietAfterMs / 1000).toFixed(1)} s`}): the app process's own CPU time (/proc utime + stime) per request is **${i.forged.cpuMsPerRequest.toFixed(2)} ms** (goal < 5 ms; ${i.forged.cpuMsPerRequest < 5 ? 'met' : 'NOT met'}). Answers: ${Object.entries(i.forged.statuses).map(([s, n]) => `${n} × ${s}`).join(', ')}.`,
        '',
      );
    }
    const errs = [...i.noPhoto.errors, ...(i.spread?.errors ?? []), ...i.photo.errors];
    if (errs.length) out.push(`Failures: ${errs.join('; ')}.`, '');
    if (i.profile) out.push(...renderProfile(i.profile, i.profileBefore));
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

export function prefix<T>(p: string, o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p} ${k}`, v]));
}
