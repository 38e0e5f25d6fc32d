import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { getNoticePage } from '../lib/server/public-notices.ts';
import { setPublicCaching } from '../lib/server/public-page.ts';

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** One sitemap of every public page, including each published case notice. */
export const GET: APIRoute = async ({ site, url }) => {
  const origin = (site ?? url).origin;
  const [policies, law, notices] = await Promise.all([getCollection('policies'), getCollection('law'), getNoticePage({}, 1, 1000)]);
  const paths = [
    '/', '/policies/', '/law/', '/cases/', '/progress/', '/progress/bulletins/', '/open-data/', '/report/', '/track/',
    ...policies.map((p) => `/policies/${p.id}/`),
    ...law.map((l) => `/law/${l.id}/`),
    ...notices.notices.map((n) => `/cases/${n.id}/`),
  ];
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
    paths.map((p) => `  <url><loc>${escapeXml(origin + p)}</loc></url>`).join('\n') +
    '\n</urlset>\n';
  const headers = new Headers({ 'Content-Type': 'application/xml; charset=utf-8' });
  setPublicCaching(headers);
  return new Response(body, { headers });
};
