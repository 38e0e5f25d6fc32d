import { createHash } from 'node:crypto';

/**
 * Runtime helpers for the headers of src/config/http-headers.ts (the one table): every response
 * carries SECURITY_HEADERS, set by the HTTP server (src/cli/serve.ts) before Astro answers; SSR
 * pages then send their own hashed Content-Security-Policy, which replaces the file policy.
 */
import { CSP_DIRECTIVES, HEADER_ONLY_DIRECTIVES, SECURITY_HEADERS } from '../config/http-headers.ts';

/**
 * Adds the directives a <meta> policy cannot carry (frame-ancestors) to Astro's policy. Astro's
 * per-script hashes stay: Astro inlines small scripts (the receipt page's, some staff pages'),
 * and those run only because their hash is listed.
 */
export function withFrameAncestors(csp: string): string {
  let policy = csp.replace(/;\s*$/, '');
  for (const directive of HEADER_ONLY_DIRECTIVES) if (!policy.includes(directive.split(' ')[0]!)) policy = `${policy}; ${directive}`;
  return policy;
}

/**
 * The base headers with `own` on top (a name in `own` replaces the base one, whatever its case),
 * as the flat [name, value, …] list Node's `writeHead` takes without merging. The fast paths of
 * the HTTP wrapper (prerendered pages, cached pages) build this once per page instead of setting
 * six headers and merging them on every request.
 */
export function headerListWithBase(own: Readonly<Record<string, string>>): string[] {
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...own })) merged.set(name.toLowerCase(), [name, value]);
  return [...merged.values()].flat();
}

const INLINE_ELEMENT = { 'script-src': /<script\b(?![^>]*\ssrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi, 'style-src': /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi } as const;

/**
 * Fetch directives that fall back straight to default-src when absent (CSP Level 3). frame-src and
 * worker-src are not listed: they fall back to child-src (and worker-src to script-src) first.
 */
const FALLS_BACK_TO_DEFAULT = new Set(['script-src', 'style-src', 'img-src', 'font-src', 'connect-src', 'media-src', 'object-src', 'manifest-src']);

/** The CSP source of each inline element `pattern` finds in the HTML. */
function inlineHashes(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`);
}

/**
 * The policy of a page Astro wrote none for (`astro dev`, where Astro's CSP is off): the table's
 * directives with the hashes of the inline code this HTML carries, narrowed as cspForPage narrows
 * Astro's, so it reads as `npm start` sends a cached page's.
 */
export function pagePolicy(html: string): string {
  const source = (name: keyof typeof INLINE_ELEMENT) => [name, "'self'", ...new Set(inlineHashes(html, INLINE_ELEMENT[name]))].join(' ');
  return cspForPage([...CSP_DIRECTIVES, source('script-src'), source('style-src')].join('; '), html);
}

/**
 * Astro's policy lists the hash of every inline script and style of the whole project on every
 * page, about 550 bytes, whether the page carries that code or not. Where the finished HTML is
 * known (the page cache), the policy keeps only the hashes of code the page really contains, so a
 * page without inline code says plain `script-src 'self'`, and a fetch directive that then says
 * exactly what default-src says is left out, as the browser falls back to default-src anyway.
 * Nothing that ran before stops running: a hash is dropped only when no inline element of the
 * page has it. The shorter header is sent on every cached hit, in the app and from nginx's
 * micro-cache, where header bytes cost more than body bytes (see bench/README.md).
 */
export function cspForPage(csp: string, html: string): string {
  const directives = csp
    .split(';')
    .map((directive) => {
      const tokens = directive.trim().split(/\s+/);
      const pattern = INLINE_ELEMENT[tokens[0] as keyof typeof INLINE_ELEMENT];
      if (!pattern || !tokens.some((t) => t.startsWith("'sha256-"))) return tokens;
      const present = new Set(inlineHashes(html, pattern));
      return tokens.filter((t) => !t.startsWith("'sha256-") || present.has(t));
    })
    .filter((tokens) => tokens[0] !== '');
  const defaults = directives.find((tokens) => tokens[0] === 'default-src')?.slice(1).join(' ');
  return directives
    .filter((tokens) => !(defaults !== undefined && FALLS_BACK_TO_DEFAULT.has(tokens[0]!) && tokens.slice(1).join(' ') === defaults))
    .map((tokens) => tokens.join(' '))
    .join('; ');
}
