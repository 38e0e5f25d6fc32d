/**
 * Long tier: bodies at and past the size limits, huge field counts, real pixel bombs at full
 * scale. Expected as everywhere: no 5xx, a clear 4xx (or a receipt), nothing half-stored, and
 * the app still healthy afterwards.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import {
  answer, baseUrl, CHINESE, clearRateLimits, countRows, expectReceiptOr4xxInChinese, insertReport, multipart, plus, postTo, REPORT_URL,
  reportFields, signIn, TokenPool, visibleText,
} from './client.ts';

const db = createDb(process.env.E2E_DATABASE_URL!, { max: 2 });
const tokens = new TokenPool();
let startReport = '0';

beforeAll(async () => {
  startReport = String((await db.selectFrom('report').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? '0');
  await clearRateLimits(db);
});
afterAll(async () => {
  await db.deleteFrom('report').where('id', '>', startReport).execute();
  await clearRateLimits(db);
  await db.destroy();
});

async function expectNothingStored<T>(work: () => Promise<T>): Promise<T> {
  const before = await countRows(db);
  const result = await work();
  expect(await countRows(db)).toEqual(before);
  return result;
}

describe('bodies at and past the limits', () => {
  it('refuses a 54 MB description inside the 55 MB limit with 400 in Chinese, storing nothing', async () => {
    const token = await tokens.take();
    const a = await expectNothingStored(() => answer(postTo(REPORT_URL, multipart(reportFields(token, { description: '耕'.repeat(18 * 1024 * 1024) })), { json: true })));
    expect(a.status).toBe(400);
    expect(visibleText(a)).toContain('不能超过 2000 个字');
  });

  it('refuses a 60 MB body sent without Content-Length (chunked) without a 5xx, storing nothing', async () => {
    const token = await tokens.take();
    const head = new TextEncoder().encode(new URLSearchParams(reportFields(token)).toString() + '&pad=');
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent >= 60) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const a = await expectNothingStored(() =>
      answer(fetch(REPORT_URL, {
        method: 'POST', body, redirect: 'manual', duplex: 'half',
        headers: { Origin: baseUrl, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      } as RequestInit).catch((err) => {
        // The server may close the connection once it has read enough: that is a refusal too.
        return new Response(JSON.stringify({ ok: false, message: `连接被服务器关闭：${String(err)}` }), { status: 413 });
      })),
    );
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(a.status).toBeLessThan(500);
    expect(visibleText(a)).toMatch(CHINESE);
  });

  it('answers a form with a million fields (about 10 MB) without a 5xx and stores at most the one report', async () => {
    const token = await tokens.take();
    await clearRateLimits(db, ['report-h', 'report-d']);
    const extra = Array.from({ length: 1_000_000 }, (_, i) => `f${i}=1`).join('&');
    const before = await countRows(db);
    const a = await answer(postTo(REPORT_URL, `${new URLSearchParams(reportFields(token)).toString()}&${extra}`, { json: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    const outcome = expectReceiptOr4xxInChinese(a, 'a million fields');
    expect(await countRows(db)).toEqual(outcome === 'stored' ? plus(before, 1, 0) : before);
  });

  it('answers a multipart body of 100 000 parts without a 5xx', async () => {
    const token = await tokens.take();
    await clearRateLimits(db, ['report-h', 'report-d']);
    const form = multipart(reportFields(token));
    for (let i = 0; i < 100_000; i++) form.append(`p${i}`, 'x');
    const before = await countRows(db);
    const a = await answer(postTo(REPORT_URL, form, { json: true }));
    const outcome = expectReceiptOr4xxInChinese(a, '100 000 parts');
    expect(await countRows(db)).toEqual(outcome === 'stored' ? plus(before, 1, 0) : before);
  });

  it('refuses five 10 MB files that are not images (50 MB) with 400, naming them, storing nothing', async () => {
    const token = await tokens.take();
    const junk = Buffer.alloc(10 * 1024 * 1024 - 1024, 0x41);
    const photos = [1, 2, 3, 4, 5].map((i) => ({ bytes: junk, name: `junk-${i}.jpg`, type: 'image/jpeg' }));
    const a = await expectNothingStored(() => answer(postTo(REPORT_URL, multipart(reportFields(token), photos), { json: true })));
    expect(a.status).toBe(400);
    expect(a.json?.fields?.photos?.join(' ')).toContain('junk-1.jpg');
  });

  it('refuses five real pixel bombs in one report quickly, storing nothing', async () => {
    const token = await tokens.take();
    const bomb = await sharp(Buffer.alloc(10_000 * 9_000), { raw: { width: 10_000, height: 9_000, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const photos = [1, 2, 3, 4, 5].map((i) => ({ bytes: bomb, name: `bomb-${i}.png`, type: 'image/png' }));
    const started = Date.now();
    const a = await expectNothingStored(() => answer(postTo(REPORT_URL, multipart(reportFields(token), photos), { json: true })));
    expect(a.status).toBe(400);
    expect(a.json?.fields?.photos?.[0]).toContain('像素尺寸过大');
    expect(Date.now() - started, 'header check only: no decoding').toBeLessThan(15_000);
  });

  it('cuts a 10 MB staff note to 4000 characters, and refuses a 10 MB code or password in Chinese', async () => {
    const id = await insertReport(db, 'submitted', null);
    await clearRateLimits(db, ['login-a', 'login-c']);
    const cookie = await signIn('moderator');
    const note = await answer(postTo(`${baseUrl}/staff/reports/${id}/?_action=staff.note`, new URLSearchParams({ reportId: id, text: '记'.repeat(10 * 1024 * 1024 / 3) }), { cookie }));
    expect(note.status).toBe(303);
    const stored = await db.selectFrom('report_note').select('body').where('report_id', '=', id).executeTakeFirstOrThrow();
    expect([...stored.body].length).toBe(4000);

    await clearRateLimits(db, ['track']);
    const track = await answer(postTo(`${baseUrl}/track/`, new URLSearchParams({ code: 'X'.repeat(10 * 1024 * 1024) })));
    expect(track.status).toBe(404);
    const login = await answer(postTo(`${baseUrl}/staff/login/?_action=staff.login`, new URLSearchParams({ login: 'admin', password: 'p'.repeat(10 * 1024 * 1024) })));
    expect(login.status).toBe(400);
    expect(login.text).toMatch(CHINESE);
    await clearRateLimits(db, ['login-a', 'login-c', 'track']);
  });

  it('leaves the app healthy', async () => {
    const res = await fetch(`${baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ database: 'up' });
  });
});
