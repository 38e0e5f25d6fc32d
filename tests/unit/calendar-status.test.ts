import { chinaToday } from '../../src/shared/china-time.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calendarStatus, isProvisionalDeadline } from '../../src/shared/calendar-status.ts';
import { deadlineFor } from '../../src/domain/reports/deadlines.ts';
import { calendarCoverage } from '../../src/shared/working-days.ts';

afterEach(() => vi.useRealTimers());

describe('the holiday calendar warning', () => {
  it('uses the newest calendar chinese-days ships (1.5.7: up to 2026)', () => {
    expect(calendarCoverage().lastYear).toBeGreaterThanOrEqual(2026);
  });

  it('says nothing while every deadline set today falls inside the calendar', () => {
    expect(calendarStatus('2026-06-01', { lastYear: 2026 })).toEqual({ state: 'ok', lastYear: 2026, message: null });
  });

  it('warns in the weeks before the calendar ends, when new deadlines reach into the unknown year', () => {
    const status = calendarStatus('2026-12-06', { lastYear: 2026 });
    expect(status.state).toBe('ending');
    expect(status.message).toContain('节假日日历只到 2026 年底');
    expect(status.message).toContain('2027 年');
  });

  it('with the clock past the calendar: counts weekdays only, marks deadlines provisional and says so', () => {
    const { lastYear } = calendarCoverage();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(`${lastYear + 1}-03-01T10:00:00+08:00`));
    const today = chinaToday();
    const status = calendarStatus(today);
    expect(status.state).toBe('expired');
    expect(status.message).toContain(`节假日日历只到 ${lastYear} 年，现在已是 ${lastYear + 1} 年`);
    const deadline = deadlineFor('verify', today);
    // 10 weekdays from a Monday (or whatever day it is): no weekend counted, nothing else skipped.
    const weekdays = [...Array(20).keys()].map((i) => new Date(Date.parse(`${today}T00:00:00Z`) + (i + 1) * 86_400_000)).filter((d) => d.getUTCDay() % 6 !== 0);
    expect(deadline).toBe(weekdays[9]!.toISOString().slice(0, 10));
    expect(isProvisionalDeadline(deadline)).toBe(true);
    expect(isProvisionalDeadline(`${lastYear}-12-31`)).toBe(false);
  });
});
