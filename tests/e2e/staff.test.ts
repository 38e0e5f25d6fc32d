/**
 * The staff workspace end to end, in Chromium and over HTTP against the e2e app: one citizen report
 * taken from filing to the public reply, identity kept from the township and revealed only by the
 * custodian with a reason, who may open which page, and axe on every staff page.
 */
import { chinaToday } from '../../src/shared/china-time.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/cli/build.ts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AUDIT_ACTIONS } from '../../src/domain/accounts/audit-view.ts';
import { canOpen, STAFF_ROUTES, staffHome, type StaffRole, type StaffRoute } from '../../src/shared/permissions.ts';
import { calendarStatus } from '../../src/shared/calendar-status.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import { hashReceiptCode, normalizeReceiptCode } from '../../src/domain/reports/receipt-code.ts';
import { phoneJpeg } from '../support/photos.ts';
import { baseUrl, describeViolations, measureCells, runAxe, useBrowser } from './browser.ts';

const PASSWORD = process.env.E2E_STAFF_PASSWORD ?? 'Demo-pass-2026-e2e';
const db = createDb(process.env.E2E_DATABASE_URL!, { max: 2 });
afterAll(() => db.destroy());
const { browser } = useBrowser();

// Every request comes from 127.0.0.1: start from fresh counters for filing, tracking and sign-in.
beforeAll(async () => {
  await db.deleteFrom('rate_limit').where('bucket', 'in', ['report-h', 'report-d', 'track', 'login-a', 'login-c']).execute();
});

const LOGINS = ['admin', 'moderator', 'township-xishe', 'township-jifeng', 'publicity', 'publicity2', 'custodian', 'ledger'] as const;
type Login = (typeof LOGINS)[number];

/** What the citizen types; the name and phone must never reach the township's pages. */
const CITIZEN = { name: '欧阳明远', phone: '13698765432' };
const PLACE = `东庄村南机耕路西侧测试地块${randomBytes(3).toString('hex')}`;
const DESCRIPTION = '有人在麦地里打地基，已经砌了半人高的墙，旁边堆着砖和水泥。';
const MODERATOR_REPLY = '您反映的问题已交西社镇现场核查，核查和处理结果会在这里告诉您。';
const VERIFICATION_NOTES = '现场核实：新建地基约 120 平方米，占用一般耕地，户主为本村村民。';
const REVEAL_REASON = '需要向举报人核实具体地块位置';

// ---------------------------------------------------------------------------------------------
// Plumbing

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser().newContext({ locale: 'zh-CN', ...options });
  // Map tiles come from the internet, which tests do not have.
  await context.route(/tile\.openstreetmap\.org|tianditu\.gov\.cn/, (route) => route.abort());
  return context;
}

/** Signs in through the real form and lands on `next`. */
async function signInBrowser(login: Login, next = '/staff/'): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/staff/login/?next=${encodeURIComponent(next)}`);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname + u.search === next), page.getByRole('button', { name: '登录', exact: true }).click()]);
  return { context, page, problems };
}

/** Signs in over HTTP like a form post; returns the Cookie header value. */
async function signInHttp(login: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
    method: 'POST',
    body: new URLSearchParams({ login, password, next: '/staff/account/' }),
    headers: { Origin: baseUrl },
    redirect: 'manual',
  });
  expect(res.status, `sign-in of ${login}`).toBe(303);
  expect(res.headers.get('location')).toBe('/staff/account/');
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gd_session='));
  expect(cookie, `session cookie for ${login}`).toBeTruthy();
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  return cookie!.split(';')[0]!;
}

const cookies = new Map<Login, string>();
async function cookieOf(login: Login): Promise<string> {
  if (!cookies.has(login)) cookies.set(login, await signInHttp(login));
  return cookies.get(login)!;
}

async function get(path: string, login?: Login): Promise<Response> {
  return fetch(baseUrl + path, { redirect: 'manual', headers: login ? { Cookie: await cookieOf(login) } : {} });
}

async function postForm(path: string, fields: Record<string, string>, options: { login?: Login; origin?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { Origin: options.origin ?? baseUrl };
  if (options.login) headers.Cookie = await cookieOf(options.login);
  return fetch(baseUrl + path, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });
}

async function axeClean(page: Page, what: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

/** Submits the workflow form of `action` on the report page and waits for the redirect back. */
async function act(page: Page, action: string): Promise<void> {
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === action),
    page.locator(`section[aria-labelledby="${action}-title"] button[type=submit]`).click(),
  ]);
}

const reportRow = (id: string) => db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditCount = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** A report straight into the e2e database, for tests that need one in a given state. */
async function insertReport(status: string, assignedTownship: string | null): Promise<string> {
  const key = randomUUID();
  const { id } = await db
    .insertInto('report')
    .values({
      receipt_hash: randomBytes(32).toString('hex'), idempotency_key: key, submission_hash: `e2e-${key}`, status,
      problem_class: 'soil', township: 'xishe', place_description: '西社村北砖厂旁', lng: 110.86, lat: 35.56, location_source: 'map',
      seen_on: chinaToday(), description: '夜里有挖掘机在耕地里挖土拉走。', assigned_township: assignedTownship,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('report_event').values({ report_id: id, state: 'submitted' }).execute();
  return id;
}

// ---------------------------------------------------------------------------------------------
// Tables on a phone and on a desktop

describe('tables on a phone and on a desktop', () => {
  const pages: Array<[Login, string]> = [['moderator', '/staff/'], ['township-xishe', '/staff/'], ['ledger', '/staff/ledger/'], ['admin', '/staff/audit/'], ['admin', '/staff/users/'], ['publicity', '/staff/notices/'], ['moderator', '/progress/']];
  for (const width of [360, 1280]) {
    it(`keeps every table readable at ${width} px: no cell one character per line, no sideways page scroll`, async () => {
      // An audit row with several changes, as a verification writes it.
      const moderator = await db.selectFrom('staff_user').select(['id', 'login', 'role']).where('login', '=', 'moderator').executeTakeFirstOrThrow();
      await db.insertInto('audit_log').values({
        actor_id: moderator.id, actor_login: moderator.login, actor_role: moderator.role, action: 'report.recordVerification', target: null, reason: '现场核查属实，已拍照取证',
        before: JSON.stringify({ status: 'verifying', stage_deadline: '2026-12-21', assigned_township: 'xishe' }),
        after: JSON.stringify({ status: 'substantiated', stage_deadline: '2027-01-18', assigned_township: null, verification_found: true }),
      }).execute();
      for (const [login, path] of pages) {
        const { context, page } = await signInBrowser(login, path.startsWith('/staff/') ? path : '/staff/');
        try {
          await page.setViewportSize({ width, height: 800 });
          await page.goto(`${baseUrl}${path}`);
          const cells = await measureCells(page);
          expect(cells.length, path).toBeGreaterThan(0);
          // No line of a cell holds a lone character (a date or a township name broken up).
          const cramped = cells.filter((c) => c.perLine.some((n) => n === 1));
          expect(cramped, `${login} ${path} at ${width} px`).toEqual([]);
          const scroll = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
          expect(scroll.page, `${login} ${path} at ${width} px`).toBeLessThanOrEqual(scroll.view);
        } finally {
          await context.close();
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The holiday calendar

describe('the holiday calendar warning', () => {
  it('tells monitoring (/api/health) and staff (the queue page) the same thing about the calendar', async () => {
    const expected = calendarStatus(chinaToday());
    const health = await (await fetch(`${baseUrl}/api/health`)).json();
    expect(health.calendar).toEqual({ state: expected.state, lastYear: expected.lastYear, ...(expected.message ? { warning: expected.message } : {}) });
    const { context, page } = await signInBrowser('moderator', '/staff/');
    try {
      const warning = page.locator('#calendar-warning');
      if (expected.message) expect(await warning.innerText()).toContain(expected.message);
      else expect(await warning.count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The audit log as the admin reads it

describe('the audit log as the admin reads it', () => {
  it('names every action in Chinese, offers each in the filter, and shows each change field by field in words', async () => {
    const admin = await db.selectFrom('staff_user').select(['id', 'login', 'role']).where('login', '=', 'admin').executeTakeFirstOrThrow();
    const ledger = await db.selectFrom('staff_user').select(['id', 'login', 'role']).where('login', '=', 'ledger').executeTakeFirstOrThrow();
    const row = (actor: typeof admin, action: string, target: string, before: unknown, after: unknown, reason: string | null = null) => ({
      actor_id: actor.id, actor_login: actor.login, actor_role: actor.role, action, target, reason,
      before: before === null ? null : JSON.stringify(before), after: JSON.stringify(after),
    });
    await db.insertInto('audit_log').values([
      row(admin, 'notice.published', 'notice:900001', { status: 'draft' }, { status: 'published', title: '审计页检查用通报', drafters: ['宣传一', '宣传二'], approver: '审核员甲' }),
      row(ledger, 'ledger.item_edited', 'ledger:900002', { total_area_mu: '1.20', permanent_basic: false, deadline: null }, { total_area_mu: '1.50', permanent_basic: true, deadline: '2026-12-31' }, '外业复核面积'),
      row(ledger, 'bulletin.frozen', 'bulletin:900003', null, { as_of: '2026-11-30' }),
    ]).execute();

    const { context, page, problems } = await signInBrowser('admin', '/staff/audit/');
    try {
      const offered = await page.locator('#a-action option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
      expect(offered).toEqual(expect.arrayContaining(Object.keys(AUDIT_ACTIONS)));
      expect(offered).toHaveLength(Object.keys(AUDIT_ACTIONS).length);

      for (const action of await page.locator('tbody tr td:nth-child(3)').allInnerTexts()) expect(action).toMatch(/^[\u4e00-\u9fff（）]+$/);
      // Other tests write rows at the same time (some with hostile text); these three are ours.
      for (const target of ['案例通报 #900001', '台账图斑 #900002', '月报 #900003']) {
        expect(await page.locator('tbody tr', { hasText: target }).locator('td:nth-child(6)').innerText()).not.toMatch(/[{}"]|\b[a-z]+\.[a-z_]+\b/);
      }
      const edited = await page.locator('tbody tr', { hasText: '台账图斑 #900002' }).innerText();
      for (const words of ['修改台账图斑', '台账管理员', '外业复核面积', '总面积（亩）：1.20 → 1.50', '永久基本农田：否 → 是', '整改期限：（空） → 2026年12月31日']) expect(edited).toContain(words);
      const published = await page.locator('tbody tr', { hasText: '案例通报 #900001' }).innerText();
      for (const words of ['审核发布通报', '状态：草稿 → 已发布', '起草或修改人：宣传一、宣传二', '审核人：审核员甲']) expect(published).toContain(words);
      expect(await page.locator('tbody tr', { hasText: '月报 #900003' }).innerText()).toContain('数据截至：2026年11月30日');

      await page.selectOption('#a-action', 'ledger.item_edited');
      await Promise.all([page.waitForURL(/action=ledger\.item_edited/), page.click('form.filters button[type=submit]')]);
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('tbody').innerText()).not.toContain('审核发布通报');
      await axeClean(page, 'the audit log');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// One report from filing to the public reply

describe('a citizen report from filing to the public reply', () => {
  let code = '';
  let reportId = '';

  it('a citizen files a report in 西社镇 with JavaScript off and receives a receipt code', async () => {
    const context = await newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/report/`);
      const loaded = Date.now();
      await page.check('#problem_class-house');
      await page.selectOption('#township', 'xishe');
      await page.fill('#place', PLACE);
      await page.fill('#seen_on', chinaToday());
      await page.fill('#description', DESCRIPTION);
      await page.setInputFiles('#photos', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg() });
      await page.fill('#name', CITIZEN.name);
      await page.fill('#phone', CITIZEN.phone);
      await page.check('#consent');
      await new Promise((r) => setTimeout(r, Math.max(0, loaded + 1300 - Date.now())));
      await Promise.all([page.waitForURL(/\/report\/receipt\/$/), page.getByRole('button', { name: '提交举报' }).click()]);
      code = (await page.textContent('#receipt-code'))!.trim();
      expect(normalizeReceiptCode(code)).not.toBeNull();
    } finally {
      await context.close();
    }
    const row = await db.selectFrom('report').select(['id', 'status', 'township', 'photo_count']).where('receipt_hash', '=', hashReceiptCode(normalizeReceiptCode(code)!)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'submitted', township: 'xishe', photo_count: 1 });
    reportId = row.id;
  });

  it('a moderator signs in, finds it in the queue, accepts it, replies publicly and assigns it to 西社镇', async () => {
    const { context, page, problems } = await signInBrowser('moderator');
    try {
      await page.goto(`${baseUrl}/staff/?status=submitted&township=xishe`);
      const row = page.locator('tbody tr', { hasText: PLACE });
      expect(await row.count()).toBe(1);
      await Promise.all([page.waitForURL(`${baseUrl}/staff/reports/${reportId}/`), row.getByRole('link', { name: `#${reportId}` }).click()]);
      expect(await page.locator('main').innerText()).toContain(DESCRIPTION);
      await axeClean(page, 'report page, submitted, as moderator');

      await act(page, 'accept');
      expect(await page.locator('.meta').innerText()).toContain('已受理');

      await page.fill('#reply-text', MODERATOR_REPLY);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'reply'), page.getByRole('button', { name: '发布答复' }).click()]);

      expect(await page.inputValue('#assign-township')).toBe('xishe');
      await act(page, 'assign');
      const meta = await page.locator('.meta').innerText();
      expect(meta).toContain('核查中');
      expect(meta).toContain('西社镇');
      await axeClean(page, 'report page, verifying, as moderator');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect(await reportRow(reportId)).toMatchObject({ status: 'verifying', assigned_township: 'xishe', public_reply: MODERATOR_REPLY, stage_deadline: expect.stringMatching(/^\d{4}-/) });
  });

  it('the 西社镇 officer verifies, starts handling and closes it with the prefilled public reply', async () => {
    const { context, page, problems } = await signInBrowser('township-xishe');
    try {
      const queue = page.locator('tbody tr', { hasText: PLACE });
      expect(await queue.count()).toBe(1);
      await page.goto(`${baseUrl}/staff/reports/${reportId}/`);
      await axeClean(page, 'report page, verifying, as township officer');

      await page.check('#recordVerification-found-yes');
      await page.fill('#recordVerification-notes', VERIFICATION_NOTES);
      await act(page, 'recordVerification');
      expect(await page.locator('.meta').innerText()).toContain('查实');

      await page.selectOption('#startHandling-measure', 'demolish');
      await page.selectOption('#startHandling-outcome', 'demolished');
      await act(page, 'startHandling');
      expect(await page.locator('.meta').innerText()).toContain('整改中');

      expect(await page.inputValue('#close-reply')).toBe(MODERATOR_REPLY);
      await act(page, 'close');
      expect(await page.locator('.meta').innerText()).toContain('已办结');
      expect(await page.locator('.timeline').innerText()).toContain(VERIFICATION_NOTES);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect(await reportRow(reportId)).toMatchObject({ status: 'closed', verification_found: true, measure: 'demolish', outcome: 'demolished', public_reply: MODERATOR_REPLY, stage_deadline: null });
  });

  it('the citizen sees the reply on /track/ with the receipt code', async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/track/`);
      await page.fill('#code', code.toLowerCase().replaceAll('-', ''));
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '查询' }).click()]);
      await expect.poll(() => page.locator('h1').innerText()).toBe('举报办理进度');
      const text = await page.locator('main').innerText();
      expect(text).toContain('已办结');
      expect(text).toContain(MODERATOR_REPLY);
      expect(text).toContain('经现场核查，您反映的问题属实');
      // Internal notes and identity stay inside.
      expect(text).not.toContain(VERIFICATION_NOTES);
      expect(text).not.toContain(CITIZEN.name);
    } finally {
      await context.close();
    }
  });

  it("the township officer's pages never contain the reporter's name or phone", async () => {
    const { n } = await db.selectFrom('report_photo').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1);
    const photo = await db.selectFrom('report_photo').select('id').where('report_id', '=', reportId).executeTakeFirstOrThrow();
    const pages = ['/staff/', `/staff/?status=closed`, `/staff/reports/${reportId}/`, `/staff/queue-points.json?status=closed`, `/staff/photos/${photo.id}`, '/staff/account/'];
    for (const path of pages) {
      const res = await get(path, 'township-xishe');
      expect(res.status, path).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      if (path.startsWith('/staff/photos/')) {
        // The public copy: no camera make, no GPS (the citizen's original had both).
        expect(res.headers.get('content-type')).toMatch(/^image\//);
        expect(body.includes(Buffer.from('TestPhone'))).toBe(false);
      }
      for (const secret of [CITIZEN.name, CITIZEN.phone, '136 9876 5432', '136-9876-5432']) {
        expect(body.includes(Buffer.from(secret)), `${secret} in ${path}`).toBe(false);
      }
    }
    const html = await (await get(`/staff/reports/${reportId}/`, 'township-xishe')).text();
    expect(html).toContain('留有联系方式（加密保存，仅保密员可查看）');
    expect(html).toContain(PLACE);
    // The other township sees neither the report nor its photo.
    expect((await get(`/staff/photos/${photo.id}`, 'township-jifeng')).status).toBe(404);
    expect(await (await get('/staff/?status=closed', 'township-jifeng')).text()).not.toContain(PLACE);
  });

  it('the custodian reveals the identity with a reason and sees name and phone once; the admin finds the reveal in the audit log', async () => {
    const { context, page, problems } = await signInBrowser('custodian', `/staff/reports/${reportId}/`);
    try {
      expect(await page.locator('main').innerText()).not.toContain(CITIZEN.name);
      await page.fill('#reveal-reason', REVEAL_REASON);
      await page.getByRole('button', { name: '查看身份' }).click();
      await page.waitForSelector('.identity');
      const identity = await page.locator('.identity').innerText();
      expect(identity).toContain(CITIZEN.name);
      expect(identity).toContain(CITIZEN.phone);
      await axeClean(page, 'report page with the revealed identity');
      // Shown on that response only: reloading the page by GET shows the form again.
      await page.goto(`${baseUrl}/staff/reports/${reportId}/`);
      expect(await page.locator('main').innerText()).not.toContain(CITIZEN.name);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    const admin = await signInBrowser('admin', '/staff/audit/?action=identity.reveal');
    try {
      const row = admin.page.locator('tbody tr', { hasText: `举报 #${reportId}` });
      expect(await row.count()).toBe(1);
      const text = await row.innerText();
      expect(text).toContain('custodian');
      expect(text).toContain('查看举报人身份');
      expect(text).toContain(REVEAL_REASON);
      // The audit log itself never holds the identity.
      expect(await admin.page.locator('main').innerText()).not.toContain(CITIZEN.phone);
    } finally {
      await admin.context.close();
    }
    const audit = await db.selectFrom('audit_log').selectAll().where('report_id', '=', reportId).orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.actor_login])).toEqual([
      ['report.accept', 'moderator'],
      ['report.reply', 'moderator'],
      ['report.assign', 'moderator'],
      ['report.recordVerification', 'township-xishe'],
      ['report.startHandling', 'township-xishe'],
      ['report.close', 'township-xishe'],
      ['identity.reveal', 'custodian'],
    ]);
  });

  // ---------------------------------------------------------------------------------------------
  // Who may open which page (the report is closed and assigned to 西社镇 by now)

  describe('the page access matrix over HTTP', () => {
    type Outcome = 200 | 403 | 404 | `redirect:${string}`;
    const ALL = 200 as const;
    const matrix = (): Record<string, Record<Login, Outcome>> => ({
      '/staff/': { admin: ALL, moderator: ALL, 'township-xishe': ALL, 'township-jifeng': ALL, publicity: ALL, publicity2: ALL, custodian: ALL, ledger: 'redirect:/staff/ledger/' },
      [`/staff/reports/${reportId}/`]: { admin: ALL, moderator: ALL, 'township-xishe': ALL, 'township-jifeng': 403, publicity: ALL, publicity2: ALL, custodian: ALL, ledger: 403 },
      '/staff/users/': { admin: ALL, moderator: 403, 'township-xishe': 403, 'township-jifeng': 403, publicity: 403, publicity2: 403, custodian: 403, ledger: 403 },
      '/staff/audit/': { admin: ALL, moderator: 403, 'township-xishe': 403, 'township-jifeng': 403, publicity: 403, publicity2: 403, custodian: 403, ledger: 403 },
      '/staff/settings/': { admin: ALL, moderator: 403, 'township-xishe': 403, 'township-jifeng': 403, publicity: 403, publicity2: 403, custodian: 403, ledger: 403 },
      '/staff/account/': { admin: ALL, moderator: ALL, 'township-xishe': ALL, 'township-jifeng': ALL, publicity: ALL, publicity2: ALL, custodian: ALL, ledger: ALL },
    });

    for (const login of LOGINS) {
      it(`${login} gets each staff page or the 403 page, as its role allows`, async () => {
        for (const [path, byLogin] of Object.entries(matrix())) {
          const expected = byLogin[login];
          const res = await get(path, login);
          const what = `${login} ${path}`;
          expect(res.headers.get('cache-control'), what).toContain('no-store');
          if (typeof expected === 'string') {
            expect(res.status, what).toBe(303);
            expect(res.headers.get('location'), what).toBe(expected.slice('redirect:'.length));
            continue;
          }
          expect(res.status, what).toBe(expected);
          const html = await res.text();
          if (expected === 403) expect(html, what).toContain('无权访问');
          else expect(html, what).not.toContain('无权访问');
        }
      });
    }

    it('signed out, every staff page sends the browser to sign in and come back', async () => {
      for (const path of [...Object.keys(matrix()), '/staff/?status=closed&township=xishe']) {
        const res = await get(path);
        expect(res.status, path).toBe(303);
        expect(res.headers.get('location'), path).toBe(`/staff/login/?next=${encodeURIComponent(path)}`);
      }
      for (const path of ['/staff/queue-points.json', '/staff/photos/1']) expect((await get(path)).status, path).toBe(401);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Forms that must not act

describe('staff actions that are refused', () => {
  it('an unauthenticated POST to a staff action is refused and does nothing', async () => {
    const id = await insertReport('submitted', null);
    const audit = await auditCount();
    const rpc = await fetch(`${baseUrl}/_actions/staff.workflow`, {
      method: 'POST', body: new URLSearchParams({ reportId: id, action: 'accept' }), headers: { Origin: baseUrl }, redirect: 'manual',
    });
    expect(rpc.status).toBe(401);
    // The form post of an expired session: 401 with the sign-in form in place, saying nothing was done.
    const form = await postForm(`/staff/reports/${id}/?_action=staff.workflow`, { reportId: id, action: 'accept' });
    expect(form.status).toBe(401);
    const html = await form.text();
    expect(html).toContain('刚才的操作没有执行');
    expect(html).toContain(`name="next" value="/staff/reports/${id}/"`);
    for (const [name, fields] of Object.entries<Record<string, string>>({
      'staff.reply': { reportId: id, text: '冒充的答复' },
      'staff.reveal': { reportId: id, reason: '冒充的理由' },
      'staff.createUser': { login: 'intruder', displayName: '入侵者', role: 'admin', township: '', password: 'Intruder-pass-1' },
      'staff.changePassword': { current: PASSWORD, next: 'Intruder-pass-1', confirm: 'Intruder-pass-1' },
    })) {
      const res = await postForm(`/staff/?_action=${name}`, fields);
      expect([401, 403], `${name} answered ${res.status}`).toContain(res.status);
    }
    expect(await reportRow(id)).toMatchObject({ status: 'submitted', public_reply: null });
    expect(await db.selectFrom('staff_user').select('id').where('login', '=', 'intruder').executeTakeFirst()).toBeUndefined();
    expect(await auditCount()).toBe(audit);
  });

  it('a staff member whose session ended is asked to sign in again and comes back to the report, the act undone', async () => {
    const id = await insertReport('submitted', null);
    const { context, page } = await signInBrowser('moderator', `/staff/reports/${id}/`);
    try {
      await context.clearCookies();
      await page.locator('section[aria-labelledby="accept-title"] button[type=submit]').click();
      await page.waitForSelector('#error-summary');
      expect(await page.locator('#error-summary').innerText()).toContain('刚才的操作没有执行');
      expect((await reportRow(id)).status).toBe('submitted');
      await axeClean(page, 'sign-in in place of a refused form');
      await page.fill('#login', 'moderator');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${baseUrl}/staff/reports/${id}/`), page.getByRole('button', { name: '登录', exact: true }).click()]);
      await act(page, 'accept');
      expect((await reportRow(id)).status).toBe('accepted');
    } finally {
      await context.close();
    }
  });

  it('a POST from another site is refused even with a valid session', async () => {
    const id = await insertReport('submitted', null);
    const res = await postForm(`/staff/reports/${id}/?_action=staff.workflow`, { reportId: id, action: 'accept' }, { login: 'moderator', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await reportRow(id)).status).toBe('submitted');
  });

  it('a signed-in role without the right is answered 403 and nothing changes', async () => {
    const id = await insertReport('submitted', null);
    const audit = await auditCount();
    for (const login of ['publicity', 'custodian', 'admin', 'ledger', 'township-xishe'] as const) {
      const res = await postForm(`/staff/reports/${id}/?_action=staff.workflow`, { reportId: id, action: 'accept' }, { login });
      expect(res.status, login).toBe(403);
    }
    const reveal = await postForm(`/staff/reports/${id}/?_action=staff.reveal`, { reportId: id, reason: '我想看看是谁' }, { login: 'moderator' });
    expect(reveal.status).toBe(403);
    const create = await postForm('/staff/users/?_action=staff.createUser', { login: 'sneaky', displayName: '越权', role: 'admin', township: '', password: 'Sneaky-pass-12' }, { login: 'moderator' });
    expect(create.status).toBe(403);
    expect((await reportRow(id)).status).toBe('submitted');
    expect(await db.selectFrom('staff_user').select('id').where('login', '=', 'sneaky').executeTakeFirst()).toBeUndefined();
    expect(await auditCount()).toBe(audit);
  });

  it('a verification with an unreadable photo is refused as a whole: the report stays in verification', async () => {
    const id = await insertReport('verifying', 'xishe');
    const form = new FormData();
    form.append('reportId', id);
    form.append('action', 'recordVerification');
    form.append('found', 'yes');
    form.append('notes', '现场核实属实。');
    form.append('photos', new Blob([new Uint8Array(Buffer.from('this is not an image'))], { type: 'image/jpeg' }), 'broken.jpg');
    const res = await fetch(`${baseUrl}/staff/reports/${id}/?_action=staff.workflow`, {
      method: 'POST', body: form, headers: { Origin: baseUrl, Cookie: await cookieOf('township-xishe') }, redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('操作没有成功');
    expect(await reportRow(id)).toMatchObject({ status: 'verifying', verification_found: null });
    expect(await db.selectFrom('report_note').select('id').where('report_id', '=', id).execute()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Sessions over HTTP

describe('staff sessions over HTTP', () => {
  const withCookie = (cookie: string, path: string) => fetch(baseUrl + path, { redirect: 'manual', headers: { Cookie: cookie } });

  it('signing out ends the session: the old cookie opens nothing afterwards', async () => {
    const { context, page } = await signInBrowser('moderator');
    try {
      const cookie = (await context.cookies()).find((c) => c.name === 'gd_session')!;
      expect(cookie.httpOnly).toBe(true);
      const header = `gd_session=${cookie.value}`;
      expect((await withCookie(header, '/staff/')).status).toBe(200);
      await Promise.all([page.waitForURL(`${baseUrl}/staff/login/?signed_out=1`), page.getByRole('button', { name: '退出登录' }).click()]);
      expect(await page.locator('[role=status]').innerText()).toContain('您已安全退出');
      expect((await context.cookies()).some((c) => c.name === 'gd_session')).toBe(false);
      const after = await withCookie(header, '/staff/');
      expect(after.status).toBe(303);
      expect(after.headers.get('location')).toBe('/staff/login/?next=%2Fstaff%2F');
      const { n } = await db.selectFrom('staff_session').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '=', createHash('sha256').update(cookie.value).digest('hex')).executeTakeFirstOrThrow();
      expect(Number(n)).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('signing out of a session that has already ended still lands on the signed-out page', async () => {
    const { context, page } = await signInBrowser('publicity');
    try {
      const cookie = (await context.cookies()).find((c) => c.name === 'gd_session')!;
      await db.deleteFrom('staff_session').where('id', '=', createHash('sha256').update(cookie.value).digest('hex')).execute();
      await Promise.all([page.waitForURL(`${baseUrl}/staff/login/?signed_out=1`), page.getByRole('button', { name: '退出登录' }).click()]);
      expect(await page.locator('[role=status]').innerText()).toContain('您已安全退出');
      expect((await context.cookies()).some((c) => c.name === 'gd_session')).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('sign-in only ever sends the browser on to a staff page', async () => {
    for (const next of ['https://evil.example/staff/', '//evil.example/staff/', '/cases/', 'javascript:alert(1)']) {
      const res = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
        method: 'POST', body: new URLSearchParams({ login: 'moderator', password: PASSWORD, next }), headers: { Origin: baseUrl }, redirect: 'manual',
      });
      expect(res.status, next).toBe(303);
      expect(res.headers.get('location'), next).toBe('/staff/');
    }
  });

  it('an account the admin creates can sign in, and deactivating it ends its session at once', async () => {
    const login = `e2e-${randomBytes(3).toString('hex')}`;
    const password = 'First-pass-2026';
    const created = await postForm('/staff/users/?_action=staff.createUser', { login, displayName: '测试核查员', role: 'township', township: 'caicun', password }, { login: 'admin' });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/staff/users/?done=created');
    const cookie = await signInHttp(login, password);
    const queue = await withCookie(cookie, '/staff/');
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain('交办给蔡村乡的举报');

    const user = await db.selectFrom('staff_user').select('id').where('login', '=', login).executeTakeFirstOrThrow();
    const updated = await postForm('/staff/users/?_action=staff.updateUser', { userId: user.id, role: 'township', township: 'caicun', active: 'no' }, { login: 'admin' });
    expect(updated.status).toBe(303);
    expect((await withCookie(cookie, '/staff/')).status).toBe(303);
    const again = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
      method: 'POST', body: new URLSearchParams({ login, password, next: '/staff/' }), headers: { Origin: baseUrl }, redirect: 'manual',
    });
    expect(again.status).toBe(401);
    const audit = await db.selectFrom('audit_log').select(['action', 'actor_login']).where('target', '=', `user:${user.id}`).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'user.created', actor_login: 'admin' },
      { action: 'auth.login', actor_login: login },
      { action: 'user.updated', actor_login: 'admin' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Accessibility of every staff page

describe('staff pages in Chromium with axe (WCAG 2.2 AA)', () => {
  it('the sign-in page, and the sign-in page with an error, have no violations', async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/staff/login/`);
      await axeClean(page, 'sign-in page');
      await page.fill('#login', 'moderator');
      await page.fill('#password', 'Not-the-password-1');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForSelector('#error-summary');
      expect(await page.title()).toMatch(/^错误：/);
      expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseStatus)).toBe(401);
      expect(await page.locator('#error-summary').innerText()).toContain('账号或密码不正确');
      await axeClean(page, 'sign-in page with an error');
    } finally {
      await context.close();
      await db.deleteFrom('rate_limit').where('bucket', 'in', ['login-a', 'login-c']).execute();
    }
  });

  const PAGES: Array<{ what: string; login: Login; path: () => Promise<string>; h1: RegExp }> = [
    { what: 'the queue', login: 'moderator', path: async () => '/staff/', h1: /举报队列/ },
    { what: "a township officer's queue", login: 'township-xishe', path: async () => '/staff/', h1: /举报队列/ },
    { what: 'a submitted report with every moderator form', login: 'moderator', path: async () => `/staff/reports/${await insertReport('submitted', null)}/`, h1: /举报 #\d+/ },
    { what: 'a closed report as the custodian sees it', login: 'custodian', path: async () => `/staff/reports/${await insertReport('closed', 'xishe')}/`, h1: /举报 #\d+/ },
    { what: 'user management', login: 'admin', path: async () => '/staff/users/', h1: /用户管理/ },
    { what: 'the audit log', login: 'admin', path: async () => '/staff/audit/', h1: /审计日志/ },
    { what: 'the settings', login: 'admin', path: async () => '/staff/settings/', h1: /系统设置/ },
    { what: 'my account', login: 'publicity', path: async () => '/staff/account/', h1: /我的账号/ },
    { what: 'the forbidden page', login: 'publicity', path: async () => '/staff/users/', h1: /无权访问/ },
  ];
  for (const p of PAGES) {
    it(`${p.what} (${p.login}) has no axe violations, no CSP breaks and no script errors`, async () => {
      const path = await p.path();
      const { context, page, problems } = await signInBrowser(p.login, path);
      try {
        expect(await page.locator('h1').first().innerText()).toMatch(p.h1);
        await axeClean(page, `${path} as ${p.login}`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe('every staff route for every role, as the permission table says', () => {
  const ROLE_OF: Record<Login, StaffRole> = {
    admin: 'admin', moderator: 'moderator', 'township-xishe': 'township', 'township-jifeng': 'township',
    publicity: 'publicity', publicity2: 'publicity', custodian: 'custodian', ledger: 'ledger',
  };
  // No row has this id: whoever may open the route gets "not found", whoever may not gets 403.
  const MISSING = '987654321';
  const address = (route: string) => route.replace('[id]', MISSING);
  const isPage = (route: string) => route.endsWith('/');

  for (const route of Object.keys(STAFF_ROUTES) as StaffRoute[]) {
    for (const login of [...LOGINS, null]) {
      const role = login ? ROLE_OF[login] : null;
      const asker = login ? { role: ROLE_OF[login], township: login.startsWith('township-') ? login.slice('township-'.length) : null } : null;
      const may = canOpen(asker, route);
      it(`${login ?? 'a visitor without a session'} ${may ? 'may' : 'may not'} open ${route}`, async () => {
        const res = await get(address(route), login ?? undefined);
        const what = `${login ?? 'anonymous'} ${route}`;
        await res.arrayBuffer();
        if (STAFF_ROUTES[route] === 'open') {
          // Reachable by anyone (the forbidden page says 403 about the page that sent you there).
          expect(res.status, what).toBeLessThan(500);
          if (route !== '/staff/forbidden/') expect(res.status, what).not.toBe(403);
        } else if (!asker) {
          if (isPage(route)) {
            expect(res.status, what).toBe(303);
            expect(res.headers.get('location'), what).toMatch(/^\/staff\/login\/\?next=/);
          } else {
            expect(res.status, what).toBe(401);
          }
        } else if (may) {
          expect([200, 404], what).toContain(res.status);
        } else if (route === '/staff/') {
          // A role without the queue starts on its own first page.
          expect(res.status, what).toBe(303);
          expect(res.headers.get('location'), what).toBe(staffHome(asker));
        } else {
          expect(res.status, `${what} (${role})`).toBe(403);
        }
      });
    }
  }
});

describe('the staff area without a session', () => {
  /** Every route under src/pages/staff/, as an address (dynamic segments filled with an id). */
  function staffRoutes(): string[] {
    const root = path.join(projectRoot, 'src/pages/staff');
    const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    return files.map((f) => {
      const rel = path.relative(root, path.join(f.parentPath, f.name)).split(path.sep).join('/');
      const route = rel.replace(/\[[^\]]+\]/g, '1').replace(/\.(astro|ts)$/, '').replace(/(^|\/)index$/, '$1');
      return `/staff/${route}${rel.endsWith('.astro') && route && !route.endsWith('/') ? '/' : ''}`;
    });
  }
  const OPEN = ['/staff/login/', '/staff/setup/', '/staff/forbidden/'];

  it('sends every page to the sign-in page and refuses every download, JSON and photo with 401', async () => {
    const routes = staffRoutes();
    expect(routes).toEqual(expect.arrayContaining(['/staff/', '/staff/ledger/template.csv', '/staff/queue-points.json', '/staff/photos/1', '/staff/reports/1/']));
    for (const route of routes.filter((r) => !OPEN.includes(r))) {
      const res = await fetch(`${baseUrl}${route}`, { redirect: 'manual' });
      const body = await res.text();
      if (/\.[a-z]+$|photos\//.test(route)) {
        expect(res.status, route).toBe(401);
        expect(body, route).toContain('请先登录');
      } else {
        expect(res.status, route).toBe(303);
        expect(res.headers.get('location'), route).toBe(`/staff/login/?next=${encodeURIComponent(route)}`);
      }
    }
    for (const route of OPEN) expect((await fetch(`${baseUrl}${route}`, { redirect: 'manual' })).status, route).toBeLessThan(500);
  });
});

describe('refusals for too many attempts', () => {
  const loginBuckets = ['login-p', 'login-a', 'login-c'];

  it('carry Retry-After and say in words when to try again, as a page and as JSON', async () => {
    await db.deleteFrom('rate_limit').where('bucket', 'in', loginBuckets).execute();
    const login = `nobody.${randomBytes(3).toString('hex')}`;
    const attempt = (json = false) =>
      fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
        method: 'POST', redirect: 'manual', body: new URLSearchParams({ login, password: 'Wrong-password-1', next: '/staff/' }),
        headers: { Origin: baseUrl, ...(json ? { Accept: 'application/json' } : {}) },
      });
    try {
      for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
      const page = await attempt();
      expect(page.status).toBe(429);
      const wait = Number(page.headers.get('retry-after'));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(900);
      expect(await page.text()).toMatch(/请 \d+ 分钟后再试/);
      const rpc = await fetch(`${baseUrl}/_actions/staff.login`, {
        method: 'POST', body: new URLSearchParams({ login, password: 'Wrong-password-1', next: '/staff/' }), headers: { Origin: baseUrl },
      });
      expect(rpc.status).toBe(429);
      expect(Number(rpc.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(await rpc.json())).toMatch(/分钟后再试/);
    } finally {
      await db.deleteFrom('rate_limit').where('bucket', 'in', loginBuckets).execute();
    }
  });
});
