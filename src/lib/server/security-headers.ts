/**
 * Headers every response carries, static files and prerendered pages included: Astro's middleware
 * never sees those, so the HTTP server wrapper (src/cli/serve.ts) sets these before Astro answers.
 * SSR pages then send their own hashed Content-Security-Policy, which replaces the fallback.
 */

/** For responses Astro sends without a CSP header: files and prerendered pages, which have no inline code. */
export const FALLBACK_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  // frame-ancestors in a <meta> CSP is ignored by browsers; this header says the same to all of them.
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Content-Security-Policy': FALLBACK_CSP,
};

/**
 * Adds frame-ancestors, which a <meta> policy cannot carry, to Astro's policy. Astro's per-script
 * hashes stay: Astro inlines small scripts (the receipt page's, some staff pages'), and those
 * run only because their hash is listed.
 */
export function withFrameAncestors(csp: string): string {
  const trimmed = csp.replace(/;\s*$/, '');
  return trimmed.includes('frame-ancestors') ? trimmed : `${trimmed}; frame-ancestors 'none'`;
}
