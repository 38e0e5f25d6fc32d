/**
 * Accessibility of every route, public and staff, error states included, in Chromium with axe
 * (WCAG 2.2 A/AA) and a reflow check; and the 大字号/高对比度 display switch without JavaScript.
 *
 * How zoom is emulated. Browser zoom changes how many CSS pixels the window is wide; layout only
 * ever sees that width, so a narrow viewport *is* zoom as far as the page is concerned:
 *  - 320 × 640 CSS px is a 1280 px window at 400 % zoom (or a 640 px phone at 200 %): the width
 *    WCAG 1.4.10 (Reflow) names. Axe runs here as well as at 1280 px.
 *  - 640 CSS px with the root font size doubled is a 1280 px window at 200 % zoom with the text
 *    enlarged to 200 % on top (WCAG 1.4.4, Resize Text, as a phone's "large text" setting does):
 *    every rem and em on the site doubles. (CSS `zoom` on <body> is not used: it scales
 *    rendering, not layout width, and hides exactly the overflow we look for.)
 * At both sizes the page itself must not scroll sideways (`scrollWidth <= clientWidth` of the
 * root); a wide table may scroll inside its own focusable `.table-scroll` region.
 */
import { chinaToday } from '../../src/shared/china-time.ts';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import { formatReceiptCode, withCheck } from '../../src/domain/reports/receipt-code.ts';
import { startServeOnly, type AppProcess } from './app-process.ts';
import { baseUrl, describeViolations, runAxe, useBrowser, watchedPage, type WatchedPage } from './browser.ts';

const PASSWORD = process.env.E2E_STAFF_PASSWORD ?? 'Demo-pass-2026-e2e';
const db = createDb(process.env.E2E_DATABASE_URL!, { max: 2 });
const { browser } = useBrowser();

type Login = 'admin' | 'moderator' | 'township-xishe' | 'township-jifeng' | 'publicity' | 'publicity2' | 'custodian' | 'ledger';

const DESKTOP = { width: 1280, height: 800 };
const REFLOW = { width: 320, height: 640 };
const LARGE_TEXT = { width: 640, height: 800 };
const MIN_FILL_MS = 1200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slugsIn = (dir: string) => readdirSync(path.join(import.meta.dirname, '../../src/content', dir)).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();

async function clearLimits(): Promise<void> {
  await db.deleteFrom('rate_limit').where('bucket', 'in', ['report-h', 'report-d', 'track', 'login-a', 'login-c']).execute();
}

// ---------------------------------------------------------------------------------------------
// Plumbing

const sessions = new Map<Login, string>();
/** Signs in over HTTP as the form does; returns the session cookie's value. */
async function sessionOf(login: Login): Promise<string> {
  if (!sessions.has(login)) {
    const res = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
      method: 'POST', body: new URLSearchParams({ login, password: PASSWORD, next: '/staff/account/' }), headers: { Origin: baseUrl }, redirect: 'manual',
    });
    expect(res.status, `sign-in of ${login}`).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gd_session='));
    sessions.set(login, cookie!.split(';')[0]!.slice('gd_session='.length));
  }
  return sessions.get(login)!;
}

type Opened = WatchedPage;

/**
 * `js: false` is JavaScript off as the page sees it: every script it asks for is refused (the site
 * has no inline script: the CSP forbids it), so nothing is enhanced and forms post natively. The
 * browser's own switch is not used here because axe itself needs script and timers to run.
 * (The display-switch tests below use the real switch.)
 */
async function open(options: { login?: Login; js?: boolean; context?: BrowserContextOptions } = {}): Promise<Opened> {
  const opened = await watchedPage(browser(), { viewport: DESKTOP, ...options.context });
  if (options.js === false) {
    await opened.context.route('**/*', (route) => (route.request().resourceType() === 'script' ? route.abort() : route.fallback()));
  }
  if (options.login) await opened.context.addCookies([{ name: 'gd_session', value: await sessionOf(options.login), url: baseUrl }]);
  return opened;
}

async function expectAxeClean(page: Page, what: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

/** The widest elements sticking out of the viewport (outside any scrolling table region). */
function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      // Inside a table's own scrolling region, or a map, overflow is allowed (the region itself is not).
      if (el.parentElement?.closest('.table-scroll, .leaflet-container')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 1) continue;
      const parent = el.parentElement?.getBoundingClientRect();
      if (parent && parent.right > width + 1) continue; // report the outermost only
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (right edge ${Math.round(r.right)} px)`);
    }
    return out.slice(0, 10);
  });
}

async function expectNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  const detail = scrollWidth > clientWidth ? (await overflowingElements(page)).join('\n') : '';
  expect(scrollWidth, `${what} scrolls sideways (${scrollWidth} > ${clientWidth}):\n${detail}`).toBeLessThanOrEqual(clientWidth);
}

/**
 * Every focusable element shows the site's focus ring when focused from the keyboard: an outline
 * of at least 3 px with a dark ring around it, so focus is visible on light and dark backgrounds
 * alike (WCAG 2.4.7 Focus Visible, 1.4.11 Non-text Contrast). One Tab puts the browser in keyboard
 * mode; the page then focuses each element in turn, which is far quicker than tabbing through
 * hundreds of table links (the journeys test tabs through the report form for real).
 */
async function expectVisibleFocusEverywhere(page: Page, what: string): Promise<void> {
  await page.keyboard.press('Tab');
  const bad = await page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (el.tabIndex < 0 || (el as HTMLButtonElement).disabled || !el.checkVisibility()) continue;
      el.focus();
      if (document.activeElement !== el) continue;
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 3;
      const ring = /rgb\((\d+), (\d+), (\d+)\) 0px 0px 0px (\d+)px/.exec(s.boxShadow);
      const dark = ring ? Number(ring[1]) + Number(ring[2]) + Number(ring[3]) < 150 && Number(ring[4]) >= 6 : false;
      if (!(el.matches(':focus-visible') && outline && dark)) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} “${(el.textContent ?? '').trim().slice(0, 16)}” (${s.outlineStyle} ${s.outlineWidth} / ${s.boxShadow})`);
      }
    }
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    return out;
  });
  expect(bad, `${what}: focus is not clearly visible on\n${bad.join('\n')}`).toEqual([]);
}

/** Axe at 1280 px and at 320 px, no sideways scrolling at 320 px nor at 640 px with 200 % text. */
async function checkAllSizes(page: Page, what: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await expectAxeClean(page, `${what} at ${DESKTOP.width} px`);
  await expectVisibleFocusEverywhere(page, `${what} at ${DESKTOP.width} px`);
  await page.setViewportSize(REFLOW);
  await expectNoHorizontalScroll(page, `${what} at ${REFLOW.width} px`);
  await expectAxeClean(page, `${what} at ${REFLOW.width} px`);
  await page.setViewportSize(LARGE_TEXT);
  // CSSOM, not a style attribute or <style>: allowed by the CSP.
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  await expectNoHorizontalScroll(page, `${what} at ${LARGE_TEXT.width} px with text at 200 %`);
  await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
}

async function goto(page: Page, p: string, status?: number): Promise<void> {
  const res = await page.goto(new URL(p, baseUrl).href, { waitUntil: 'load' });
  if (status !== undefined) expect(res?.status(), p).toBe(status);
}

// ---------------------------------------------------------------------------------------------
// Data the routes need

/** What the e2e database holds for these routes; filled in beforeAll. */
const data = {
  publishedNotice: '', withdrawnNotice: '', bulletin: '', receiptCookie: '', trackCode: '',
  submittedReport: '', xisheReport: '', closedReport: '', identityReport: '', ledgerItem: '', xisheLedgerItem: '',
  importPreview: '', importWithErrors: '', draftNotice: '',
};
const inserted = { notices: [] as string[] };

async function freshToken(): Promise<string> {
  const html = await (await fetch(`${baseUrl}/report/`)).text();
  return /name="form_token" value="([^"]+)"/.exec(html)![1]!;
}

/** Files a report over HTTP as the no-JavaScript form does; returns the receipt cookie's value. */
async function fileReport(): Promise<string> {
  const token = await freshToken();
  await sleep(MIN_FILL_MS);
  const res = await fetch(`${baseUrl}/report/?_action=report`, {
    method: 'POST', redirect: 'manual', headers: { Origin: baseUrl },
    body: new URLSearchParams({
      form_token: token, problem_class: 'paving', township: 'xishe', village: '', place: `无障碍检查地块 ${randomBytes(3).toString('hex')}`,
      lat: '', lng: '', coord_system: 'wgs84', location_source: 'manual', seen_on: chinaToday(),
      description: '耕地上倒了十几车建筑垃圾，还在继续倒。', name: '', phone: '', consent: 'yes', website: '',
    }),
  });
  expect(res.status).toBe(303);
  return res.headers.getSetCookie().find((c) => c.startsWith('gd_receipt='))!.split(';')[0]!.slice('gd_receipt='.length);
}

async function uploadLedger(csv: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('kind', 'items');
  form.append('file', new Blob([csv], { type: 'text/csv' }), name);
  const res = await fetch(`${baseUrl}/staff/ledger/?_action=ledger.upload`, {
    method: 'POST', body: form, redirect: 'manual', headers: { Origin: baseUrl, Cookie: `gd_session=${await sessionOf('ledger')}` },
  });
  expect(res.status, `upload of ${name}`).toBe(303);
  return /\/staff\/ledger\/imports\/(\d+)\//.exec(res.headers.get('location') ?? '')![1]!;
}

beforeAll(async () => {
  await clearLimits();
  const published = await db.selectFrom('case_notice').select('id').where('status', '=', 'published').orderBy('id').executeTakeFirstOrThrow();
  data.publishedNotice = published.id;
  // A withdrawn notice answers 410 with a short neutral page, and leaves the list and the feed.
  const withdrawn = await db
    .insertInto('case_notice')
    .values({
      title: '某镇某村村民李某违法占用耕地建房案（已撤回，无障碍检查用）', township: 'xishe', village: '西社村', problem_class: 'house', party_public: '李某',
      total_area_mu: '0.30', farmland_area_mu: '0.30', steps: JSON.stringify([{ date: '2023-05-04', action: '立案调查', detail: '' }]), outcome: 'demolished',
      accountability: '', body: '经查，村民李某未经批准占用耕地建房。', status: 'withdrawn', published_at: new Date(Date.now() - 86_400_000),
      withdrawn_at: new Date(), withdraw_reason: '当事人信息有误，核实后重新发布', withdraw_category: 'correction', is_demo: false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  inserted.notices.push(withdrawn.id);
  data.withdrawnNotice = withdrawn.id;
  data.draftNotice = (await db.selectFrom('case_notice').select('id').where('status', '=', 'draft').orderBy('id', 'desc').executeTakeFirst())?.id ?? published.id;
  data.bulletin = (await db.selectFrom('bulletin').select('id').where('status', '=', 'published').orderBy('id').executeTakeFirstOrThrow()).id;

  data.receiptCookie = await fileReport();
  data.trackCode = formatReceiptCode(await fileReport());

  const report = (status: string[], township?: string) => {
    let q = db.selectFrom('report').select('id').where('status', 'in', status);
    if (township) q = q.where('assigned_township', '=', township);
    return q.orderBy('id').executeTakeFirstOrThrow();
  };
  data.submittedReport = (await report(['submitted'])).id;
  data.xisheReport = (await report(['verifying', 'substantiated', 'rectifying'], 'xishe')).id;
  data.closedReport = (await report(['closed'])).id;
  data.identityReport = (await db.selectFrom('report').select('id').where('reporter_name_enc', 'is not', null).orderBy('id').executeTakeFirstOrThrow()).id;
  data.ledgerItem = (await db.selectFrom('ledger_item').select('id').where('claimed_rectified_on', 'is not', null).where('verified_rectified_on', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id;
  data.xisheLedgerItem = (await db.selectFrom('ledger_item').select('id').where('township', '=', 'xishe').where('verified_rectified_on', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id;

  const template = await (await fetch(`${baseUrl}/staff/ledger/template.csv`, { headers: { Cookie: `gd_session=${await sessionOf('ledger')}` } })).text();
  data.importPreview = await uploadLedger(template.replace('WP2022-0001', `A11Y-${randomBytes(3).toString('hex')}`), '无障碍检查.csv');
  const [header, row] = template.trim().split(/\r?\n/);
  data.importWithErrors = await uploadLedger(`${header}\n${row!.replace('3.27', '-1').replace('WP2022-0001', 'A11Y-BAD-1')}\n${row!.replace('WP2022-0001', '')}\n`, '有错误的台账.csv');
});

afterAll(async () => {
  if (inserted.notices.length) await db.deleteFrom('case_notice').where('id', 'in', inserted.notices).execute();
  await clearLimits();
  await db.destroy();
});

// ---------------------------------------------------------------------------------------------
// Every route

interface Route {
  what: string;
  login?: Login;
  js?: boolean;
  /** Where to go (a function: data is known only after beforeAll). */
  path: () => string;
  status?: number;
  /** Brings the page into the state to check (an error, a result) after loading it. */
  then?: (o: Opened) => Promise<void>;
}

const policies = slugsIn('policies');
const laws = slugsIn('law');

async function submitAndWait(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: button, exact: true }).click()]);
}

const PUBLIC: Route[] = [
  { what: 'the home page', path: () => '/' },
  { what: 'the policy list', path: () => '/policies/' },
  ...policies.map((s) => ({ what: `the policy ${s}`, path: () => `/policies/${s}/` })),
  { what: 'the law list', path: () => '/law/' },
  ...laws.map((s) => ({ what: `the law explainer ${s}`, path: () => `/law/${s}/` })),
  { what: 'the case list', path: () => '/cases/' },
  { what: 'the case list filtered by township', path: () => '/cases/?township=xishe' },
  { what: 'the case list filtered to nothing', path: () => '/cases/?class=golf&township=caicun' },
  { what: 'a case list page past the end', path: () => '/cases/?page=99', status: 404 },
  { what: 'a published case notice', path: () => `/cases/${data.publishedNotice}/` },
  { what: 'a withdrawn case notice (410, date and reason category only)', path: () => `/cases/${data.withdrawnNotice}/`, status: 410 },
  { what: 'the progress page', path: () => '/progress/' },
  { what: 'the bulletin list', path: () => '/progress/bulletins/' },
  { what: 'a published bulletin', path: () => `/progress/bulletins/${data.bulletin}/` },
  { what: 'the open data page', path: () => '/open-data/' },
  { what: 'the report form with JavaScript', path: () => '/report/' },
  { what: 'the report form without JavaScript', js: false, path: () => '/report/' },
  {
    what: 'the report form sent empty with JavaScript (error summary in place)', path: () => '/report/',
    then: async ({ page }) => {
      await page.getByRole('button', { name: '提交举报' }).click();
      await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
    },
  },
  {
    what: 'the report form sent empty without JavaScript (error page from the server)', js: false, path: () => '/report/',
    then: async ({ page }) => {
      await submitAndWait(page, '提交举报');
      expect(await page.locator('#error-summary').count()).toBe(1);
      expect(await page.title()).toMatch(/^错误：/);
    },
  },
  {
    what: 'the receipt page showing a code', path: () => '/',
    then: async ({ page, context }) => {
      await context.addCookies([{ name: 'gd_receipt', value: data.receiptCookie, url: `${baseUrl}/report/` }]);
      await goto(page, '/report/receipt/');
      expect(await page.locator('#receipt-code').count()).toBe(1);
    },
  },
  { what: 'the receipt page without a code', path: () => '/report/receipt/' },
  { what: 'the tracking form', path: () => '/track/' },
  {
    what: 'tracking an unknown code', path: () => '/track/',
    then: async ({ page }) => {
      await page.fill('#code', withCheck(randomBytes(8).toString('hex').toUpperCase()));
      await submitAndWait(page, '查询');
      expect(await page.locator('#error-summary').innerText()).toContain('没有找到');
    },
  },
  {
    what: 'tracking a known code', path: () => '/track/',
    then: async ({ page }) => {
      await page.fill('#code', data.trackCode);
      await submitAndWait(page, '查询');
      expect(await page.locator('h1').innerText()).toBe('举报办理进度');
    },
  },
  { what: 'the 404 page', path: () => '/no-such-page/', status: 404 },
  { what: 'the display settings page', path: () => '/display/?back=%2Fcases%2F' },
];

const STAFF: Route[] = [
  { what: 'the sign-in page', path: () => '/staff/login/' },
  {
    what: 'the sign-in page after a wrong password', path: () => '/staff/login/',
    then: async ({ page }) => {
      await page.fill('#login', 'moderator');
      await page.fill('#password', 'Not-the-password-1');
      await submitAndWait(page, '登录');
      expect(await page.locator('#error-summary').count()).toBe(1);
      await clearLimits();
    },
  },
  { what: 'the sign-in page after signing out', path: () => '/staff/login/?signed_out=1' },
  { what: "the moderator's queue", login: 'moderator', path: () => '/staff/' },
  { what: "the moderator's queue filtered by status and township", login: 'moderator', path: () => '/staff/?status=submitted&township=xishe' },
  { what: "the moderator's queue filtered to nothing", login: 'moderator', path: () => '/staff/?class=golf&from=2000-01-01&to=2000-01-02' },
  { what: "a township officer's queue", login: 'township-xishe', path: () => '/staff/' },
  { what: "the publicity team's queue", login: 'publicity', path: () => '/staff/' },
  { what: 'a submitted report as the moderator', login: 'moderator', path: () => `/staff/reports/${data.submittedReport}/` },
  { what: 'a report as the admin', login: 'admin', path: () => `/staff/reports/${data.submittedReport}/` },
  { what: 'a report with an identity as the custodian', login: 'custodian', path: () => `/staff/reports/${data.identityReport}/` },
  { what: "a report assigned to 西社镇 as its officer", login: 'township-xishe', path: () => `/staff/reports/${data.xisheReport}/` },
  { what: 'a closed report as the publicity team', login: 'publicity', path: () => `/staff/reports/${data.closedReport}/` },
  {
    what: 'a report page with an error', login: 'moderator', path: () => `/staff/reports/${data.submittedReport}/`,
    then: async ({ page }) => {
      // An empty public reply: the Action refuses it and the page says why.
      await submitAndWait(page, '发布答复');
      expect(await page.locator('#error-summary').count()).toBe(1);
    },
  },
  { what: 'my account', login: 'publicity', path: () => '/staff/account/' },
  {
    what: 'my account after a failed password change', login: 'publicity2', path: () => '/staff/account/',
    then: async ({ page }) => {
      await page.fill('#current', 'Not-the-password-1');
      await page.fill('#next', 'Another-pass-2026');
      await page.fill('#confirm', 'Another-pass-2026');
      await submitAndWait(page, '修改密码');
      expect(await page.locator('#error-summary').count()).toBe(1);
    },
  },
  { what: 'user management', login: 'admin', path: () => '/staff/users/' },
  {
    what: 'user management after asking for a custodian account (first half of the setup code, pending list)', login: 'admin', path: () => '/staff/users/',
    then: async ({ page }) => {
      // Run at each width: a login of its own each time, since a pending request blocks a second one.
      await page.fill('#new-login', `a11y.custodian.${randomBytes(3).toString('hex')}`);
      await page.fill('#new-name', '无障碍保管员');
      await page.selectOption('#new-role', 'custodian');
      await submitAndWait(page, '创建账号');
      expect(await page.locator('.setup-code').innerText()).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
      expect(await page.locator('main').innerText()).toContain('需另一位管理员确认');
    },
  },
  { what: 'the custodian password setup page', path: () => '/staff/setup/' },
  {
    what: 'the custodian password setup page after wrong codes', path: () => '/staff/setup/',
    then: async ({ page }) => {
      await page.fill('#login', 'nobody.custodian');
      await page.fill('#half-a', 'AAAAA-AAAAA');
      await page.fill('#half-b', 'BBBBB-BBBBB');
      await page.fill('#password', 'Quiet-orchard-river-81');
      await page.fill('#confirm', 'Quiet-orchard-river-81');
      await submitAndWait(page, '设置密码');
      expect(await page.locator('#error-summary').innerText()).toContain('设置码不正确');
    },
  },
  { what: 'the audit log', login: 'admin', path: () => '/staff/audit/' },
  { what: 'the settings', login: 'admin', path: () => '/staff/settings/' },
  { what: 'the case notice list', login: 'publicity', path: () => '/staff/notices/' },
  { what: 'a new case notice', login: 'publicity', path: () => '/staff/notices/new/' },
  { what: 'a new case notice from a closed report', login: 'publicity', path: () => `/staff/notices/new/?from=${data.closedReport}` },
  { what: 'a published case notice as the publicity team', login: 'publicity', path: () => `/staff/notices/${data.publishedNotice}/` },
  { what: 'a case notice as the moderator', login: 'moderator', path: () => `/staff/notices/${data.draftNotice}/` },
  { what: "the ledger keeper's ledger", login: 'ledger', path: () => '/staff/ledger/' },
  { what: "a township officer's ledger", login: 'township-xishe', path: () => '/staff/ledger/' },
  { what: 'an import preview', login: 'ledger', path: () => `/staff/ledger/imports/${data.importPreview}/` },
  { what: 'an import preview with row errors', login: 'ledger', path: () => `/staff/ledger/imports/${data.importWithErrors}/` },
  { what: 'a ledger item as the ledger keeper', login: 'ledger', path: () => `/staff/ledger/items/${data.ledgerItem}/` },
  { what: 'a ledger item as the township officer', login: 'township-xishe', path: () => `/staff/ledger/items/${data.xisheLedgerItem}/` },
  { what: 'the bulletins as the ledger keeper', login: 'ledger', path: () => '/staff/bulletins/' },
  { what: 'the bulletins as the moderator', login: 'moderator', path: () => '/staff/bulletins/' },
  { what: 'the forbidden page', login: 'publicity', path: () => '/staff/users/', status: 403 },
];

for (const [area, routes] of [['public pages', PUBLIC], ['staff pages', STAFF]] as const) {
  describe(`${area}: axe (WCAG 2.2 AA) at 1280 and 320 px, and no sideways scrolling at 320 px or with 200 % text`, () => {
    for (const route of routes) {
      it(`${route.what}${route.login ? ` (${route.login})` : ''}${route.js === false ? ' with JavaScript off' : ''} passes`, async () => {
        const o = await open({ login: route.login, js: route.js });
        try {
          await goto(o.page, route.path(), route.status);
          await route.then?.(o);
          await checkAllSizes(o.page, route.what);
          expect(o.problems).toEqual([]);
        } finally {
          await o.context.close();
        }
      });
    }
  });
}

describe('the error page while the database is down', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startServeOnly({ DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' });
  });
  afterAll(() => app?.stop());

  it('the 503 page passes axe at 1280 and 320 px and does not scroll sideways', async () => {
    const o = await open();
    try {
      await goto(o.page, `${app.url}/cases/`, 503);
      expect(await o.page.locator('h1').innerText()).toBe('服务暂时不可用');
      await checkAllSizes(o.page, 'the 503 page');
      expect(o.problems).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 大字号/高对比度 without JavaScript

const fontSizeOf = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

describe('the large-text, high-contrast display (适老化), which works with JavaScript off', () => {
  it('is switched on from a prerendered policy page, stays on for server-rendered pages and switches back', async () => {
    const context = await browser().newContext({ locale: 'zh-CN', viewport: DESKTOP, javaScriptEnabled: false });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    try {
      const policy = `/policies/${policies[0]}/`;
      await goto(page, policy);
      const standard = { body: await fontSizeOf(page, 'body'), p: await fontSizeOf(page, 'main p'), h1: await fontSizeOf(page, 'h1') };
      expect(await page.getByRole('link', { name: '恢复标准显示' }).count(), 'no way back in standard mode').toBe(0);

      await Promise.all([page.waitForURL(new URL(policy, baseUrl).href), page.getByRole('link', { name: '大字号/高对比度' }).click()]);
      const cookie = (await context.cookies()).find((c) => c.name === 'gd_display');
      expect(cookie).toMatchObject({ value: 'large', path: '/', sameSite: 'Lax', httpOnly: false });
      expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(364 * 86_400_000);

      const large = { body: await fontSizeOf(page, 'body'), p: await fontSizeOf(page, 'main p'), h1: await fontSizeOf(page, 'h1') };
      for (const k of ['body', 'p', 'h1'] as const) expect(large[k] / standard[k], k).toBeGreaterThanOrEqual(1.25);
      expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(0, 0, 0)');
      expect(await page.getByRole('link', { name: '大字号/高对比度' }).count(), 'the header offers the way back instead').toBe(0);
      expect(await page.getByRole('link', { name: '恢复标准显示' }).isVisible()).toBe(true);
      // Underlines are thicker too.
      const underline = await page.locator('main a').first().evaluate((a) => getComputedStyle(a).textDecorationThickness);
      expect(parseFloat(underline)).toBeGreaterThanOrEqual(2);

      // Server-rendered pages, public and staff, follow the same cookie.
      for (const p of ['/cases/', '/report/', '/track/', '/staff/login/']) {
        await goto(page, p);
        expect(await fontSizeOf(page, 'body'), p).toBeGreaterThanOrEqual(standard.body * 1.25);
        expect(await page.getByRole('link', { name: '恢复标准显示' }).isVisible(), p).toBe(true);
      }

      // Focus is drawn thicker than in standard mode (4 px yellow inside 9 px black).
      await goto(page, '/cases/');
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return { outline: parseFloat(s.outlineWidth), shadow: s.boxShadow };
      });
      expect(focus.outline).toBeGreaterThanOrEqual(4);
      expect(focus.shadow).toContain('9px');

      await Promise.all([page.waitForURL(`${baseUrl}/cases/`), page.getByRole('link', { name: '恢复标准显示' }).click()]);
      expect((await context.cookies()).some((c) => c.name === 'gd_display')).toBe(false);
      expect(await fontSizeOf(page, 'body')).toBe(standard.body);
      expect(await page.getByRole('link', { name: '大字号/高对比度' }).isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  for (const [what, p, login] of [
    ['a prerendered policy page', `/policies/${policies[0]}/`, undefined],
    ['a prerendered law page', `/law/${laws[0]}/`, undefined],
    ['the home page', '/', undefined],
    ['the case list', '/cases/', undefined],
    ['the progress page', '/progress/', undefined],
    ['the report form', '/report/', undefined],
    ['the tracking form', '/track/', undefined],
    ['the display settings page', '/display/', undefined],
    ['a staff report page', 'report', 'moderator'],
    ['the ledger', '/staff/ledger/', 'ledger'],
  ] as Array<[string, string, Login | undefined]>) {
    it(`in large mode, ${what} passes axe at 1280 and 320 px and does not scroll sideways`, async () => {
      const o = await open({ js: false, login });
      try {
        await o.context.addCookies([{ name: 'gd_display', value: 'large', url: baseUrl }]);
        await goto(o.page, p === 'report' ? `/staff/reports/${data.submittedReport}/` : p);
        expect(await fontSizeOf(o.page, 'html')).toBe(20);
        await checkAllSizes(o.page, `${what} in large mode`);
        expect(o.problems).toEqual([]);
      } finally {
        await o.context.close();
      }
    });
  }

  it('serves /display.css privately by cookie: empty by default, the large rules when asked, 304 when unchanged', async () => {
    const plain = await fetch(`${baseUrl}/display.css`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain('text/css');
    expect(plain.headers.get('cache-control')).toBe('private, no-cache');
    expect(plain.headers.get('vary')).toContain('Cookie');
    expect((await plain.text()).replace(/\/\*[\s\S]*?\*\//g, '').trim()).toBe('');

    const large = await fetch(`${baseUrl}/display.css`, { headers: { Cookie: 'gd_display=large' } });
    expect(large.headers.get('cache-control')).toBe('private, no-cache');
    const css = await large.text();
    expect(css).toMatch(/font-size:\s*125%/);
    expect(large.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const again = await fetch(`${baseUrl}/display.css`, { headers: { Cookie: 'gd_display=large', 'If-None-Match': large.headers.get('etag')! } });
    expect(again.status).toBe(304);
    // A stale copy from the other mode is not reused.
    const switched = await fetch(`${baseUrl}/display.css`, { headers: { 'If-None-Match': large.headers.get('etag')! } });
    expect(switched.status).toBe(200);
  });

  it('goes back only to a path on this site', async () => {
    const cases: Array<[string, string]> = [
      ['/cases/?township=xishe', '/cases/?township=xishe'],
      ['/report/?_action=report', '/report/'],
      ['//evil.example/', '/'],
      ['/\\evil.example/', '/'],
      ['https://evil.example/', '/'],
      ['javascript:alert(1)', '/'],
      ['/display/?mode=large', '/'],
      ['', '/'],
    ];
    for (const [back, location] of cases) {
      const res = await fetch(`${baseUrl}/display/?mode=large&back=${encodeURIComponent(back)}`, { redirect: 'manual' });
      expect(res.status, back).toBe(303);
      expect(res.headers.get('location'), back).toBe(location);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gd_display='))!;
      expect(cookie).toMatch(/Max-Age=31536000/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//i);
      expect(cookie).not.toMatch(/HttpOnly/i);
    }
    const off = await fetch(`${baseUrl}/display/?mode=standard&back=%2Flaw%2F`, { redirect: 'manual' });
    expect(off.headers.get('location')).toBe('/law/');
    expect(off.headers.getSetCookie().find((c) => c.startsWith('gd_display='))).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
  });

  it('keeps every page free of inline styles: the CSP still has no unsafe-inline, and prerendered pages link /display.css', async () => {
    for (const p of ['/display/', '/cases/', `/policies/${policies[0]}/`, `/law/${laws[0]}/`]) {
      const res = await fetch(baseUrl + p);
      const html = await res.text();
      expect(html, p).toContain('<link rel="stylesheet" href="/display.css"');
      expect(html, p).toContain('/display/?mode=large&amp;back=');
      expect(res.headers.get('content-security-policy') ?? '', p).not.toContain('unsafe-inline');
      expect(html, p).not.toMatch(/unsafe-inline|\sstyle="/);
    }
  });
});
