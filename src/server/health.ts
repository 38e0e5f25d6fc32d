/**
 * What /api/health answers: 200 when the database answers, 503 when it does not, asked over a
 * connection of its own (getProbeDb), so a busy instance whose pool is fully in use still reports
 * "up". `calendar` says whether deadlines are still counted on the official holiday calendar (a
 * warning for monitoring, not an outage: the status stays 200).
 */
import { sql } from 'kysely';
import { calendarStatus } from '../shared/calendar-status.ts';
import { chinaToday } from '../shared/china-time.ts';
import { getProbeDb } from './db.ts';

export interface Health {
  status: 'ok' | 'unavailable';
  database: 'up' | 'down';
  calendar: { state: string; lastYear: number; warning?: string };
}

async function databaseAnswers(): Promise<boolean> {
  try {
    await sql`select 1`.execute(getProbeDb());
    return true;
  } catch {
    return false;
  }
}

export async function checkHealth(): Promise<Health> {
  const { state, lastYear, message } = calendarStatus(chinaToday());
  const calendar = { state, lastYear, ...(message ? { warning: message } : {}) };
  return (await databaseAnswers()) ? { status: 'ok', database: 'up', calendar } : { status: 'unavailable', database: 'down', calendar };
}
