import type { APIRoute } from 'astro';
import { robotsResponse } from '../server/sitemap-responses.ts';

export const GET: APIRoute = ({ url }) => robotsResponse(url);
