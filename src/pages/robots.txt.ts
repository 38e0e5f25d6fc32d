import type { APIRoute } from 'astro';
import { robotsResponse } from '../lib/server/sitemap-responses.ts';

export const GET: APIRoute = ({ url }) => robotsResponse(url);
