import type { APIRoute } from 'astro';
import { getDb } from '../../lib/server/db.ts';
import { queuePoints } from '../../lib/server/queue.ts';
import { parseQueueFilter } from '../../lib/schemas/queue-filter.ts';
import { QUEUE_ROLES } from '../../lib/server/staff-access.ts';

/** Points of the filtered queue for the staff map, same visibility rules as the list. */
export const GET: APIRoute = async ({ locals, url }) => {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  if (!locals.user) return new Response(JSON.stringify({ error: '请先登录' }), { status: 401, headers });
  if (!QUEUE_ROLES.includes(locals.user.role)) return new Response(JSON.stringify({ error: '无权访问' }), { status: 403, headers });
  const points = await queuePoints(getDb(), locals.user, parseQueueFilter(url.searchParams));
  return new Response(JSON.stringify(points), { headers });
};
