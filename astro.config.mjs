// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { REPORT_BODY_LIMIT } from './src/config/limits.ts';
import { ASTRO_CSP_DIRECTIVES } from './src/config/http-headers.ts';
import { precompress } from './src/integrations/precompress.ts';

const site = process.env.PUBLIC_SITE_URL ?? 'http://localhost:4321';
const siteUrl = new URL(site);


export default defineConfig({
  site,
  output: 'server',
  // Middleware mode: src/cli/serve.ts is the server, and serves the built files itself (sirv).
  adapter: node({ mode: 'middleware', bodySizeLimit: REPORT_BODY_LIMIT }),
  integrations: [precompress()],
  trailingSlash: 'ignore',
  build: {
    // Keep CSS in cacheable files; nothing inline for the CSP to allow.
    inlineStylesheets: 'never',
  },
  server: { port: 4321 },
  security: {
    // The same check runs as middleware (src/server/origin-check.ts), so a refused citizen
    // reads Chinese and `astro dev` refuses exactly what `npm start` does.
    checkOrigin: false,
    actionBodySizeLimit: REPORT_BODY_LIMIT,
    // Behind a TLS proxy the request's URL, which the origin check compares with, is the public address.
    allowedDomains: [{ hostname: siteUrl.hostname, protocol: siteUrl.protocol.replace(':', '') }],
    csp: {
      algorithm: 'SHA-256',
      // One table (src/config/http-headers.ts); frame-ancestors goes in the header only
      // (src/middleware.ts): prerendered pages carry this policy in a <meta> tag, where browsers
      // ignore it and warn.
      directives: [...ASTRO_CSP_DIRECTIVES],
    },
  },
  markdown: { syntaxHighlight: false },
  prefetch: false,
  devToolbar: { enabled: false },
});
