/**
 * The public cache: the data public pages read (`read`) and the finished pages themselves, one
 * object with one explicit `purge`. The HTTP server (src/cli/serve.ts) makes the one instance,
 * answers fresh copies from it before Astro runs (`replay`: Astro's per-request work costs several
 * times what sending the bytes does), and hands it to Astro as `locals.publicCache`: pages read
 * through it, the middleware stores pages in it (`respond`), and every Action that changes what
 * the public sees (a notice published or withdrawn, a ledger import, edit, claim or verification,
 * a bulletin) calls `purge()` before it answers.
 *
 * - Only responses a page has marked shareable (`Cache-Control: public…`, see public-page.ts),
 *   status 200, without cookies, are kept; everything else passes through untouched.
 * - Never for /staff, /report, /track, /_actions, /api, /display, an action call, anything but
 *   GET, or a visitor with a personal cookie (staff session gd_session, display mode gd_display).
 * - Everything cached expires at the end of the PUBLIC_CACHE_SECONDS window it was made in (a
 *   30 s window: 12:00:00–12:00:30, …). A page rendered in a window can only have read data made
 *   in that window or later, so it never outlives the data it shows, and the freshness promise is
 *   the same as without a page cache.
 * - Concurrent misses share one render (and one load); while a page renders anew, its previous
 *   copy is served for up to a few seconds more instead of making every reader wait.
 * - Headers are stored with the body, the CSP narrowed to the inline code this HTML really carries
 *   (security-headers.ts `cspForPage`); each copy is compressed once per encoding a client asks
 *   for (compression.ts). `Age` says how old the copy is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIContext, MiddlewareNext } from 'astro';
import { cspForPage, headerListWithBase } from './security-headers.ts';
import { chooseEncoding, compressBody, isCompressible, MIN_COMPRESS_BYTES, varyOnEncoding, type Encoding } from './compression.ts';

const NEVER = /^\/(?:staff|report|track|_actions|api|display)(?:[/.]|$)/;
/** Cookies that make a response personal: the staff session and the display mode. */
const PERSONAL_COOKIE = /(?:^|;\s*)(?:gd_session|gd_display)=/;
/** Whether a request's Cookie header makes its answer personal (the report form's copy asks it too). */
export const isPersonal = (cookieHeader: string | null | undefined): boolean => !!cookieHeader && PERSONAL_COOKIE.test(cookieHeader);
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_PAGES = 500;
const MAX_READS = 500;
/** How long past its expiry a copy may still be served while its replacement renders. */
const STALE_WHILE_RENDERING_MS = 5000;

/** PUBLIC_CACHE_SECONDS (30 by default, 60 at most, 0 turns caching off). */
export function publicCacheSeconds(): number {
  const raw = Number(process.env.PUBLIC_CACHE_SECONDS ?? 30);
  return Number.isFinite(raw) && raw >= 0 ? Math.min(raw, 60) : 30;
}

/** The copy as sent in one encoding. */
interface Variant {
  /** As Node's writeHead takes them: set-cookie never, repeated names joined as fetch joins them. */
  headers: Record<string, string>;
  /** The same with the base security headers, ready for the HTTP server's writeHead. */
  headerList: string[];
  body: Buffer;
}

interface Page {
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

interface Read {
  expires: number;
  value: Promise<unknown>;
}

/** Whole seconds since the copy was stored: its `Age` header, sent when above 0. */
const ageOf = (page: Page, now: number): number => Math.floor((now - page.storedAt) / 1000);

function shareable(response: Response, setsCookie: boolean): boolean {
  if (response.status !== 200 || setsCookie || response.headers.has('Set-Cookie')) return false;
  const cc = (response.headers.get('Cache-Control') ?? '').toLowerCase();
  if (!/(?:^|,)\s*public\b/.test(cc) || /no-store|no-cache|private/.test(cc)) return false;
  const vary = (response.headers.get('Vary') ?? '').toLowerCase();
  if (vary.includes('*') || vary.includes('cookie')) return false;
  const length = Number(response.headers.get('Content-Length') ?? 0);
  return !(length > MAX_BODY_BYTES);
}

export class PublicCache {
  readonly #windowMs: number;
  readonly #reads = new Map<string, Read>();
  readonly #pages = new Map<string, Page>();
  readonly #rendering = new Map<string, Promise<Page | null>>();
  #pageBytes = 0;
  /** Counts purges: a render that began before the latest purge may show the old data, so it is not kept. */
  #generation = 0;

  /** @param seconds the window; 0 caches nothing (every read loads, every page renders) */
  constructor(seconds: number = publicCacheSeconds()) {
    this.#windowMs = seconds * 1000;
  }

  get enabled(): boolean {
    return this.#windowMs > 0;
  }

  /** When what is made at `now` expires: the end of its window. */
  expiryOf(now: number): number {
    return (Math.floor(now / this.#windowMs) + 1) * this.#windowMs;
  }

  /** A read of public data: one load per key and window, shared by concurrent readers. */
  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    const now = Date.now();
    const hit = this.#reads.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    const value = load();
    this.#reads.set(key, { expires: this.expiryOf(now), value });
    // A failed load must not be served from the cache.
    value.catch(() => {
      if (this.#reads.get(key)?.value === value) this.#reads.delete(key);
    });
    if (this.#reads.size > MAX_READS) for (const [k, r] of this.#reads) if (r.expires <= now || this.#reads.size > MAX_READS) this.#reads.delete(k);
    return value;
  }

  /**
   * After a change the public can see: this instance forgets the data and the pages built from it
   * before the Action answers, so its very next GET renders anew. Other instances and a proxy in
   * front keep their copies until these expire (deploy/README.md says how long).
   */
  purge(): void {
    this.#reads.clear();
    this.#pages.clear();
    this.#pageBytes = 0;
    this.#generation++;
  }

  /** The cache key of a request, or null when the request must not be answered from the cache. */
  keyOf(method: string, url: URL, cookieHeader: string | null | undefined): string | null {
    if (!this.enabled || method !== 'GET' || NEVER.test(url.pathname) || url.searchParams.has('_action')) return null;
    if (isPersonal(cookieHeader)) return null;
    return url.pathname + url.search;
  }

  /**
   * For the HTTP server: answers a GET from a fresh copy and returns true, or returns false and
   * leaves the request to Astro (which renders, stores, or serves a briefly stale copy).
   */
  replay(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || this.#pages.size === 0 || !req.url) return false;
    // Keys are a normalised path and query; a raw request URL equal to a key is that page. Anything
    // else (another spelling, a path never stored) is simply not found here and goes to Astro,
    // whose middleware normalises it and answers from the same copies.
    const page = this.#pages.get(req.url);
    if (!page || isPersonal(req.headers.cookie)) return false;
    const now = Date.now();
    if (page.expires <= now) return false;
    const { headerList, body } = this.#variantOf(req.url, page, chooseEncoding(req.headers['accept-encoding']));
    const age = ageOf(page, now);
    res.writeHead(page.status, age > 0 ? [...headerList, 'age', String(age)] : headerList);
    res.end(body);
    return true;
  }

  /** The middleware's part: answers from a copy, or renders, keeps a shareable answer and sends it. */
  async respond(context: Pick<APIContext, 'request' | 'cookies'>, next: MiddlewareNext): Promise<Response> {
    const { request } = context;
    const key = this.keyOf(request.method, new URL(request.url), request.headers.get('Cookie'));
    if (key === null) return next();

    const now = Date.now();
    const encoding = chooseEncoding(request.headers.get('Accept-Encoding'));
    const page = this.#pages.get(key);
    if (page && page.expires > now) return this.#answer(key, page, now, encoding);

    const inFlight = this.#rendering.get(key);
    if (inFlight) {
      if (page && now - page.expires < STALE_WHILE_RENDERING_MS) return this.#answer(key, page, now, encoding);
      const fresh = await inFlight;
      return fresh ? this.#answer(key, fresh, Date.now(), encoding) : next();
    }

    let settle: (kept: Page | null) => void = () => {};
    this.#rendering.set(key, new Promise<Page | null>((resolve) => (settle = resolve)));
    let kept: Page | null = null;
    const generation = this.#generation;
    // Fixed before the render: every read the render makes expires at this moment or later.
    const expires = this.expiryOf(now);
    try {
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
      const copy: Page = { status: response.status, identity: { headers, headerList: headerListWithBase(headers), body }, compressible, encoded: {}, bytes: body.byteLength, storedAt: now, expires };
      if (body.byteLength <= MAX_BODY_BYTES && expires > Date.now() && this.#generation === generation) {
        kept = copy;
        this.#keep(key, copy);
      }
      return this.#answer(key, copy, now, encoding);
    } finally {
      this.#rendering.delete(key);
      settle(kept);
    }
  }

  #answer(key: string, page: Page, now: number, encoding: Encoding | null): Response {
    const { body, headers } = this.#variantOf(key, page, encoding);
    const age = ageOf(page, now);
    return new Response(new Uint8Array(body), { status: page.status, headers: age > 0 ? { ...headers, age: String(age) } : headers });
  }

  #variantOf(key: string, page: Page, encoding: Encoding | null): Variant {
    if (!encoding || !page.compressible) return page.identity;
    const made = page.encoded[encoding];
    if (made) return made;
    const body = compressBody(page.identity.body, encoding);
    const headers = { ...page.identity.headers, 'content-encoding': encoding, 'content-length': String(body.byteLength) };
    const variant: Variant = { headers, headerList: headerListWithBase(headers), body };
    page.encoded[encoding] = variant;
    page.bytes += body.byteLength;
    if (this.#pages.get(key) === page) this.#pageBytes += body.byteLength;
    return variant;
  }

  #forget(key: string, page: Page): void {
    this.#pages.delete(key);
    this.#pageBytes -= page.bytes;
  }

  #keep(key: string, page: Page): void {
    const old = this.#pages.get(key);
    if (old) this.#forget(key, old);
    this.#pages.set(key, page);
    this.#pageBytes += page.bytes;
    // Expired copies go first, then the oldest (Map order).
    if (this.#pages.size > MAX_PAGES || this.#pageBytes > MAX_TOTAL_BYTES) {
      const now = Date.now();
      for (const [k, p] of this.#pages) if (p.expires + STALE_WHILE_RENDERING_MS <= now) this.#forget(k, p);
      for (const [k, p] of this.#pages) {
        if (this.#pages.size <= MAX_PAGES && this.#pageBytes <= MAX_TOTAL_BYTES) break;
        this.#forget(k, p);
      }
    }
  }
}
