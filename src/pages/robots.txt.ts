import type { APIRoute } from 'astro';
import { robotsResponse } from '../domain/site/sitemap-responses.ts';

export const GET: APIRoute = ({ url }) => robotsResponse(url);
