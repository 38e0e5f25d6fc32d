/**
 * After a successful report the browser is redirected (POST → 303 → GET) to the receipt page,
 * which reads the code from this short-lived cookie once and deletes it: a reload cannot show
 * the code again, and the code never appears in a URL, a log or a proxy cache.
 */
import type { AstroCookies } from 'astro';

const NAME = 'gd_receipt';
const PATH = '/report/';
const MAX_AGE_SECONDS = 600;

export function setReceiptCookie(cookies: AstroCookies, code: string, secure: boolean): void {
  cookies.set(NAME, code, { path: PATH, httpOnly: true, sameSite: 'strict', secure, maxAge: MAX_AGE_SECONDS });
}

/**
 * The same cookie as a Set-Cookie header, written as Astro writes it (the `cookie` package's
 * order), for an answer the report lane writes without Astro (src/server/report-lane.ts).
 */
export function receiptCookieHeader(code: string, secure: boolean): string {
  return `${NAME}=${code}; Max-Age=${MAX_AGE_SECONDS}; Path=${PATH}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Strict`;
}

export function takeReceiptCookie(cookies: AstroCookies): string | null {
  const code = cookies.get(NAME)?.value ?? null;
  if (code) cookies.delete(NAME, { path: PATH });
  return code;
}
