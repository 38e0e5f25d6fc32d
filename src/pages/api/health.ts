import { chinaToday } from '../../lib/china-time.ts';
import type { APIRoute } from 'astro';
import { sql } from 'kysely';
import { getProbeDb } from '../../lib/server/db.ts';
import { calendarStatus } from '../../lib/calendar-status.ts';

/**
 * 200 when the database answers, 503 when it does not. Never cached. Asked over a connection of
 * its own (getProbeDb), so a busy instance whose pool is fully in use still reports "up".
 * `calendar` says whether deadlines are still counted on the official holiday calendar (a
 * warning for monitoring, not an outage: the status stays 200).
 */
export const GET: APIRoute = async () => {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  const { state, lastYear, message } = calendarStatus(chinaToday());
  const calendar = { state, lastYear, ...(message ? { warning: message } : {}) };
  try {
    await sql`select 1`.execute(getProbeDb());
    return new Response(JSON.stringify({ status: 'ok', database: 'up', calendar }), { status: 200, headers });
  } catch {
    return new Response(JSON.stringify({ status: 'unavailable', database: 'down', calendar }), { status: 503, headers });
  }
};
