/**
 * Every page, public and staff, passes the Nu Html Checker (vnu-jar, on the machine's Java) with
 * 0 errors. Public pages are all that the sitemaps list, plus the error pages; staff pages are
 * every page each role opens, with real data in them. One checker run reads all of them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import { baseUrl } from './browser.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const VNU = path.join(root, 'node_modules/vnu-jar/build/dist/vnu.jar');
const PASSWORD = process.env.E2E_STAFF_PASSWORD ?? 'Demo-pass-2026-e2e';

async function signIn(login: string): Promise<string> {
  const res = await fetch(`${baseUrl}/staff/login/?_action=staff.login`, {
    method: 'POST', body: new URLSearchParams({ login, password: PASSWORD, next: '/staff/account/' }), headers: { Origin: baseUrl }, redirect: 'manual',
  });
  expect(res.status, `sign-in of ${login}`).toBe(303);
  return res.headers.getSetCookie().find((c) => c.startsWith('gd_session='))!.split(';')[0]!;
}

async function publicPaths(): Promise<string[]> {
  const index = await (await fetch(`${baseUrl}/sitemap-index.xml`)).text();
  const paths: string[] = [];
  for (const [, file] of index.matchAll(/<loc>([^<]+)<\/loc>/g)) {
    const xml = await (await fetch(file!)).text();
    for (const [, loc] of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) paths.push(new URL(loc!).pathname);
  }
  return [...paths, '/no-such-page/', '/cases/999999/', '/staff/login/', '/staff/setup/', '/display/'];
}

async function staffPaths(): Promise<Array<[string, string]>> {
  const db = createDb(process.env.E2E_DATABASE_URL!, { max: 1 });
  try {
    const report = await db.selectFrom('report').select('id').where('assigned_township', '=', 'xishe').orderBy('id').executeTakeFirstOrThrow();
    const closed = await db.selectFrom('report').select('id').where('status', '=', 'closed').orderBy('id').executeTakeFirstOrThrow();
    const notice = await db.selectFrom('case_notice').select('id').orderBy('id').executeTakeFirstOrThrow();
    const item = await db.selectFrom('ledger_item').select('id').orderBy('id').executeTakeFirstOrThrow();
    return [
      ['moderator', '/staff/'], ['moderator', `/staff/reports/${report.id}/`], ['moderator', '/staff/notices/'], ['moderator', `/staff/notices/${notice.id}/`],
      ['township-xishe', '/staff/'], ['township-xishe', `/staff/reports/${report.id}/`], ['township-xishe', '/staff/account/'],
      ['publicity', '/staff/notices/new/'], ['publicity', `/staff/notices/new/?from=${closed.id}`], ['ledger', '/staff/bulletins/'],
      ['ledger', '/staff/ledger/'], ['ledger', `/staff/ledger/items/${item.id}/`],
      ['admin', '/staff/audit/'], ['admin', '/staff/users/'], ['admin', '/staff/settings/'], ['admin', '/staff/forbidden/'],
      ['custodian', `/staff/reports/${report.id}/`],
    ];
  } finally {
    await db.destroy();
  }
}

describe('valid HTML', () => {
  it('every public and staff page passes the Nu Html Checker with 0 errors', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(root, '.data', 'vnu-'));
    try {
      const pages: Array<{ file: string; what: string }> = [];
      const save = async (what: string, res: Response) => {
        const file = path.join(dir, `page-${pages.length}.html`);
        writeFileSync(file, await res.text());
        pages.push({ file, what });
      };
      for (const p of await publicPaths()) await save(p, await fetch(`${baseUrl}${p}`));
      const cookies = new Map<string, string>();
      for (const [login, p] of await staffPaths()) {
        if (!cookies.has(login)) cookies.set(login, await signIn(login));
        const res = await fetch(`${baseUrl}${p}`, { headers: { Cookie: cookies.get(login)! }, redirect: 'manual' });
        expect(res.status, `${login} ${p}`).toBe(p === '/staff/forbidden/' ? 403 : 200);
        await save(`${p} (${login})`, res);
      }
      expect(pages.length).toBeGreaterThan(40);
      const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...pages.map((p) => p.file)], { encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
      expect(run.error, 'java runs the checker').toBeUndefined();
      const messages = (JSON.parse(run.stderr || run.stdout || '{"messages":[]}') as { messages: Array<{ type: string; url: string; message: string; extract?: string }> }).messages;
      const errors = messages.filter((m) => m.type === 'error' || m.type === 'non-document-error').map((m) => {
        const page = pages.find((p) => m.url?.endsWith(path.basename(p.file)));
        return `${page?.what ?? m.url}: ${m.message} ${m.extract ? `«${m.extract.slice(0, 80)}»` : ''}`;
      });
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
