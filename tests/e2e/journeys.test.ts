/**
 * The whole product walked as real people walk it, in one story, in Chromium against the e2e app:
 * a resident reads; a citizen reports from a phone and once with JavaScript off; the moderator
 * accepts and assigns; the 西社镇 officer verifies, handles and closes with a public reply; the
 * citizen reads the reply on /track/; the publicity team drafts a case notice from the closed
 * report and a second member approves it; the public sees it on /cases/ with the party masked.
 * Last, the report form once more, with the keyboard only.
 *
 * People click links and buttons by what they say (roles and names), as they see them; the
 * steps share state in order, like the story.
 */
import { chinaToday } from '../../src/shared/china-time.ts';
import { randomBytes } from 'node:crypto';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { createDb } from '../../src/server/db.ts';
import { hashReceiptCode, normalizeReceiptCode } from '../../src/domain/reports/receipt-code.ts';
import { baseUrl, describeViolations, runAxe, useBrowser, watchedPage, type WatchedPage } from './browser.ts';

const PASSWORD = process.env.E2E_STAFF_PASSWORD ?? 'Demo-pass-2026-e2e';
const db = createDb(process.env.E2E_DATABASE_URL!, { max: 2 });
const { browser } = useBrowser();

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } satisfies BrowserContextOptions;
const DESKTOP = { viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions;
/** The app requires this long between serving the form and its submission (REPORT_MIN_FILL_SECONDS=1). */
const MIN_FILL_MS = 1300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tag = randomBytes(3).toString('hex');
const STORY = {
  place: `西社村东机耕路北侧麦地，旅程测试 ${tag}`,
  description: '有人在麦地里打地基，已经砌了半人高的墙，旁边堆着砖和水泥。',
  noJsPlace: `稷峰镇姚村南，旅程测试（无脚本）${tag}`,
  verification: '现场核实：新建地基约 80 平方米，占用一般耕地。',
  reply: `经西社镇现场核查，您反映的问题属实，违建已于近日拆除并复耕。感谢您的监督！（${tag}）`,
  party: '孙大林',
  noticeTitle: `西社镇村民孙大林违法占用耕地建房案（${tag}）`,
};

async function clearLimits(): Promise<void> {
  await db.deleteFrom('rate_limit').where('bucket', 'in', ['report-h', 'report-d', 'track', 'login-a', 'login-c']).execute();
}

beforeAll(clearLimits);
afterAll(async () => {
  // The story's notice leaves the public list again, so other files that count notices are unaffected.
  await db.updateTable('case_notice').set({ status: 'withdrawn', withdrawn_at: new Date(), withdraw_reason: '自动化测试结束' })
    .where('title_raw', '=', STORY.noticeTitle).where('status', '=', 'published').execute();
  await clearLimits();
  await db.destroy();
});

type Person = WatchedPage;

function person(options: BrowserContextOptions = DESKTOP): Promise<Person> {
  return watchedPage(browser(), options);
}

/** A staff member signs in through the sign-in form. */
async function staff(login: string): Promise<Person> {
  const p = await person();
  await p.page.goto(`${baseUrl}/staff/`);
  await p.page.waitForURL(/\/staff\/login\//);
  await p.page.getByLabel('登录名').fill(login);
  await p.page.getByLabel('密码').fill(PASSWORD);
  await Promise.all([p.page.waitForURL((u) => !u.pathname.startsWith('/staff/login')), p.page.getByRole('button', { name: '登录', exact: true }).click()]);
  return p;
}

async function clickAndWait(page: Page, target: Locator, url?: RegExp | ((u: URL) => boolean)): Promise<void> {
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('load'), target.click()]);
}

async function axeClean(page: Page, what: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

const h1 = (page: Page) => page.locator('h1').first().innerText();
const mainText = (page: Page) => page.locator('main').innerText();
const reportByCode = (code: string) =>
  db.selectFrom('report').selectAll().where('receipt_hash', '=', hashReceiptCode(normalizeReceiptCode(code)!)).executeTakeFirstOrThrow();

/** Finds the row of the report made at `place` in the queue on screen, paging on as a person would. */
async function findInQueue(page: Page, place: string): Promise<Locator> {
  for (let i = 0; i < 40; i++) {
    const row = page.getByRole('row').filter({ hasText: place });
    if ((await row.count()) === 1) return row;
    const next = page.getByRole('navigation', { name: '翻页' }).getByRole('link', { name: '下一页' });
    if ((await next.count()) === 0) break;
    await clickAndWait(page, next);
  }
  throw new Error(`“${place}” is not in the queue`);
}

/** Submits the workflow form of `action` on a staff report page, as the officer clicks its button. */
async function act(page: Page, action: string): Promise<void> {
  const section = page.locator(`section[aria-labelledby="${action}-title"]`);
  // Each act's button says what its heading says (登记核查结果, 办结…).
  const label = (await section.getByRole('heading').innerText()).trim();
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === action),
    section.getByRole('button', { name: label, exact: true }).click(),
  ]);
}

describe('one report, from a resident reading about the campaign to a published case notice', () => {
  let phoneCode = '';
  let reportId = '';
  let noticeId = '';

  it('a resident reads the home page, a policy, a law explainer, a case and the progress figures through the menus', async () => {
    const { page, problems, context } = await person();
    try {
      await page.goto(`${baseUrl}/`);
      expect(await h1(page)).toMatch(/守住耕地红线/);
      const nav = page.getByRole('navigation', { name: '主导航' });

      await clickAndWait(page, nav.getByRole('link', { name: '政策文件' }), /\/policies\/$/);
      expect(await h1(page)).toBe('政策文件');
      await clickAndWait(page, page.getByRole('main').getByRole('link', { name: /稷山县/ }).first(), /\/policies\/[\w-]+\/$/);
      expect(await mainText(page)).toContain('发文机关');
      expect(await mainText(page)).toContain('具体以原文为准');

      await clickAndWait(page, nav.getByRole('link', { name: '法律法规' }), /\/law\/$/);
      await clickAndWait(page, page.getByRole('main').getByRole('link', { name: /土地管理法/ }).first(), /\/law\/[\w-]+\/$/);
      expect(await mainText(page)).toContain('第七十七条');

      await clickAndWait(page, nav.getByRole('link', { name: '典型案例' }), /\/cases\/$/);
      expect(await h1(page)).toBe('典型案例通报');
      await clickAndWait(page, page.locator('main .card h2 a').first(), /\/cases\/\d+\/$/);
      const notice = await mainText(page);
      expect(notice).toContain('当事人');
      expect(notice).toContain('查处经过');
      // Back to the list from the notice itself.
      await clickAndWait(page, page.getByRole('main').getByRole('link', { name: '返回案例列表' }), /\/cases\/$/);

      await clickAndWait(page, nav.getByRole('link', { name: '整改进度' }), /\/progress\/$/);
      expect(await h1(page)).toBe('整改进度');
      expect(await mainText(page)).toContain('全县合计');
      expect(await page.getByRole('link', { name: '整改进度' }).first().getAttribute('aria-current')).toBe('page');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a citizen reports from a phone (390 × 844, touch): taps a category, picks 西社镇, types the place and gets a receipt code', async () => {
    await clearLimits();
    const { page, problems, context } = await person(PHONE);
    try {
      await page.goto(`${baseUrl}/`);
      await clickAndWait(page, page.getByRole('main').getByRole('link', { name: '我要举报' }), /\/report\/$/);
      const loaded = Date.now();
      await page.getByText('乱占耕地建房', { exact: true }).tap();
      expect(await page.locator('input[name=problem_class]:checked').getAttribute('value')).toBe('house');
      await page.getByLabel('乡镇').selectOption({ label: '西社镇' });
      await page.getByLabel('具体地点').fill(STORY.place);
      await page.getByLabel('3. 什么时候看到的？').fill(chinaToday());
      await page.getByLabel('4. 请描述看到的情况').fill(STORY.description);
      await page.getByText('我已阅读并同意', { exact: true }).tap();
      expect(await page.getByRole('checkbox', { name: '我已阅读并同意' }).isChecked()).toBe(true);
      // No sideways scrolling on the phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await sleep(Math.max(0, loaded + MIN_FILL_MS - Date.now()));
      await Promise.all([page.waitForURL(/\/report\/receipt\/$/), page.getByRole('button', { name: '提交举报' }).tap()]);
      expect(await h1(page)).toBe('举报已提交');
      phoneCode = (await page.locator('#receipt-code').innerText()).trim();
      expect(normalizeReceiptCode(phoneCode)).not.toBeNull();
      await axeClean(page, 'the receipt on a phone');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    const row = await reportByCode(phoneCode);
    expect(row).toMatchObject({ status: 'submitted', township: 'xishe', problem_class: 'house', place_description: STORY.place });
    reportId = row.id;
  });

  it('another citizen reports with JavaScript off: the plain form posts and the receipt shows a code that /track/ knows', async () => {
    await clearLimits();
    const { page, context } = await person({ ...DESKTOP, javaScriptEnabled: false });
    try {
      await page.goto(`${baseUrl}/report/`);
      const loaded = Date.now();
      // The map needs JavaScript; the township and village selects do not.
      expect(await page.locator('#report-map').isVisible()).toBe(false);
      await page.getByLabel('挖湖造景', { exact: true }).check();
      await page.getByLabel('乡镇').selectOption({ label: '稷峰镇' });
      await page.getByLabel('具体地点').fill(STORY.noJsPlace);
      await page.getByLabel('3. 什么时候看到的？').fill(chinaToday());
      await page.getByLabel('4. 请描述看到的情况').fill('村委会在耕地里挖了一个大水塘，说要搞观光。');
      await page.getByLabel('我已阅读并同意').check();
      await sleep(Math.max(0, loaded + MIN_FILL_MS - Date.now()));
      await Promise.all([page.waitForURL(/\/report\/receipt\/$/), page.getByRole('button', { name: '提交举报' }).click()]);
      const code = (await page.locator('#receipt-code').innerText()).trim();
      expect(normalizeReceiptCode(code)).not.toBeNull();
      // The copy button needs JavaScript and is not offered without it.
      expect(await page.getByRole('button', { name: '复制查询码' }).isVisible()).toBe(false);

      await clickAndWait(page, page.getByRole('main').getByRole('link', { name: '查询举报进度' }), /\/track\/$/);
      await page.getByLabel('查询码').fill(code);
      await clickAndWait(page, page.getByRole('button', { name: '查询' }));
      expect(await h1(page)).toBe('举报办理进度');
      expect(await mainText(page)).toContain('已提交');
      expect(await mainText(page)).toContain('稷峰镇');
    } finally {
      await context.close();
    }
  });

  it('the moderator finds the phone report in the queue, accepts it and assigns it to 西社镇', async () => {
    const { page, problems, context } = await staff('moderator');
    try {
      expect(await h1(page)).toBe('举报队列');
      await clickAndWait(page, page.getByRole('navigation', { name: '按状态查看' }).getByRole('link', { name: /^已提交/ }), /status=submitted/);
      await page.getByLabel('乡镇').selectOption({ label: '西社镇' });
      await page.getByLabel('提交日期从').fill(chinaToday());
      await clickAndWait(page, page.getByRole('button', { name: '筛选' }), /township=xishe/);
      const row = await findInQueue(page, STORY.place);
      await clickAndWait(page, row.getByRole('link', { name: `#${reportId}` }), new RegExp(`/staff/reports/${reportId}/$`));
      expect(await mainText(page)).toContain(STORY.description);

      await act(page, 'accept');
      expect(await page.locator('.meta').innerText()).toContain('已受理');
      expect(await page.getByRole('status').innerText()).toContain('已完成');

      expect(await page.getByRole('combobox', { name: '交办乡镇' }).inputValue()).toBe('xishe');
      await act(page, 'assign');
      const meta = await page.locator('.meta').innerText();
      expect(meta).toContain('核查中');
      expect(meta).toContain('西社镇');
      await axeClean(page, 'the report page after assigning');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect(await db.selectFrom('report').select(['status', 'assigned_township']).where('id', '=', reportId).executeTakeFirstOrThrow()).toEqual({ status: 'verifying', assigned_township: 'xishe' });
  });

  it('the 西社镇 officer verifies it (查实), starts handling and closes it with a public reply', async () => {
    const { page, problems, context } = await staff('township-xishe');
    try {
      await clickAndWait(page, page.getByRole('navigation', { name: '按状态查看' }).getByRole('link', { name: /^核查中/ }), /status=verifying/);
      const row = await findInQueue(page, STORY.place);
      await clickAndWait(page, row.getByRole('link', { name: `#${reportId}` }), new RegExp(`/staff/reports/${reportId}/$`));

      const verify = page.locator('section[aria-labelledby="recordVerification-title"]');
      await verify.getByLabel('查实', { exact: true }).check();
      await verify.getByLabel('核查情况（内部）').fill(STORY.verification);
      await act(page, 'recordVerification');
      expect(await page.locator('.meta').innerText()).toContain('查实');

      const handle = page.locator('section[aria-labelledby="startHandling-title"]');
      await handle.getByLabel('整改措施').selectOption({ index: 1 });
      await handle.getByLabel('处理结果').selectOption({ index: 1 });
      await act(page, 'startHandling');
      expect(await page.locator('.meta').innerText()).toContain('整改中');

      const close = page.locator('section[aria-labelledby="close-title"]');
      await close.getByLabel('公开答复').fill(STORY.reply);
      await act(page, 'close');
      expect(await page.locator('.meta').innerText()).toContain('已办结');
      await axeClean(page, 'the closed report as the township officer');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the citizen tracks the report on the phone with the receipt code and reads the reply', async () => {
    await clearLimits();
    const { page, problems, context } = await person(PHONE);
    try {
      await page.goto(`${baseUrl}/`);
      await clickAndWait(page, page.getByRole('main').getByRole('link', { name: '查询举报进度' }), /\/track\/$/);
      // Typed as people type it: lower case, without the dashes.
      await page.getByLabel('查询码').fill(phoneCode.toLowerCase().replaceAll('-', ''));
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '查询' }).tap()]);
      await expect.poll(() => h1(page)).toBe('举报办理进度');
      const text = await mainText(page);
      expect(text).toContain('已办结');
      expect(text).toContain(STORY.reply);
      expect(text).toContain('西社镇');
      expect(text, 'internal notes stay inside').not.toContain(STORY.verification);
      await axeClean(page, 'the tracking result');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the publicity team drafts a case notice from the closed report; the preview masks the party', async () => {
    const { page, problems, context } = await staff('publicity');
    try {
      await clickAndWait(page, page.getByRole('navigation', { name: '按状态查看' }).getByRole('link', { name: /^已办结/ }), /status=closed/);
      const row = await findInQueue(page, STORY.place);
      await clickAndWait(page, row.getByRole('link', { name: `#${reportId}` }), new RegExp(`/staff/reports/${reportId}/$`));
      await clickAndWait(page, page.getByRole('link', { name: '据此起草通报' }), /\/staff\/notices\/new\/\?from=/);
      expect(await page.getByLabel('乡镇').inputValue()).toBe('xishe');
      await page.getByLabel('标题').fill(STORY.noticeTitle);
      await page.getByLabel('个人', { exact: true }).check();
      await page.getByLabel(/名称或姓名/).fill(STORY.party);
      await page.getByLabel('总面积（亩）').fill('0.12');
      await page.getByLabel('其中耕地面积（亩）').fill('0.12');
      const body = page.getByLabel('正文');
      await body.fill(`经查，西社镇村民${STORY.party}未经批准在耕地上建房，占用耕地0.12亩。${STORY.party}已自行拆除并复耕。\n\n${await body.inputValue()}`);
      await clickAndWait(page, page.getByRole('button', { name: '保存草稿并预览' }), /\/staff\/notices\/\d+\/\?done=saved/);
      noticeId = /\/staff\/notices\/(\d+)\//.exec(page.url())![1]!;
      const preview = await page.getByRole('article', { name: '公开预览' }).innerText();
      expect(preview).toContain('孙某');
      expect(preview).not.toContain(STORY.party);
      expect(await page.getByRole('button', { name: '审核通过并发布' }).count(), 'nobody approves their own draft').toBe(0);
      await axeClean(page, 'the draft notice');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect((await fetch(`${baseUrl}/cases/${noticeId}/`)).status, 'a draft is not public').toBe(404);
  });

  it('a second member of the publicity team approves it from the notice list', async () => {
    const { page, problems, context } = await staff('publicity2');
    try {
      await page.goto(`${baseUrl}/staff/notices/`);
      await clickAndWait(page, page.getByRole('link', { name: /西社镇村民孙某违法占用耕地建房案/ }).first(), new RegExp(`/staff/notices/${noticeId}/$`));
      await clickAndWait(page, page.getByRole('button', { name: '审核通过并发布' }), /done=published/);
      expect(await page.getByRole('status').innerText()).toContain('已发布');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the public finds the notice on /cases/ under 西社镇, with the party masked as 孙某 and never named', async () => {
    const { page, problems, context } = await person();
    try {
      // Public pages are cached for a moment (2 s in the e2e app).
      await expect
        .poll(async () => {
          await page.goto(`${baseUrl}/cases/?township=xishe`);
          return page.getByRole('link', { name: /西社镇村民孙某违法占用耕地建房案/ }).count();
        }, { timeout: 15_000, interval: 500 })
        .toBe(1);
      await clickAndWait(page, page.getByRole('link', { name: /西社镇村民孙某违法占用耕地建房案/ }), new RegExp(`/cases/${noticeId}/$`));
      const text = await mainText(page);
      expect(text).toContain('孙某');
      expect(text).toContain('0.12 亩');
      expect(await page.content()).not.toContain(STORY.party);
      await axeClean(page, 'the published notice');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    const rss = await (await fetch(`${baseUrl}/cases/rss.xml`)).text();
    expect(rss).toContain(`/cases/${noticeId}/`);
    expect(rss).not.toContain(STORY.party);
  });
});

// ---------------------------------------------------------------------------------------------

interface Stop {
  id: string;
  tag: string;
  text: string;
  /** An outline or a box-shadow is drawn while it has keyboard focus. */
  ring: boolean;
  /** The element is on screen (not the off-screen skip link, not hidden). */
  visible: boolean;
}

/** Where keyboard focus is now, and whether it can be seen. */
function focusStop(page: Page): Promise<Stop> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    const r = el.getBoundingClientRect();
    const visible = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
    return { id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim().slice(0, 20), ring: outline || shadow, visible };
  });
}

describe('the report form with the keyboard only', () => {
  it('is filled and sent with Tab, Space, Enter and arrow keys, in a sensible focus order, always with a visible focus ring', async () => {
    await clearLimits();
    const { page, problems, context } = await person();
    const stops: Stop[] = [];
    const key = async (k: string) => {
      await page.keyboard.press(k);
      const stop = await focusStop(page);
      stops.push(stop);
      return stop;
    };
    /** Tabs on until the element with `id` has focus, checking each stop on the way. */
    const tabTo = async (id: string, max = 15) => {
      for (let i = 0; i < max; i++) {
        const stop = await key('Tab');
        expect(stop.visible, `focus stop ${stop.tag}#${stop.id} “${stop.text}” is on screen`).toBe(true);
        expect(stop.ring, `focus stop ${stop.tag}#${stop.id} “${stop.text}” shows a focus ring`).toBe(true);
        if (stop.id === id) return;
      }
      throw new Error(`#${id} not reached with Tab; stops: ${stops.map((s) => s.id || s.text).join(' → ')}`);
    };
    try {
      await page.goto(`${baseUrl}/report/`);
      const loaded = Date.now();

      // The first Tab reaches the skip link, which shows itself; Enter moves focus to the main content.
      const skip = await key('Tab');
      expect(skip.text).toBe('跳到正文');
      expect(skip.visible && skip.ring).toBe(true);
      expect((await key('Enter')).id).toBe('main');

      // Radios: Tab enters the group once; arrows move the choice.
      await tabTo('problem_class-house');
      const second = await key('ArrowDown');
      expect(second.id).toMatch(/^problem_class-/);
      expect(await page.locator(`#${second.id}`).isChecked()).toBe(true);
      expect((await key('ArrowUp')).id).toBe('problem_class-house');
      expect(await page.locator('#problem_class-house').isChecked()).toBe(true);

      // The township select: arrows change the choice without opening it.
      await tabTo('township');
      const xishe = jurisdiction.townships.findIndex((t) => t.code === 'xishe');
      for (let i = 0; i <= xishe; i++) await page.keyboard.press('ArrowDown');
      expect(await page.locator('#township').inputValue()).toBe('xishe');
      await tabTo('village');
      await tabTo('place');
      await page.keyboard.type(`西社村北，键盘测试 ${tag}`);

      // The date: one segment after another; ArrowUp fills an empty segment (this year, 1 January).
      await tabTo('seen_on');
      for (let segment = 0; segment < 3; segment++) {
        await page.keyboard.press('ArrowUp');
        if (segment < 2) await page.keyboard.press('ArrowRight');
      }
      expect(await page.locator('#seen_on').inputValue()).toMatch(/^\d{4}-01-01$/);

      await tabTo('description');
      await page.keyboard.type('有人在耕地上堆放建筑垃圾，已经有十几车了。');
      await tabTo('photos');
      await tabTo('name');
      await tabTo('phone');
      await tabTo('consent');
      expect(await page.locator('#consent').isChecked()).toBe(false);
      await key('Space');
      expect(await page.locator('#consent').isChecked()).toBe(true);
      const submit = await key('Tab');
      expect(submit.text).toBe('提交举报');
      expect(submit.ring).toBe(true);

      // The order follows the page: each stop after the one before, by document position.
      const formOrder = ['main', 'problem_class-house', 'township', 'village', 'place', 'seen_on', 'description', 'photos', 'name', 'phone', 'consent'];
      const reached = stops.map((s) => s.id).filter((id) => formOrder.includes(id)).filter((id, i, all) => all[i - 1] !== id);
      expect(reached).toEqual(formOrder);
      const ordered = await page.evaluate((list) => {
        const els = list.map((id) => document.getElementById(id)!);
        return els.every((el, i) => i === 0 || Boolean(els[i - 1]!.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
      }, formOrder);
      expect(ordered, 'focus order follows the document').toBe(true);
      // The honeypot and hidden fields are never reached.
      expect(stops.some((s) => s.id === 'website')).toBe(false);

      await sleep(Math.max(0, loaded + MIN_FILL_MS - Date.now()));
      await Promise.all([page.waitForURL(/\/report\/receipt\/$/), page.keyboard.press('Enter')]);
      expect(await h1(page)).toBe('举报已提交');
      const code = (await page.locator('#receipt-code').innerText()).trim();
      const row = await reportByCode(code);
      expect(row).toMatchObject({ township: 'xishe', problem_class: 'house' });
      expect(row.place_description).toContain(`键盘测试 ${tag}`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
