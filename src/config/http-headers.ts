/**
 * Every security header the site sends, and its Content-Security-Policy, defined once. The app
 * sends them (src/cli/serve.ts on every response, the middleware on pages), Astro writes the
 * policy's script and style hashes (astro.config.mjs), and nginx's lines for the files it serves
 * itself are generated from here (`npm run nginx:headers` → deploy/nginx/gengdi-headers.conf;
 * tests/unit/nginx-headers.test.ts fails when the two disagree). Pure data: astro.config.mjs
 * imports it.
 */
import type { AstroUserConfig } from 'astro';

/** A directive as Astro's `security.csp.directives` types it. */
type Directive = NonNullable<Extract<NonNullable<NonNullable<AstroUserConfig['security']>['csp']>, object>['directives']>[number];

/** Map tiles are the only third-party resource a page loads. */
export const MAP_TILE_SOURCES = ['https://tile.openstreetmap.org', 'https://*.tianditu.gov.cn'] as const;

/**
 * The policy's directives, all but script-src and style-src: Astro writes those itself, listing
 * the hash of each inline script and style it emits, and a page whose code is all in files says
 * plain 'self' (FILE_CSP).
 */
export const CSP_DIRECTIVES: readonly Directive[] = [
  "default-src 'self'",
  `img-src 'self' data: blob: ${MAP_TILE_SOURCES.join(' ')}`,
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
];

/**
 * Directives a <meta> policy cannot carry (browsers ignore them there and warn): prerendered pages
 * carry Astro's policy in a <meta> tag, so Astro is given the others, and these go in the header.
 */
export const HEADER_ONLY_DIRECTIVES: readonly Directive[] = CSP_DIRECTIVES.filter((d) => d.startsWith('frame-ancestors'));

/** For Astro's `security.csp.directives`. */
export const ASTRO_CSP_DIRECTIVES: readonly Directive[] = CSP_DIRECTIVES.filter((d) => !HEADER_ONLY_DIRECTIVES.includes(d));

/**
 * The policy of a response with no inline code and no map: static files, prerendered pages, plain
 * answers. Narrower than the pages' (no map tiles, no blob: images), and short, as it goes with
 * every file.
 */
export const FILE_CSP = ["default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');

/** Every response carries these; a page's own Content-Security-Policy (with its hashes) replaces the file policy. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  // frame-ancestors in a <meta> CSP is ignored by browsers; this header says the same to all of them.
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Content-Security-Policy': FILE_CSP,
};
