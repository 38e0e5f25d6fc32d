/**
 * A whole-response cache for the public, database-backed GET pages (home, cases, progress, their
 * feeds and downloads). Rendering such a page costs far more than sending it, and every reader
 * sees the same bytes, so the app keeps the finished response, keyed by path and query.
 *
 * - Only responses a page has marked shareable (`Cache-Control: public…`, see public-page.ts),
 *   status 200, without cookies, are kept; everything else passes through untouched.
 * - Never for /staff, /report, /track, /_actions, /api, /display, an action call, anything but
 *   GET, or a visitor with a personal cookie (staff session gd_session, display mode gd_display).
 * - An entry lives PUBLIC_CACHE_SECONDS at most and never longer than the cached data it was
 *   built from (cache.ts `cacheReads`), so the freshness promise is the same as without it.
 * - Concurrent misses share one render; while it runs, the previous copy is served for up to a
 *   few seconds more instead of making every reader wait.
 * - Headers are stored with the body, the CSP narrowed to the inline code this HTML really carries
 *   (security-headers.ts `cspForPage`), so a replayed response carries the policy that matches
 *   its HTML. `Age` says how old the copy is.
 *
 * Two ways in: `pageCache`, the first middleware in src/middleware.ts, stores pages and answers
 * from the cache inside Astro; `replayCachedPage`, called by the HTTP wrapper (src/cli/serve.ts)
 * before Astro sees the request, answers fresh hits straight from the stored bytes (Astro's
 * per-request work costs several times what sending the bytes does). The store lives on
 * globalThis because the two run as separate copies of this module (the bundled build and the
 * wrapper's own import).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'astro';
import { cacheReads, clearPublicCache, publicCacheSeconds } from './cache.ts';
import { cspForPage, headerListWithBase } from './security-headers.ts';
import { chooseEncoding, compressBody, isCompressible, MIN_COMPRESS_BYTES, varyOnEncoding, type Encoding } from './compression.ts';

const NEVER = /^\/(?:staff|report|track|_actions|api|display)(?:[/.]|$)/;
/** Cookies that make a response personal: the staff session and the display mode. */
const PERSONAL_COOKIE = /(?:^|;\s*)(?:gd_session|gd_display)=/;
const isPersonal = (cookieHeader: string | null | undefined): boolean => !!cookieHeader && PERSONAL_COOKIE.test(cookieHeader);
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_ENTRIES = 500;
/** How long past its expiry a copy may still be served while its replacement renders. */
const STALE_WHILE_RENDERING_MS = 5000;

/** The copy as sent in one encoding. */
interface Variant {
  /** As Node's writeHead takes them: set-cookie never, repeated names joined as fetch joins them. */
  headers: Record<string, string>;
  /** The same with the base security headers, ready for the HTTP wrapper's writeHead. */
  headerList: string[];
  body: Buffer;
}

interface Stored {
  key: string;
  status: number;
  identity: Variant;
  /** Whether the copy is worth sending compressed (text, not tiny). */
  compressible: boolean;
  /** Compressed once, on the first request that accepts each encoding. */
  encoded: Partial<Record<Encoding, Variant>>;
  /** The bytes this copy holds, all its variants counted. */
  bytes: number;
  storedAt: number;
  expires: number;
}

interface Store {
  pages: Map<string, Stored>;
  rendering: Map<string, Promise<Stored | null>>;
  totalBytes: number;
  /** Counts purges: a render that began before the latest purge may show the old data, so it is not kept. */
  generation: number;
}

const STORE_KEY = Symbol.for('gengdi.page-cache');
const store: Store = ((globalThis as Record<symbol, unknown>)[STORE_KEY] ??= { pages: new Map(), rendering: new Map(), totalBytes: 0, generation: 0 }) as Store;

/** The cache key of a request, or null when the request must not be answered from the cache. */
export function cacheKey(method: string, url: URL, cookieHeader: string | null | undefined): string | null {
  if (method !== 'GET' || NEVER.test(url.pathname) || url.searchParams.has('_action')) return null;
  if (isPersonal(cookieHeader)) return null;
  if (publicCacheSeconds() <= 0) return null;
  return url.pathname + url.search;
}

/** Whole seconds since the copy was stored: its `Age` header, sent when above 0. */
function ageOf(entry: Stored, now: number): number {
  return Math.floor((now - entry.storedAt) / 1000);
}

function variantOf(entry: Stored, encoding: Encoding | null): Variant {
  if (!encoding || !entry.compressible) return entry.identity;
  const made = entry.encoded[encoding];
  if (made) return made;
  const body = compressBody(entry.identity.body, encoding);
  const headers = { ...entry.identity.headers, 'content-encoding': encoding, 'content-length': String(body.byteLength) };
  const variant: Variant = { headers, headerList: headerListWithBase(headers), body };
  entry.encoded[encoding] = variant;
  entry.bytes += body.byteLength;
  if (store.pages.get(entry.key) === entry) store.totalBytes += body.byteLength;
  return variant;
}

function replay(entry: Stored, now: number, encoding: Encoding | null): Response {
  const { body, headers } = variantOf(entry, encoding);
  const age = ageOf(entry, now);
  return new Response(new Uint8Array(body), { status: entry.status, headers: age > 0 ? { ...headers, age: String(age) } : headers });
}

/**
 * For the HTTP wrapper: answers a GET from a fresh cached copy and returns true, or returns
 * false and leaves the request to Astro (which renders, stores, or serves a briefly stale copy).
 */
export function replayCachedPage(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || store.pages.size === 0 || !req.url) return false;
  // Keys are a normalised path and query; a raw request URL equal to a key is that page. Anything
  // else (another spelling, a path never stored) is simply not found here and goes to Astro,
  // whose middleware normalises it and answers from the same store.
  const entry = store.pages.get(req.url);
  if (!entry || isPersonal(req.headers.cookie)) return false;
  const now = Date.now();
  if (entry.expires <= now) return false;
  const { headerList, body } = variantOf(entry, chooseEncoding(req.headers['accept-encoding']));
  const age = ageOf(entry, now);
  res.writeHead(entry.status, age > 0 ? [...headerList, 'age', String(age)] : headerList);
  res.end(body);
  return true;
}

function shareable(response: Response, setsCookie: boolean): boolean {
  if (response.status !== 200 || setsCookie || response.headers.has('Set-Cookie')) return false;
  const cc = (response.headers.get('Cache-Control') ?? '').toLowerCase();
  if (!/(?:^|,)\s*public\b/.test(cc) || /no-store|no-cache|private/.test(cc)) return false;
  const vary = (response.headers.get('Vary') ?? '').toLowerCase();
  if (vary.includes('*') || vary.includes('cookie')) return false;
  const length = Number(response.headers.get('Content-Length') ?? 0);
  return !(length > MAX_BODY_BYTES);
}

function forget(key: string, entry: Stored): void {
  store.pages.delete(key);
  store.totalBytes -= entry.bytes;
}

function remember(key: string, entry: Stored): void {
  const old = store.pages.get(key);
  if (old) forget(key, old);
  store.pages.set(key, entry);
  store.totalBytes += entry.bytes;
  // Expired entries go first, then the oldest (Map order).
  if (store.pages.size > MAX_ENTRIES || store.totalBytes > MAX_TOTAL_BYTES) {
    const now = Date.now();
    for (const [k, e] of store.pages) if (e.expires + STALE_WHILE_RENDERING_MS <= now) forget(k, e);
    for (const [k, e] of store.pages) {
      if (store.pages.size <= MAX_ENTRIES && store.totalBytes <= MAX_TOTAL_BYTES) break;
      forget(k, e);
    }
  }
}

export function clearPageCache(): void {
  store.pages.clear();
  store.totalBytes = 0;
  store.generation++;
}

/**
 * After a change the public can see (a notice published or withdrawn, a ledger import, a
 * verification, a bulletin): this instance forgets the data and the pages built from it before
 * the action returns, so its very next GET renders anew. Other instances and a proxy in front
 * keep their copies until these expire (deploy/README.md says how long).
 */
export function purgePublicPages(): void {
  clearPublicCache();
  clearPageCache();
}

/** The middleware: first in the sequence, so it stores pages as the other middleware finished them. */
export const pageCache: MiddlewareHandler = async (context, next) => {
  const { request } = context;
  const key = cacheKey(request.method, new URL(request.url), request.headers.get('Cookie'));
  if (key === null) return next();

  const now = Date.now();
  const encoding = chooseEncoding(request.headers.get('Accept-Encoding'));
  const entry = store.pages.get(key);
  if (entry && entry.expires > now) return replay(entry, now, encoding);

  const inFlight = store.rendering.get(key);
  if (inFlight) {
    if (entry && now - entry.expires < STALE_WHILE_RENDERING_MS) return replay(entry, now, encoding);
    const fresh = await inFlight;
    return fresh ? replay(fresh, Date.now(), encoding) : next();
  }

  let settle: (stored: Stored | null) => void = () => {};
  store.rendering.set(key, new Promise<Stored | null>((resolve) => (settle = resolve)));
  let stored: Stored | null = null;
  const generation = store.generation;
  try {
    const ttlMs = publicCacheSeconds() * 1000;
    const scope = { expires: now + ttlMs };
    // The body is read inside the scope too: Astro renders while it streams.
    return await cacheReads.run(scope, async () => {
      const response = await next();
      if (!shareable(response, [...context.cookies.headers()].length > 0)) return response;
      const body = Buffer.from(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const [name, value] of response.headers) if (name !== 'set-cookie' && name !== 'transfer-encoding') headers[name] = value;
      headers['content-length'] = String(body.byteLength);
      if (headers['content-security-policy'] && headers['content-type']?.startsWith('text/html')) {
        headers['content-security-policy'] = cspForPage(headers['content-security-policy'], body.toString('utf8'));
      }
      const compressible = isCompressible(headers['content-type'] ?? null) && body.byteLength >= MIN_COMPRESS_BYTES;
      if (compressible) headers.vary = varyOnEncoding(headers.vary ?? null);
      const copy: Stored = { key, status: response.status, identity: { headers, headerList: headerListWithBase(headers), body }, compressible, encoded: {}, bytes: body.byteLength, storedAt: now, expires: Math.min(scope.expires, now + ttlMs) };
      if (body.byteLength <= MAX_BODY_BYTES && copy.expires > Date.now() && store.generation === generation) {
        stored = copy;
        remember(key, copy);
      }
      return replay(copy, now, encoding);
    });
  } finally {
    store.rendering.delete(key);
    settle(stored);
  }
};
