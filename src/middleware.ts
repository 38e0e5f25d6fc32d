import { ActionError, actions, getActionContext } from 'astro:actions';
import { defineMiddleware, sequence } from 'astro:middleware';
import { REPORT_TEXT_FIELDS, type ReportFormValues } from './domain/reports/report-schema.ts';
import { setReceiptCookie } from './domain/reports/report-receipt-cookie.ts';
import { SESSION_COOKIE, setSessionTokenCookie, validateSessionToken } from './domain/accounts/auth.ts';
import { getDb } from './server/db.ts';
import { isDatabaseUnavailable } from './shared/errors.ts';
import { PublicCache } from './server/public-cache.ts';
import { actionJsonBodies, actionRpcMessages } from './server/action-rpc-messages.ts';
import { pagePolicy, withFrameAncestors } from './server/security-headers.ts';
import { SECURITY_HEADERS } from './config/http-headers.ts';
import { originCheck } from './server/origin-check.ts';
import { compression } from './server/compression.ts';
import { REPORT_BODY_LIMIT } from './config/limits.ts';
import { refuseCheaply, TOO_LARGE_MESSAGE } from './domain/reports/report-gate.ts';
import { getSecrets } from './server/secrets.ts';
import { reportJsonAnswer, takeReportDirectly } from './actions/report.ts';
import { requestClientKey } from './server/client-address.ts';


/** Without the HTTP server (`astro dev`) nothing is cached, so every edit shows at once. */
const UNCACHED = new PublicCache(0);

/** Public pages from the public cache (public-cache.ts); it stores them as the other middleware finished them. */
const publicPages = defineMiddleware((context, next) => {
  context.locals.publicCache ??= UNCACHED;
  return context.locals.publicCache.respond(context, next);
});

/** The report form's copy for the HTTP server to answer from (form-shell.ts); none under `astro dev`. */
const reportFormShell = defineMiddleware((context, next) => context.locals.formShell?.respond(context, next) ?? next());

/** The report lane (report-lane.ts) is handed the Action's steps by the first request Astro serves; none under `astro dev`. */
const reportLane = defineMiddleware((context, next) => {
  context.locals.reportLane?.install(takeReportDirectly);
  return next();
});

/** Security headers are set by the HTTP server wrapper (src/cli/serve.ts) for every response. */
const requestContext = defineMiddleware(async (context, next) => {
  context.locals.requestId = crypto.randomUUID();
  // Pages and endpoints get the database from here and never import it; read on first use, so a
  // page that needs none opens nothing.
  Object.defineProperty(context.locals, 'db', { get: getDb, configurable: true, enumerable: false });
  const response = await next();
  const csp = response.headers.get('Content-Security-Policy');
  if (csp) response.headers.set('Content-Security-Policy', withFrameAncestors(csp));
  // Personal or per-user pages must never sit in a shared cache unless a page says otherwise.
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  // Every 429 says when to come back: the limit's own wait where the refusal recorded it.
  if (response.status === 429 && !response.headers.has('Retry-After')) response.headers.set('Retry-After', String(Math.max(1, Math.ceil(context.locals.retryAfter ?? 60))));
  return response;
});

/**
 * Astro always sends its error page (500.astro) with status 500. That page marks a database
 * outage with Retry-After; such a response is a temporary 503, which clients and proxies may retry.
 */
const outageStatus = defineMiddleware(async (context, next) => {
  let response: Response;
  try {
    response = await next();
  } catch (err) {
    // An outage met before any page ran (e.g. checking a staff session), or thrown through a
    // page, is the same 503. A fresh GET request: a POST whose body a page has read cannot be
    // copied for a rewrite (Astro would throw RewriteWithBodyUsed, a 500).
    if (isDatabaseUnavailable(err)) return context.rewrite(new Request(new URL('/unavailable/', context.url)));
    throw err;
  }
  if (response.status === 500 && response.headers.has('Retry-After')) {
    return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers: response.headers });
  }
  return response;
});

/**
 * The report form as POST/redirect/GET. With JavaScript off the browser posts the form: success
 * redirects to the receipt, failure renders the form again with the error summary and every
 * typed value. The enhanced form posts the same request asking for JSON.
 */
const reportForm = defineMiddleware(async (context, next) => {
  if (context.request.method !== 'POST') return next();
  const { action, setActionResult, serializeActionResult } = getActionContext(context);
  if (!action || action.name !== 'report') return next();
  // The endpoint (/_actions/report) takes the same path, so no way in decodes a photo before the cheap checks.
  const wantsJson = action.calledFrom === 'rpc' || (context.request.headers.get('accept') ?? '').includes('application/json');

  let result: Awaited<ReturnType<typeof context.callAction<typeof actions.report>>>;
  const values: ReportFormValues = {};
  if (Number(context.request.headers.get('content-length') ?? 0) > REPORT_BODY_LIMIT) {
    result = { data: undefined, error: new ActionError({ code: 'CONTENT_TOO_LARGE', message: TOO_LARGE_MESSAGE }) };
  } else {
    let form: FormData | null = null;
    try {
      form = await context.request.formData();
    } catch (err) {
      // A chunked body over the adapter's limit fails here rather than at Content-Length.
      const tooLarge = /Body size limit exceeded/i.test(`${(err as Error)?.message} ${String((err as { cause?: unknown })?.cause ?? '')}`);
      result = {
        data: undefined,
        error: tooLarge
          ? new ActionError({ code: 'CONTENT_TOO_LARGE', message: TOO_LARGE_MESSAGE })
          : new ActionError({ code: 'BAD_REQUEST', message: '提交的内容不完整或格式不对，请重新提交。' }),
      };
    }
    if (form) {
      for (const field of REPORT_TEXT_FIELDS) {
        const v = form.get(field);
        if (typeof v === 'string') values[field] = v.slice(0, 4000);
      }
      const { appSecret } = getSecrets();
      const client = requestClientKey(context);
      // An outage met here is left to the Action, which answers it with its own 503 message.
      const refusal = await refuseCheaply(getDb(), form, appSecret, client).catch((err) => (isDatabaseUnavailable(err) ? null : Promise.reject(err)));
      if (refusal) {
        if (refusal.retryAfterSeconds) context.locals.retryAfter = refusal.retryAfterSeconds;
        result = { data: undefined, error: refusal.error };
      } else {
        result = await context.callAction(actions.report, form);
      }
    }
  }

  if (!result!.error) {
    setReceiptCookie(context.cookies, result!.data.receiptCode, context.url.protocol === 'https:');
    if (!wantsJson) return context.redirect('/report/receipt/', 303);
  }
  if (wantsJson) {
    const answer = reportJsonAnswer(result!, context.locals.retryAfter);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }
  context.locals.reportValues = values;
  setActionResult(action.name, serializeActionResult(result!));
  return next();
});

/** Puts the signed-in staff member (if any) on locals; slides the session cookie with the session. */
const staffSession = defineMiddleware(async (context, next) => {
  context.locals.user = null;
  context.locals.session = null;
  const token = context.cookies.get(SESSION_COOKIE)?.value;
  const staffArea = context.url.pathname.startsWith('/staff') || context.url.pathname.startsWith('/_actions/');
  if (token && (staffArea || context.request.method === 'POST') && context.url.pathname !== '/unavailable/') {
    const result = await validateSessionToken(getDb(), token);
    if (result.session) {
      context.locals.user = result.user;
      context.locals.session = result.session;
      if (result.refreshed) setSessionTokenCookie(context.cookies, token, result.session.expiresAt, context.url.protocol === 'https:');
    }
  }
  return next();
});

/** Staff pages anyone may open: signing in, a custodian's first password, the refusal page. */
const OPEN_STAFF_PAGES = /^\/staff\/(?:login|setup|forbidden)(?:\/|$)/;
/** Staff downloads, JSON and photos: answered 401 rather than sent to the sign-in page. */
const STAFF_FILE = /^\/staff\/(?:.*\.[a-z0-9]+|(?:notice-)?photos\/.*)$/i;

/**
 * Everything under /staff/ needs a session, whatever its page or endpoint remembers to check: a
 * page that forgets its guard, or a download like the ledger template, is still closed. Pages
 * keep their own guard for roles. Forms (POST) are refused by their Actions and page guards.
 */
const staffAreaGate = defineMiddleware(async (context, next) => {
  const { pathname } = context.url;
  const method = context.request.method;
  if (!/^\/staff(?:\/|$)/.test(pathname) || (method !== 'GET' && method !== 'HEAD') || context.locals.user || OPEN_STAFF_PAGES.test(pathname)) return next();
  if (STAFF_FILE.test(pathname)) {
    return new Response('请先登录', { status: 401, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  }
  return context.redirect(`/staff/login/?next=${encodeURIComponent(pathname + context.url.search)}`, 303);
});

/**
 * Staff forms as POST/redirect/GET: success goes where the Action says; failure renders the same
 * page with the error (and the Action's HTTP status). A result meant to be seen once (an
 * identity reveal) is rendered in place, never redirected.
 */
const staffForms = defineMiddleware(async (context, next) => {
  if (context.request.method !== 'POST') return next();
  const { action, setActionResult, serializeActionResult } = getActionContext(context);
  if (action?.calledFrom !== 'form' || action.name === 'report') return next();
  const result = await action.handler();
  const data = result.data as { redirectTo?: string; show?: boolean } | undefined;
  if (!result.error && data?.redirectTo) return context.redirect(data.redirectTo, 303);
  setActionResult(action.name, serializeActionResult(result));
  const response = await next();
  response.headers.set('Cache-Control', 'no-store');
  return response;
});

// Compression wraps everything (a cached copy comes already compressed, once per copy). The page
// cache and the report form's copy come next: they keep pages as the other middleware finished
// them (and src/cli/serve.ts answers from them before Astro runs at all).
const perRequest = sequence(compression, publicPages, reportFormShell, reportLane, outageStatus, requestContext, originCheck, actionRpcMessages, actionJsonBodies, staffSession, staffAreaGate, reportForm, staffForms);

// Pages prerendered at build time have no request to look at (no headers, cookies or body):
// none of the middleware applies to them, and touching their headers only prints warnings.
const servedPages = defineMiddleware((context, next) => (context.isPrerendered ? next() : perRequest(context, next)));

/**
 * `astro dev` runs without the HTTP server that sends the security headers (src/cli/serve.ts), and
 * Astro writes no policy there: this sends the same table's headers and a policy built the same
 * way, so a developer sees what users get (and what the policy would block).
 */
const devHeaders = defineMiddleware(async (_context, next) => {
  const response = await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!response.headers.has(name)) response.headers.set(name, value);
  if ((response.headers.get('Content-Type') ?? '').startsWith('text/html')) response.headers.set('Content-Security-Policy', pagePolicy(await response.clone().text()));
  return response;
});

export const onRequest = import.meta.env.DEV ? sequence(devHeaders, servedPages) : servedPages;
