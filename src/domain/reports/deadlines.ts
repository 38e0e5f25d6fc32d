/**
 * Stage deadlines in working days (config: jurisdiction.deadlines). When the official holiday
 * schedule of a year is not published yet (README, "Holiday calendar"), the deadline is counted
 * on weekdays only rather than blocking the hotline; pages mark such dates as provisional
 * (calendar-status.ts), since the calendar, not the deadline, knows which years it covers.
 */
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { StageDeadlines } from '../../config/types.ts';
import { addWorkingDays, CalendarNotKnownError } from '../../shared/working-days.ts';

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

/** The date (YYYY-MM-DD) by which `stage` must be done when it starts on `from`. */
export function deadlineFor(stage: keyof StageDeadlines, from: string): string {
  const days = jurisdiction.deadlines[stage];
  try {
    return addWorkingDays(from, days);
  } catch (err) {
    if (!(err instanceof CalendarNotKnownError)) throw err;
    if (!warned) {
      warned = true;
      console.warn('⚠ 节假日安排未覆盖到该年份，期限暂按周一至周五计算。请按 README “Holiday calendar” 一节更新。');
    }
    return addWeekdays(from, days);
  }
}
