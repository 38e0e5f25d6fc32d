import { defineMiddleware, sequence } from 'astro:middleware';

/** Security headers are set by the HTTP server wrapper (src/cli/serve.ts) for every response. */
const requestContext = defineMiddleware(async (context, next) => {
  context.locals.requestId = crypto.randomUUID();
  const response = await next();
  // Personal or per-user pages must never sit in a shared cache unless a page says otherwise.
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
});

export const onRequest = sequence(requestContext);
