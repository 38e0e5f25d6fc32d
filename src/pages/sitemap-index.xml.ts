import type { APIRoute } from 'astro';
import { sitemapIndexResponse } from '../domain/site/sitemap-responses.ts';

/** The sitemap index: the pages sitemap and the case-notice sitemap. */
export const GET: APIRoute = ({ url, locals }) => sitemapIndexResponse(url, locals.db, locals.publicCache);
