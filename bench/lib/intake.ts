/**
 * Report intake under load: `clients` concurrent citizens, each in a loop (bounded by time) that
 * GETs /report/ for a fresh form token and POSTs the multipart form to the report Action asking
 * for JSON, as the enhanced form does. Counts the reports the app accepted.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { createClient, multipartBody } from './http-client.ts';
import { cpuOfProcess, median } from './proc.ts';

export interface IntakeFigures {
  accepted: number;
  /** Accepted reports sent a second time (same form token, same content), each answered with its receipt again. */
  retried: number;
  /** Rows the run added to the report table, counted by the caller: equal to `accepted` when nothing was lost or stored twice. */
  stored?: number;
  /** CPU time the machine spent during the run, ms, by whom (set by the caller). */
  cpu?: { app: number; postgres: number; load: number; other: number };
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: string[];
  /** Where the figure is the median of rounds: each round's accepted/s, in order. */
  rounds?: number[];
}

/**
 * One figure from rounds of the same case: accepted/s and p50 are the median round's, p99 the
 * worst round's; counts, seconds, CPU and failures add up, so "rows stored = accepted" still
 * checks every report of every round.
 */
export function combineIntakeRounds(rounds: readonly IntakeFigures[]): IntakeFigures {
  const sum = (pick: (f: IntakeFigures) => number) => rounds.reduce((total, f) => total + pick(f), 0);
  return {
    accepted: sum((f) => f.accepted),
    retried: sum((f) => f.retried),
    stored: rounds.every((f) => f.stored !== undefined) ? sum((f) => f.stored!) : undefined,
    cpu: rounds.every((f) => f.cpu !== undefined) ? { app: sum((f) => f.cpu!.app), postgres: sum((f) => f.cpu!.postgres), load: sum((f) => f.cpu!.load), other: sum((f) => f.cpu!.other) } : undefined,
    failed: sum((f) => f.failed),
    seconds: sum((f) => f.seconds),
    perSecond: median(rounds.map((f) => f.perSecond)),
    p50: median(rounds.map((f) => f.p50)),
    p99: Math.max(...rounds.map((f) => f.p99)),
    errors: rounds.flatMap((f) => f.errors).slice(0, 5),
    rounds: rounds.map((f) => f.perSecond),
  };
}

/**
 * A camera-sized JPEG (4032×3024) of about 2 MB that costs what a real photo costs to process:
 * noise in octaves with amplitude falling with frequency (the 1/f spectrum of natural images),
 * from a fixed seed, JPEG quality tuned to the size. Made once and kept in bench/tmp.
 */
export async function makePhoto(file: string, targetBytes = 2 * 1024 * 1024): Promise<Buffer> {
  if (existsSync(file)) return readFileSync(file);
  const W = 4032;
  const H = 3024;
  const acc = new Float32Array(W * H * 3);
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const [w, h, amp] of [[16, 12, 70], [63, 47, 45], [252, 189, 28], [1008, 756, 16], [W, H, 7]] as const) {
    const small = Buffer.alloc(w * h * 3);
    for (let i = 0; i < small.length; i++) small[i] = Math.floor(rnd() * 256);
    const up = w === W ? small : await sharp(small, { raw: { width: w, height: h, channels: 3 } }).resize(W, H, { kernel: 'cubic' }).raw().toBuffer();
    for (let i = 0; i < acc.length; i++) acc[i]! += ((up[i]! - 128) / 128) * amp;
  }
  const pixels = Buffer.alloc(W * H * 3);
  for (let i = 0; i < acc.length; i++) pixels[i] = Math.max(0, Math.min(255, 128 + acc[i]!));
  let lo = 50;
  let hi = 98;
  let best: Buffer | null = null;
  for (let i = 0; i < 6 && lo <= hi; i++) {
    const q = Math.round((lo + hi) / 2);
    const jpg = await sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: q }).toBuffer();
    if (!best || Math.abs(jpg.length - targetBytes) < Math.abs(best.length - targetBytes)) best = jpg;
    if (jpg.length > targetBytes) hi = q - 1;
    else lo = q + 1;
  }
  writeFileSync(file, best!);
  return best!;
}

function chinaYesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
}

/**
 * `spread`: each client sends from an address of its own (X-Forwarded-For, app run with
 * TRUST_PROXY=1), as real citizens do; without it every client shares 127.0.0.1, and so one
 * rate-limit counter.
 */
export async function runIntake(baseUrl: string, opts: { clients: number; seconds: number; photo: Buffer | null; spread?: boolean }): Promise<IntakeFigures> {
  const seat = jurisdiction.townships[0]!;
  const end = performance.now() + opts.seconds * 1000;
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let accepted = 0;
  let retried = 0;
  let failed = 0;
  const fail = (why: string) => {
    failed++;
    errors.set(why, (errors.get(why) ?? 0) + 1);
  };

  async function client(n: number): Promise<void> {
    // TEST-NET addresses (RFC 5737), one per client.
    const from: Record<string, string> = opts.spread ? { 'X-Forwarded-For': `198.51.${100 + (n >> 8)}.${n & 255}` } : {};
    // Bounded: by time, and by a generous cap on rounds.
    for (let round = 0; round < 100_000 && performance.now() < end; round++) {
      const t0 = performance.now();
      try {
        const page = await http.request(`${baseUrl}/report/`, { headers: from, timeoutMs: 30_000 });
        const token = /name="form_token" value="([^"]+)"/.exec(page.body.toString('utf8'))?.[1];
        if (!token) {
          fail('no form_token on /report/');
          continue;
        }
        const { body, contentType } = multipartBody(
          [
            ['problem_class', 'house'],
            ['township', seat.code],
            ['village', seat.villages[0]!.name],
            ['place', `村东头路口北侧第${n}块麦地`],
            ['lat', String(seat.lngLat[1])],
            ['lng', String(seat.lngLat[0])],
            ['coord_system', 'wgs84'],
            ['location_source', 'map'],
            ['seen_on', chinaYesterday()],
            ['description', `压测：有人在麦地里打地基，看样子要盖两层楼（客户端 ${n}，第 ${round} 次）。`],
            ['consent', 'yes'],
            ['website', ''],
            ['form_token', token],
          ],
          opts.photo ? [{ name: 'photos', fileName: 'IMG_0001.jpg', type: 'image/jpeg', bytes: opts.photo }] : [],
        );
        const post = async () => {
          const res = await http.request(`${baseUrl}/report/?_action=report`, {
            method: 'POST',
            body,
            headers: { 'Content-Type': contentType, Accept: 'application/json', Origin: baseUrl, ...from },
          });
          let answer: { ok?: boolean; code?: string; message?: string } | null = null;
          try {
            answer = JSON.parse(res.body.toString('utf8'));
          } catch {
            /* not JSON: counted as a failure below */
          }
          return res.status === 200 && answer?.ok ? null : `${res.status} ${answer?.code ?? ''} ${answer?.message ?? ''}`.trim();
        };
        const problem = await post();
        if (problem) {
          fail(problem);
          continue;
        }
        accepted++;
        latencies.push(performance.now() - t0);
        // Every tenth report is sent again, as a browser retries after a lost answer: it must get
        // its receipt again and store nothing new (the caller counts the rows).
        if (round % 10 === 9) {
          const again = await post();
          if (again) fail(`retry: ${again}`);
          else retried++;
        }
      } catch (err) {
        fail(String((err as Error).message ?? err));
      }
    }
  }

  const http = createClient(opts.clients);
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  } finally {
    http.close();
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  return {
    accepted,
    retried,
    failed,
    seconds,
    perSecond: accepted / seconds,
    p50: pct(50),
    p99: pct(99),
    errors: [...errors].map(([k, v]) => `${v}× ${k}`).slice(0, 5),
  };
}

export interface ForgedFigures {
  requests: number;
  /** CPU time (user + system) the app process spent per forged request, in ms. */
  cpuMsPerRequest: number;
  statuses: Record<string, number>;
  /** How long the app took to go quiet before the measurement (ms), -1 when it never did. */
  quietAfterMs: number;
}

const cpuMsOf = (pid: number): number => cpuOfProcess(pid).ms;

/**
 * Until the app process spends under 2 % of one core (over half a second), at most `maxMs`. The
 * photo phase before leaves decodes running on libuv's threads after the health check answers
 * quickly again: measured then, a forged request was charged up to twice its own CPU.
 * Returns the ms waited, or -1 when the app never went quiet.
 */
async function waitForQuietProcess(pid: number, maxMs = 60_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    const before = cpuMsOf(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuMsOf(pid) - before <= 10) return Math.round(performance.now() - start);
  }
  return -1;
}

async function postForged(baseUrl: string, photo: Buffer, i: number): Promise<number> {
  const form = new FormData();
  form.set('problem_class', 'house');
  form.set('township', jurisdiction.townships[0]!.code);
  form.set('place', '村东头路口北侧');
  form.set('seen_on', chinaYesterday());
  form.set('description', '伪造的请求：表单令牌不是本站发出的。');
  form.set('consent', 'yes');
  form.set('website', '');
  form.set('form_token', `forged-${i}`);
  form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
  const res = await fetch(`${baseUrl}/report/?_action=report`, { method: 'POST', body: form, headers: { Accept: 'application/json', Origin: baseUrl }, signal: AbortSignal.timeout(60_000) });
  await res.arrayBuffer();
  return res.status;
}

/**
 * What a forged report costs the app: `requests` POSTs, one at a time, each with a 2 MB photo and a
 * form token the app never issued, measured as the app process's own CPU time. The checks that
 * refuse it (token, honeypot, limit) must come before any photo is decoded (about 0.45 s each).
 * Measured on a quiet app after ten uncounted requests, so neither the previous phase's leftover
 * work nor the first compilation of the refusal path is charged to it.
 */
export async function forgedRequestCpu(baseUrl: string, appPid: number, photo: Buffer, requests: number): Promise<ForgedFigures> {
  const statuses: Record<string, number> = {};
  const quietAfterMs = await waitForQuietProcess(appPid);
  for (let i = 0; i < 10; i++) await postForged(baseUrl, photo, -1 - i);
  const before = cpuMsOf(appPid);
  for (let i = 0; i < requests; i++) {
    const status = await postForged(baseUrl, photo, i);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return { requests, cpuMsPerRequest: (cpuMsOf(appPid) - before) / requests, statuses, quietAfterMs };
}
