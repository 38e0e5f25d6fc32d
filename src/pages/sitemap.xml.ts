import type { APIRoute } from 'astro';
import { sitemapIndexResponse } from '../domain/site/sitemap-responses.ts';

/** Where crawlers look first: the same index as /sitemap-index.xml. */
export const GET: APIRoute = ({ url, locals }) => sitemapIndexResponse(url, locals.db, locals.publicCache);
