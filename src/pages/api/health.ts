import type { APIRoute } from 'astro';
import { sql } from 'kysely';
import { getProbeDb } from '../../lib/server/db.ts';

/**
 * 200 when the database answers, 503 when it does not. Never cached. Asked over a connection of
 * its own (getProbeDb), so a busy instance whose pool is fully in use still reports "up".
 */
export const GET: APIRoute = async () => {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  try {
    await sql`select 1`.execute(getProbeDb());
    return new Response(JSON.stringify({ status: 'ok', database: 'up' }), { status: 200, headers });
  } catch {
    return new Response(JSON.stringify({ status: 'unavailable', database: 'down' }), { status: 503, headers });
  }
};
