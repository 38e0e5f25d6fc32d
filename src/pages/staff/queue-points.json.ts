import type { APIRoute } from 'astro';
import { queuePoints } from '../../domain/reports/queue.ts';
import { parseQueueFilter } from '../../domain/reports/queue-filter.ts';
import { guardStaffEndpoint } from '../../domain/accounts/page-guard.ts';

/** Points of the filtered queue for the staff map, same visibility rules as the list. */
export const GET: APIRoute = async ({ locals, url }) => {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  const user = guardStaffEndpoint(locals.user, 'queue.view', 'json');
  if (user instanceof Response) return user;
  const points = await queuePoints(locals.db, user, parseQueueFilter(url.searchParams));
  return new Response(JSON.stringify(points), { headers });
};
