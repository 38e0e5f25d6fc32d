import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ReportFormShell, splitAtToken } from '../../src/server/form-shell.ts';

const page = (token: string, extra = '') =>
  `<!doctype html><html lang="zh-CN"><body>${'<p>举报违法占用耕地</p>'.repeat(200)}<form><input type="hidden" name="form_token" value="${token}" />${extra}<input name="place"></form></body></html>`;

function rendered(html: string, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(html, { status: init.status ?? 200, headers: { 'Content-Type': 'text/html', 'Content-Security-Policy': "script-src 'self'", 'Cache-Control': 'no-store', ...init.headers } });
}

function contextOf(url: string, init: { method?: string; cookie?: string; setsCookie?: boolean } = {}) {
  const request = new Request(`http://127.0.0.1${url}`, { method: init.method ?? 'GET', headers: init.cookie ? { cookie: init.cookie } : {} });
  return { request, url: new URL(request.url), cookies: { headers: () => (init.setsCookie ? ['a=1'] : [])[Symbol.iterator]() } } as never;
}

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function replay(shell: ReportFormShell, url: string, headers: Record<string, string> = {}, method = 'GET'): Sent | null {
  let sent: Sent | null = null;
  const res = {
    writeHead(status: number, list: string[]) {
      const h: Record<string, string> = {};
      for (let i = 0; i < list.length; i += 2) h[list[i]!.toLowerCase()] = list[i + 1]!;
      sent = { status, headers: h, body: Buffer.alloc(0) };
    },
    end(body: Buffer) {
      sent!.body = body;
    },
  };
  const answered = shell.replay({ method, url, headers } as unknown as IncomingMessage, res as unknown as ServerResponse);
  expect(answered).toBe(sent !== null);
  return sent;
}

function makeShell(day = { value: '2026-12-07' }) {
  let n = 0;
  return new ReportFormShell(() => `fresh-${++n}.sig`, () => day.value);
}

async function filled(html = page('rendered.sig')) {
  const day = { value: '2026-12-07' };
  const shell = makeShell(day);
  const answer = await shell.respond(contextOf('/report/'), async () => rendered(html));
  expect(await answer.text()).toBe(html);
  return { shell, day };
}

describe('the report form copy', () => {
  it('answers a plain GET with the rendered page and a fresh token, in each encoding', async () => {
    const { shell } = await filled();
    const plain = replay(shell, '/report/')!;
    expect(plain.body.toString()).toBe(page('fresh-1.sig'));
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzip = replay(shell, '/report/', { 'accept-encoding': 'gzip, deflate' })!;
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(page('fresh-2.sig'));
    const br = replay(shell, '/report/', { 'accept-encoding': 'gzip, deflate, br' })!;
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(page('fresh-3.sig'));
  });

  it('sends the page’s own headers, the base security headers, Vary and the length', async () => {
    const { shell } = await filled();
    const { status, headers, body } = replay(shell, '/report/', { 'accept-encoding': 'gzip' })!;
    expect(status).toBe(200);
    expect(headers['content-security-policy']).toBe("script-src 'self'");
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers.vary).toMatch(/accept-encoding/i);
    expect(Number(headers['content-length'])).toBe(body.byteLength);
  });

  it('leaves to Astro what the copy is not: HEAD, a query, another path, a personal cookie', async () => {
    const { shell } = await filled();
    expect(replay(shell, '/report/', {}, 'HEAD')).toBeNull();
    expect(replay(shell, '/report/?_action=report')).toBeNull();
    expect(replay(shell, '/report/?township=xishe')).toBeNull();
    expect(replay(shell, '/report/receipt/')).toBeNull();
    expect(replay(shell, '/report/', { cookie: 'gd_session=abc' })).toBeNull();
    expect(replay(shell, '/report/', { cookie: 'x=1; gd_display=large' })).toBeNull();
    expect(replay(shell, '/report/', { cookie: 'gd_receipt=1' })).not.toBeNull();
  });

  it('serves a copy on the day it was rendered only, since the page names the latest date it accepts', async () => {
    const { shell, day } = await filled();
    day.value = '2026-12-08';
    expect(replay(shell, '/report/')).toBeNull();
  });

  it('answers nothing before a page was rendered', () => {
    expect(replay(makeShell(), '/report/')).toBeNull();
  });

  const notKept: Array<[string, () => ReturnType<typeof contextOf>, () => Response]> = [
    ['an error page', () => contextOf('/report/'), () => rendered(page('t'), { status: 503 })],
    ['a page that sets a cookie', () => contextOf('/report/'), () => rendered(page('t'), { headers: { 'Set-Cookie': 'a=1' } })],
    ['a page whose middleware set a cookie', () => contextOf('/report/', { setsCookie: true }), () => rendered(page('t'))],
    ['a page with two tokens', () => contextOf('/report/'), () => rendered(page('t', '<input name="form_token" value="u">'))],
    ['a page without a token', () => contextOf('/report/'), () => rendered('<p>维护中</p>')],
    ['a page with a query (a failed post shown again)', () => contextOf('/report/?_action=report'), () => rendered(page('t'))],
    ['a page for a signed-in staff member', () => contextOf('/report/', { cookie: 'gd_session=abc' }), () => rendered(page('t'))],
    ['JSON', () => contextOf('/report/'), () => new Response('{}', { headers: { 'Content-Type': 'application/json' } })],
  ];
  for (const [name, context, answer] of notKept) {
    it(`keeps no copy of ${name}, and passes it on unchanged`, async () => {
      const shell = makeShell();
      const original = answer();
      const passed = await shell.respond(context(), async () => original);
      expect(passed.status).toBe(original.status);
      expect(replay(shell, '/report/')).toBeNull();
    });
  }

  it('finds the token by its field, once', () => {
    expect(splitAtToken(Buffer.from(page('abc.def')))!.token).toBe('abc.def');
    expect(splitAtToken(Buffer.from('<input name="form_token" value="unterminated'))).toBeNull();
  });
});
