/**
 * After a successful report the browser is redirected (POST → 303 → GET) to the receipt page,
 * which reads the code from this short-lived cookie once and deletes it: a reload cannot show
 * the code again, and the code never appears in a URL, a log or a proxy cache.
 */
import type { AstroCookies } from 'astro';

const NAME = 'gd_receipt';
const PATH = '/report/';

export function setReceiptCookie(cookies: AstroCookies, code: string, secure: boolean): void {
  cookies.set(NAME, code, { path: PATH, httpOnly: true, sameSite: 'strict', secure, maxAge: 600 });
}

export function takeReceiptCookie(cookies: AstroCookies): string | null {
  const code = cookies.get(NAME)?.value ?? null;
  if (code) cookies.delete(NAME, { path: PATH });
  return code;
}
