/**
 * Stage deadlines in working days (config: jurisdiction.deadlines). When the official holiday
 * schedule of a year is not published yet (see src/lib/working-days.md), the deadline is counted
 * on weekdays only and marked provisional, rather than blocking the hotline.
 */
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { StageDeadlines } from '../../config/types.ts';
import { addWorkingDays, CalendarNotKnownError } from '../working-days.ts';

export interface Deadline {
  date: string;
  provisional: boolean;
}

function addWeekdays(start: string, days: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}

let warned = false;

export function deadlineFor(stage: keyof StageDeadlines, from: string): Deadline {
  const days = jurisdiction.deadlines[stage];
  try {
    return { date: addWorkingDays(from, days), provisional: false };
  } catch (err) {
    if (!(err instanceof CalendarNotKnownError)) throw err;
    if (!warned) {
      warned = true;
      console.warn('⚠ 节假日安排未覆盖到该年份，期限暂按周一至周五计算。请按 README “Holiday calendar” 一节更新。');
    }
    return { date: addWeekdays(from, days), provisional: true };
  }
}
