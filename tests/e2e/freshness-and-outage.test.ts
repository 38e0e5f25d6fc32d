import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import { baseUrl } from './browser.ts';
import { startServeOnly, type AppProcess } from './app-process.ts';

describe('a change in the database reaches the public pages', () => {
  const db = createDb(process.env.E2E_DATABASE_URL!, { max: 1 });
  afterAll(() => db.destroy());

  it('shows a newly verified ledger item on /progress/ once the short public cache expires', async () => {
    const verifiedNow = async () => {
      const json = await (await fetch(`${baseUrl}/progress/data.json`)).json();
      return json.rows.find((r: { batch: string; township: string }) => r.batch.includes('2018') && r.township === '全县合计').verified_rectified as number;
    };
    const before = await verifiedNow();
    const item = await db
      .selectFrom('ledger_item')
      .select(['id', 'claimed_rectified_on', 'verified_rectified_on'])
      .where('verified_rectified_on', 'is', null)
      .where('external_id', 'like', 'JS-WP-2018-2021-%')
      .executeTakeFirstOrThrow();
    try {
      await db.updateTable('ledger_item').set({ claimed_rectified_on: '2023-10-01', verified_rectified_on: '2023-10-10', updated_at: new Date() }).where('id', '=', item.id).execute();
      let after = before;
      const deadline = Date.now() + 15_000;
      while (after === before && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        after = await verifiedNow();
      }
      expect(after).toBe(before + 1);
    } finally {
      await db.updateTable('ledger_item').set({ claimed_rectified_on: item.claimed_rectified_on, verified_rectified_on: null }).where('id', '=', item.id).execute();
    }
  });
});

describe('with the database unreachable', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startServeOnly({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      // As in production: the keys are set, only the database is missing.
      REPORTER_DATA_KEY: randomBytes(32).toString('base64'),
      APP_SECRET: randomBytes(48).toString('base64'),
    });
  });
  afterAll(() => app.stop());

  it('health says 503 and database-backed pages answer 503 in Chinese, never 500', async () => {
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(503);
    for (const path of ['/', '/progress/', '/cases/']) {
      const res = await fetch(app.url + path);
      expect(res.status, path).toBe(503);
      expect(await res.text(), path).toContain('服务暂时不可用');
    }
  });

  it('answers forms whose page has read the body (tracking, sign-in) with 503 in Chinese, never 500', async () => {
    const posts: Array<[string, Record<string, string>]> = [
      ['/track/', { code: 'ABCD-EFGH-JKMN-PQRS-TV' }],
      ['/staff/login/?_action=staff.login', { login: 'admin', password: 'x', next: '/staff/' }],
    ];
    for (const [path, fields] of posts) {
      const res = await fetch(app.url + path, { method: 'POST', redirect: 'manual', headers: { Origin: app.url }, body: new URLSearchParams(fields) });
      expect(res.status, path).toBe(503);
      expect(await res.text(), path).toMatch(/暂时/);
    }
  });

  it('content pages that need no database still answer', async () => {
    expect((await fetch(`${app.url}/law/`)).status).toBe(200);
    expect((await fetch(`${app.url}/policies/hejin-2023/`)).status).toBe(200);
  });
});
