/**
 * Cross-site form posts are refused here, as a page in Chinese that says what to do. Astro's own
 * check (`security.checkOrigin`, turned off in astro.config.mjs) runs before any middleware and
 * answers in English text/plain; this one makes the same decision, so nothing it let through
 * passes now, and it runs the same under `astro dev` and `npm start`.
 */
import type { MiddlewareHandler } from 'astro';

/** The content types a browser may post from another site without asking first (no CORS preflight). */
const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request changes something on behalf of another site: an unsafe method whose Origin is
 * not this site's, carrying a form body (or no declared body at all). A JSON body from elsewhere
 * never gets this far in a browser, whose preflight this site does not answer.
 */
export function isCrossSiteSubmission(method: string, contentType: string | null, origin: string | null, siteOrigin: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase()) || origin === siteOrigin) return false;
  if (contentType === null) return true;
  const type = contentType.toLowerCase();
  return FORM_CONTENT_TYPES.some((form) => type.includes(form));
}

export const CROSS_SITE_TITLE = '请求被拒绝';
export const CROSS_SITE_MESSAGE = '为了安全，本站只接受从本站页面提交的表单。请回到本站页面，刷新后重新提交。您的内容没有被保存。';

/** The refusal: a short page for a browser, the same words as JSON for a script that asked for JSON. */
export function crossSiteRefusal(accept: string | null): Response {
  const headers = { 'Cache-Control': 'no-store' };
  if ((accept ?? '').includes('application/json')) {
    return Response.json({ ok: false, code: 'FORBIDDEN', message: CROSS_SITE_MESSAGE }, { status: 403, headers });
  }
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${CROSS_SITE_TITLE} - 耕地守护</title></head><body><main><h1>${CROSS_SITE_TITLE}</h1><p>${CROSS_SITE_MESSAGE}</p><p><a href="/">返回首页</a></p></main></body></html>`;
  return new Response(page, { status: 403, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
}

/** Before anything reads a body: a refused post stores nothing and costs nothing. */
export const originCheck: MiddlewareHandler = (context, next) => {
  const { request } = context;
  if (!isCrossSiteSubmission(request.method, request.headers.get('content-type'), request.headers.get('origin'), context.url.origin)) return next();
  return crossSiteRefusal(request.headers.get('accept'));
};
