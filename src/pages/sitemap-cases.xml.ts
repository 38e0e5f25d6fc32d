import type { APIRoute } from 'astro';
import { sitemapResponse } from '../domain/site/sitemap-responses.ts';

/** The case list and every published case notice, with the date each was published. */
export const GET: APIRoute = ({ url, locals }) => sitemapResponse(url, locals.db, locals.publicCache, 'cases');
