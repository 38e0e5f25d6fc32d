/**
 * Hostile input and attack surface, fast tier (runs in `npm test`; the long tier, full.test.ts,
 * big-bodies.test.ts and sqlmap.test.ts beside it, runs in `npm run test:hostile`). A corpus of XSS, SQL metacharacters, unicode edge
 * cases, over-long values, bad coordinates, hostile images, wrong content types and malformed
 * bodies goes into the report Action, /track/, the sign-in and every staff Action, and into the
 * query strings of the public and staff pages. Expected everywhere: no 5xx; a receipt or a
 * success redirect, or a clear 4xx saying in Chinese what is wrong; nothing half-stored (rows of
 * report, report_photo, photo_blob and report_event counted around every report request); and no
 * script ever running when the stored payloads are shown in the staff pages in Chromium.
 *
 * The file works in its own copy of the demo database with its own app (tests/e2e/setup-app.ts),
 * so what it stores no other file sees.
 */
import fc from 'fast-check';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { pointInPolygon } from '../../src/domain/places/geo.ts';
import { createDb } from '../../src/server/db.ts';
import { hashReceiptCode, formatReceiptCode } from '../../src/domain/reports/receipt-code.ts';
import {
  answer, baseUrl, CHINESE, clearRateLimits, countRows, errorSummary, expectReceiptOr4xxInChinese, get, insertReport, multipart, plus,
  postTo, REPORT_URL, reportFields, signIn, TokenPool, visibleText, type Answer, type Upload,
} from './client.ts';
import { BAD_COORDINATES, BAD_RECEIPT_CODES, FULL, justOutsideBoundary, LONG, OPEN_REDIRECT_TRICKS, outsideEvenAsGcj02, sample, SQL, UNICODE, XSS } from './corpus.ts';
import { hostileImages, smallJpeg } from './images.ts';
import { startServeOnly, type AppProcess } from '../e2e/app-process.ts';
import { launchBrowser } from '../e2e/browser.ts';

const db = createDb(process.env.E2E_DATABASE_URL!, { max: 3 });
const tokens = new TokenPool();

/** How many hostile inputs each group sent: printed at the end and checked to be at least 500. */
const tally: Record<string, number> = {};
const count = (category: string, n = 1) => {
  tally[category] = (tally[category] ?? 0) + n;
};

/** Anything with an id above these was made by this file (the demo's rows lie below). */
const start = { report: '0', blob: '0', notice: '0', importId: '0', user: '0' };

beforeAll(async () => {
  const max = async (table: 'report' | 'photo_blob' | 'case_notice' | 'ledger_import' | 'staff_user') =>
    String((await sql<{ m: string | null }>`select max(id)::text as m from ${sql.table(table)}`.execute(db)).rows[0]?.m ?? '0');
  Object.assign(start, { report: await max('report'), blob: await max('photo_blob'), notice: await max('case_notice'), importId: await max('ledger_import'), user: await max('staff_user') });
  await clearRateLimits(db);
  await tokens.fill(40);
});

afterAll(async () => {
  const sizes = Object.entries(tally).map(([k, v]) => `${k}: ${v}`).join(', ');
  console.log(`hostile corpus sent — ${sizes}; total ${Object.values(tally).reduce((a, b) => a + b, 0)}`);
  await db.destroy();
});

// ---------------------------------------------------------------------------------------------
// Plumbing

/** Posts one report (multipart, JSON answer) and checks the row counts around it. */
class ReportProbe {
  private token: string | null = null;
  /** Receipt codes of stored reports, by the label the caller gave. */
  readonly stored = new Map<string, string>();

  async send(what: string, over: Record<string, string>, photos: Upload[] = [], category = 'report'): Promise<{ outcome: 'stored' | 'refused'; a: Answer }> {
    count(category);
    // Counted afresh each time: other groups add rows of their own between two reports.
    const before = await countRows(db);
    this.token ??= await tokens.take();
    // Only stored reports count towards the limit; forget them so the corpus is not throttled.
    await clearRateLimits(db, ['report-h', 'report-d']);
    const fields = reportFields(this.token, over);
    const a = await answer(postTo(REPORT_URL, multipart(fields, photos), { json: true }));
    const outcome = expectReceiptOr4xxInChinese(a, what);
    if (outcome === 'stored') {
      this.token = null; // used: the next report needs a fresh form
      const code = a.res.headers.getSetCookie().find((c) => c.startsWith('gd_receipt='))?.split(';')[0]?.slice('gd_receipt='.length);
      expect(code, `${what}: a receipt code`).toMatch(/^[0-9A-Z]{18}$/);
      this.stored.set(what, code!);
    }
    const expected = outcome === 'stored' ? plus(before, 1, photos.length) : before;
    expect(await countRows(db), `${what}: ${outcome === 'stored' ? 'exactly one report stored' : 'nothing stored'}`).toEqual(expected);
    return { outcome, a };
  }

  async storedRow(what: string) {
    return db.selectFrom('report').selectAll().where('receipt_hash', '=', hashReceiptCode(this.stored.get(what)!)).executeTakeFirstOrThrow();
  }
}

const probe = new ReportProbe();

/** Validator output that must never reach a person. */
const VALIDATOR_NOISE = /Failed to validate|Too (big|small)|Invalid (input|option|string)|expected (string|number)/;

/** What a staff form answered: the error summary, or the main text of a 401/403 page. */
function staffMessage(a: Answer): string {
  const summary = errorSummary(a.text);
  if (summary) return summary;
  return (/<main[\s\S]*<\/main>/.exec(a.text)?.[0] ?? a.text).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

function expectStaffAnswer(a: Answer, what: string): 'done' | 'refused' {
  expect(a.status, `${what}: no 5xx (${staffMessage(a).slice(0, 160)})`).toBeLessThan(500);
  if (a.status === 303) return 'done';
  // An identity reveal is shown in place (never redirected), with the name and phone.
  if (a.status === 200 && what.startsWith('staff.reveal')) return 'done';
  expect(a.status, `${what}: a 4xx`).toBeGreaterThanOrEqual(400);
  expect(staffMessage(a), `${what}: says in Chinese what went wrong`).toMatch(CHINESE);
  expect(staffMessage(a), `${what}: no validator or exception text`).not.toMatch(VALIDATOR_NOISE);
  return 'refused';
}

const cookies = new Map<string, string>();
/** Passwords of the accounts this file creates (the demo accounts use E2E_STAFF_PASSWORD). */
const passwords = new Map<string, string>();
async function cookieOf(login: string): Promise<string> {
  if (!cookies.has(login)) {
    await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
    cookies.set(login, await signIn(login, passwords.get(login)));
  }
  return cookies.get(login)!;
}

async function staffPost(path: string, body: BodyInit, login: string, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(postTo(baseUrl + path, body, { cookie: await cookieOf(login), headers }));
}

/** Text every text field accepts; long enough for the 10-character minimum of a description. */
const pad = (s: string, min = 12) => ([...s.trim()].length >= min ? s : `${s} 耕地上有人建房打地基`);

const TEXT_PAYLOADS: Array<[string, string]> = [
  ...XSS.map((p, i) => [`xss#${i}`, p] as [string, string]),
  ...SQL.map((p, i) => [`sql#${i}`, p] as [string, string]),
  ...Object.entries(UNICODE).map(([k, p]) => [`unicode:${k}`, p] as [string, string]),
];
const categoryOf = (label: string) => label.split(/[#:]/)[0]!;
/** An evenly spread sample of the corpus (all of it in the long tier). */
const SAMPLE = (n: number) => sample(TEXT_PAYLOADS, n);
const runs = (fast: number) => (FULL ? fast * 25 : fast);
/** A browser test's time limit: the long tier renders every payload, not a sample. */
const slow = (ms: number) => (FULL ? 30 * 60_000 : ms);

// ---------------------------------------------------------------------------------------------

describe('back and next parameters', () => {
  /** A Location this site's visitors may be sent to: a path here, nothing a browser reads as a host. */
  const isLocal = (location: string | null) => !!location && location.startsWith('/') && !location.startsWith('//') && !location.includes('\\');

  it('send the display switch back to a page of this site only, for every trick in the corpus', async () => {
    for (const trick of OPEN_REDIRECT_TRICKS) {
      const res = await fetch(`${baseUrl}/display/?mode=large&back=${encodeURIComponent(trick)}`, { redirect: 'manual' });
      expect(res.status, JSON.stringify(trick)).toBe(303);
      expect(isLocal(res.headers.get('location')), `${JSON.stringify(trick)} → ${res.headers.get('location')}`).toBe(true);
    }
  });

  it('send a member of staff to a staff page after signing in, for every trick in the corpus', async () => {
    for (const trick of OPEN_REDIRECT_TRICKS) {
      await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
      const res = await postTo(`${baseUrl}/staff/login/?_action=staff.login`, new URLSearchParams({ login: 'moderator', password: process.env.E2E_STAFF_PASSWORD ?? '', next: trick }));
      const location = res.headers.get('location');
      // Signed in and sent to a staff page, or (NUL and other unreadable text) refused with a 4xx and sent nowhere.
      if (res.status === 303) expect(isLocal(location) && location!.startsWith('/staff/'), `${JSON.stringify(trick)} → ${location}`).toBe(true);
      else expect([res.status, location], JSON.stringify(trick)).toEqual([400, null]);
    }
  });
});

describe('the origin check (security.checkOrigin)', () => {
  const BAD_ORIGINS: Array<[string, string | null]> = [
    ['no Origin header', null],
    ['a foreign site', 'https://evil.example'],
    ['the opaque origin null', 'null'],
    ['a look-alike host', `${baseUrl}.evil.example`],
    ['another port on the same host', 'http://127.0.0.1:1'],
    ['https instead of http', baseUrl.replace('http:', 'https:')],
  ];

  it('refuses a complete, valid report without a same-site Origin with 403 and stores nothing', async () => {
    const before = await countRows(db);
    const token = await tokens.take();
    for (const [what, origin] of BAD_ORIGINS) {
      for (const json of [true, false]) {
        count('origin');
        const headers: Record<string, string> = origin ? { Origin: origin } : {};
        const res = await fetch(REPORT_URL, { method: 'POST', body: multipart(reportFields(token)), redirect: 'manual', headers: { ...headers, ...(json ? { Accept: 'application/json' } : {}) } });
        expect(res.status, `${what} (${json ? 'JSON' : 'form'})`).toBe(403);
        expect(await res.text(), `${what}: says so in Chinese`).toMatch(CHINESE);
        expect(res.headers.getSetCookie().some((c) => c.startsWith('gd_receipt=')), what).toBe(false);
      }
    }
    expect(await countRows(db)).toEqual(before);
    // The same form from the site itself goes through: the refusals above were the Origin's doing.
    await clearRateLimits(db, ['report-h', 'report-d']);
    expect((await postTo(REPORT_URL, multipart(reportFields(token)), { json: true })).status).toBe(200);
  });

  it('refuses /track/, the sign-in and every staff Action without a same-site Origin with 403, changing nothing', async () => {
    const id = await insertReport(db, 'submitted', null);
    const moderator = await cookieOf('moderator');
    const admin = await cookieOf('admin');
    const audit = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const auditBefore = await audit();
    const targets: Array<[string, string, Record<string, string>, string | undefined]> = [
      ['/track/', '/track/', { code: 'ABCD-EFGH-JKMN-PQRS-TV' }, undefined],
      ['sign-in', '/staff/login/?_action=staff.login', { login: 'moderator', password: process.env.E2E_STAFF_PASSWORD ?? '', next: '/staff/' }, undefined],
      ['staff.workflow', `/staff/reports/${id}/?_action=staff.workflow`, { reportId: id, action: 'accept' }, moderator],
      ['staff.reply', `/staff/reports/${id}/?_action=staff.reply`, { reportId: id, text: '跨站伪造的答复' }, moderator],
      ['staff.note', `/staff/reports/${id}/?_action=staff.note`, { reportId: id, text: '跨站伪造的备注' }, moderator],
      ['staff.correct', `/staff/reports/${id}/?_action=staff.correct`, { reportId: id, problemClass: 'house', place: '伪造', description: '伪造的更正内容写在这里', reason: '伪造' }, moderator],
      ['staff.createUser', '/staff/users/?_action=staff.createUser', { login: 'csrf-user', displayName: '伪造', role: 'admin', township: '', password: 'Csrf-pass-2026-x' }, admin],
      ['staff.logout', '/staff/?_action=staff.logout', {}, moderator],
      ['RPC staff.note', '/_actions/staff.note', { reportId: id, text: '跨站伪造的备注' }, moderator],
    ];
    for (const [what, path, fields, cookie] of targets) {
      for (const [how, origin] of BAD_ORIGINS) {
        count('origin');
        const headers: Record<string, string> = { ...(origin ? { Origin: origin } : {}), ...(cookie ? { Cookie: cookie } : {}) };
        const res = await fetch(baseUrl + path, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });
        expect(res.status, `${what}, ${how}`).toBe(403);
        expect(res.headers.getSetCookie().some((c) => c.startsWith('gd_session=')), `${what}, ${how}: no session cookie`).toBe(false);
      }
    }
    expect(await db.selectFrom('report').select(['status', 'public_reply', 'corrected_place']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'submitted', public_reply: null, corrected_place: null });
    expect(await db.selectFrom('report_note').select('id').where('report_id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('staff_user').select('id').where('login', '=', 'csrf-user').executeTakeFirst()).toBeUndefined();
    expect(await audit()).toBe(auditBefore);
    // The moderator's session survived the forged sign-out.
    expect((await get('/staff/', moderator)).status).toBe(200);
  });
});

describe('the report Action with hostile text', () => {
  it('stores XSS in every free-text field at once as plain text, verbatim', { timeout: slow(180_000) }, async () => {
    for (const [i, p] of XSS.entries()) {
      const what = `xss#${i}`;
      const { outcome } = await probe.send(what, { place: pad(p, 2).slice(0, 200), description: pad(p), name: p.slice(0, 50) }, [], 'xss');
      expect(outcome, what).toBe('stored');
      const row = await probe.storedRow(what);
      expect(row.place_description, what).toBe(pad(p, 2).slice(0, 200).trim());
      expect(row.description, what).toBe(pad(p).trim());
    }
  });

  it('stores SQL metacharacters literally and never waits on an injected pg_sleep', { timeout: slow(180_000) }, async () => {
    for (const [i, p] of SQL.entries()) {
      const what = `sql#${i}`;
      const place = pad(p, 2);
      const { outcome, a } = await probe.send(what, { place, description: pad(p), name: p.slice(0, 50) }, [], 'sql');
      expect(a.ms, `${what} answered in ${a.ms} ms`).toBeLessThan(4000);
      if (place.trim().length >= 2) {
        expect(outcome, what).toBe('stored');
        const row = await probe.storedRow(what);
        expect(row.place_description, what).toBe(place.trim());
        expect(row.description, what).toBe(pad(p).trim());
      }
    }
    // Still all there: nothing was dropped, deleted or rewritten.
    expect(await db.selectFrom('report').select('id').where('is_demo', '=', true).execute()).not.toEqual([]);
    expect((await db.selectFrom('staff_user').select('role').where('login', '=', 'publicity').executeTakeFirstOrThrow()).role).toBe('publicity');
  });

  it('refuses control characters, NUL and direction overrides in place, description and name in Chinese, and stores other unicode verbatim', { timeout: slow(180_000) }, async () => {
    const refusedKinds = ['RTL override', 'LTR embedding', 'RTL isolate', 'NUL', 'only NUL', 'ESC sequence', 'DEL', 'C1 CSI', 'NEL', 'vertical tab and form feed'];
    // Over HTTP an unpaired surrogate becomes U+FFFD; everything else arrives as sent.
    const overHttp = (v: string) =>
      v.replace(/[\uD800-\uDFFF]/g, (c, i: number, s: string) =>
        (/[\uD800-\uDBFF]/.test(c) && /[\uDC00-\uDFFF]/.test(s[i + 1] ?? '')) || (/[\uDC00-\uDFFF]/.test(c) && /[\uD800-\uDBFF]/.test(s[i - 1] ?? '')) ? c : '\uFFFD');
    for (const [kind, p] of Object.entries(UNICODE)) {
      for (const fields of [['place', 'description', 'name'], ['name']] as const) {
        if (fields.length === 1 && !refusedKinds.includes(kind)) continue;
        const what = `unicode:${kind} in ${fields.join('+')}`;
        const over = Object.fromEntries(fields.map((f) => [f, f === 'name' ? p.slice(0, 50) : p]));
        const { outcome, a } = await probe.send(what, over, [], 'unicode');
        if (refusedKinds.includes(kind)) {
          expect(outcome, what).toBe('refused');
          expect(a.status, what).toBe(400);
          expect(visibleText(a), what).toMatch(/无法识别的字符/);
        }
        if (outcome === 'stored') {
          const row = await probe.storedRow(what);
          const expected = overHttp(p.replace(/\r\n?/g, '\n')).trim();
          expect(row.place_description, what).toBe(expected);
          expect(row.description, what).toBe(expected);
        }
      }
    }
  });

  it('counts characters, not UTF-16 units, at the length limits and refuses anything longer in Chinese', async () => {
    const expectations: Array<[string, 'place' | 'description' | 'name', 'stored' | 'refused']> = [
      ['exactly 200 CJK', 'place', 'stored'],
      ['201 CJK', 'place', 'refused'],
      ['exactly 2000 CJK', 'description', 'stored'],
      ['2001 CJK', 'description', 'refused'],
      ['2000 astral emoji (4000 UTF-16 units)', 'description', 'stored'],
      ['2001 astral emoji', 'description', 'refused'],
      ['10 000 characters', 'description', 'refused'],
      ['100 000 characters', 'description', 'refused'],
      ['100 000 characters', 'place', 'refused'],
      ['100 000 characters', 'name', 'refused'],
    ];
    for (const [kind, field, expected] of expectations) {
      const { outcome, a } = await probe.send(`${kind} in ${field}`, { [field]: LONG[kind]! }, [], 'long');
      expect(outcome, `${kind} in ${field}`).toBe(expected);
      if (expected === 'refused') expect(visibleText(a)).toMatch(/不能超过 \d+ 个字/);
    }
  });

  it('refuses every hostile value in the fields that only take codes, dates, numbers or tokens, with a Chinese message and nothing stored', { timeout: slow(180_000) }, async () => {
    const fields = ['problem_class', 'township', 'village', 'seen_on', 'phone', 'lat', 'lng', 'consent', 'website', 'form_token'] as const;
    const values = [...SAMPLE(20), ...Object.entries(LONG).filter(([k]) => !k.startsWith('exactly')).map(([k, v]) => [`long:${k}`, v] as [string, string])];
    for (const field of fields) {
      for (const [label, value] of values) {
        const { outcome } = await probe.send(`${label} in ${field}`, { [field]: value }, [], categoryOf(label));
        // Blank after the field's own clean-up (trim; a phone also drops spaces, dashes and brackets)
        // is the same as left empty, which these optional fields allow.
        const blank = value.trim() === '' || (field === 'phone' && value.normalize('NFKC').replace(/[\s\-\u2010-\u2015()]/g, '') === '');
        if (blank && ['village', 'phone', 'lat', 'lng'].includes(field)) continue;
        expect(outcome, `${label} in ${field}`).toBe('refused');
      }
    }
  });

  it('ignores hostile values in the two fields that fall back to a default, and stores the report', async () => {
    for (const field of ['coord_system', 'location_source'] as const) {
      for (const [label, value] of [...XSS.slice(0, 3).map((v, i) => [`xss#${i}`, v]), ...SQL.slice(11, 14).map((v, i) => [`sql#${i}`, v]), ['unicode:NUL', UNICODE.NUL!]]) {
        const what = `${label} in ${field}`;
        const [lng, lat] = jurisdiction.townships[1]!.lngLat;
        const { outcome } = await probe.send(what, { [field]: value!, lat: String(lat), lng: String(lng) }, [], categoryOf(label!));
        expect(outcome, what).toBe('stored');
        const row = await probe.storedRow(what);
        // Read as the defaults: typed WGS-84 coordinates, placed by hand.
        expect(row.location_source, what).toBe('manual');
        expect([row.lng, row.lat], what).toEqual([lng, lat]);
      }
    }
  });

  it('refuses a filled honeypot and a forged, truncated or replayed form token, storing nothing', async () => {
    const token = await tokens.take();
    const [payload, mac] = token.split('.') as [string, string];
    const forged = [
      '', '.', `${payload}.`, `.${mac}`, `${payload}.${mac}.x`, `${payload}x.${mac}`, `${payload}.${mac.slice(0, -1)}`,
      `${Buffer.from(JSON.stringify({ k: '00000000-0000-0000-0000-000000000000', t: 0 })).toString('base64url')}.${mac}`,
      `${Buffer.from(JSON.stringify({ k: "'; DROP TABLE report; --", t: Date.now() - 5000 })).toString('base64url')}.${mac}`,
      token.toUpperCase(), 'A'.repeat(301), `${payload}.${mac}\u0000`,
    ];
    for (const [i, t] of forged.entries()) {
      const { outcome, a } = await probe.send(`forged token #${i}`, { form_token: t }, [], 'token');
      expect(outcome, `forged token #${i}`).toBe('refused');
      expect(visibleText(a)).toMatch(/表单已(过期|失效)/);
    }
  });
});

describe('the report Action with hostile coordinates', () => {
  it('refuses NaN, Infinity, exponents, hex, full-width and out-of-range numbers in lat and lng, in Chinese', async () => {
    for (const bad of BAD_COORDINATES) {
      for (const [field, other, otherValue] of [['lat', 'lng', '111.0'], ['lng', 'lat', '35.6']] as const) {
        const { outcome, a } = await probe.send(`${field}=${JSON.stringify(bad)}`, { [field]: bad, [other]: otherValue }, [], 'coordinates');
        expect(outcome, `${field}=${bad}`).toBe('refused');
        expect(a.status).toBe(400);
        expect(visibleText(a)).toMatch(/纬度|经度|坐标|位置|稷山县/);
      }
    }
  });

  it('refuses points just outside the county boundary (also read as GCJ-02), half-filled pairs and swapped pairs', async () => {
    const outside = justOutsideBoundary();
    const outsideBoth = outsideEvenAsGcj02(outside);
    expect(outside.length).toBeGreaterThanOrEqual(16);
    expect(outsideBoth.length).toBeGreaterThanOrEqual(6);
    for (const [system, points] of [['wgs84', outside], ['gcj02', outsideBoth]] as const) {
      for (const [lng, lat] of points) {
        const what = `${lat},${lng} (${system})`;
        const { outcome, a } = await probe.send(what, { lat: lat.toFixed(6), lng: lng.toFixed(6), coord_system: system }, [], 'coordinates');
        expect(outcome, what).toBe('refused');
        expect(visibleText(a), what).toMatch(/稷山县范围/);
      }
    }
    for (const [what, over] of [
      ['lat only', { lat: '35.6' }], ['lng only', { lng: '111.0' }], ['swapped', { lat: '111.0', lng: '35.6' }],
      ['null island', { lat: '0', lng: '0' }], ['poles', { lat: '90', lng: '180' }], ['minus zero', { lat: '-0', lng: '-0' }],
    ] as const) {
      const { outcome } = await probe.send(what, over, [], 'coordinates');
      expect(outcome, what).toBe('refused');
    }
    // A point just inside is fine: the boundary test is not simply refusing everything.
    const inside = jurisdiction.townships[0]!.lngLat;
    expect(pointInPolygon(inside, jurisdiction.map.boundary)).toBe(true);
    expect((await probe.send('a township seat', { lat: String(inside[1]), lng: String(inside[0]) }, [], 'coordinates')).outcome).toBe('stored');
  });
});

describe('the report Action with hostile photos', () => {
  it('stores only a clean re-encoded copy of polyglots and refuses truncated images, look-alikes and pixel bombs, storing nothing', { timeout: slow(180_000) }, async () => {
    const images = await hostileImages();
    const moderator = await cookieOf('moderator');
    for (const img of images) {
      const { outcome, a } = await probe.send(`photo: ${img.what}`, {}, [{ bytes: img.bytes, name: img.name, type: img.type }], 'photos');
      expect(outcome, img.what).toBe(img.expect === 'accept' ? 'stored' : 'refused');
      if (outcome === 'refused') {
        expect(a.status, img.what).toBe(400);
        expect(a.json?.fields?.photos?.[0], img.what).toMatch(CHINESE);
        if (img.what.includes('pixel bomb') || img.what.includes('100000')) expect(a.json?.fields?.photos?.[0], img.what).toMatch(/像素尺寸过大|已损坏/);
        continue;
      }
      const row = await probe.storedRow(`photo: ${img.what}`);
      const photo = await db.selectFrom('report_photo').select(['id', 'public_key', 'public_width']).where('report_id', '=', row.id).executeTakeFirstOrThrow();
      const res = await get(`/staff/photos/${photo.id}`, moderator);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)], img.what).toEqual([0xff, 0xd8, 0xff]);
      if (img.marker) expect(bytes.includes(Buffer.from(img.marker)), `${img.what}: public copy carries no payload`).toBe(false);
    }
  });

  it('refuses a report whose fifth photo is bad as a whole: none of the four good photos is stored', async () => {
    const good = await smallJpeg();
    const files = [1, 2, 3, 4].map((i) => ({ bytes: good, name: `ok-${i}.jpg`, type: 'image/jpeg' }));
    const bomb = (await hostileImages()).find((i) => i.name === 'forged.png')!;
    const { outcome } = await probe.send('four good photos and a bomb', {}, [...files, { bytes: bomb.bytes, name: bomb.name, type: bomb.type }], 'photos');
    expect(outcome).toBe('refused');
    const { outcome: six, a } = await probe.send('six photos', {}, [...files, ...files.slice(0, 2)], 'photos');
    expect(six).toBe('refused');
    expect(visibleText(a)).toContain('最多上传 5 张照片');
  });

  it('names a refused photo safely: control characters dropped, long names shortened, markup kept as text', async () => {
    const junk = Buffer.from('not an image at all');
    const names = [
      '<img data-pwned src=x onerror="window.__pwned=1">.jpg', '../../../../etc/passwd', '..\\..\\windows\\win.ini',
      'IMG\u202Egpj.exe', 'IMG\u0000.jpg', `${'长'.repeat(5000)}.jpg`, 'a"b\'c`d.jpg', '%00%2e%2e%2f.jpg', '\r\nContent-Type: text/html\r\n\r\n<b>x</b>.jpg',
    ];
    for (const name of names) {
      const { a } = await probe.send(`photo named ${name.slice(0, 30)}`, {}, [{ bytes: junk, name, type: 'image/jpeg' }], 'photos');
      expect(a.status).toBe(400);
      const message = a.json?.fields?.photos?.[0] ?? '';
      expect(message).toMatch(/不是支持的图片格式/);
      expect(message).not.toMatch(/[\u0000-\u001F\u202E]/);
      expect([...message].length).toBeLessThan(120);
    }
  });
});

describe('Actions with a JSON body that is not JSON', () => {
  it('answer 400 in Chinese (413 when too large), as JSON from the endpoint and as text from a page, never 5xx', async () => {
    const cases: Array<[string, string, number]> = [
      ['truncated', '{"login":', 400], ['empty', '', 400], ['not json', 'login=moderator', 400], ['lone bracket', '[', 400],
      ['too large', `{"login":"${'x'.repeat(1_100_000)}"}`, 413],
    ];
    for (const [what, body, status] of cases) {
      for (const url of [`${baseUrl}/_actions/staff.login`, `${baseUrl}/staff/login/?_action=staff.login`, `${baseUrl}/_actions/report`]) {
        const res = await postTo(url, body, { headers: { 'Content-Type': 'application/json' } });
        const text = await res.text();
        expect(res.status, `${what} → ${url}`).toBe(status);
        expect(text, `${what} → ${url}`).toMatch(CHINESE);
        expect(text, `${what} → ${url}`).not.toMatch(/SyntaxError|at JSON\.parse|Unexpected end/);
      }
    }
  });
});

describe('the report Action with wrong content types and malformed bodies', () => {
  it('answers every malformed request with a 4xx in Chinese, as JSON and as the form page, storing nothing', async () => {
    const before = await countRows(db);
    const token = await tokens.take();
    const valid = new URLSearchParams(reportFields(token)).toString();
    const boundary = '----hostile';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const manyFields = Array.from({ length: 10_000 }, (_, i) => `f${i}=${i}`).join('&');
    const bodies: Array<[string, string | Uint8Array | undefined, string | undefined]> = [
      ['no body, no type', undefined, undefined],
      ['empty urlencoded', '', 'application/x-www-form-urlencoded'],
      ['text/plain', valid, 'text/plain'],
      ['application/json object', JSON.stringify(reportFields(token)), 'application/json'],
      ['application/json deeply nested', '['.repeat(50_000) + ']'.repeat(50_000), 'application/json'],
      ['application/json truncated', '{"place":', 'application/json'],
      ['application/xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'application/xml'],
      ['multipart without boundary', part('place', 'x'), 'multipart/form-data'],
      ['multipart with the wrong boundary', part('place', 'x') + `--${boundary}--\r\n`, 'multipart/form-data; boundary=other'],
      ['multipart truncated (no closing boundary)', part('form_token', token) + part('place', '蔡村东'), `multipart/form-data; boundary=${boundary}`],
      ['multipart with a part that has no headers', `--${boundary}\r\n\r\nxx\r\n--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`],
      ['multipart with a 70-character boundary', part('place', 'x').replaceAll(boundary, 'b'.repeat(70)) + `--${'b'.repeat(70)}--\r\n`, `multipart/form-data; boundary=${'b'.repeat(70)}`],
      ['multipart with a header-injecting name', `--${boundary}\r\nContent-Disposition: form-data; name="place"\r\nX-Evil: 1\r\n\r\n"\r\n\r\nvalue\r\n--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`],
      ['multipart garbage', new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256)), `multipart/form-data; boundary=${boundary}`],
      ['urlencoded with broken percent escapes', `${valid}&place=%E0%A4%A&description=%ZZ%`, 'application/x-www-form-urlencoded'],
      ['urlencoded with %00 everywhere', valid.replace(/=/g, '=%00'), 'application/x-www-form-urlencoded'],
      ['urlencoded, 10 000 extra fields', `${valid}&${manyFields}`, 'application/x-www-form-urlencoded'],
      ['urlencoded, a 100 KB field name', `${valid}&${'n'.repeat(100_000)}=1`, 'application/x-www-form-urlencoded'],
      ['urlencoded, nested names 1000 deep', `${valid}&a${'[b]'.repeat(1000)}=1&place[0][1]=x`, 'application/x-www-form-urlencoded'],
      ['urlencoded, every field twice', `${valid}&${valid.replace(/place=[^&]*/, 'place=%3Cscript%3E')}`, 'application/x-www-form-urlencoded'],
      ['urlencoded as UTF-16', Buffer.from(valid, 'utf16le') as unknown as Uint8Array, 'application/x-www-form-urlencoded; charset=utf-16'],
      ['urlencoded with an unknown charset', valid, 'application/x-www-form-urlencoded; charset=x-evil'],
    ];
    // Bodies that still carry the whole valid form may be stored (once: the token is the
    // idempotency key); everything else is refused. Either way the rows add up.
    let stored = 0;
    for (const [what, body, type] of bodies) {
      for (const json of [true, false]) {
        count('malformed');
        await clearRateLimits(db, ['report-h', 'report-d']);
        const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
        const a = await answer(postTo(REPORT_URL, body as BodyInit | undefined, { json, headers }));
        const label = `${what} (${json ? 'JSON' : 'page'})`;
        const outcome = expectReceiptOr4xxInChinese(a, label);
        if (outcome === 'refused' && !json) expect(errorSummary(a.text), label).toMatch(CHINESE);
        if (outcome === 'stored') stored = 1;
        expect(await countRows(db), label).toEqual(plus(before, stored, 0));
      }
    }
    // Answers that are not a form at all are always refused.
    for (const [what, body, type] of bodies.slice(0, 14)) {
      const a = await answer(postTo(REPORT_URL, body as BodyInit | undefined, { json: true, headers: type ? { 'Content-Type': type } : {} }));
      expect([400, 409, 413, 415], what).toContain(a.status);
    }
  });
});

describe('/track/ with hostile receipt codes', () => {
  async function track(code: string | undefined, type?: string, raw?: BodyInit): Promise<Answer> {
    count('track');
    const body = raw ?? (code === undefined ? undefined : new URLSearchParams({ code }));
    return answer(postTo(`${baseUrl}/track/`, body, { headers: type ? { 'Content-Type': type } : {} }));
  }

  it('answers every wrong code with 400 or 404 in Chinese, the same way for each, and never 5xx', { timeout: slow(180_000) }, async () => {
    const payloads = [...BAD_RECEIPT_CODES, ...XSS, ...SQL, ...Object.values(UNICODE)];
    for (const [i, code] of payloads.entries()) {
      if (i % 15 === 0) await clearRateLimits(db, ['track']);
      const a = await track(code);
      expect([400, 404], `code ${JSON.stringify(code.slice(0, 40))}`).toContain(a.status);
      expect(errorSummary(a.text)).toMatch(/请输入查询码|没有找到这个查询码/);
      expect(a.res.headers.get('cache-control')).toContain('no-store');
    }
    await clearRateLimits(db, ['track']);
    for (const [what, type, raw] of [
      ['no body', undefined, undefined], ['json', 'application/json', '{"code":"ABCD"}'], ['text', 'text/plain', 'code=x'],
      ['broken multipart', 'multipart/form-data; boundary=x', '--x\r\nbroken'], ['code as a file', undefined, (() => { const f = new FormData(); f.append('code', new Blob(['ABCD']), 'code.txt'); return f; })()],
      ['code twice', 'application/x-www-form-urlencoded', 'code=&code=ABCD-EFGH-JKMN-PQRS-TV'], ['broken percent escape', 'application/x-www-form-urlencoded', 'code=%E0%A4%A'],
    ] as const) {
      const a = await track(undefined, type, raw as BodyInit | undefined);
      expect([400, 404], what).toContain(a.status);
      expect(errorSummary(a.text), what).toMatch(CHINESE);
    }
  });

  it('keeps answering 429 with Retry-After once the limit is reached, whatever the code looks like', async () => {
    await clearRateLimits(db, ['track']);
    for (let i = 0; i < 20; i++) await track(`X${i}`);
    for (const code of [XSS[0]!, SQL[12]!, UNICODE.NUL!, 'X'.repeat(10_000)]) {
      const a = await track(code);
      expect(a.status).toBe(429);
      expect(errorSummary(a.text)).toMatch(/查询次数太多/);
      expect(Number(a.res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    await clearRateLimits(db, ['track']);
  });

  it('never answers 5xx to arbitrary codes (property)', { timeout: slow(180_000) }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.stringMatching(/^[0-9A-Za-z\-Oo ]{16,24}$/)), async (code) => {
        if (n++ % 15 === 0) await clearRateLimits(db, ['track']);
        const a = await track(code);
        return [400, 404, 429].includes(a.status) && CHINESE.test(errorSummary(a.text));
      }),
      { numRuns: runs(60) },
    );
    await clearRateLimits(db, ['track']);
  });
});

describe('the sign-in with hostile input', () => {
  it('refuses SQL, XSS, unicode and over-long logins and passwords with 400, 401 or 429, never signing anyone in', { timeout: slow(180_000) }, async () => {
    const logins = [...SAMPLE(12), ['unicode:NUL', UNICODE.NUL!] as [string, string], ...Object.entries(LONG).map(([k, v]) => [`long:${k}`, v] as [string, string])];
    const passwords = [...sample(SQL.map((p, i) => [`sql#${i}`, p] as [string, string]), 6), ...Object.entries(LONG).map(([k, v]) => [`long:${k}`, v] as [string, string])];
    const cases: Array<[string, Record<string, string>]> = [
      ...logins.map(([l, v]) => [`login ${l}`, { login: v, password: 'whatever-1', next: '/staff/' }] as [string, Record<string, string>]),
      ...passwords.map(([l, v]) => [`password ${l} for admin`, { login: 'admin', password: v, next: '/staff/' }] as [string, Record<string, string>]),
      ...XSS.slice(0, 4).map((v, i) => [`next xss#${i}`, { login: 'nobody', password: 'x', next: v }] as [string, Record<string, string>]),
    ];
    for (const [i, [what, fields]] of cases.entries()) {
      if (i % 4 === 0) await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
      count(categoryOf(what.split(' ')[1]!));
      const a = await answer(postTo(`${baseUrl}/staff/login/?_action=staff.login`, new URLSearchParams(fields)));
      expect([400, 401, 429], `${what}: ${a.status}`).toContain(a.status);
      expect(a.res.headers.getSetCookie().some((c) => c.startsWith('gd_session=') && !/Max-Age=0/i.test(c)), `${what}: no session`).toBe(false);
      expect(errorSummary(a.text), what).toMatch(CHINESE);
    }
    await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
  });

  it('answers malformed sign-in requests with a 4xx in Chinese', async () => {
    for (const [what, body, type] of [
      ['text/plain', 'login=admin', 'text/plain'], ['json', '{"login":"admin"}', 'application/json'], ['broken multipart', '--x\r\nbad', 'multipart/form-data; boundary=x'],
      ['no body', undefined, undefined], ['login as an array', 'login=admin&login=moderator&password=x', 'application/x-www-form-urlencoded'],
    ] as const) {
      count('malformed');
      const a = await answer(postTo(`${baseUrl}/staff/login/?_action=staff.login`, body, { headers: type ? { 'Content-Type': type } : {} }));
      expect(a.status, what).toBeGreaterThanOrEqual(400);
      expect(a.status, what).toBeLessThan(500);
      expect(errorSummary(a.text), what).toMatch(CHINESE);
    }
    await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
  });

  it('says what is wrong with an over-long password in Chinese, not in validator output', async () => {
    await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
    const a = await answer(postTo(`${baseUrl}/staff/login/?_action=staff.login`, new URLSearchParams({ login: 'admin', password: 'x'.repeat(201) })));
    expect(a.status).toBe(400);
    expect(errorSummary(a.text)).not.toMatch(VALIDATOR_NOISE);
  });
});

describe('every staff Action with hostile input', () => {
  let reportId = '';
  let verifyingId = '';
  let targetUserId = '';

  beforeAll(async () => {
    reportId = await insertReport(db, 'submitted', null);
    verifyingId = await insertReport(db, 'verifying', 'xishe');
    // A user of our own for the user-management Actions: the demo accounts stay as they are.
    passwords.set('hostile-target', 'Quiet-river-7394');
    const created = await staffPost('/staff/users/?_action=staff.createUser', new URLSearchParams({ login: 'hostile-target', displayName: '测试对象', role: 'moderator', township: '', password: 'Quiet-river-7394' }), 'admin');
    expect(created.status).toBe(303);
    targetUserId = (await db.selectFrom('staff_user').select('id').where('login', '=', 'hostile-target').executeTakeFirstOrThrow()).id;
  });

  const values = (n = 14): Array<[string, string]> => [...SAMPLE(n), ['long:10 000 characters', LONG['10 000 characters']!]];

  /** [Action, page, signed-in login, fields, fields to fill with each payload] */
  const table = (): Array<[string, string, string, Record<string, string>, string[]]> => [
    ['staff.reply', `/staff/reports/${reportId}/`, 'moderator', { reportId, text: '答复' }, ['text', 'reportId']],
    ['staff.note', `/staff/reports/${reportId}/`, 'moderator', { reportId, text: '备注' }, ['text', 'reportId']],
    ['staff.correct', `/staff/reports/${reportId}/`, 'moderator', { reportId, problemClass: 'house', place: '蔡村北', description: '更正后的情况描述写在这里', reason: '核对现场' }, ['place', 'description', 'reason', 'problemClass']],
    ['staff.linkLedger', `/staff/reports/${reportId}/`, 'moderator', { reportId, externalId: '' }, ['externalId']],
    ['staff.reveal', `/staff/reports/${reportId}/`, 'custodian', { reportId, reason: '需要核实举报地点' }, ['reason']],
    // Valid but for the notes: each payload reaches the state machine (the first success moves the
    // report on, and later ones are refused as a conflict).
    ['staff.workflow', `/staff/reports/${verifyingId}/`, 'township-xishe', { reportId: verifyingId, action: 'recordVerification', found: 'yes', notes: '' }, ['notes', 'found', 'action', 'township', 'measure', 'outcome', 'publicReply', 'reason', 'refusalReason', 'originalReportId']],
    ['staff.workflow', `/staff/reports/${reportId}/`, 'moderator', { reportId, action: 'markDuplicate', originalReportId: '' }, ['originalReportId']],
    ['staff.workflow', `/staff/reports/${reportId}/`, 'moderator', { reportId, action: 'refuse', refusalReason: '' }, ['refusalReason']],
    ['staff.workflow', `/staff/reports/${reportId}/`, 'moderator', { reportId, action: 'assign', township: '' }, ['township']],
    ['staff.createUser', '/staff/users/', 'admin', { login: 'hostile-new', displayName: '测试', role: 'moderator', township: '', password: 'Hostile-pass-2026' }, ['login', 'displayName', 'role', 'township', 'password']],
    ['staff.updateUser', '/staff/users/', 'admin', { userId: targetUserId, role: 'moderator', township: '', active: 'yes' }, ['role', 'township', 'active', 'userId']],
    ['staff.endSessions', '/staff/users/', 'admin', { userId: targetUserId }, ['userId']],
    ['staff.resetCustodianPassword', '/staff/users/', 'admin', { userId: '' }, ['userId']],
    ['staff.confirmCustodianRequest', '/staff/users/', 'admin', { requestId: '' }, ['requestId']],
    ['staff.cancelCustodianRequest', '/staff/users/', 'admin', { requestId: '' }, ['requestId']],
    ['staff.setupCustodian', '/staff/setup/', 'admin', { login: 'nobody', halfA: 'AAAAA-AAAAA', halfB: 'BBBBB-BBBBB', password: 'Quiet-orchard-river-81', confirm: 'Quiet-orchard-river-81' }, ['login', 'halfA', 'halfB', 'password', 'confirm']],
    ['staff.changePassword', '/staff/account/', 'hostile-target', { current: 'wrong', next: 'New-pass-2026-x', confirm: 'New-pass-2026-x' }, ['current', 'next', 'confirm']],
    ['publishing.approve', '/staff/notices/1/', 'moderator', { noticeId: '', reason: '' }, ['noticeId']],
    // A notice that does not exist: a payload must never withdraw a real, published one.
    ['publishing.withdraw', '/staff/notices/1/', 'moderator', { noticeId: '999999999', category: 'correction', reason: '撤回' }, ['noticeId', 'category', 'reason']],
    ['publishing.publishBulletin', '/staff/bulletins/', 'moderator', { id: '' }, ['id']],
    ['ledger.confirm', '/staff/ledger/', 'ledger', { importId: '' }, ['importId']],
    ['ledger.discard', '/staff/ledger/', 'ledger', { importId: '' }, ['importId']],
    ['ledger.claim', '/staff/ledger/', 'township-xishe', { itemId: '', on: '2026-01-01' }, ['itemId']],
    ['ledger.verify', '/staff/ledger/', 'ledger', { itemId: '', on: '2026-01-01' }, ['itemId']],
    ['ledger.edit', '/staff/ledger/', 'ledger', { itemId: '', village: '', totalAreaMu: '1', farmlandAreaMu: '1', permanentBasic: 'no', problemClass: 'house', measure: '', deadline: '', reason: '' }, ['itemId']],
  ];

  it('answers each payload in each field of each Action with a success or a 4xx in Chinese, never 5xx', { timeout: slow(180_000) }, async () => {
    for (const [action, page, login, base, fields] of table()) {
      for (const field of fields) {
        for (const [label, value] of values()) {
          count(categoryOf(label));
          const a = await staffPost(`${page}?_action=${action}`, new URLSearchParams({ ...base, [field]: value }), login);
          expectStaffAnswer(a, `${action} ${field}=${label}`);
        }
      }
    }
    // None of it changed the demo accounts, or withdrew a published notice.
    expect((await db.selectFrom('staff_user').select(['role', 'active']).where('login', '=', 'admin').executeTakeFirstOrThrow())).toEqual({ role: 'admin', active: true });
    expect(await db.selectFrom('case_notice').select('id').where('status', '=', 'withdrawn').where('id', '<=', start.notice).execute()).toEqual([]);
  });

  it('stores hostile text that a staff form accepts verbatim, as text', { timeout: slow(180_000) }, async () => {
    const id = await insertReport(db, 'submitted', null);
    for (const [label, value] of TEXT_PAYLOADS.filter(([l]) => l.startsWith('xss') || l.startsWith('sql'))) {
      const a = await staffPost(`/staff/reports/${id}/?_action=staff.note`, new URLSearchParams({ reportId: id, text: value }), 'moderator');
      if (!value.trim()) continue;
      expect(a.status, label).toBe(303);
      const note = await db.selectFrom('report_note').select('body').where('report_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(note.body, label).toBe(value.trim());
    }
  });

  it('drafts a case notice from hostile text in every field, or refuses it in Chinese, never 5xx', { timeout: slow(180_000) }, async () => {
    const base = {
      title: '蔡村村民违法占用耕地建房案', township: 'caicun', village: '', problemClass: 'house', partyKind: 'person', partyName: '张三',
      totalAreaMu: '1.5', farmlandAreaMu: '1', outcome: 'demolished', accountability: '', body: '经查，村民未经批准在耕地上建房，已责令拆除并复耕。',
    };
    const fields = ['title', 'village', 'partyName', 'totalAreaMu', 'farmlandAreaMu', 'accountability', 'body', 'township', 'problemClass', 'partyKind', 'outcome', 'noticeId', 'sourceReportId'];
    for (const field of fields) {
      for (const [label, value] of values(10)) {
        count(categoryOf(label));
        const f = new URLSearchParams({ ...base, [field]: ['title', 'body'].includes(field) ? pad(value, field === 'body' ? 22 : 5) : value });
        const a = await staffPost('/staff/notices/new/?_action=publishing.saveDraft', f, 'publicity');
        expectStaffAnswer(a, `saveDraft ${field}=${label}`);
      }
    }
    for (const [label, value] of [...values(10), ['bad date', '2026-99-99'], ['leap day that is not', '2026-02-29']] as Array<[string, string]>) {
      for (const part of ['stepDate', 'stepAction', 'stepDetail', 'beforePhotoIds']) {
        count(categoryOf(label));
        const f = new URLSearchParams(base);
        f.append('stepDate', part === 'stepDate' ? value : '2026-01-05');
        f.append('stepAction', part === 'stepAction' ? value : '立案');
        f.append('stepDetail', part === 'stepDetail' ? value : '');
        if (part === 'beforePhotoIds') f.append('beforePhotoIds', value);
        const a = await staffPost('/staff/notices/new/?_action=publishing.saveDraft', f, 'publicity');
        expectStaffAnswer(a, `saveDraft ${part}=${label}`);
      }
    }
    // Every draft that was saved can be previewed: no stored value breaks its page.
    const drafts = await db.selectFrom('case_notice').select('id').where('id', '>', start.notice).execute();
    expect(drafts.length).toBeGreaterThan(10);
    const publicity = await cookieOf('publicity');
    for (const { id } of drafts) expect((await get(`/staff/notices/${id}/`, publicity)).status, `notice ${id}`).toBe(200);
  });

  it('turns hostile ledger files into a preview with Chinese errors, never 5xx', async () => {
    const header = '图斑编号,批次,乡镇,村,总面积（亩）,耕地面积（亩）,永久基本农田,问题类型,整改措施,整改期限';
    const rows = XSS.slice(0, 12).map((p, i) => `"HOSTILE-${i}-${p.replaceAll('"', '""')}",卫片执法 2022年度,蔡村乡,"${p.replaceAll('"', '""')}",1,1,否,乱占耕地建房,拆除复垦,2026-12-31`);
    const files: Array<[string, 'items' | 'geometry', string, Uint8Array | string]> = [
      ['CSV with XSS ids and villages', 'items', 'hostile.csv', [header, ...rows].join('\n')],
      ['CSV with SQL in every cell', 'items', 'sql.csv', [header, SQL.slice(0, 10).map((s) => `"${s.replaceAll('"', '""')}"`).join(',')].join('\n')],
      ['CSV with impossible dates and areas', 'items', 'dates.csv', [header, 'HOSTILE-D1,卫片执法 2022年度,蔡村乡,蔡村,NaN,-1,否,乱占耕地建房,拆除复垦,2026-99-99'].join('\n')],
      ['CSV with a formula', 'items', 'formula.csv', [header, '=cmd|\' /C calc\'!A0,卫片执法 2022年度,蔡村乡,蔡村,1,1,否,乱占耕地建房,拆除复垦,2026-12-31'].join('\n')],
      ['XLSX that is not a zip', 'items', 'junk.xlsx', new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 13) % 256))],
      ['a zip bomb-ish header', 'items', 'bomb.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 200 }, () => 0xff)])],
      ['GeoJSON with NaN coordinates', 'geometry', 'x.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"图斑编号":"<img data-pwned src=x onerror=window.__pwned=1>"},"geometry":{"type":"Polygon","coordinates":[[[1e400,"x"]]]}}]}'],
      ['GeoJSON nested 100 000 deep', 'geometry', 'deep.geojson', '['.repeat(100_000) + ']'.repeat(100_000)],
      ['GeoJSON that is not JSON', 'geometry', 'x.geojson', '{"type":'],
      ['an empty file', 'items', 'empty.csv', ''],
    ];
    const ledger = await cookieOf('ledger');
    for (const [what, kind, name, content] of files) {
      count('ledger-file');
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
      const a = await answer(postTo(`${baseUrl}/staff/ledger/?_action=ledger.upload`, form, { cookie: ledger }));
      expectStaffAnswer(a, what);
      if (a.status === 303) {
        const preview = await get(a.res.headers.get('location')!, ledger);
        expect(preview.status, `${what}: preview`).toBe(200);
        expect(await preview.text()).toMatch(CHINESE);
      }
    }
    expect(await db.selectFrom('ledger_item').select('id').where('external_id', 'like', 'HOSTILE-%').execute(), 'nothing imported before confirmation').toEqual([]);
  });

  it('answers malformed bodies to staff Actions with a 4xx in Chinese, never 5xx', async () => {
    const bodies: Array<[string, string | undefined, string | undefined]> = [
      ['truncated json', '{"reportId":', 'application/json'], ['json', '{"reportId":"1","text":"x"}', 'application/json'],
      ['deep json', '['.repeat(50_000) + ']'.repeat(50_000), 'application/json'], ['broken multipart', '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nx', 'multipart/form-data; boundary=x'],
      ['text/plain', 'reportId=1&text=x', 'text/plain'], ['empty json', '', 'application/json'],
      ['multipart without boundary', 'x', 'multipart/form-data'], ['no body', undefined, undefined], ['xml', '<x/>', 'application/xml'],
      ['broken percent escapes', 'reportId=%E0%A4%A&text=%ZZ', 'application/x-www-form-urlencoded'],
    ];
    for (const [action, page, login] of [['staff.note', `/staff/reports/${reportId}/`, 'moderator'], ['staff.createUser', '/staff/users/', 'admin'], ['publishing.saveDraft', '/staff/notices/new/', 'publicity'], ['ledger.upload', '/staff/ledger/', 'ledger'], ['staff.workflow', `/staff/reports/${reportId}/`, 'moderator']] as const) {
      for (const [what, body, type] of bodies) {
        count('malformed');
        const a = await staffPost(`${page}?_action=${action}`, body as BodyInit, login, type ? { 'Content-Type': type } : {});
        expect(a.status, `${action} ${what}`).toBeGreaterThanOrEqual(400);
        expectStaffAnswer(a, `${action} ${what}`);
      }
      for (const [what, body, type] of bodies.slice(0, 4)) {
        count('malformed');
        const a = await answer(postTo(`${baseUrl}/_actions/${action}`, body, { cookie: await cookieOf(login), headers: type ? { 'Content-Type': type } : {} }));
        expect(a.status, `RPC ${action} ${what}`).toBeGreaterThanOrEqual(400);
        expect(a.status, `RPC ${action} ${what}`).toBeLessThan(500);
      }
    }
  });

  it('refuses NUL and impossible dates in a ledger edit with a 4xx', async () => {
    const item = await db.selectFrom('ledger_item').select(['id', 'village', 'total_area_mu', 'farmland_area_mu', 'problem_class']).orderBy('id').executeTakeFirstOrThrow();
    const base = { itemId: item.id, village: item.village ?? '', totalAreaMu: item.total_area_mu, farmlandAreaMu: item.farmland_area_mu, permanentBasic: 'no', problemClass: item.problem_class, measure: '', deadline: '', reason: '核对' };
    for (const over of [{ village: 'a\u0000' }, { reason: '核\u0000对' }, { deadline: '2026-99-99' }, { deadline: '2026-02-30' }]) {
      const a = await staffPost(`/staff/ledger/items/${item.id}/?_action=ledger.edit`, new URLSearchParams({ ...base, ...over }), 'ledger');
      expect(a.status, JSON.stringify(over)).toBe(400);
      expect(errorSummary(a.text), JSON.stringify(over)).not.toMatch(VALIDATOR_NOISE);
    }
  });

  it('refuses areas out of range in a ledger edit with a clear 4xx, never a numeric overflow', async () => {
    const item = await db.selectFrom('ledger_item').select(['id', 'village', 'total_area_mu', 'farmland_area_mu', 'problem_class']).orderBy('id').executeTakeFirstOrThrow();
    const base = { itemId: item.id, village: item.village ?? '', totalAreaMu: item.total_area_mu, farmlandAreaMu: '0', permanentBasic: 'no', problemClass: item.problem_class, measure: '', deadline: '', reason: '核对' };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ totalAreaMu: '12345678901' }, /总面积不能超过 1000000 亩/],
      [{ totalAreaMu: '99999999999999999999.99' }, /总面积不能超过 1000000 亩/],
      [{ farmlandAreaMu: '1e9' }, /耕地面积请填写数字/],
      [{ totalAreaMu: '-1' }, /总面积不能是负数/],
      [{ totalAreaMu: '1.234' }, /总面积请填写数字，最多两位小数/],
      [{ totalAreaMu: 'NaN' }, /总面积请填写数字/],
    ];
    for (const [over, message] of cases) {
      const a = await staffPost(`/staff/ledger/items/${item.id}/?_action=ledger.edit`, new URLSearchParams({ ...base, ...over }), 'ledger');
      expect(a.status, JSON.stringify(over)).toBe(400);
      expect(errorSummary(a.text), JSON.stringify(over)).toMatch(message);
    }
    const after = await db.selectFrom('ledger_item').select('total_area_mu').where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(after.total_area_mu).toBe(item.total_area_mu);
  });

  it('refuses a rectification date that does not exist with a 4xx', async () => {
    const item = await db.selectFrom('ledger_item').select('id').orderBy('id').executeTakeFirstOrThrow();
    const a = await staffPost(`/staff/ledger/items/${item.id}/?_action=ledger.verify`, new URLSearchParams({ itemId: item.id, on: '2026-02-30' }), 'ledger');
    expect(a.status).toBe(400);
    expect(errorSummary(a.text)).toContain('不是一个真实的日期');
  });

  it('refuses verification dates before the oldest problem in scope or in the future, in words', async () => {
    const item = await db.selectFrom('ledger_item').select('id').where('claimed_rectified_on', 'is not', null).where('verified_rectified_on', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    for (const on of ['2017-12-31', '1970-01-01', '2999-01-01']) {
      const a = await staffPost(`/staff/ledger/items/${item.id}/?_action=ledger.verify`, new URLSearchParams({ itemId: item.id, on }), 'ledger');
      expect(a.status, on).toBe(400);
      expect(errorSummary(a.text), on).toContain('不能晚于今天，也不能早于 2018-01-01');
    }
  });

  it('explains refused user-management input in Chinese, not in validator output', async () => {
    const a = await staffPost('/staff/users/?_action=staff.updateUser', new URLSearchParams({ userId: 'abc', role: 'moderator', township: '', active: 'yes' }), 'admin');
    expect(a.status).toBe(400);
    expect(errorSummary(a.text)).not.toMatch(VALIDATOR_NOISE);
  });
});

describe('query strings of public and staff pages', () => {
  const ENDPOINTS: Array<[string, string[], string | undefined]> = [
    ['/cases/', ['township', 'class', 'page'], undefined],
    ['/progress/data.json', ['batch', 'township'], undefined],
    ['/open-data/notices.json', ['q'], undefined],
    ['/staff/', ['status', 'class', 'township', 'from', 'to', 'overdue', 'photos'], 'moderator'],
    ['/staff/queue-points.json', ['status', 'class', 'township', 'from', 'to'], 'moderator'],
    ['/staff/audit/', ['actor', 'action', 'report', 'from', 'to', 'before'], 'admin'],
    ['/staff/ledger/', ['q', 'batch', 'township', 'status', 'page'], 'ledger'],
    ['/staff/notices/new/', ['from'], 'publicity'],
    ['/staff/login/', ['next', 'signed_out'], undefined],
  ];

  it('answers hostile query values with a page or a 4xx, never 5xx', { timeout: slow(180_000) }, async () => {
    const vals: Array<[string, string]> = [...SAMPLE(6), ['dates', '2026-13-45'], ['dates', '0000-00-00'], ['dates', '2026-02-30'], ['dates', '99999-01-01'], ['numbers', '-1'], ['numbers', '1e400'], ['numbers', '99999999999999999999'], ['long', 'x'.repeat(8000)]];
    for (const [path, params, login] of ENDPOINTS) {
      const cookie = login ? await cookieOf(login) : undefined;
      for (const param of params) {
        for (const [label, value] of vals) {
          count(categoryOf(label));
          const res = await get(`${path}?${new URLSearchParams({ [param]: value })}`, cookie);
          expect(res.status, `${path}?${param}=${label}`).toBeLessThan(500);
          await res.arrayBuffer();
        }
      }
    }
  });

  it('answers hostile ids in paths with 404, never 5xx', async () => {
    const cookie = await cookieOf('moderator');
    const ids = ["1'", '1 OR 1=1', '-1', '0', '1.5', '1e3', '99999999999999999999', '9223372036854775808', '%00', '%E0%A4%A', encodeURIComponent(XSS[2]!), '..%2f..%2fetc%2fpasswd', 'ＡＢＣ'];
    for (const id of ids) {
      for (const [path, who] of [['/staff/reports/', cookie], ['/staff/photos/', cookie], ['/staff/notice-photos/', cookie], ['/staff/notices/', await cookieOf('publicity')], ['/staff/ledger/items/', await cookieOf('ledger')], ['/staff/ledger/imports/', await cookieOf('ledger')], ['/cases/', undefined], ['/cases/photos/', undefined], ['/progress/bulletins/', undefined], ['/law/', undefined], ['/policies/', undefined], ['/open-data/', undefined]] as const) {
        count('path');
        const res = await get(`${path}${id}${path.endsWith('photos/') ? '' : '/'}`, who);
        expect([400, 404], `${path}${id}`).toContain(res.status);
        await res.arrayBuffer();
      }
    }
  });

  it('never answers 5xx to arbitrary /cases/ filters (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 30 }), async (township, klass, page) => {
        count('property');
        const res = await get(`/cases/?${new URLSearchParams({ township, class: klass, page })}`);
        await res.arrayBuffer();
        return res.status < 500;
      }),
      { numRuns: runs(40) },
    );
  });

  it('answers an impossible date or a NUL in the audit log filter with a page, not 5xx', async () => {
    const admin = await cookieOf('admin');
    for (const q of ['from=2026-13-45', 'to=2026-02-30', 'actor=a%00b']) expect((await get(`/staff/audit/?${q}`, admin)).status, q).toBeLessThan(500);
  });

  it('answers a NUL in the ledger search with a page, not 5xx', async () => {
    expect((await get('/staff/ledger/?q=a%00b', await cookieOf('ledger'))).status).toBeLessThan(500);
  });

  it('answers a forged queue cursor with the first page, not 5xx', async () => {
    const after = Buffer.from('1|5').toString('base64url');
    expect((await get(`/staff/?after=${after}`, await cookieOf('moderator'))).status).toBeLessThan(500);
  });
});

describe('arbitrary input into every report field (property)', () => {
  it('is answered with a receipt or a 4xx in Chinese, and a refusal stores nothing', { timeout: slow(180_000) }, async () => {
    const field = (valid: string) =>
      fc.oneof({ weight: 3, arbitrary: fc.constant(valid) }, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom(...XSS, ...SQL, ...Object.values(UNICODE)));
    const base = reportFields('');
    const arb = fc.record(Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'form_token').map(([k, v]) => [k, field(k === 'description' ? '蔡村东边的耕地被推平了，堆了很多砖' : v)])) as Record<string, fc.Arbitrary<string>>);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (over) => {
        await probe.send(`property run ${n++}`, over, [], 'property');
        return true;
      }),
      { numRuns: runs(40) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Stored payloads shown in Chromium

describe('stored payloads in the staff pages in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function contextAs(login?: string, javaScriptEnabled = true): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled });
    // By host only: a payload's "evil.example" in our own page's query string must not abort the page.
    await context.route((url) => /(^|\.)(tile\.openstreetmap\.org|tianditu\.gov\.cn|evil\.example)$/.test(url.hostname), (route) => route.abort());
    if (login) {
      const value = (await cookieOf(login)).slice('gd_session='.length);
      await context.addCookies([{ name: 'gd_session', value, url: baseUrl }]);
    }
    return context;
  }

  /** Records the page's dialogs; the check it returns asserts that no payload ran: no dialog, window.__pwned unset, no injected element. */
  function watchForPayloads(page: Page): (label: string) => Promise<void> {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return async (label) => {
      expect(dialogs, `${label}: dialogs`).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `${label}: window.__pwned`).toBeUndefined();
      expect(await page.locator('[data-pwned]').count(), `${label}: injected elements`).toBe(0);
    };
  }

  /** Opens a page and checks: no dialog, window.__pwned unset, no injected element, no CSP report. */
  async function visit(context: BrowserContext, path: string, mustShow?: string): Promise<void> {
    count('rendered');
    const page = await context.newPage();
    const expectNoPayloadRan = watchForPayloads(page);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      const res = await page.goto(baseUrl + path, { waitUntil: 'load' });
      expect(res?.status(), path).toBeLessThan(500);
      await page.waitForTimeout(100);
      await expectNoPayloadRan(path);
      expect(problems, `${path}: CSP reports and script errors`).toEqual([]);
      if (mustShow) expect((await page.locator('body').innerText()).replace(/\s+/g, ' '), `${path} shows the payload as text`).toContain(mustShow.replace(/\s+/g, ' ').trim());
    } finally {
      await page.close();
    }
  }

  it('runs no script on the queue and the report pages', { timeout: slow(240_000) }, async () => {
    const context = await contextAs('moderator');
    try {
      for (const path of ['/staff/?township=caicun', '/staff/?township=caicun&status=submitted']) await visit(context, path);
      for (const [i, p] of sample([...XSS.entries()], 5)) {
        const row = await probe.storedRow(`xss#${i}`);
        await visit(context, `/staff/reports/${row.id}/`, pad(p).trim());
      }
    } finally {
      await context.close();
    }
  });

  it('runs no script when a custodian reveals a name that is an XSS payload', async () => {
    const row = await probe.storedRow('xss#2');
    const context = await contextAs('custodian');
    const page = await context.newPage();
    const expectNoPayloadRan = watchForPayloads(page);
    try {
      await page.goto(`${baseUrl}/staff/reports/${row.id}/`);
      await page.fill('#reveal-reason', '核实举报地点（安全测试）');
      await page.getByRole('button', { name: '查看身份' }).click();
      await page.waitForSelector('.identity');
      expect(await page.locator('.identity').innerText()).toContain(XSS[2]!.slice(0, 50));
      await expectNoPayloadRan('identity reveal');
    } finally {
      await context.close();
    }
  });

  it('runs no script in the audit log, the user list, the notice previews and the ledger import preview', { timeout: slow(240_000) }, async () => {
    // Payloads that reach these pages: failed sign-ins (target login:<typed>), reveal reasons,
    // a user whose display name is a payload, notice drafts, a ledger file.
    await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
    for (const p of sample(XSS, 4)) await postTo(`${baseUrl}/staff/login/?_action=staff.login`, new URLSearchParams({ login: p.slice(0, 64), password: 'x' }));
    await clearRateLimits(db, ['login-p', 'login-a', 'login-c']);
    const reportId = (await probe.storedRow('xss#3')).id;
    for (const p of sample(XSS, 4)) await staffPost(`/staff/reports/${reportId}/?_action=staff.reveal`, new URLSearchParams({ reportId, reason: pad(p, 4) }), 'custodian');
    for (const [i, p] of sample(XSS, 2).entries()) {
      await staffPost('/staff/users/?_action=staff.createUser', new URLSearchParams({ login: `hostile-xss-${i}`, displayName: p.slice(0, 40), role: 'moderator', township: '', password: 'Hostile-pass-2026' }), 'admin');
    }
    const noticeIds: string[] = [];
    for (const p of sample(XSS, 2)) {
      const f = new URLSearchParams({ title: pad(p, 5).slice(0, 100), township: 'caicun', village: p.slice(0, 40), problemClass: 'house', partyKind: 'person', partyName: p.slice(0, 60), totalAreaMu: '1', farmlandAreaMu: '1', outcome: 'demolished', accountability: p, body: pad(p, 22) });
      f.append('stepDate', '2026-01-05');
      f.append('stepAction', p);
      f.append('stepDetail', p);
      const a = await staffPost('/staff/notices/new/?_action=publishing.saveDraft', f, 'publicity');
      expect(a.status, p).toBe(303);
      noticeIds.push(/notices\/(\d+)\//.exec(a.res.headers.get('location')!)![1]!);
    }
    const header = '图斑编号,批次,乡镇,村,总面积（亩）,耕地面积（亩）,永久基本农田,问题类型,整改措施,整改期限';
    const csv = [header, ...XSS.slice(0, 10).map((p, i) => `"X-${i}-${p.replaceAll('"', '""')}",卫片执法 2022年度,蔡村乡,"${p.replaceAll('"', '""')}",1,x,否,"${p.replaceAll('"', '""')}",拆除复垦,2026-12-31`)].join('\n');
    const form = new FormData();
    form.append('kind', 'items');
    form.append('file', new Blob([csv]), `${XSS[2]}.csv`);
    const upload = await answer(postTo(`${baseUrl}/staff/ledger/?_action=ledger.upload`, form, { cookie: await cookieOf('ledger') }));
    expect(upload.status).toBe(303);

    const admin = await contextAs('admin');
    try {
      await visit(admin, '/staff/audit/?action=auth.login_failed');
      await visit(admin, '/staff/audit/?action=identity.reveal');
      await visit(admin, '/staff/users/');
      for (const p of sample(XSS, 1)) await visit(admin, `/staff/audit/?${new URLSearchParams({ actor: p, report: p })}`);
    } finally {
      await admin.close();
    }
    const publicity = await contextAs('publicity');
    try {
      for (const id of noticeIds) await visit(publicity, `/staff/notices/${id}/`);
      await visit(publicity, '/staff/notices/');
    } finally {
      await publicity.close();
    }
    const ledger = await contextAs('ledger');
    try {
      await visit(ledger, upload.res.headers.get('location')!);
      for (const p of sample(XSS, 1)) await visit(ledger, `/staff/ledger/?${new URLSearchParams({ q: p.slice(0, 40) })}`);
    } finally {
      await ledger.close();
    }
  });

  it('runs no script when a public reply with a payload is shown on /track/, or a payload is typed as the code', { timeout: slow(120_000) }, async () => {
    const code = probe.stored.get('xss#4')!;
    const row = await probe.storedRow('xss#4');
    const reply = await staffPost(`/staff/reports/${row.id}/?_action=staff.reply`, new URLSearchParams({ reportId: row.id, text: `${XSS[4]} ${XSS[2]}` }), 'moderator');
    expect(reply.status).toBe(303);
    await clearRateLimits(db, ['track']);
    const context = await contextAs();
    try {
      for (const typed of [formatReceiptCode(code), ...sample(XSS, 2)]) {
        count('rendered');
        const page = await context.newPage();
        const expectNoPayloadRan = watchForPayloads(page);
        await page.goto(`${baseUrl}/track/`);
        await page.fill('#code', typed);
        await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '查询' }).click()]);
        await page.waitForTimeout(100);
        if (typed === formatReceiptCode(code)) expect(await page.locator('main').innerText()).toContain('data-pwned');
        await expectNoPayloadRan(typed);
        await page.close();
      }
    } finally {
      await context.close();
    }
  });

  it('runs no script when the report form comes back with payloads in its values and its error messages', { timeout: slow(180_000) }, async () => {
    for (const scripts of ['without the page script', 'with the page script'] as const) {
      const context = await contextAs();
      // Without the page's own script the form posts natively and the server renders the values.
      if (scripts === 'without the page script') await context.route(/\/_astro\/.*\.js$/, (route) => route.abort());
      try {
        for (const p of sample(XSS, 2)) {
          count('rendered');
          const page = await context.newPage();
          const expectNoPayloadRan = watchForPayloads(page);
          await page.goto(`${baseUrl}/report/`);
          await page.selectOption('#township', 'caicun');
          // A village that is not in the list: its name comes back inside the error message.
          await page.evaluate((v) => {
            const select = document.getElementById('village') as HTMLSelectElement;
            const option = document.createElement('option');
            option.value = v;
            option.textContent = 'x';
            select.append(option);
            select.value = v;
          }, p);
          await page.fill('#place', p.slice(0, 200));
          await page.fill('#description', p);
          await page.fill('#name', p.slice(0, 50));
          await page.setInputFiles('#photos', { name: `${p}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from('not an image') });
          await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-submit]')]);
          await page.waitForLoadState('load');
          await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
          await page.waitForTimeout(100);
          expect(await page.locator('#error-summary').innerText(), p).toContain('没有');
          await expectNoPayloadRan(p);
          await page.close();
        }
      } finally {
        await context.close();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Security headers on every kind of response

describe('security headers', () => {
  function expectSecurityHeaders(res: Response, what: string): void {
    const h = res.headers;
    expect(h.get('x-content-type-options'), what).toBe('nosniff');
    expect(h.get('referrer-policy'), what).toMatch(/^(strict-origin-when-cross-origin|no-referrer|same-origin|strict-origin)$/);
    expect(h.get('permissions-policy'), what).toMatch(/camera=\(\)/);
    const csp = h.get('content-security-policy') ?? '';
    expect(csp, `${what}: CSP`).toMatch(/default-src 'self'/);
    expect(csp, `${what}: CSP`).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes/);
    expect(csp, `${what}: CSP script-src`).not.toMatch(/script-src[^;]*(\*|data:|http:)/);
    const framing = h.get('x-frame-options') === 'DENY' || /frame-ancestors 'none'/.test(csp);
    expect(framing, `${what}: frame-ancestors or X-Frame-Options`).toBe(true);
    expect(csp, `${what}: frame-ancestors`).toMatch(/frame-ancestors 'none'/);
    expect(h.get('x-frame-options'), what).toBe('DENY');
  }

  it('are on SSR pages, prerendered pages, static files, JSON and CSV endpoints, redirects and every error answer', async () => {
    const home = await (await fetch(`${baseUrl}/report/`)).text();
    const assets = [...home.matchAll(/\/_astro\/[^"']+\.(?:js|css)/g)].map((m) => m[0]).slice(0, 4);
    expect(assets.length).toBeGreaterThan(0);
    const paths: Array<[string, number | null, RequestInit?]> = [
      ['/', 200], ['/report/', 200], ['/track/', 200], ['/cases/', 200], ['/progress/', 200], ['/staff/login/', 200],
      ['/law/', 200], ['/law/non-grain/', 200], ['/policies/', 200], ['/policies/hejin-2023/', 200],
      ['/favicon.svg', 200], ...assets.map((a) => [a, 200] as [string, number]),
      ['/progress/data.json', 200], ['/progress/data.csv', 200], ['/open-data/notices.json', 200], ['/open-data/notices.csv', 200], ['/api/health', 200], ['/cases/rss.xml', 200], ['/sitemap-index.xml', 200],
      ['/staff/', 303], ['/staff/queue-points.json', 401], ['/staff/photos/1', 401],
      ['/no-such-page', 404], ['/cases/999999/', 404], ['/_astro/nope.js', 404], ['/500', 500],
      [`/report/?_action=report`, 400, { method: 'POST', headers: { Origin: baseUrl, Accept: 'application/json' } }],
      [`/report/?_action=report`, 403, { method: 'POST', headers: { Origin: 'https://evil.example' } }],
      ['/track/', 400, { method: 'POST', headers: { Origin: baseUrl, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'code=' }],
      ['/_actions/staff.note', 415, { method: 'POST', headers: { Origin: baseUrl, 'Content-Type': 'text/plain' }, body: 'x' }],
    ];
    for (const [path, status, init] of paths) {
      count('headers');
      const res = await fetch(baseUrl + path, { redirect: 'manual', ...init });
      if (status !== null) expect(res.status, path).toBe(status);
      expectSecurityHeaders(res, `${init?.method ?? 'GET'} ${path}`);
      await res.arrayBuffer();
    }
  });

  it('explains a refused Action call in Chinese, even one Astro refuses before the handler', async () => {
    const res = await fetch(`${baseUrl}/_actions/staff.note`, { method: 'POST', headers: { Origin: baseUrl, 'Content-Type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toMatch(CHINESE);
  });

  describe('from an app whose database is gone or broken', () => {
    let down: AppProcess;
    let broken: AppProcess;
    beforeAll(async () => {
      // 503: nothing listens where the database should be.
      down = await startServeOnly({ DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' });
      // 500: a reachable database without the app's tables (the server's own maintenance database).
      const admin = new URL(process.env.TEST_ADMIN_DATABASE_URL ?? process.env.E2E_DATABASE_URL!);
      admin.pathname = '/postgres';
      broken = await startServeOnly({ DATABASE_URL: admin.toString() });
    });
    afterAll(async () => {
      await down?.stop();
      await broken?.stop();
    });

    it('carry the same headers on the 503 and the 500 page', async () => {
      for (const path of ['/', '/cases/', '/progress/data.json']) {
        const res = await fetch(down.url + path);
        expect(res.status, `down ${path}`).toBe(503);
        expectSecurityHeaders(res, `503 ${path}`);
        await res.arrayBuffer();
      }
      const res = await fetch(`${broken.url}/cases/`);
      expect(res.status).toBe(500);
      expect(await res.text()).toMatch(CHINESE);
      expectSecurityHeaders(res, '500 /cases/');
    });
  });
});

describe('the corpus', () => {
  it('sent at least 500 hostile inputs', () => {
    const total = Object.values(tally).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(500);
  });
});
