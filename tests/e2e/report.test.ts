import { chinaToday } from '../../src/shared/china-time.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { sql } from 'kysely';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LngLat } from '../../src/config/types.ts';
import { distanceMetres } from '../../src/domain/places/geo.ts';
import { createDb } from '../../src/server/db.ts';
import { hashReceiptCode, normalizeReceiptCode, withCheck } from '../../src/domain/reports/receipt-code.ts';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { phoneJpeg } from '../support/photos.ts';
import { startServeOnly, type AppProcess } from './app-process.ts';
import { baseUrl, describeViolations, runAxe, useBrowser, watchedPage } from './browser.ts';

const db = createDb(process.env.E2E_DATABASE_URL!, { max: 2 });
afterAll(() => db.destroy());
const { browser } = useBrowser();

/** The app runs with REPORT_MIN_FILL_SECONDS=1 (tests/support/test-app.ts); wait a little longer than that. */
const MIN_FILL_MS = 1200;
const ACTION_URL = `${baseUrl}/report/?_action=report`;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } satisfies BrowserContextOptions;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Every request here comes from 127.0.0.1, so every test starts with fresh rate-limit counters.
beforeEach(async () => {
  await db.deleteFrom('rate_limit').where('bucket', 'in', ['report-h', 'report-d', 'track']).execute();
});

// ---------------------------------------------------------------------------------------------
// Browser plumbing

interface Opened {
  context: BrowserContext;
  page: Page;
  /** CSP violations and script errors. */
  problems: string[];
  loadedAt: number;
}

async function open(path: string, options: BrowserContextOptions = {}, url = baseUrl): Promise<Opened> {
  const { context, page, problems } = await watchedPage(browser(), options);
  await page.goto(new URL(path, url).href, { waitUntil: 'load' });
  return { context, page, problems, loadedAt: Date.now() };
}

async function waitMinFill(opened: Opened): Promise<void> {
  const left = opened.loadedAt + MIN_FILL_MS - Date.now();
  if (left > 0) await sleep(left);
}

/** Whether an element on the map lies wholly inside the map's visible box. */
async function inMapView(page: Page, el: import('playwright-core').Locator): Promise<boolean> {
  const map = (await page.locator('#report-map').boundingBox())!;
  const box = (await el.boundingBox())!;
  return box.x >= map.x && box.y >= map.y && box.x + box.width <= map.x + map.width && box.y + box.height <= map.y + map.height;
}

/** Fills what every valid report needs (without location and photos). */
async function fillBasics(page: Page, { description = '有人在麦地里打地基，已经砌了半人高的墙。' } = {}): Promise<void> {
  await page.check('#problem_class-house');
  await page.fill('#place', '姚村东头水泥路南侧，加油站往北 200 米');
  await page.fill('#seen_on', chinaToday());
  await page.fill('#description', description);
  await page.fill('#name', '王小明');
  await page.fill('#phone', '138 0000 1111');
  await page.check('#consent');
}

async function axeClean(page: Page, what: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

/**
 * The error summary sits right under the page heading, before the form, has focus, and each of
 * its links points at an element that exists. Locator queries only, so it works with JavaScript off.
 */
async function checkErrorSummary(page: Page): Promise<string[]> {
  await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
  expect(await page.locator('h1 + #error-summary').count(), 'error summary directly under the heading').toBe(1);
  expect(await page.locator('#error-summary ~ #report-form').count(), 'error summary before the form').toBe(1);
  expect(await page.getAttribute('#error-summary', 'role')).toBe('alert');
  await expect.poll(() => page.locator('#error-summary:focus').count(), { message: 'the error summary has focus' }).toBe(1);
  const hrefs: string[] = [];
  for (const link of await page.locator('#error-summary a').all()) hrefs.push((await link.getAttribute('href'))!);
  for (const href of hrefs) {
    expect(href, 'links are in-page').toMatch(/^#[\w-]+$/);
    expect(await page.locator(href).count(), `${href} exists`).toBe(1);
  }
  return hrefs;
}

async function reportByCode(code: string) {
  const canonical = normalizeReceiptCode(code);
  expect(canonical, `receipt code ${code}`).not.toBeNull();
  return db.selectFrom('report').selectAll().where('receipt_hash', '=', hashReceiptCode(canonical!)).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing (what a browser does, by hand)

async function freshToken(url = baseUrl): Promise<string> {
  const html = await (await fetch(`${url}/report/`)).text();
  const token = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
  expect(token).toBeTruthy();
  return token!;
}

function reportFields(token: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    form_token: token, problem_class: 'paving', township: 'zhaidian', village: '南里村', place: '南里村北，307 国道边',
    lat: '', lng: '', coord_system: 'wgs84', location_source: 'manual', seen_on: chinaToday(),
    description: '耕地上倒了十几车建筑垃圾，还在继续倒。', name: '', phone: '', consent: 'yes', website: '', ...over,
  };
}

function multipart(fields: Record<string, string>, photos: Array<{ bytes: Buffer; name: string; type: string }> = []): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (photos.length === 0) form.append('photos', new Blob([]), '');
  for (const p of photos) form.append('photos', new Blob([new Uint8Array(p.bytes)], { type: p.type }), p.name);
  return form;
}

async function post(body: BodyInit, { json = false, headers = {}, url = ACTION_URL }: { json?: boolean; headers?: Record<string, string>; url?: string } = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { Origin: new URL(url).origin, ...(json ? { Accept: 'application/json' } : {}), ...headers },
  });
}

/** A POST over node:http with a given agent, so a test can see which connection carried it. */
async function rawPost(agent: http.Agent, request: Request, headers: Record<string, string>): Promise<{ status: number; body: string; socket: unknown }> {
  const bytes = Buffer.from(await request.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = http.request(request.url, { method: 'POST', agent, headers: { ...headers, 'Content-Type': request.headers.get('content-type')!, 'Content-Length': String(bytes.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** Just enough of a cookie jar: set, overwrite, and delete on Max-Age=0 or a past Expires. */
class CookieJar {
  private cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.split('=').map((s) => s.trim());
        return (/^max-age$/i.test(k!) && Number(v) <= 0) || (/^expires$/i.test(k!) && Date.parse(v!) < Date.now());
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function trackLookup(code: string, url = baseUrl): Promise<{ status: number; html: string; res: Response }> {
  const res = await post(new URLSearchParams({ code }), { url: `${url}/track/` });
  return { status: res.status, html: await res.text(), res };
}

/** The visible text of <main>, without the echo of what was typed into the code box. */
function mainText(html: string): string {
  const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html;
  return main
    .replace(/<input[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------

describe('reporting with JavaScript on a phone', () => {
  it('places a pin on the map, pre-selects the township, uploads a photo and shows a receipt that /track/ accepts', async () => {
    const o = await open('/report/', PHONE);
    try {
      const { page } = o;
      await expect.poll(() => page.locator('#report-map').isVisible()).toBe(true);
      await expect.poll(() => page.locator('#report-map path.leaflet-interactive').count()).toBeGreaterThan(0);
      expect(await page.locator('.township-label').count()).toBe(jurisdiction.townships.length);
      await axeClean(page, 'the report form');

      // A tap on the map, a little north-east of its centre.
      const box = (await page.locator('#report-map').boundingBox())!;
      await page.locator('#report-map').click({ position: { x: box.width / 2 + 30, y: box.height / 2 - 20 } });
      await expect.poll(() => page.inputValue('#lat')).not.toBe('');
      const pin: LngLat = [Number(await page.inputValue('#lng')), Number(await page.inputValue('#lat'))];
      const nearest = [...jurisdiction.townships].sort((a, b) => distanceMetres(pin, a.lngLat) - distanceMetres(pin, b.lngLat))[0]!;
      expect(await page.inputValue('#township')).toBe(nearest.code);
      await expect.poll(() => page.locator('[data-locate-status]').textContent()).toContain(`已按位置选择“${nearest.name}”`);
      expect(await page.inputValue('[data-location-source]')).toBe('map');
      expect(await page.locator('.leaflet-marker-icon').count()).toBe(1);

      await fillBasics(page);
      const photo = await phoneJpeg({ lng: 110.975, lat: 35.598, takenAt: '2026:11:02 16:45:10' });
      await page.setInputFiles('#photos', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
      await waitMinFill(o);
      expect(await page.locator('#upload-progress').isVisible(), 'upload progress is offered with JavaScript').toBe(true);

      const response = page.waitForResponse((r) => r.url().includes('_action=report') && r.request().method() === 'POST');
      await page.click('[data-submit]');
      expect((await response).status()).toBe(200);
      await page.waitForURL('**/report/receipt/');
      expect(page.url()).toBe(`${baseUrl}/report/receipt/`);

      const shown = (await page.textContent('#receipt-code'))!.trim();
      expect(shown).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]{2}$/);
      await o.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
      await page.click('button[data-copy="receipt-code"]');
      await expect.poll(() => page.textContent('[data-copy-status]')).toContain('已复制');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
      expect(await page.evaluate(() => localStorage.getItem('gengdi-report-draft'))).toBeNull();
      await axeClean(page, 'the receipt page');
      expect(o.problems).toEqual([]);

      // Shown once: a reload no longer has it.
      await page.reload();
      expect(await page.textContent('h1')).toBe('查询码只显示一次');
      expect(await page.content()).not.toContain(shown);

      await page.goto(`${baseUrl}/track/`);
      await page.fill('#code', shown.toLowerCase());
      await Promise.all([page.waitForURL('**/track/'), page.click('form button[type=submit]')]);
      expect(await page.textContent('h1')).toBe('举报办理进度');
      expect(await page.textContent('main')).toContain('已提交');
      expect(await page.textContent('main')).toContain(nearest.name);
      expect(await page.textContent('main')).not.toContain('王小明');

      const row = await reportByCode(shown);
      expect(row).toBeDefined();
      expect(row!.location_source).toBe('map');
      expect(row!.lng).toBeCloseTo(pin[0], 6);
      expect(row!.lat).toBeCloseTo(pin[1], 6);
      expect(row!.township).toBe(nearest.code);
      expect(row!.photo_count).toBe(1);
      expect(row!.reporter_name_enc).toBeInstanceOf(Buffer);
      expect(row!.reporter_name_enc!.includes(Buffer.from('王小明'))).toBe(false);
      expect(row!.reporter_name_enc!.length).toBe(29 + Buffer.byteLength('王小明'));
      expect(row!.reporter_phone_enc!.includes(Buffer.from('13800001111'))).toBe(false);
      expect(row!.reporter_phone_enc!.length).toBe(29 + '13800001111'.length);
      const photos = await db.selectFrom('report_photo').selectAll().where('report_id', '=', row!.id).execute();
      expect(photos).toHaveLength(1);
      expect(photos[0]!.exif_lng).toBeCloseTo(110.975, 5);
      expect(photos[0]!.exif_lat).toBeCloseTo(35.598, 5);
      expect(new Date(photos[0]!.exif_taken_at!).toISOString()).toBe('2026-11-02T08:45:10.000Z');
      expect(photos[0]!.original_mime).toBe('image/jpeg');
      const events = await db.selectFrom('report_event').select('state').where('report_id', '=', row!.id).execute();
      expect(events.map((e) => e.state)).toEqual(['submitted']);
    } finally {
      await o.context.close();
    }
  });

  it('offers the photo’s own GPS as the location, marked on the map, and takes it only when asked', async () => {
    const o = await open('/report/', PHONE);
    try {
      const { page } = o;
      await page.setInputFiles('#photos', { name: 'IMG_2042.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg({ lng: 111.06, lat: 35.58 }) });
      await expect.poll(() => page.locator('[data-locate-status]').textContent()).toContain('照片带有位置，使用它？');
      const spot = page.locator('#report-map path.photo-position');
      expect(await spot.count()).toBe(1);
      expect(await inMapView(page, spot)).toBe(true);
      expect(await page.inputValue('#lat'), 'nothing is taken without asking').toBe('');
      const use = page.getByRole('button', { name: '使用照片的位置' });
      await use.click();
      expect(Number(await page.inputValue('#lng'))).toBeCloseTo(111.06, 5);
      expect(Number(await page.inputValue('#lat'))).toBeCloseTo(35.58, 5);
      expect(await page.inputValue('#township')).toBe('zhaidian');
      expect(o.problems).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('使用我的位置 zooms to the pin and keeps it in view, and the township follows it', async () => {
    const o = await open('/report/', { ...PHONE, geolocation: { longitude: 110.995, latitude: 35.552, accuracy: 12 }, permissions: ['geolocation'] });
    try {
      const { page } = o;
      await page.click('[data-locate]');
      await expect.poll(() => page.inputValue('#lat')).not.toBe('');
      const marker = page.locator('#report-map .leaflet-marker-icon');
      expect(await marker.count()).toBe(1);
      // Let any move finish, then check the pin sits inside the visible map.
      await page.waitForTimeout(600);
      expect(await inMapView(page, marker)).toBe(true);
      expect(await page.inputValue('#township')).toBe('taiyang');
      await expect.poll(() => page.locator('[data-locate-status]').textContent()).toContain('已定位');
      // The citizen can still change what the pin chose.
      await page.selectOption('#township', 'jifeng');
      expect(await page.inputValue('#township')).toBe('jifeng');
      expect(o.problems).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('speaks Chinese in the map controls', async () => {
    const o = await open('/report/', PHONE);
    try {
      const { page } = o;
      await expect.poll(() => page.locator('#report-map').isVisible()).toBe(true);
      expect(await page.locator('.leaflet-control-zoom-in').getAttribute('title')).toBe('放大');
      expect(await page.locator('.leaflet-control-zoom-out').getAttribute('title')).toBe('缩小');
      expect(await page.locator('.leaflet-control-attribution').innerText()).toContain('地图组件');
    } finally {
      await o.context.close();
    }
  });

  it('offers to correct coordinates copied from 高德 (GCJ-02) and then accepts them', async () => {
    const o = await open('/report/', PHONE);
    try {
      const { page } = o;
      await page.click('[data-coordinates] summary');
      // 0.002° inside the east edge in WGS-84; its GCJ-02 form lies outside the county.
      await page.fill('#lat', '35.6000000');
      await page.fill('#lng', '111.1620000');
      await page.press('#lng', 'Tab');
      const fix = page.getByRole('button', { name: '按高德、微信坐标纠正' });
      await fix.click();
      expect(await page.isChecked('#coord_system-gcj02')).toBe(true);
      expect(await page.textContent('[data-gcj-hint]')).toContain('提交时会自动纠正');
    } finally {
      await o.context.close();
    }
  });
});

describe('a form left open too long', () => {
  it('fetches a fresh form token after the “form expired” answer, so the next submit goes through', async () => {
    const o = await open('/report/', PHONE);
    try {
      const { page } = o;
      await fillBasics(page);
      await page.selectOption('#township', 'xishe');
      // As if the tab had been open for days: a token this server no longer accepts.
      const stale = `${Buffer.from(JSON.stringify({ k: randomUUID(), t: Date.now() - 3 * 86_400_000 })).toString('base64url')}.stale`;
      await page.evaluate((t) => {
        (document.querySelector('input[name="form_token"]') as HTMLInputElement).value = t;
      }, stale);
      await waitMinFill(o);
      const [first] = await Promise.all([page.waitForResponse((r) => r.url().includes('_action=report')), page.click('[data-submit]')]);
      expect(first.status()).toBe(400);
      await expect.poll(() => page.textContent('#error-summary')).toContain('这个表单已过期');
      await expect.poll(() => page.inputValue('input[name="form_token"]')).not.toBe(stale);
      await sleep(MIN_FILL_MS);
      const [second] = await Promise.all([page.waitForResponse((r) => r.url().includes('_action=report')), page.click('[data-submit]')]);
      expect(second.status()).toBe(200);
      await page.waitForURL('**/report/receipt/');
      expect(await page.textContent('h1')).toBe('举报已提交');
    } finally {
      await o.context.close();
    }
  });
});

describe('reporting with JavaScript off', () => {
  it('submits township, place and typed coordinates as a plain form and shows the receipt', async () => {
    const o = await open('/report/', { javaScriptEnabled: false });
    try {
      const { page } = o;
      expect(await page.locator('#report-map').isVisible()).toBe(false);
      await fillBasics(page);
      await page.selectOption('#township', 'huayu');
      await page.selectOption('#village', '南位村');
      await page.click('[data-coordinates] summary');
      await page.fill('#lat', '35.5731');
      await page.fill('#lng', '110.9062');
      await waitMinFill(o);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click('[data-submit]'),
      ]);
      expect(res.status()).toBe(303);
      await page.waitForURL('**/report/receipt/');
      expect(await page.textContent('h1')).toBe('举报已提交');
      const shown = (await page.textContent('#receipt-code'))!.trim();
      expect(await page.locator('button[data-copy]').isVisible()).toBe(false);

      const row = await reportByCode(shown);
      expect(row).toMatchObject({ township: 'huayu', village: '南位村', location_source: 'manual', lng: 110.9062, lat: 35.5731, photo_count: 0 });
    } finally {
      await o.context.close();
    }
  });
});

describe('a submission with mistakes', () => {
  async function fillWithMistakes(page: Page): Promise<void> {
    await page.selectOption('#township', 'huayu');
    await page.fill('#place', '化峪村南，砖厂旁边');
    await page.fill('#description', '太短了');
    await page.fill('#name', '李四');
    await page.fill('#phone', '139 0000 1111');
    await page.click('[data-coordinates] summary');
    await page.fill('#lat', '35.57');
  }

  async function expectValuesKept(page: Page): Promise<void> {
    expect(await page.inputValue('#township')).toBe('huayu');
    expect(await page.inputValue('#place')).toBe('化峪村南，砖厂旁边');
    expect(await page.inputValue('#description')).toBe('太短了');
    expect(await page.inputValue('#name')).toBe('李四');
    expect(await page.inputValue('#phone')).toBe('139 0000 1111');
    expect(await page.inputValue('#lat')).toBe('35.57');
  }

  const expectedLinks = ['#problem_class-house', '#lng', '#seen_on', '#description', '#consent'];

  it('without JavaScript: answers 400 with an error summary on top linking to each field, keeping every typed value', async () => {
    const o = await open('/report/', { javaScriptEnabled: false });
    try {
      const { page } = o;
      await fillWithMistakes(page);
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-submit]')]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');
      expect(await page.title()).toMatch(/^错误：/);
      const hrefs = await checkErrorSummary(page);
      expect(hrefs.filter((h) => h !== '#photos')).toEqual(expectedLinks);
      expect(await page.textContent('#description-error')).toContain('至少需要 10 个字');
      expect(await page.textContent('#lng-error')).toContain('经度和纬度要一起填写');
      expect(await page.getAttribute('#description', 'aria-describedby')).toContain('description-error');
      await expectValuesKept(page);
      expect(await page.locator('[data-coordinates]').getAttribute('open')).not.toBeNull();

      // A link in the summary moves to its field.
      await page.click('#error-summary a[href="#description"]');
      expect(page.url()).toMatch(/#description$/);
    } finally {
      await o.context.close();
    }
  });

  it('without JavaScript: keeps the chosen problem class, village, coordinate source and consent when only the date is wrong', async () => {
    const o = await open('/report/', { javaScriptEnabled: false });
    try {
      const { page } = o;
      await fillBasics(page);
      await page.check('#problem_class-lake');
      await page.selectOption('#township', 'huayu');
      await page.selectOption('#village', '北位村');
      await page.click('[data-coordinates] summary');
      await page.fill('#lat', '35.5707');
      await page.fill('#lng', '110.9110');
      await page.check('#coord_system-gcj02');
      const tomorrow = new Date(Date.parse(`${chinaToday()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await page.fill('#seen_on', tomorrow);
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-submit]')]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');
      expect(await page.textContent('#error-summary')).toContain('发现日期不能晚于今天');
      expect(await page.locator('#error-summary a').count()).toBe(2); // the date, and the reminder to choose photos again
      expect(await page.isChecked('#problem_class-lake')).toBe(true);
      expect(await page.inputValue('#township')).toBe('huayu');
      expect(await page.inputValue('#village')).toBe('北位村');
      expect(await page.inputValue('#lat')).toBe('35.5707');
      expect(await page.inputValue('#lng')).toBe('110.9110');
      expect(await page.isChecked('#coord_system-gcj02')).toBe(true);
      expect(await page.isChecked('#consent')).toBe(true);
      expect(await page.inputValue('#seen_on')).toBe(tomorrow);
      expect(await page.inputValue('#name')).toBe('王小明');
      // The honeypot is never echoed back.
      expect(await page.inputValue('#website')).toBe('');
    } finally {
      await o.context.close();
    }
  });

  it('renders the server-side error state with no accessibility violations', async () => {
    // axe needs scripts, so here only the page's own script is kept away: the form then posts as it does without JavaScript.
    const o = await open('/report/', { ...PHONE });
    try {
      const { page } = o;
      await o.context.route(/\/_astro\/.*\.js$/, (route) => route.abort());
      await page.reload();
      expect(await page.locator('#report-map').isVisible()).toBe(false);
      await fillWithMistakes(page);
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-submit]')]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');
      await checkErrorSummary(page);
      await axeClean(page, 'the form in its error state without JavaScript');
    } finally {
      await o.context.close();
    }
  });

  it('with JavaScript: answers 400 and shows the same error summary without reloading, keeping every typed value', async () => {
    const o = await open('/report/', PHONE);
    try {
      const { page } = o;
      await fillWithMistakes(page);
      await page.setInputFiles('#photos', { name: 'IMG_3001.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg() });
      await waitMinFill(o);
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().includes('_action=report')), page.click('[data-submit]')]);
      expect(res.status()).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(Object.keys(body.fields).sort()).toEqual(['consent', 'description', 'lng', 'problem_class', 'seen_on']);
      const hrefs = await checkErrorSummary(page);
      // With JavaScript the chosen photo stays, so the summary does not ask to choose it again.
      expect(hrefs).toEqual(expectedLinks);
      expect(await page.textContent('#error-summary')).not.toMatch(/Failed to validate|[A-Za-z]{12,}/);
      await expectValuesKept(page);
      // Each message is tied to its field for screen readers, as in the server render.
      expect(await page.getAttribute('#description', 'aria-describedby')).toBe('description-hint description-error');
      expect(await page.getAttribute('#lng', 'aria-describedby')).toContain('lng-error');
      expect(await page.getAttribute('#consent', 'aria-describedby')).toContain('consent-error');
      expect(await page.locator('fieldset[aria-describedby~="problem_class-error"] > #problem_class-error').count()).toBe(1);
      expect(await page.textContent('#description-error')).toBe('错误：情况描述至少需要 10 个字');
      expect(await page.evaluate(() => (document.getElementById('photos') as HTMLInputElement).files?.length)).toBe(1);
      expect(await page.isEnabled('[data-submit]')).toBe(true);
      await axeClean(page, 'the form in its error state with JavaScript');
      expect(o.problems).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('explains a missing form token in Chinese rather than showing the validator’s raw output', async () => {
    const res = await post(new URLSearchParams(reportFields('', {})));
    expect(res.status).toBe(400);
    const html = await res.text();
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(summary).toContain('表单已失效');
    expect(summary).not.toContain('Failed to validate');
  });
});

describe('a retried submission', () => {
  it('stores one report for the same body posted twice and shows the same receipt code both times', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const photo = await phoneJpeg({ lng: 111.061, lat: 35.581 });
    // The exact same bytes twice, as a browser resends a request whose answer was lost.
    const request = new Request(ACTION_URL, { method: 'POST', body: multipart(reportFields(token), [{ bytes: photo, name: 'IMG_5001.jpg', type: 'image/jpeg' }]) });
    const bytes = new Uint8Array(await request.arrayBuffer());
    const contentType = request.headers.get('content-type')!;
    const jars = [new CookieJar(), new CookieJar()];
    for (const jar of jars) {
      const res = await post(bytes, { json: true, headers: { 'Content-Type': contentType } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, next: '/report/receipt/' });
      jar.take(res);
    }
    const [first, second] = jars.map((j) => j.get('gd_receipt'));
    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{18}$/);
    expect(second).toBe(first);
    const rows = await db.selectFrom('report').select(['id', 'photo_count']).where('receipt_hash', '=', hashReceiptCode(first!)).execute();
    expect(rows).toHaveLength(1);
    // Only the hash is stored: the code itself is in no column of the report.
    const { rows: dump } = await sql<{ text: string }>`select row_to_json(r)::text as text from report r where id = ${rows[0]!.id}`.execute(db);
    expect(dump[0]!.text).not.toContain(first!);
    expect(rows[0]!.photo_count).toBe(1);
    expect(await db.selectFrom('report_photo').select('id').where('report_id', '=', rows[0]!.id).execute()).toHaveLength(1);

    // Each retry's receipt page shows the same code, once.
    for (const jar of jars) {
      const shown = await fetch(`${baseUrl}/report/receipt/`, { headers: { Cookie: jar.header() } });
      jar.take(shown);
      expect(shown.headers.get('cache-control')).toContain('no-store');
      expect(await shown.text()).toContain(first!.replace(/(.{4})(?=.)/g, '$1-'));
      const again = await fetch(`${baseUrl}/report/receipt/`, { headers: { Cookie: jar.header() } });
      const html = await again.text();
      expect(html).toContain('查询码只显示一次');
      expect(html).not.toContain(first!.slice(0, 4) + '-');
    }
  });

  it('answers the same form posted twice without JavaScript with the same redirect and code, storing one report', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const body = new URLSearchParams(reportFields(token, { township: 'qinghe', village: '仁义村', place: '仁义村西，渠边' })).toString();
    const codes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await post(body, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/report/receipt/');
      const jar = new CookieJar();
      jar.take(res);
      codes.push(jar.get('gd_receipt')!);
    }
    expect(codes[1]).toBe(codes[0]);
    expect(await db.selectFrom('report').select('id').where('receipt_hash', '=', hashReceiptCode(codes[0]!)).execute()).toHaveLength(1);
  });

  it('gives every visitor of the form its own token, from the server’s copy of the page as from Astro, each one accepted once', async () => {
    // The first GET may render; the later ones come from the report form's copy (form-shell.ts).
    const pages = await Promise.all(['gzip', 'br', 'identity', 'gzip'].map(async (encoding) => (await fetch(`${baseUrl}/report/`, { headers: { 'Accept-Encoding': encoding } })).text()));
    const tokens = pages.map((html) => /name="form_token" value="([^"]+)"/.exec(html)?.[1]);
    expect(new Set(tokens).size).toBe(4);
    const withoutToken = pages.map((html) => html.replace(/name="form_token" value="[^"]+"/, ''));
    expect(new Set(withoutToken).size).toBe(1);
    await sleep(MIN_FILL_MS);
    for (const token of tokens.slice(1)) {
      const res = await post(new URLSearchParams(reportFields(token!, { place: `南里村北，第 ${token!.slice(0, 6)} 号地` })), { json: true });
      expect(res.status, token).toBe(200);
    }
  });

  it('refuses different content under an already used form as a conflict, in Chinese', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    expect((await post(new URLSearchParams(reportFields(token)), { json: true })).status).toBe(200);
    const res = await post(new URLSearchParams(reportFields(token, { description: '这是另一份不同的举报内容，写得更详细。' })), { json: true });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(body.message).toContain('请刷新页面');
  });
});

describe('the enhanced form’s post, answered without Astro (the report lane) or by Astro', () => {
  /**
   * The same form two ways: as the browser sends it, which the HTTP server answers itself
   * (src/server/report-lane.ts), and with one text part carrying a Content-Type of its own, a
   * shape only a full parser reads, which it leaves to Astro.
   */
  async function twoWays(fields: Record<string, string>): Promise<{ lane: () => Promise<Response>; astro: () => Promise<Response> }> {
    const request = new Request(ACTION_URL, { method: 'POST', body: multipart(fields) });
    const contentType = request.headers.get('content-type')!;
    const plain = Buffer.from(await request.arrayBuffer());
    const typed = Buffer.from(plain.toString('latin1').replace('name="consent"\r\n', 'name="consent"\r\nContent-Type: text/plain; charset=utf-8\r\n'), 'latin1');
    expect(typed.length).toBeGreaterThan(plain.length);
    const send = (bytes: Buffer) => () => post(new Uint8Array(bytes), { json: true, headers: { 'Content-Type': contentType } });
    return { lane: send(plain), astro: send(typed) };
  }

  function receiptOf(res: Response): string | undefined {
    const jar = new CookieJar();
    jar.take(res);
    return jar.get('gd_receipt');
  }

  /** What a client sees of an answer, the per-request parts (date, receipt code, length) aside. */
  async function seen(res: Response): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of res.headers) {
      if (['date', 'content-length', 'transfer-encoding', 'keep-alive', 'connection'].includes(name)) continue;
      headers[name] = name === 'set-cookie' ? value.replace(/^gd_receipt=[^;]+/, 'gd_receipt=…') : name === 'retry-after' ? 'n' : value;
    }
    return { status: res.status, body: await res.json(), headers };
  }

  it('gives the same answers both ways — stored, retried, conflicting, too fast, mistaken — and stores one report per form', async () => {
    const [laneToken, astroToken] = [await freshToken(), await freshToken()];
    const [fastOne, fastTwo] = [await twoWays(reportFields(await freshToken())), await twoWays(reportFields(await freshToken()))];
    const tooFastAnswers = [await seen(await fastOne.lane()), await seen(await fastTwo.astro())];
    expect(tooFastAnswers[0]).toMatchObject({ status: 400, body: { ok: false, code: 'BAD_REQUEST' } });
    expect(tooFastAnswers[1]).toEqual(tooFastAnswers[0]);

    await sleep(MIN_FILL_MS);
    const byLane = await twoWays(reportFields(laneToken, { place: '南里村北，经由 lane' }));
    const byAstro = await twoWays(reportFields(astroToken, { place: '南里村北，经由 Astro' }));
    const stored = [await byLane.lane(), await byAstro.astro()];
    const storedSeen = [await seen(stored[0]!.clone()), await seen(stored[1]!.clone())];
    expect(storedSeen[0]).toMatchObject({ status: 200, body: { ok: true, next: '/report/receipt/' } });
    expect(storedSeen[1]).toEqual(storedSeen[0]);
    const codes = stored.map((res) => receiptOf(res));

    // A retry, either way, of a form stored either way: the same receipt, no second row.
    for (const [retry, code] of [[byLane.astro, codes[0]], [byAstro.lane, codes[1]]] as const) {
      const res = await retry();
      expect(await seen(res.clone())).toEqual(storedSeen[0]);
      expect(receiptOf(res)).toBe(code);
    }
    for (const code of codes) expect(await db.selectFrom('report').select('id').where('receipt_hash', '=', hashReceiptCode(code!)).execute()).toHaveLength(1);

    const conflict = await twoWays(reportFields(laneToken, { description: '这是另一份不同的举报内容，写得更详细。' }));
    const conflicts = [await seen(await conflict.lane()), await seen(await conflict.astro())];
    expect(conflicts[0]).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect(conflicts[1]).toEqual(conflicts[0]);

    const mistaken = await twoWays(reportFields(await freshToken(), { description: '太短' }));
    await sleep(MIN_FILL_MS);
    const mistakes = [await seen(await mistaken.lane()), await seen(await mistaken.astro())];
    expect(mistakes[0]).toMatchObject({ status: 400, body: { fields: { description: [expect.stringContaining('至少')] } } });
    expect(mistakes[1]).toEqual(mistakes[0]);
  });

  it('counts a client’s reports as one, whichever way each came in, and refuses the sixth both ways', async () => {
    const forms = [];
    for (let i = 0; i < 7; i++) forms.push(await twoWays(reportFields(await freshToken(), { place: `南里村北，第 ${i} 块地` })));
    await sleep(MIN_FILL_MS);
    const statuses: number[] = [];
    for (const [i, form] of forms.slice(0, 5).entries()) statuses.push((await (i % 2 ? form.astro() : form.lane())).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refusals = [await forms[5]!.lane(), await forms[6]!.astro()];
    for (const res of refusals) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const seenRefusals = [await seen(refusals[0]!), await seen(refusals[1]!)];
    expect(seenRefusals[0]).toMatchObject({ status: 429, body: { code: 'TOO_MANY_REQUESTS' } });
    expect(seenRefusals[1]).toEqual(seenRefusals[0]);
  });
});

describe('a forged submission is refused before any photo is decoded', () => {
  // Bytes that claim to be a JPEG but are not: decoding them would fail with a photo error, so a
  // refusal that names the form, the honeypot or the limit instead shows the photo was never opened.
  const notAPhoto = { bytes: randomBytes(64 * 1024), name: '现场.jpg', type: 'image/jpeg' };
  const photoError = /照片/;

  it('names the form token, not the photo, for a forged or missing token, at both ways in', async () => {
    for (const url of [ACTION_URL, `${baseUrl}/_actions/report`]) {
      for (const token of ['forged', '']) {
        const res = await post(multipart(reportFields(token), [notAPhoto]), { json: true, url });
        const body = await res.json();
        expect(res.status, `${url} ${token}`).toBe(400);
        expect(body.message, `${url} ${token}`).toMatch(/表单/);
        expect(JSON.stringify(body.fields ?? {}), `${url} ${token}`).not.toMatch(photoError);
      }
    }
  });

  it('refuses a forged token from the first bytes of a large upload, and the connection goes on serving', async () => {
    const big = { bytes: randomBytes(3 * 1024 * 1024), name: 'IMG_0001.jpg', type: 'image/jpeg' };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      for (let i = 0; i < 3; i++) {
        const request = new Request(ACTION_URL, { method: 'POST', body: multipart(reportFields(`forged-${i}`), [big]) });
        const { status, body, socket } = await rawPost(agent, request, { Accept: 'application/json', Origin: baseUrl });
        expect(status).toBe(400);
        expect(JSON.parse(body).message).toMatch(/表单/);
        sockets.add(socket);
      }
      // One keep-alive connection carried all three: each refused body was drained, not left in the way.
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('without JavaScript: refuses a forged token with the page, keeping every typed value, whatever the photos weigh', async () => {
    const big = { bytes: randomBytes(3 * 1024 * 1024), name: 'IMG_0001.jpg', type: 'image/jpeg' };
    const res = await post(multipart(reportFields('forged', { place: '南里村北，307 国道边第二个路口' }), [big]));
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('表单已过期');
    expect(html).toContain('value="南里村北，307 国道边第二个路口"');
    expect(html).toContain('耕地上倒了十几车建筑垃圾，还在继续倒。');
  });

  it('without JavaScript: names a photo that cannot be decoded beside the photos field, keeping every typed value', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    // Its header says JPEG, so only decoding (after the token and the limit) finds it broken.
    const broken = { bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096)]), name: 'IMG_0777.jpg', type: 'image/jpeg' };
    const res = await post(multipart(reportFields(token, { place: '南里村北，307 国道边第三个路口' }), [broken]));
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toMatch(/<a href="#photos">[^<]*IMG_0777\.jpg[^<]*已损坏/);
    expect(html).toMatch(/id="photos-error"[^>]*>[\s\S]*?IMG_0777\.jpg/);
    expect(html).toContain('value="南里村北，307 国道边第三个路口"');
    const next = await freshToken();
    await sleep(MIN_FILL_MS);
    const json = await post(multipart(reportFields(next), [broken]), { json: true });
    expect(json.status).toBe(400);
    expect((await json.json()).fields?.photos?.[0]).toMatch(/IMG_0777\.jpg.*已损坏/);
  });

  it('treats a form token sent after the photos as missing (the form sends it first)', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const { form_token: _token, ...rest } = reportFields(token);
    const form = multipart(rest, [notAPhoto]);
    form.append('form_token', token);
    const res = await post(form, { json: true });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/表单/);
  });

  it('names the honeypot, not the photo, when the hidden field is filled', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const res = await post(multipart(reportFields(token, { website: 'http://spam.example' }), [notAPhoto]), { json: true });
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.message).toContain('网址');
    expect(JSON.stringify(body.fields ?? {})).not.toMatch(photoError);
  });

  it('answers a client over its limit with 429 and Retry-After before looking at its photos', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    expect((await post(new URLSearchParams(reportFields(token)), { json: true })).status).toBe(200);
    // This client's hour is now full (the row the accepted report counted in).
    const row = await db.selectFrom('rate_limit').select(['key', 'window_start']).where('bucket', '=', 'report-h').orderBy('window_start', 'desc').orderBy('hits', 'desc').executeTakeFirstOrThrow();
    await db.updateTable('rate_limit').set({ hits: 1_000_000 }).where('bucket', '=', 'report-h').where('key', '=', row.key).where('window_start', '=', row.window_start).execute();
    try {
      const next = await freshToken();
      await sleep(MIN_FILL_MS);
      const res = await post(multipart(reportFields(next), [notAPhoto]), { json: true });
      const body = await res.json();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(body.message).toMatch(/分钟后再试/);
      expect(JSON.stringify(body.fields ?? {})).not.toMatch(photoError);
    } finally {
      await db.deleteFrom('rate_limit').where('bucket', 'in', ['report-h', 'report-d']).execute();
    }
  });
});

describe('tracking a report', () => {
  async function knownCode(): Promise<string> {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const res = await post(new URLSearchParams(reportFields(token)), { json: true });
    expect(res.status).toBe(200);
    const jar = new CookieJar();
    jar.take(res);
    return jar.get('gd_receipt')!;
  }

  it('gives a mistyped code and an unknown well-formed code the same 404 answer', async () => {
    const code = await knownCode();
    const mistyped = code.slice(0, 5) + (code[5] === 'A' ? 'B' : 'A') + code.slice(6);
    expect(normalizeReceiptCode(mistyped)).toBeNull();
    const unknown = withCheck(randomBytes(8).toString('hex').toUpperCase());
    expect(normalizeReceiptCode(unknown)).toBe(unknown);

    const a = await trackLookup(mistyped);
    const b = await trackLookup(unknown);
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(mainText(a.html)).toBe(mainText(b.html));
    expect(mainText(a.html)).toContain('没有找到这个查询码对应的举报');
    expect(a.res.headers.get('cache-control')).toContain('no-store');

    const found = await trackLookup(code);
    expect(found.status).toBe(200);
    expect(mainText(found.html)).toContain('已提交');
  });

  it('answers an empty code with 400 and a request to type it', async () => {
    const res = await trackLookup('   ');
    expect(res.status).toBe(400);
    expect(mainText(res.html)).toContain('请输入查询码');
  });

  it('refuses the 21st lookup from one client within 10 minutes with 429, a wait time in Chinese and Retry-After', async () => {
    // Fixed 10-minute windows: do not start in the last seconds of one.
    const intoWindow = Date.now() % 600_000;
    if (intoWindow > 590_000) await sleep(600_000 - intoWindow + 500);
    await db.deleteFrom('rate_limit').where('bucket', '=', 'track').execute();
    const unknown = withCheck('0123456789ABCDEF');
    for (let i = 1; i <= 20; i++) expect((await trackLookup(unknown)).status, `lookup ${i}`).toBe(404);
    const refused = await trackLookup(unknown);
    expect(refused.status).toBe(429);
    expect(mainText(refused.html)).toMatch(/查询次数太多，请 \d+ 分钟后再试/);
    const retryAfter = Number(refused.res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // The counter holds only a keyed hash of the client, never 127.0.0.1.
    const rows = await db.selectFrom('rate_limit').selectAll().where('bucket', '=', 'track').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).not.toContain('127.0.0.1');
    expect(rows[0]!.hits).toBe(21);
  });
});

describe('abuse and limits', () => {
  it('refuses a filled honeypot with 400 and says how to fix it, storing nothing', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const res = await post(new URLSearchParams(reportFields(token, { website: 'http://spam.example' })), { json: true });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(body.message).toContain('网址');
    // The same token with the honeypot empty still works: nothing was stored under its key.
    expect((await post(new URLSearchParams(reportFields(token)), { json: true })).status).toBe(200);
  });

  it('refuses a form submitted faster than a person can fill it with 400', async () => {
    const token = await freshToken();
    const res = await post(new URLSearchParams(reportFields(token)), { json: true });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('提交得太快了');
    const page = await post(new URLSearchParams(reportFields(token)));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('提交得太快了');
  });

  it('refuses a forged form token with 400', async () => {
    const res = await post(new URLSearchParams(reportFields(`${Buffer.from(JSON.stringify({ k: randomUUID(), t: 0 })).toString('base64url')}.forged`)), { json: true });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('表单已过期');
  });

  it('refuses a body over 55 MB with 413 and a Chinese message, as JSON and as a page', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const big = Buffer.alloc(56 * 1024 * 1024, 0xff);
    for (const json of [true, false]) {
      const res = await post(multipart(reportFields(token), [{ bytes: big, name: 'huge.jpg', type: 'image/jpeg' }]), { json });
      expect(res.status).toBe(413);
      const text = await res.text();
      expect(text).toContain('上传的内容太大了');
      if (json) expect(JSON.parse(text)).toMatchObject({ ok: false, code: 'CONTENT_TOO_LARGE' });
      else expect(text).toContain('error-summary');
    }
  });

  it('refuses a photo over 10 MB inside an acceptable body with 400, naming the photo', async () => {
    const token = await freshToken();
    await sleep(MIN_FILL_MS);
    const res = await post(multipart(reportFields(token), [{ bytes: Buffer.alloc(10 * 1024 * 1024 + 10, 0xff), name: 'big.jpg', type: 'image/jpeg' }]), { json: true });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.fields.photos[0]).toContain('big.jpg');
    expect(body.fields.photos[0]).toContain('10 MB');
  });

  it('refuses the sixth new report from one client within an hour with 429 and a Chinese message', async () => {
    const tokens = [];
    for (let i = 0; i < 6; i++) tokens.push(await freshToken());
    await sleep(MIN_FILL_MS);
    const statuses: number[] = [];
    let last: { message?: string } = {};
    for (const token of tokens) {
      const res = await post(new URLSearchParams(reportFields(token)), { json: true });
      statuses.push(res.status);
      last = await res.json();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last.message).toMatch(/提交次数太多，请 \d+ 分钟后再试/);
    // A retry of a report already stored is still answered: it is not a new report.
    expect((await post(new URLSearchParams(reportFields(tokens[0]!)), { json: true })).status).toBe(200);
  });
});

describe('with the database down', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startServeOnly({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      APP_SECRET: randomBytes(48).toString('base64'),
      REPORTER_DATA_KEY: randomBytes(32).toString('base64'),
      REPORT_MIN_FILL_SECONDS: '0',
    });
  });
  afterAll(() => app?.stop());

  it('answers 503 in Chinese, as JSON and as the form with everything typed still there', async () => {
    const token = await freshToken(app.url);
    const fields = reportFields(token, { place: '南里村北，停电那天看到的' });
    const json = await post(new URLSearchParams(fields), { json: true, url: `${app.url}/report/?_action=report` });
    expect(json.status).toBe(503);
    const body = await json.json();
    expect(body).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
    expect(body.message).toContain('还没有提交');

    const page = await post(new URLSearchParams(fields), { url: `${app.url}/report/?_action=report` });
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain('系统暂时无法保存举报');
    expect(html).toContain('value="南里村北，停电那天看到的"');
  });

  it('keeps the draft (without photos) in the browser and restores it on the next visit', async () => {
    const o = await open('/report/', PHONE, app.url);
    try {
      const { page } = o;
      await fillBasics(page, { description: '停电时填写的举报，应该保存在本机。' });
      await page.selectOption('#township', 'taiyang');
      await page.setInputFiles('#photos', { name: 'IMG_9001.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg() });
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().includes('_action=report')), page.click('[data-submit]')]);
      expect(res.status()).toBe(503);
      await expect.poll(() => page.textContent('#error-summary')).toContain('系统暂时无法保存举报');
      // Saved at the moment of submitting, not only after a pause in typing.
      expect((await page.evaluate(() => localStorage.getItem('gengdi-report-draft'))) ?? '(no draft)').toContain('停电时填写的举报');

      await page.reload();
      await expect.poll(() => page.inputValue('#description')).toBe('停电时填写的举报，应该保存在本机。');
      expect(await page.inputValue('#township')).toBe('taiyang');
      expect(await page.inputValue('#place')).toBe('姚村东头水泥路南侧，加油站往北 200 米');
      expect(await page.inputValue('#phone')).toBe('138 0000 1111');
      expect(await page.isChecked('#problem_class-house')).toBe(true);
      expect(await page.evaluate(() => (document.getElementById('photos') as HTMLInputElement).files?.length ?? 0)).toBe(0);
      expect(await page.textContent('[data-draft-note]')).toContain('已恢复');
    } finally {
      await o.context.close();
    }
  });
});
