import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringifySetCookie } from 'cookie';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { receiptCookieHeader } from '../../src/domain/reports/report-receipt-cookie.ts';
import { multipartBoundary } from '../../src/server/multipart-prefix.ts';
import { ReportLane, type DirectReportForm } from '../../src/server/report-lane.ts';
import { siteOrigin } from '../../src/domain/site/site-origin.ts';

/**
 * The lane around a real HTTP server, as src/cli/serve.ts uses it once the form token is checked:
 * each request is answered by the lane ("lane") or left to what stands for Astro ("astro").
 */
const lane = new ReportLane(siteOrigin);
const taken: DirectReportForm[] = [];
let behaviour: 'answer' | 'decline' | 'throw' = 'answer';
let base = '';
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary && (await lane.answer(req, res, Buffer.concat(chunks), boundary))) return;
    res.end('astro');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  taken.length = 0;
  behaviour = 'answer';
  delete process.env.TRUST_PROXY;
  delete process.env.PUBLIC_SITE_URL;
});

function installLane(): void {
  lane.install(async (form) => {
    if (behaviour === 'throw') throw new Error('a bug in the steps');
    if (behaviour === 'decline') return null;
    taken.push(form);
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: '{"ok":true}' };
  });
}

/** The enhanced form without a photo, as the browser sends it. */
function enhancedForm(extra: (form: FormData) => void = () => {}): FormData {
  const form = new FormData();
  form.set('form_token', 't0k3n');
  form.set('place', '村东头路口');
  form.append('photos', new Blob([]), '');
  form.set('website', '');
  extra(form);
  return form;
}

async function send(over: { path?: string; headers?: Record<string, string>; body?: FormData | Buffer; contentType?: string } = {}): Promise<{ by: 'lane' | 'astro'; res: Response }> {
  const raw = over.body ?? enhancedForm();
  const request = new Request(`${base}${over.path ?? '/report/?_action=report'}`, { method: 'POST', body: raw instanceof FormData ? raw : new Uint8Array(raw) });
  const body = Buffer.from(await request.arrayBuffer());
  const res = await fetch(request.url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': over.contentType ?? request.headers.get('content-type')!, Accept: 'application/json', Origin: base, ...over.headers },
  });
  const text = await res.clone().text();
  return { by: text === 'astro' ? 'astro' : 'lane', res };
}

describe('the report lane: which posts skip Astro', () => {
  it('leaves every post to Astro until Astro has handed it the Action’s steps', async () => {
    expect((await send()).by).toBe('astro');
  });

  it('takes the enhanced form’s post from this site’s page, with its text fields and the client’s address', async () => {
    installLane();
    const { by, res } = await send();
    expect(by).toBe('lane');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('11');
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    expect(taken).toHaveLength(1);
    expect(Object.fromEntries(taken[0]!.fields)).toEqual({ form_token: 't0k3n', place: '村东头路口', website: '' });
    expect(taken[0]!.clientAddress).toBe('127.0.0.1');
    expect(taken[0]!.secure).toBe(false);
  });

  const leftToAstro: Array<[string, Parameters<typeof send>[0]]> = [
    ['the endpoint scripts call (/_actions/report)', { path: '/_actions/report' }],
    ['another page’s form Action', { path: '/report/?_action=other' }],
    ['a plain form post (not asking for JSON)', { headers: { Accept: 'text/html' } }],
    ['a post from another site', { headers: { Origin: 'https://evil.example' } }],
    ['a post without an Origin', { headers: { Origin: '' } }],
    ['a signed-in staff member’s post', { headers: { Cookie: 'gd_session=abc' } }],
    ['a post in large-text mode', { headers: { Cookie: 'gd_display=large' } }],
    ['a post with a photo', { body: enhancedForm((f) => f.append('photos', new Blob([new Uint8Array(8)], { type: 'image/jpeg' }), 'a.jpg')) }],
    ['an empty file input of another name', { body: enhancedForm((f) => f.append('other', new Blob([]), '')) }],
  ];
  it.each(leftToAstro)('leaves to Astro %s', async (_, over) => {
    installLane();
    expect((await send(over)).by).toBe('astro');
    expect(taken).toHaveLength(0);
  });

  it('leaves to Astro a body only a full parser reads, and one whose steps decline or fail', async () => {
    installLane();
    const request = new Request(base, { method: 'POST', body: enhancedForm() });
    const contentType = request.headers.get('content-type')!;
    const typedPart = Buffer.from(Buffer.from(await request.arrayBuffer()).toString('latin1').replace('name="place"\r\n', 'name="place"\r\nContent-Type: text/plain\r\n'), 'latin1');
    expect((await send({ body: typedPart, contentType })).by).toBe('astro');
    behaviour = 'decline';
    expect((await send()).by).toBe('astro');
    behaviour = 'throw';
    expect((await send()).by).toBe('astro');
  });

  it('takes a post whose Origin is the site’s public address behind a TLS proxy, and marks its cookie Secure', async () => {
    installLane();
    process.env.PUBLIC_SITE_URL = 'https://gdbh.jishan.example';
    expect((await send({ headers: { Origin: 'https://gdbh.jishan.example' } })).by).toBe('lane');
    expect(taken[0]!.secure).toBe(true);
    expect((await send({ headers: { Origin: 'https://gdbh.other.example' } })).by).toBe('astro');
  });

  it('counts the proxy’s own X-Forwarded-For entry with TRUST_PROXY=1, and only then', async () => {
    installLane();
    await send({ headers: { 'X-Forwarded-For': '203.0.113.9, 198.51.100.7' } });
    process.env.TRUST_PROXY = '1';
    await send({ headers: { 'X-Forwarded-For': '203.0.113.9, 198.51.100.7' } });
    expect(taken.map((f) => f.clientAddress)).toEqual(['127.0.0.1', '198.51.100.7']);
  });
});

describe('the receipt cookie the lane writes', () => {
  it('is the cookie Astro writes for the same code, with and without Secure', () => {
    for (const secure of [false, true]) {
      const astro = stringifySetCookie({ name: 'gd_receipt', value: 'XATSMDBNVDNSVEYARE', path: '/report/', httpOnly: true, sameSite: 'strict', secure, maxAge: 600 });
      expect(receiptCookieHeader('XATSMDBNVDNSVEYARE', secure)).toBe(astro);
    }
  });
});
