import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIContext, MiddlewareNext } from 'astro';
import { brotliDecompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PublicCache } from '../../src/server/public-cache.ts';

const CSP = "default-src 'self'; script-src 'self' 'sha256-abc='; frame-ancestors 'none'";
/**
 * The stored pages carry no inline script, so the hash of one they do not have is dropped, and
 * script-src, now the same as default-src, with it.
 */
const PAGE_CSP = "default-src 'self'; frame-ancestors 'none'";

function context(path: string, init: { method?: string; cookie?: string; setsCookie?: boolean } = {}): APIContext {
  const headers: Record<string, string> = init.cookie ? { Cookie: init.cookie } : {};
  return {
    request: new Request(`http://127.0.0.1:4321${path}`, { method: init.method ?? 'GET', headers }),
    cookies: { headers: () => (init.setsCookie ? ['x=1'] : [])[Symbol.iterator]() },
  } as unknown as APIContext;
}

/** A page render: counts calls, answers with the given headers. */
function page(headers: Record<string, string> = { 'Cache-Control': 'public, max-age=30', 'Content-Security-Policy': CSP }, status = 200) {
  let renders = 0;
  const next = (async () => {
    renders++;
    return new Response(`<p>render ${renders}</p>`, { status, headers: { 'Content-Type': 'text/html', ...headers } });
  }) as unknown as MiddlewareNext;
  return { next, renders: () => renders };
}

let cache = new PublicCache();

async function get(path: string, p: ReturnType<typeof page>, init: Parameters<typeof context>[1] = {}): Promise<Response> {
  return cache.respond(context(path, init), p.next);
}

beforeEach(() => {
  delete process.env.PUBLIC_CACHE_SECONDS;
  cache = new PublicCache();
});
afterEach(() => vi.useRealTimers());

describe('the page cache', () => {
  it('renders a public page once and replays the same bytes and headers, with the CSP narrowed to the page', async () => {
    const p = page();
    const first = await get('/cases/?township=xishe', p);
    const second = await get('/cases/?township=xishe', p);
    expect(p.renders()).toBe(1);
    expect(await second.text()).toBe(await first.text());
    expect(first.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(second.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(second.headers.get('cache-control')).toBe('public, max-age=30');
    // Another query is another page.
    await get('/cases/?township=jifeng', p);
    expect(p.renders()).toBe(2);
  });

  it('never keeps personal, failed or unmarked responses, nor answers POSTs, staff, forms or signed-in visitors', async () => {
    const cases: Array<[string, ReturnType<typeof page>, Parameters<typeof context>[1]]> = [
      ['/', page({ 'Cache-Control': 'no-store' }), {}],
      ['/', page({}), {}],
      ['/', page({ 'Cache-Control': 'public, max-age=30' }, 404), {}],
      ['/', page(), { setsCookie: true }],
      ['/', page({ 'Cache-Control': 'public, max-age=30', 'Set-Cookie': 'a=b' }), {}],
      ['/', page(), { method: 'POST' }],
      ['/', page(), { cookie: 'gd_session=abc' }],
      ['/', page(), { cookie: 'other=1; gd_display=large' }],
      ['/staff/', page(), {}],
      ['/report/', page(), {}],
      ['/track/', page(), {}],
      ['/api/health', page(), {}],
      ['/display.css', page(), {}],
      ['/cases/?_action=x', page(), {}],
    ];
    for (const [path, p, init] of cases) {
      cache.purge();
      await get(path, p, init);
      await get(path, p, init);
      expect(p.renders(), `${path} ${JSON.stringify(init)}`).toBe(2);
    }
  });

  it('keeps a page no longer than the cached data it was built from: both end with the window they were made in', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // 28 s into a 30 s window: data read now, and the page built from it, live 2 s more.
    vi.setSystemTime(Math.floor(Date.now() / 30_000) * 30_000 + 28_000);
    const p = page();
    let loads = 0;
    const next = (async () => {
      await cache.read('progress', async () => ++loads);
      return p.next();
    }) as unknown as MiddlewareNext;
    await cache.respond(context('/progress/'), next);
    await cache.respond(context('/progress/'), next);
    expect([p.renders(), loads]).toEqual([1, 1]);
    vi.setSystemTime(Date.now() + 2500);
    // The page expired with its data (its previous copy may still answer while the new one renders).
    await cache.respond(context('/progress/'), next);
    expect([p.renders(), loads]).toEqual([2, 2]);
    expect(cache.expiryOf(Date.now()) - Date.now()).toBeLessThanOrEqual(30_000);
  });

  it('loads each read once per window, shares a load in flight, and never keeps a failed one', async () => {
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.read('k', load), cache.read('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    await expect(cache.read('bad', async () => Promise.reject(new Error('数据库不可用')))).rejects.toThrow();
    expect(await cache.read('bad', async () => 'ok')).toBe('ok');
    expect(await new PublicCache(0).read('k', load)).toBe(2);
  });

  it('forgets every stored page and cached read on a purge, so the very next GET renders anew', async () => {
    const p = page();
    let loads = 0;
    const next = (async () => {
      await cache.read('notices', async () => ++loads);
      return p.next();
    }) as unknown as MiddlewareNext;
    await cache.respond(context('/cases/'), next);
    await cache.respond(context('/cases/'), next);
    expect([p.renders(), loads]).toEqual([1, 1]);
    cache.purge();
    await cache.respond(context('/cases/'), next);
    expect([p.renders(), loads]).toEqual([2, 2]);
  });

  it('does not keep a page whose render began before a purge: it may show the old data', async () => {
    const p = page();
    let release: () => void = () => {};
    const slow = (async () => {
      await new Promise<void>((r) => (release = r));
      return p.next();
    }) as unknown as MiddlewareNext;
    const inFlight = cache.respond(context('/cases/'), slow);
    await new Promise((r) => setTimeout(r, 0));
    cache.purge();
    release();
    await inFlight;
    await get('/cases/', p);
    expect(p.renders()).toBe(2);
  });

  it('is off with PUBLIC_CACHE_SECONDS=0', async () => {
    process.env.PUBLIC_CACHE_SECONDS = '0';
    cache = new PublicCache();
    const p = page();
    await get('/', p);
    await get('/', p);
    expect(p.renders()).toBe(2);
  });

  it('keeps one render and sends it compressed to a client that accepts it, compressing each encoding once', async () => {
    let renders = 0;
    const big = `<p>${'耕地保护'.repeat(2000)}</p>`;
    const next = (async () => {
      renders++;
      return new Response(big, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=30' } });
    }) as unknown as MiddlewareNext;
    const ask = (encoding: string) => cache.respond({ ...context('/progress/'), request: new Request('http://127.0.0.1:4321/progress/', { headers: { 'Accept-Encoding': encoding } }) }, next);
    const plain = await ask('identity');
    const br = await ask('gzip, br');
    const gzip = await ask('gzip');
    expect(renders).toBe(1);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(big);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(br.headers.get('content-length')).toBe(String(brBytes.byteLength));
    expect(brotliDecompressSync(brBytes).toString('utf8')).toBe(big);
    for (const res of [plain, br, gzip]) expect(res.headers.get('vary')).toBe('Accept-Encoding');
  });

  it('lets the HTTP wrapper answer a fresh copy without Astro, with its length, age and the base headers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Math.floor(Date.now() / 30_000) * 30_000 + 1_000);
    const p = page();
    const rendered = await (await get('/cases/1/', p)).text();
    vi.setSystemTime(Date.now() + 3000);
    const written: { status?: number; headers?: Record<string, string>; body?: Buffer } = {};
    const res = {
      writeHead: (status: number, list: string[]) => {
        const headers: Record<string, string> = {};
        for (let i = 0; i < list.length; i += 2) headers[list[i]!.toLowerCase()] = list[i + 1]!;
        Object.assign(written, { status, headers });
      },
      end: (body: Buffer) => Object.assign(written, { body }),
    } as unknown as ServerResponse;
    const req = (url: string, headers: Record<string, string> = {}) => ({ method: 'GET', url, headers }) as unknown as IncomingMessage;
    expect(cache.replay(req('/cases/1/'), res)).toBe(true);
    expect(written.status).toBe(200);
    expect(String(written.body)).toBe(rendered);
    expect(written.headers?.['content-security-policy']).toBe(PAGE_CSP);
    // The base security headers go with it: the wrapper sets nothing else on this path.
    expect(written.headers?.['x-content-type-options']).toBe('nosniff');
    expect(written.headers?.['permissions-policy']).toContain('camera=()');
    expect(written.headers?.['content-length']).toBe(String(Buffer.byteLength(rendered)));
    expect(written.headers?.age).toBe('3');
    expect(cache.replay(req('/cases/1/', { cookie: 'gd_session=x' }), res)).toBe(false);
    expect(cache.replay(req('/cases/2/'), res)).toBe(false);
    expect(cache.replay({ ...req('/cases/1/'), method: 'HEAD' } as IncomingMessage, res)).toBe(false);
    vi.setSystemTime(Date.now() + 30_000);
    expect(cache.replay(req('/cases/1/'), res)).toBe(false);
  });
});
