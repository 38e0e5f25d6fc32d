/**
 * The report form without Astro's work per request. A fresh GET of /report/ is the same page for
 * everyone all day, except its form token (a fresh idempotency key and the time it was served,
 * form-token.ts) and, from one day to the next, the latest date it accepts. Rendering it took
 * about half of what a citizen's report cost the app. So the first GET of a day is rendered by
 * Astro as always and kept here split around its token; later ones are answered by the HTTP
 * server (src/cli/serve.ts) from that copy with a fresh token put in: identity as it is, gzip
 * spliced without compressing the page again (spliced-gzip.ts), Brotli compressed as any page is.
 *
 * Only a plain GET of /report/ without a query, from a visitor without a personal cookie, with a
 * 200 HTML answer that sets no cookie and holds exactly one token. Everything else — a failed
 * post shown again with its values, HEAD, large text mode, a signed-in staff member — goes to
 * Astro. A new build is a new process, and so a new copy.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIContext, MiddlewareNext } from 'astro';
import { chooseEncoding, compressBody, varyOnEncoding } from './compression.ts';
import { isPersonal } from './public-cache.ts';
import { headerListWithBase } from './security-headers.ts';
import { prepareGzipSplice, spliceGzip, type GzipSplice } from './spliced-gzip.ts';

export const FORM_SHELL_PATH = '/report/';
/** Where the token stands in the page: the hidden field's value. */
const TOKEN_FIELD = Buffer.from('name="form_token" value="');

interface Shell {
  readonly day: string;
  readonly before: Buffer;
  readonly after: Buffer;
  /** The answer's headers without a length or an encoding, the base security headers included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly gzip: GzipSplice;
}

/** The page split around its one token, or null when it holds none or more than one. */
export function splitAtToken(html: Buffer): { before: Buffer; token: string; after: Buffer } | null {
  const at = html.indexOf(TOKEN_FIELD);
  if (at < 0 || html.indexOf(TOKEN_FIELD, at + 1) >= 0) return null;
  const start = at + TOKEN_FIELD.byteLength;
  const end = html.indexOf(0x22, start); // the closing quote
  if (end < 0) return null;
  return { before: html.subarray(0, start), token: html.subarray(start, end).toString('latin1'), after: html.subarray(end) };
}

export class ReportFormShell {
  readonly #issueToken: () => string;
  readonly #today: () => string;
  #shell: Shell | null = null;

  /**
   * @param issueToken a fresh form token, as the page issues one
   * @param today the date in China (YYYY-MM-DD): a copy serves the day it was rendered on only
   */
  constructor(issueToken: () => string, today: () => string) {
    this.#issueToken = issueToken;
    this.#today = today;
  }

  /** Whether a request may be answered from (or fill) the copy. */
  #applies(method: string | undefined, url: string | undefined, cookie: string | null | undefined): boolean {
    return method === 'GET' && url === FORM_SHELL_PATH && !isPersonal(cookie);
  }

  /** For the HTTP server: answers a plain GET of the form from the copy and returns true, or returns false. */
  replay(req: IncomingMessage, res: ServerResponse): boolean {
    const shell = this.#shell;
    if (!shell || !this.#applies(req.method, req.url, req.headers.cookie) || shell.day !== this.#today()) return false;
    const token = Buffer.from(this.#issueToken(), 'latin1');
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    let body: Buffer;
    if (encoding === 'gzip') body = spliceGzip(shell.gzip, token);
    else {
      const page = Buffer.concat([shell.before, token, shell.after]);
      body = encoding === 'br' ? compressBody(page, 'br') : page;
    }
    const headers = encoding ? { ...shell.headers, 'content-encoding': encoding } : shell.headers;
    res.writeHead(200, [...headerListWithBase(headers), 'content-length', String(body.byteLength)]);
    res.end(body);
    return true;
  }

  /** The middleware's part: passes the request on, and keeps a plain GET's answer as the day's copy. */
  async respond(context: Pick<APIContext, 'request' | 'url' | 'cookies'>, next: MiddlewareNext): Promise<Response> {
    const { request, url } = context;
    if (!this.#applies(request.method, url.pathname + url.search, request.headers.get('cookie'))) return next();
    // Fixed before the render: a page rendered across midnight is kept for the day it began on,
    // which has then already passed, so it is never served.
    const day = this.#today();
    const response = await next();
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/html') || response.headers.has('set-cookie') || [...context.cookies.headers()].length > 0) return response;
    const html = Buffer.from(await response.arrayBuffer());
    const parts = splitAtToken(html);
    if (parts) this.#keep(day, parts.before, parts.after, response.headers);
    return new Response(new Uint8Array(html), { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  #keep(day: string, before: Buffer, after: Buffer, responseHeaders: Headers): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of responseHeaders) if (!['content-length', 'content-encoding', 'transfer-encoding', 'set-cookie'].includes(name)) headers[name] = value;
    headers.vary = varyOnEncoding(headers.vary ?? null);
    // Views of the rendered page, which nothing writes to (the client is sent a copy of it).
    this.#shell = { day, before, after, headers, gzip: prepareGzipSplice(before, after) };
  }
}
