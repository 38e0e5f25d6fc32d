/**
 * The enhanced report form's post without Astro's work per request. A report from a phone with
 * JavaScript and without a photo is such a post (XMLHttpRequest, asking for JSON), and Astro's
 * part in it (a Web Request made of Node's, the middleware, the Action's machinery, the
 * form parsed again by undici, a Web Response written back) was half of the app's CPU for a
 * report. So the HTTP server (src/cli/serve.ts) hands a post it can read in full straight to the
 * report Action's own steps (src/actions/report.ts takeReportDirectly): the same schema, form
 * check, rate limit, storage and JSON answer, the same two statements in the database.
 *
 * Taken only when all of it is plain: the page's form Action (/report/?_action=report) asking
 * for JSON, from this site's own page (Origin), without a personal cookie (a staff session is
 * Astro's to check), the whole body at hand with only text fields and the empty file input
 * (multipart-prefix.ts readTextOnlyForm), and a form its schema passes. Everything else — a
 * photo, a mistake the schema names, a plain form post — goes on to Astro as before; nothing has
 * been counted or stored by then. What the steps refuse (too fast, over the limit, a conflict, the
 * database away) is answered here, in the JSON Astro's way in gives (reportJsonAnswer), and
 * tests/e2e/report.test.ts posts each case both ways and compares the answers.
 *
 * The steps live in the Astro build (they use its Action errors); the first request Astro serves
 * hands them over (install), as it fills the report form's copy (form-shell.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddressOf } from './client-address.ts';
import { varyOnEncoding } from './compression.ts';
import { readTextOnlyForm } from './multipart-prefix.ts';
import { isCrossSiteSubmission } from './origin-check.ts';
import { isPersonal } from './public-cache.ts';

/** What the HTTP server hands the Action's steps: the form's text fields and who sent it. */
export interface DirectReportForm {
  fields: ReadonlyMap<string, string>;
  /** The client's address as the rate limit reads it (client-address.ts): hashed at once, never kept. */
  clientAddress: string;
  /** Whether the receipt cookie must be Secure (the form's page came over TLS). */
  secure: boolean;
}

export interface DirectAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** The Action's steps: the answer, or null to leave the request to Astro. */
export type DirectReportTaker = (form: DirectReportForm) => Promise<DirectAnswer | null>;

/** The page's form Action, not the endpoint (/_actions/report), which scripts call and Astro answers. */
const PAGE_ACTION = /^\/report\/?\?_action=report$/;

/**
 * Whether the post comes from this site's own page: its Origin is this server's address as the
 * request reached it, or the site's public one (PUBLIC_SITE_URL, what a browser sends behind a
 * TLS proxy). A browser sends either only for a page of this site; any other post is left to
 * Astro's check (origin-check.ts), which refuses it.
 */
function isSameSite(req: IncomingMessage, siteOrigin: (requestUrl: URL) => string): boolean {
  const socketOrigin = `${'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'}://${req.headers.host ?? ''}`;
  const origin = req.headers.origin ?? null;
  if (!isCrossSiteSubmission('POST', req.headers['content-type'] ?? null, origin, socketOrigin)) return true;
  return URL.canParse(socketOrigin) && origin === siteOrigin(new URL(socketOrigin));
}

export class ReportLane {
  readonly #siteOrigin: (requestUrl: URL) => string;
  #take: DirectReportTaker | null = null;

  /** @param siteOrigin the site's public origin for a request reaching this address (domain/site/site-origin.ts) */
  constructor(siteOrigin: (requestUrl: URL) => string) {
    this.#siteOrigin = siteOrigin;
  }

  /** The Action's steps, handed over from inside Astro; the same function each time. */
  install(take: DirectReportTaker): void {
    this.#take = take;
  }

  /**
   * For a report post whose form token the HTTP layer has checked and whose whole body it holds:
   * answers it and returns true, or returns false (nothing written, nothing stored) for Astro.
   */
  async answer(req: IncomingMessage, res: ServerResponse, body: Buffer, boundary: string): Promise<boolean> {
    const take = this.#take;
    if (!take || !PAGE_ACTION.test(req.url ?? '') || !(req.headers.accept ?? '').includes('application/json')) return false;
    if (isPersonal(req.headers.cookie) || !isSameSite(req, this.#siteOrigin)) return false;
    const form = readTextOnlyForm(body, boundary);
    if (!form || form.emptyFiles.some((name) => name !== 'photos')) return false;
    // The page the post came from was served over TLS, wherever TLS ended (isSameSite: it is ours).
    const secure = (req.headers.origin ?? '').startsWith('https:');
    let answer: DirectAnswer | null;
    try {
      answer = await take({ fields: form.fields, clientAddress: clientAddressOf([req.headers['x-forwarded-for'] ?? []].flat().join(','), () => req.socket.remoteAddress ?? 'unknown'), secure });
    } catch (err) {
      // Nothing the steps can throw is expected (their refusals are answers); Astro tries again,
      // and the form's key makes a second try store nothing twice.
      console.error('[report-lane]', (err as Error)?.message ?? err);
      return false;
    }
    if (!answer) return false;
    // Headers as Astro's way in sends them: the base security headers are set already (serve.ts);
    // the compression middleware's Vary, and a body of a few hundred bytes, which it never compresses.
    res.writeHead(answer.status, { ...answer.headers, vary: varyOnEncoding(null), 'content-length': String(Buffer.byteLength(answer.body)) });
    res.end(answer.body);
    return true;
  }
}
