import ExcelJS from 'exceljs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import { phoneJpeg } from '../support/photos.ts';
import { baseUrl, describeViolations, openPage, runAxe, useBrowser } from './browser.ts';

const { browser } = useBrowser();
const password = process.env.E2E_STAFF_PASSWORD ?? '';
const db = createDb(process.env.E2E_DATABASE_URL!, { max: 1 });
afterAll(() => db.destroy());

async function signIn(page: Page, login: string): Promise<void> {
  await page.goto(`${baseUrl}/staff/login/`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/staff\//), page.click('form button[type=submit]')]);
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const v = await runAxe(page);
  expect(v, describeViolations(v)).toEqual([]);
}

async function countyItems(): Promise<number> {
  const json = await (await fetch(`${baseUrl}/progress/data.json`)).json();
  return json.rows.filter((r: { township: string }) => r.township === '全县合计').reduce((s: number, r: { items: number }) => s + r.items, 0);
}

describe('ledger import from XLSX', () => {
  it('previews added and changed items, writes nothing until confirmed, then /progress/ changes', async () => {
    const existing = await db.selectFrom('ledger_item').select(['external_id', 'total_area_mu']).where('external_id', 'like', 'JS-WP-2022-07-%').orderBy('external_id').executeTakeFirstOrThrow();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(['图斑编号', '批次', '乡镇', '村', '总面积（亩）', '耕地面积（亩）', '永久基本农田', '问题类型', '整改措施', '整改期限']);
    ws.addRow(['E2E-NEW-001', '卫片执法 2022年度', '蔡村乡', '蔡村', 3.5, 1.25, '否', '乱占耕地建房', '拆除复垦', new Date(Date.UTC(2026, 11, 31))]);
    ws.addRow([existing.external_id, '卫片执法 2022年度', '蔡村乡', '蔡村', Number(existing.total_area_mu) + 1, 0, '否', '硬化/堆放', '恢复耕种', '2026-12-31']);
    const dir = mkdtempSync(path.join(tmpdir(), 'gd-xlsx-'));
    const file = path.join(dir, '台账.xlsx');
    writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
    const before = await countyItems();

    const { page, close } = await openPage(browser(), '/staff/login/');
    try {
      await signIn(page, 'ledger');
      await page.goto(`${baseUrl}/staff/ledger/`);
      await expectNoAxeViolations(page);
      await page.setInputFiles('#ledger-file', file);
      await Promise.all([page.waitForURL(/\/staff\/ledger\/imports\/\d+\//), page.locator('#ledger-file').locator('xpath=ancestor::form').locator('button').click()]);
      const preview = await page.locator('main').innerText();
      expect(preview).toContain('将会：读取 2 行：新增 1，更新 1，不变 0，错误 0');
      expect(preview).toContain('E2E-NEW-001');
      await expectNoAxeViolations(page);
      expect(await db.selectFrom('ledger_item').select('id').where('external_id', '=', 'E2E-NEW-001').executeTakeFirst()).toBeUndefined();
      await Promise.all([page.waitForURL(/done=confirmed/), page.click('button:has-text("确认导入")')]);
      const result = await page.locator('main').innerText();
      expect(result).toContain('读取 2 行：新增 1，更新 1，不变 0，错误 0');
      // The result is what the import did, not a fresh comparison with the ledger it changed.
      expect(result).not.toContain('将会');
      expect(result).not.toContain('不变 2');

      // The same file again: every row read is unchanged, and the page says which import it repeats.
      await page.goto(`${baseUrl}/staff/ledger/`);
      await page.setInputFiles('#ledger-file', file);
      await Promise.all([page.waitForURL(/\/staff\/ledger\/imports\/\d+\//), page.locator('#ledger-file').locator('xpath=ancestor::form').locator('button').click()]);
      const again = await page.locator('main').innerText();
      expect(again).toContain('将会：读取 2 行：新增 0，更新 0，不变 2，错误 0');
      expect(again).toContain('完全相同');
      await Promise.all([page.waitForURL(/done=confirmed/), page.click('button:has-text("确认导入")')]);
      expect(await page.locator('main').innerText()).toContain('读取 2 行：新增 0，更新 0，不变 2，错误 0');
    } finally {
      await close();
    }
    const row = await db.selectFrom('ledger_item').select(['total_area_mu', 'farmland_area_mu']).where('external_id', '=', 'E2E-NEW-001').executeTakeFirstOrThrow();
    expect(row).toEqual({ total_area_mu: '3.50', farmland_area_mu: '1.25' });
    const deadline = Date.now() + 15_000;
    let after = before;
    while (after === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      after = await countyItems();
    }
    expect(after).toBe(before + 1);
  });
});

describe('a case notice from a closed report', () => {
  it('is drafted by publicity, approved by a second member, and appears masked on /cases/ and in the feed', async () => {
    const report = await db.selectFrom('report').select('id').where('status', '=', 'closed').orderBy('id').executeTakeFirstOrThrow();
    const writer = await openPage(browser(), '/staff/login/');
    let noticeUrl = '';
    try {
      await signIn(writer.page, 'publicity');
      await writer.page.goto(`${baseUrl}/staff/reports/${report.id}/`);
      await Promise.all([writer.page.waitForURL(/notices\/new/), writer.page.click('a:has-text("据此起草通报")')]);
      const form = await writer.page.content();
      expect(form).not.toContain('演示举报人');
      expect(form).not.toContain('13800000000');
      await writer.page.fill('#n-title', '稷峰镇村民赵铁柱违法占用耕地建房案');
      await writer.page.check('#n-kind-person');
      await writer.page.fill('#n-party', '赵铁柱');
      await writer.page.fill('#n-total', '0.45');
      await writer.page.fill('#n-farm', '0.45');
      await writer.page.fill('#n-body', '经查，村民赵铁柱（电话13912345678）驾驶晋M·12345运土，未经批准在耕地上建房，占用耕地0.45亩。赵铁柱已自行拆除并复耕。');
      await expectNoAxeViolations(writer.page);
      await Promise.all([writer.page.waitForURL(/\/staff\/notices\/\d+\/\?done=saved/), writer.page.click('form button:has-text("保存草稿并预览")')]);
      noticeUrl = writer.page.url().replace(/\?.*$/, '');
      const preview = await writer.page.locator('article[aria-label="公开预览"]').innerText();
      expect(preview).toContain('赵某');
      expect(preview).not.toContain('赵铁柱');
      expect(preview).toContain('139****5678');
      expect(preview).not.toContain('13912345678');
      const maskedList = await writer.page.locator('section[aria-labelledby="masked-title"]').innerText();
      for (const expected of ['手机号', '13912345678', '139****5678', '车牌号', '晋M·*****', '人名', '赵铁柱']) expect(maskedList).toContain(expected);
      expect(await writer.page.locator('button:has-text("审核通过并发布")').count()).toBe(0);
      await expectNoAxeViolations(writer.page);
    } finally {
      await writer.close();
    }
    const id = noticeUrl.match(/notices\/(\d+)\//)![1]!;
    expect((await fetch(`${baseUrl}/cases/${id}/`)).status).toBe(404);

    const approver = await openPage(browser(), '/staff/login/');
    try {
      await signIn(approver.page, 'publicity2');
      await approver.page.goto(noticeUrl);
      expect(await approver.page.locator('section[aria-labelledby="masked-title"]').innerText()).toContain('13912345678');
      await expectNoAxeViolations(approver.page);
      await Promise.all([approver.page.waitForURL(/done=published/), approver.page.click('button:has-text("审核通过并发布")')]);
    } finally {
      await approver.close();
    }
    const deadline = Date.now() + 15_000;
    let list = '';
    while (!list.includes(`/cases/${id}/`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      list = await (await fetch(`${baseUrl}/cases/`)).text();
    }
    expect(list).toContain(`/cases/${id}/`);
    const page = await (await fetch(`${baseUrl}/cases/${id}/`)).text();
    expect(page).toContain('赵某');
    expect(page).not.toContain('赵铁柱');
    expect(page).not.toContain('13912345678');
    expect(page).toContain('139****5678');
    const rss = await (await fetch(`${baseUrl}/cases/rss.xml`)).text();
    expect(rss).toContain(`/cases/${id}/`);
    expect(rss).not.toContain('赵铁柱');
    expect(rss).not.toContain('13912345678');
  });
});

describe('the notice drafting form after a mistake', () => {
  it('keeps everything typed, states the real rule, names the photos to choose again and preselects nothing', async () => {
    const { page, close } = await openPage(browser(), '/staff/login/');
    try {
      await signIn(page, 'publicity');
      await page.goto(`${baseUrl}/staff/notices/new/`);
      for (const select of ['#n-township', '#n-class', '#n-outcome']) {
        expect(await page.inputValue(select), select).toBe('');
        expect(await page.locator(`${select} option:checked`).innerText(), select).toBe('请选择');
      }
      await page.fill('#n-title', '蔡村乡某村村民违法占用耕地建房案');
      await page.selectOption('#n-township', 'caicun');
      await page.fill('#n-village', '蔡村');
      await page.check('#n-kind-person');
      await page.fill('#n-party', '钱某某');
      await page.fill('#n-total', '0.30');
      await page.fill('#n-farm', '0.25');
      await page.fill('#n-step-date-0', '2025-03-01');
      await page.fill('#n-step-action-0', '立案查处');
      await page.selectOption('#n-outcome', 'demolished');
      await page.fill('#n-acc', '对村干部诫勉谈话');
      await page.fill('#n-body', '经查，村民在耕地上建房。');
      await page.setInputFiles('#n-after', { name: '整改后-东侧.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg() });
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form button:has-text("保存草稿并预览")')]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');

      const summary = await page.locator('#error-summary').innerText();
      expect(summary).toContain('正文至少需要 20 个字，现在 12 个字');
      expect(summary).toContain('请选择问题类型');
      expect(summary).toContain('整改后-东侧.jpg');
      expect(summary).not.toContain('请填写正文');
      expect(await page.locator('#error-summary a:has-text("正文至少需要")').getAttribute('href')).toBe('#n-body');
      expect(await page.locator('#body-error').innerText()).toContain('现在 12 个字');
      expect(await page.locator('#afterPhotos-error').innerText()).toContain('请重新选择');

      expect(await page.inputValue('#n-title')).toBe('蔡村乡某村村民违法占用耕地建房案');
      expect(await page.inputValue('#n-township')).toBe('caicun');
      expect(await page.inputValue('#n-village')).toBe('蔡村');
      expect(await page.inputValue('#n-class')).toBe('');
      expect(await page.isChecked('#n-kind-person')).toBe(true);
      expect(await page.inputValue('#n-party')).toBe('钱某某');
      expect(await page.inputValue('#n-total')).toBe('0.30');
      expect(await page.inputValue('#n-farm')).toBe('0.25');
      expect(await page.inputValue('#n-step-date-0')).toBe('2025-03-01');
      expect(await page.inputValue('#n-step-action-0')).toBe('立案查处');
      expect(await page.inputValue('#n-outcome')).toBe('demolished');
      expect(await page.inputValue('#n-acc')).toBe('对村干部诫勉谈话');
      expect(await page.inputValue('#n-body')).toBe('经查，村民在耕地上建房。');
      await expectNoAxeViolations(page);
    } finally {
      await close();
    }
  });
});

describe('publishing reaches the public pages at once', () => {
  const text = async (path: string): Promise<string> => (await fetch(`${baseUrl}${path}`)).text();

  it('shows a notice on the very next GET after approval, and answers 410 on the very next GET after withdrawal', async () => {
    const writer = await db.selectFrom('staff_user').select('id').where('login', '=', 'publicity').executeTakeFirstOrThrow();
    const { id } = await db.insertInto('case_notice').values({
      title: '华峪乡某公司违法占用耕地堆放砂石案（即时发布检查用）', township: 'huayu', village: null, problem_class: 'paving', party_public: '某公司',
      total_area_mu: '1.20', farmland_area_mu: '1.00', steps: JSON.stringify([{ date: '2024-03-01', action: '立案' }]), outcome: 'restored',
      accountability: '', body: '经查，某公司在华峪乡耕地上堆放砂石，占用耕地1.00亩，已清除并恢复原状。', status: 'draft', drafted_by: writer.id, is_demo: false,
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('case_notice_drafter').values({ notice_id: id, staff_user_id: writer.id }).execute();
    const approver = await openPage(browser(), '/staff/login/');
    try {
      await signIn(approver.page, 'publicity2');
      await approver.page.goto(`${baseUrl}/staff/notices/${id}/`);
      // Every public place the notice will show is read, and so stored, before it is published.
      for (const path of ['/cases/', '/cases/rss.xml', '/sitemap-cases.xml']) expect(await text(path), path).not.toContain(`/cases/${id}/`);
      expect(await text('/open-data/notices.json')).not.toContain('即时发布检查用');
      await Promise.all([approver.page.waitForURL(/done=published/), approver.page.click('button:has-text("审核通过并发布")')]);
      for (const path of ['/cases/', '/cases/rss.xml', '/sitemap-cases.xml']) expect(await text(path), path).toContain(`/cases/${id}/`);
      expect(await text('/open-data/notices.json')).toContain('即时发布检查用');
      expect((await fetch(`${baseUrl}/cases/${id}/`)).status).toBe(200);

      await approver.page.check('#withdraw-privacy');
      await approver.page.fill('#withdraw-reason', '正文中有当事人的联系方式');
      await Promise.all([approver.page.waitForURL(/done=withdrawn/), approver.page.click('button:has-text("撤回")')]);
      const gone = await fetch(`${baseUrl}/cases/${id}/`);
      expect(gone.status).toBe(410);
      const stub = await gone.text();
      expect(stub).toContain('已撤回');
      expect(stub).toContain('涉及个人信息保护');
      expect(stub).not.toContain('砂石');
      expect(stub).not.toContain('联系方式');
      for (const path of ['/cases/', '/cases/rss.xml', '/sitemap-cases.xml']) expect(await text(path), path).not.toContain(`/cases/${id}/`);
      expect(await text('/open-data/notices.json')).not.toContain('即时发布检查用');
    } finally {
      await approver.close();
    }
  });
});

describe('monthly bulletin', () => {
  it('is frozen by one ledger keeper and published by a moderator, then listed publicly', async () => {
    const keeper = await openPage(browser(), '/staff/login/');
    try {
      await signIn(keeper.page, 'ledger');
      await keeper.page.goto(`${baseUrl}/staff/bulletins/`);
      await Promise.all([keeper.page.waitForURL(/done=frozen/), keeper.page.click('button:has-text("按今天的数字生成通报")')]);
      await expectNoAxeViolations(keeper.page);
    } finally {
      await keeper.close();
    }
    const draft = await db.selectFrom('bulletin').select('id').where('status', '=', 'draft').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const mod = await openPage(browser(), '/staff/login/');
    try {
      await signIn(mod.page, 'moderator');
      await mod.page.goto(`${baseUrl}/staff/bulletins/`);
      await Promise.all([mod.page.waitForURL(/done=published/), mod.page.click('button:has-text("审核发布")')]);
    } finally {
      await mod.close();
    }
    const pub = await openPage(browser(), `/progress/bulletins/${draft.id}/`);
    try {
      const text = await pub.page.locator('main').innerText();
      expect(text).toContain('乡镇排名');
      expect(text).toContain('落后于目标的乡镇');
      await expectNoAxeViolations(pub.page);
    } finally {
      await pub.close();
    }
  });
});

describe('open data', () => {
  it('documents and serves the aggregates, bulletins and notices without personal data', async () => {
    const { page, close } = await openPage(browser(), '/open-data/');
    try {
      expect(await page.locator('main').innerText()).toContain('许可');
      await expectNoAxeViolations(page);
    } finally {
      await close();
    }
    for (const f of ['notices.json', 'bulletins.json']) {
      const json = await (await fetch(`${baseUrl}/open-data/${f}`)).json();
      expect(json.licence).toContain('CC BY');
      expect(json.fields).toBeTypeOf('object');
      expect(JSON.stringify(json)).not.toMatch(/13800000000|演示举报人|lat|lng/);
    }
    // Response.text() drops a BOM, so look at the bytes: Excel needs it to read UTF-8.
    const bytes = new Uint8Array(await (await fetch(`${baseUrl}/open-data/notices.csv`)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes).startsWith('"id"')).toBe(true);
  });
});
