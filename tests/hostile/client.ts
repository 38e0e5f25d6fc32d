/**
 * HTTP and database plumbing for the hostile-input tests: form tokens, report posts, staff
 * sign-in, row counts ("nothing half-stored"), rate-limit resets. The app under test is the test
 * file's own (tests/e2e/setup-app.ts: E2E_BASE_URL) with its database at E2E_DATABASE_URL.
 */
import { chinaToday } from '../../src/shared/china-time.ts';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/server/database.ts';

export const baseUrl = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:4321';
export const STAFF_PASSWORD = process.env.E2E_STAFF_PASSWORD ?? 'Demo-pass-2026-e2e';
export const REPORT_URL = `${baseUrl}/report/?_action=report`;
/** The app runs with REPORT_MIN_FILL_SECONDS=1 (tests/support/test-app.ts). */
export const MIN_FILL_MS = 1200;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Any CJK ideograph: every refusal a person can see must say something in Chinese. */
export const CHINESE = /[\u4e00-\u9fff]/;

// ---------------------------------------------------------------------------------------------
// Database

export interface RowCounts {
  report: number;
  report_photo: number;
  photo_blob: number;
  report_event: number;
}

export async function countRows(db: Kysely<Database>): Promise<RowCounts> {
  const { rows } = await sql<{ [K in keyof RowCounts]: string }>`
    select (select count(*) from report) as report, (select count(*) from report_photo) as report_photo,
           (select count(*) from photo_blob) as photo_blob, (select count(*) from report_event) as report_event`.execute(db);
  const r = rows[0]!;
  return { report: Number(r.report), report_photo: Number(r.report_photo), photo_blob: Number(r.photo_blob), report_event: Number(r.report_event) };
}

export function plus(c: RowCounts, reports: number, photos: number): RowCounts {
  return { report: c.report + reports, report_photo: c.report_photo + photos, photo_blob: c.photo_blob + 2 * photos, report_event: c.report_event + reports };
}

/** Every request comes from 127.0.0.1: forget the counters so a group is not throttled by the last. */
export async function clearRateLimits(db: Kysely<Database>, buckets?: string[]): Promise<void> {
  let q = db.deleteFrom('rate_limit');
  if (buckets) q = q.where('bucket', 'in', buckets);
  await q.execute();
}

// ---------------------------------------------------------------------------------------------
// Report form

/** Form tokens fetched ahead, each handed out once it is older than the minimum fill time. */
export class TokenPool {
  private tokens: Array<{ token: string; at: number }> = [];
  private readonly url: string;
  constructor(url = baseUrl) {
    this.url = url;
  }

  async fill(n: number): Promise<void> {
    const batch = await Promise.all(Array.from({ length: n }, () => freshToken(this.url)));
    const at = Date.now();
    for (const token of batch) this.tokens.push({ token, at });
  }

  async take(): Promise<string> {
    if (this.tokens.length === 0) await this.fill(8);
    const { token, at } = this.tokens.shift()!;
    const wait = at + MIN_FILL_MS - Date.now();
    if (wait > 0) await sleep(wait);
    return token;
  }
}

export async function freshToken(url = baseUrl): Promise<string> {
  const html = await (await fetch(`${url}/report/`)).text();
  const token = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no form token on /report/');
  return token;
}

export function reportFields(token: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    form_token: token, problem_class: 'paving', township: 'caicun', village: '', place: '蔡村东，机耕路北侧',
    lat: '', lng: '', coord_system: 'wgs84', location_source: 'manual', seen_on: chinaToday(),
    description: '耕地上倒了十几车建筑垃圾，还在继续倒。', name: '', phone: '', consent: 'yes', website: '', ...over,
  };
}

export interface Upload {
  bytes: Buffer;
  name: string;
  type: string;
}

export function multipart(fields: Record<string, string>, photos: Upload[] = []): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (photos.length === 0) form.append('photos', new Blob([]), '');
  for (const p of photos) form.append('photos', new Blob([new Uint8Array(p.bytes)], { type: p.type }), p.name);
  return form;
}

export interface PostOptions {
  json?: boolean;
  headers?: Record<string, string>;
  /** Omit the Origin header entirely. */
  noOrigin?: boolean;
  cookie?: string;
}

export function postTo(url: string, body: BodyInit | undefined, { json = false, headers = {}, noOrigin = false, cookie }: PostOptions = {}): Promise<Response> {
  const h: Record<string, string> = {};
  if (!noOrigin) h.Origin = new URL(url).origin;
  if (json) h.Accept = 'application/json';
  if (cookie) h.Cookie = cookie;
  return fetch(url, { method: 'POST', body, redirect: 'manual', headers: { ...h, ...headers } });
}

export interface Answer {
  status: number;
  text: string;
  json: { ok?: boolean; code?: string; message?: string; fields?: Record<string, string[]> } | null;
  ms: number;
  res: Response;
}

export async function answer(p: Promise<Response>): Promise<Answer> {
  const started = Date.now();
  const res = await p;
  const text = await res.text();
  let json: Answer['json'] = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* a page */
  }
  return { status: res.status, text, json, ms: Date.now() - started, res };
}

/** The visible words of an HTML answer (or the JSON message), for "says it in Chinese". */
export function visibleText(a: Answer): string {
  if (a.json) return `${a.json.message ?? ''} ${Object.values(a.json.fields ?? {}).flat().join(' ')}`;
  return a.text.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** The error summary of a rendered page (what a person reads first), or '' if there is none. */
export function errorSummary(html: string): string {
  const block = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  return block.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * What a hostile submission may be answered with: a receipt (200 JSON / 303 to the receipt), or
 * a 4xx that says in Chinese what went wrong. Never a 5xx.
 */
export function expectReceiptOr4xxInChinese(a: Answer, what: string): 'stored' | 'refused' {
  expect(a.status, `${what}: no 5xx (${a.text.slice(0, 200)})`).toBeLessThan(500);
  if (a.status === 200 && a.json?.ok === true) return 'stored';
  if (a.status === 303 && a.res.headers.get('location') === '/report/receipt/') return 'stored';
  expect(a.status, `${what}: a clear 4xx`).toBeGreaterThanOrEqual(400);
  expect(visibleText(a), `${what}: a Chinese message`).toMatch(CHINESE);
  if (a.json) expect(a.json.ok, what).toBe(false);
  return 'refused';
}

// ---------------------------------------------------------------------------------------------
// Staff

export async function signIn(login: string, password = STAFF_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
    method: 'POST',
    body: new URLSearchParams({ login, password, next: '/staff/account/' }),
    headers: { Origin: baseUrl },
    redirect: 'manual',
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gd_session='));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in of ${login} answered ${res.status}`);
  return cookie.split(';')[0]!;
}

export function get(path: string, cookie?: string): Promise<Response> {
  return fetch(baseUrl + path, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
}

/** A report straight into the database, in a given state, for staff Actions to work on. */
export async function insertReport(db: Kysely<Database>, status: string, assignedTownship: string | null, over: Partial<{ place_description: string; description: string; public_reply: string }> = {}): Promise<string> {
  const key = crypto.randomUUID();
  const { id } = await db
    .insertInto('report')
    .values({
      receipt_hash: `hostile-${key}`, idempotency_key: key, submission_hash: `hostile-${key}`, status,
      problem_class: 'soil', township: 'caicun', place_description: '蔡村北砖厂旁', lng: 110.86, lat: 35.56, location_source: 'map',
      seen_on: chinaToday(), description: '夜里有挖掘机在耕地里挖土拉走。', assigned_township: assignedTownship, ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('report_event').values({ report_id: id, state: 'submitted' }).execute();
  return id;
}
