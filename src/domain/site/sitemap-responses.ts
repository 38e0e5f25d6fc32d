/** The XML and text answers of the sitemap and robots.txt endpoints, publicly cacheable. */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { PublicCache } from '../../server/public-cache.ts';
import { setPublicCaching } from './public-page.ts';
import { listSiteSections, sitemapIndexXml, urlsetXml } from './site-map.ts';
import { siteOrigin } from './site-origin.ts';

function answer(body: string, type: string): Response {
  const headers = new Headers({ 'Content-Type': type });
  setPublicCaching(headers);
  return new Response(body, { headers });
}

export async function sitemapIndexResponse(url: URL, db: Kysely<Database>, cache: PublicCache): Promise<Response> {
  return answer(sitemapIndexXml(siteOrigin(url), await listSiteSections(db, cache)), 'application/xml; charset=utf-8');
}

export async function sitemapResponse(url: URL, db: Kysely<Database>, cache: PublicCache, which: 'pages' | 'cases'): Promise<Response> {
  const entries = (await listSiteSections(db, cache)).filter((s) => s.sitemap === which).flatMap((s) => s.entries);
  return answer(urlsetXml(siteOrigin(url), entries), 'application/xml; charset=utf-8');
}

/** Crawlers may read every public page; the staff area, the Action endpoints and personal lookups are not for them. */
export function robotsResponse(url: URL): Response {
  const lines = [
    'User-agent: *',
    'Disallow: /staff/',
    'Disallow: /_actions/',
    'Disallow: /track/',
    'Disallow: /report/receipt/',
    'Disallow: /display/',
    '',
    `Sitemap: ${siteOrigin(url)}/sitemap-index.xml`,
  ];
  return answer(`${lines.join('\n')}\n`, 'text/plain; charset=utf-8');
}
