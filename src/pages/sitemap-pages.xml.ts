import type { APIRoute } from 'astro';
import { sitemapResponse } from '../domain/site/sitemap-responses.ts';

/** Every public page other than the case notices, with lastmod. */
export const GET: APIRoute = ({ url, locals }) => sitemapResponse(url, locals.db, locals.publicCache, 'pages');
