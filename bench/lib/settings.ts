/** The bench's settings: its command-line flags, durations, ports, and the pages and URLs it measures. */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../src/cli/build.ts';

export const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rows: { type: 'string' },
    'no-idle-wait': { type: 'boolean', default: false },
    /** An earlier run's intake profile (bench/results/<name>-intake-profile.json), shown beside this run's. */
    'profile-before': { type: 'string' },
    /** The results file to compare ratios with; by default the full run git recorded last. */
    'compare-with': { type: 'string' },
  },
});
export const QUICK = args.quick!;
export const SECONDS = QUICK ? 3 : 10;
/**
 * Public pages: rounds per page and setup, each ROUND_SECONDS long (6 × 4 s = 24 s per page and
 * setup). On a shared 2-core VM one 4 s figure moves by a quarter from round to round, so the
 * median of six, with the setups' order turning, is what a ratio can rest on.
 */
export const ROUNDS = QUICK ? 1 : 6;
export const ROUND_SECONDS = QUICK ? 3 : 4;
export const WARMUP = QUICK ? 1 : 3;
/**
 * Intake without a photo: rounds of pgbench and each case one right after the other, so each
 * ratio comes with its range (two runs of the same code twenty minutes apart gave 0.18× and 0.14×).
 */
export const INTAKE_ROUNDS = QUICK ? 1 : 3;
export const CONNECTIONS = 50;
export const ROWS = Number(args.rows ?? process.env.BENCH_ROWS ?? (QUICK ? 100_000 : 1_000_000));
export const PHASES = new Set((args.only ?? 'public,intake,weight,queue,start').split(',').map((s) => s.trim()));
export const HOST = '127.0.0.1'; // the only address the bench ever targets
export const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4510);
export const PORTS = { app: PORT_BASE, nginx: PORT_BASE + 1, static: PORT_BASE + 2, bare: PORT_BASE + 3, queueApp: PORT_BASE + 4, sameBytes: PORT_BASE + 5, sameHeaders: PORT_BASE + 6, profiled: PORT_BASE + 7 };
// Below the ephemeral port range (32768+), so no client connection can be holding it.
export const PG_PORT = Number(process.env.BENCH_PG_PORT ?? 4599);
export const PG_DIR = process.env.BENCH_PG_DIR ?? '.data/postgres-bench';
export const STAFF_PASSWORD = 'Bench-pass-2026-load';
export const TMP = path.join(projectRoot, 'bench', 'tmp');
export const DATE = process.env.BENCH_DATE ?? new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
export const CORES = os.cpus().length;

export const PUBLIC_PAGES = [
  { name: 'home', path: '/', db: true },
  { name: 'policy (prerendered)', path: '/policies/hejin-2023/', db: false },
  { name: 'case list', path: '/cases/', db: true },
  { name: 'case', path: '/cases/1/', db: true },
  { name: 'progress', path: '/progress/', db: true },
] as const;
export const PRERENDERED = PUBLIC_PAGES[1];
/** Where the control app (see publicPages) serves each database page's HTML as a prerendered page. */
export const SAME_BYTES_PREFIX = '/bench-same-bytes';

export const WEIGHT_PAGES = [
  { name: 'home', path: '/', content: true },
  { name: 'policy', path: '/policies/hejin-2023/', content: true },
  { name: 'law list', path: '/law/', content: true },
  { name: 'case list', path: '/cases/', content: true },
  { name: 'case', path: '/cases/1/', content: true },
  { name: 'progress', path: '/progress/', content: true },
  { name: 'track', path: '/track/', content: false },
  { name: 'report', path: '/report/', content: false },
] as const;

export const QUEUE_URLS = [
  { name: 'queue, no filter', query: '' },
  { name: 'status = submitted', query: 'status=submitted' },
  { name: 'township + class', query: 'township=xishe&class=house' },
  { name: 'overdue + has photos', query: 'overdue=1&photos=1' },
] as const;

export const log = (m: string) => console.log(m);
export const url = (port: number, p = '/') => `http://${HOST}:${port}${p}`;
