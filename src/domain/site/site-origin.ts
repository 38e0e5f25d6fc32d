/**
 * The site's public address, for links that leave the page (sitemaps, the feed, robots.txt).
 * PUBLIC_SITE_URL when set (a real deployment must set it: src/cli/site-url-check.ts); otherwise,
 * on a demo machine, the address the request came to, never a guessed localhost.
 */
export function siteOrigin(requestUrl: URL): string {
  const configured = process.env.PUBLIC_SITE_URL?.trim();
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      /* refused at start (site-url-check.ts); fall back to the request */
    }
  }
  return requestUrl.origin;
}
