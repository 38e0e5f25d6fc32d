import { defineMiddleware, sequence } from 'astro:middleware';

/** Security headers are set by the HTTP server wrapper (src/cli/serve.ts) for every response. */
const requestContext = defineMiddleware(async (context, next) => {
  context.locals.requestId = crypto.randomUUID();
  const response = await next();
  const csp = response.headers.get('Content-Security-Policy');
  if (csp && !csp.includes('frame-ancestors')) {
    response.headers.set('Content-Security-Policy', `${csp.replace(/;\s*$/, '')}; frame-ancestors 'none'`);
  }
  // Personal or per-user pages must never sit in a shared cache unless a page says otherwise.
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
});

/**
 * Astro always sends its error page (500.astro) with status 500. That page marks a database
 * outage with Retry-After; such a response is a temporary 503, which clients and proxies may retry.
 */
const outageStatus = defineMiddleware(async (_context, next) => {
  const response = await next();
  if (response.status === 500 && response.headers.has('Retry-After')) {
    return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers: response.headers });
  }
  return response;
});

export const onRequest = sequence(outageStatus, requestContext);
