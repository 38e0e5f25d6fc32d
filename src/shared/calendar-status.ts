/**
 * Whether the official holiday calendar still covers the deadlines being set. Past its last year
 * deadlines are counted on weekdays only (deadlines.ts) and marked provisional; staff must be told,
 * on the queue page and in /api/health, before a 春节 or 国庆 break makes such a deadline wrong.
 */
import { jurisdiction } from '../config/jurisdiction.ts';
import { calendarCoverage } from './working-days.ts';
import { chinaDateOf } from './china-time.ts';

export type CalendarState = 'ok' | 'ending' | 'expired';

export interface CalendarStatus {
  state: CalendarState;
  /** The last year whose official schedule is known. */
  lastYear: number;
  /** What staff read; null while every deadline set today is counted on the official calendar. */
  message: string | null;
}

/** How far ahead a deadline set today can fall: the longest stage in working days, with room for a break. */
function horizonDays(): number {
  const longest = Math.max(...Object.values(jurisdiction.deadlines));
  return Math.ceil((longest * 7) / 5) + 10;
}

export function calendarStatus(today: string, coverage: { lastYear: number } = calendarCoverage()): CalendarStatus {
  const year = Number(today.slice(0, 4));
  const { lastYear } = coverage;
  if (year > lastYear) {
    return {
      state: 'expired',
      lastYear,
      message: `节假日日历只到 ${lastYear} 年，现在已是 ${year} 年：所有办理期限暂按周一至周五计算，没有算入法定节假日和调休，标为“暂定”。请系统管理员按 README 的“Holiday calendar”一节更新日历。`,
    };
  }
  const reach = new Date(Date.parse(`${today}T00:00:00Z`) + horizonDays() * 86_400_000).getUTCFullYear();
  if (reach > lastYear) {
    return {
      state: 'ending',
      lastYear,
      message: `节假日日历只到 ${lastYear} 年底：落在 ${lastYear + 1} 年的办理期限暂按周一至周五计算，标为“暂定”。国务院公布 ${lastYear + 1} 年节假日安排后，请系统管理员更新日历。`,
    };
  }
  return { state: 'ok', lastYear, message: null };
}

/** A deadline in a year the calendar does not know was counted on weekdays only. */
export function isProvisionalDeadline(deadline: string | Date, coverage: { lastYear: number } = calendarCoverage()): boolean {
  const year = Number((typeof deadline === 'string' ? deadline : chinaDateOf(deadline)).slice(0, 4));
  return year > coverage.lastYear;
}
