/**
 * The staff queue at scale: sign in as a moderator, time the queue page and its filters over
 * HTTP (sequential requests, so the figure is the server's time plus loopback), time the nearby
 * search in-process, and EXPLAIN ANALYZE the SQL the queue functions really send.
 */
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/server/database.ts';
import type { StaffUser } from '../../src/domain/accounts/auth.ts';
import { countByStatus, findNearbyReports, listQueue } from '../../src/domain/reports/queue.ts';
import type { QueueFilter } from '../../src/domain/reports/queue-filter.ts';
import { percentile } from './proc.ts';

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

export async function signIn(baseUrl: string, login: string, password: string): Promise<string> {
  const form = new URLSearchParams({ login, password, next: '/staff/' });
  const res = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
    method: 'POST',
    body: form,
    headers: { Origin: baseUrl, 'Content-Type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  await res.arrayBuffer();
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gd_session='));
  if (!cookie) throw new Error(`sign-in as ${login} failed: HTTP ${res.status}`);
  return cookie.split(';')[0]!;
}

async function timedGet(url: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return performance.now() - t0;
}

/**
 * `n` sequential GETs of a page on two apps in alternation (big, small, big, …) after `warm`
 * unmeasured pairs, fewer if `maxSeconds` runs out; every answer must be 200.
 */
export async function timePagesSideBySide(bigUrl: string, bigCookie: string, smallUrl: string, smallCookie: string, n: number, warm: number, maxSeconds = 60): Promise<{ big: Timing; small: Timing }> {
  const big: number[] = [];
  const small: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < warm + n && performance.now() < deadline; i++) {
    const b = await timedGet(bigUrl, bigCookie);
    const s = await timedGet(smallUrl, smallCookie);
    if (i >= warm) {
      big.push(b);
      small.push(s);
    }
  }
  const t = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), n: xs.length });
  return { big: t(big), small: t(small) };
}

export function openDb(url: string, onQuery?: (q: CompiledQuery) => void): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') onQuery?.(e.query);
    },
  });
}

export const MODERATOR: StaffUser = { id: '0', login: 'bench', displayName: 'bench', role: 'moderator', township: null };

/** The SQL that the queue page sends for a filter: the list (first page) and the status counts. */
export async function queueQueries(url: string, filter: QueueFilter): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const db = openDb(url, (q) => captured.push(q));
  try {
    await listQueue(db, MODERATOR, filter, null);
    await countByStatus(db, MODERATOR, { ...filter, status: undefined });
  } finally {
    await db.destroy();
  }
  return captured;
}

export interface Explained {
  sql: string;
  executionMs: number;
  planningMs: number;
  plan: string;
}

/** EXPLAIN (ANALYZE, BUFFERS) a captured query `runs` times; median execution time, text plan of the last. */
export async function explain(url: string, q: CompiledQuery, runs: number): Promise<Explained> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const exec: number[] = [];
    const plan: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await client.query(`explain (analyze, buffers, format json) ${q.sql}`, q.parameters as unknown[]);
      const j = r.rows[0]['QUERY PLAN'][0];
      exec.push(j['Execution Time']);
      plan.push(j['Planning Time']);
    }
    const text = await client.query(`explain (analyze, costs off, timing off, summary off) ${q.sql}`, q.parameters as unknown[]);
    return {
      sql: q.sql,
      executionMs: percentile(exec, 50),
      planningMs: percentile(plan, 50),
      plan: text.rows.map((r) => r['QUERY PLAN']).join('\n'),
    };
  } finally {
    await client.end();
  }
}

type NearbyTiming = Timing & { found: number };

/** The nearby search from `n` random reports with a point on each database, calls in alternation, timed in-process. */
export async function timeNearby(bigUrl: string, smallUrl: string, n: number, radius: number, days: number): Promise<{ big: NearbyTiming; small: NearbyTiming }> {
  const dbs = [openDb(bigUrl), openDb(smallUrl)];
  try {
    const centres = await Promise.all(
      dbs.map((db) =>
        db.selectFrom('report').select(['id', 'lng', 'lat', 'submitted_at']).where('lat', 'is not', null).orderBy((eb) => eb.fn('random')).limit(n).execute(),
      ),
    );
    const times: number[][] = [[], []];
    const found = [0, 0];
    for (let i = 0; i < n; i++) {
      for (const k of [0, 1]) {
        const list = centres[k]!;
        const c = list[i % Math.max(1, list.length)];
        if (!c) continue;
        const t0 = performance.now();
        const rows = await findNearbyReports(dbs[k]!, MODERATOR, { id: c.id, lng: c.lng!, lat: c.lat!, submittedAt: new Date(c.submitted_at) }, radius, days);
        times[k]!.push(performance.now() - t0);
        found[k]! += rows.length;
      }
    }
    const t = (k: number): NearbyTiming => ({ p50: percentile(times[k]!, 50), p95: percentile(times[k]!, 95), n: times[k]!.length, found: Math.round(found[k]! / Math.max(1, times[k]!.length)) });
    return { big: t(0), small: t(1) };
  } finally {
    await Promise.all(dbs.map((db) => db.destroy()));
  }
}
