import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  CalendarNotKnownError,
  calendarCoverage,
  createWorkingDayCalendar,
  isWorkingDay,
  workingDaysBetween,
} from '../../src/shared/working-days.ts';

/** Every date from `from` to `to` inclusive, 'YYYY-MM-DD'. */
function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('working days in an ordinary week', () => {
  it('counts Monday to Friday as working days and the weekend as days off', () => {
    // 2026-03-02 is a Monday with no holiday near it.
    expect(datesFrom('2026-03-02', '2026-03-08').map(isWorkingDay)).toEqual([
      true, true, true, true, true, false, false,
    ]);
  });

  it('skips the weekend when adding working days', () => {
    expect(addWorkingDays('2026-03-05', 1)).toBe('2026-03-06');
    expect(addWorkingDays('2026-03-06', 1)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-02', 10)).toBe('2026-03-16');
  });

  it('returns the start itself for zero working days, even on a weekend', () => {
    expect(addWorkingDays('2026-03-04', 0)).toBe('2026-03-04');
    expect(addWorkingDays('2026-03-07', 0)).toBe('2026-03-07');
  });

  it('counts the working days after the first date up to and including the second', () => {
    expect(workingDaysBetween('2026-03-01', '2026-03-08')).toBe(5);
    expect(workingDaysBetween('2026-03-02', '2026-03-06')).toBe(4);
    expect(workingDaysBetween('2026-03-04', '2026-03-04')).toBe(0);
  });

  it('gives a negative count when the second date is earlier', () => {
    expect(workingDaysBetween('2026-03-08', '2026-03-01')).toBe(-5);
  });
});

describe('the 2024 Spring Festival (春节) schedule', () => {
  it('makes 10–17 February days off, weekdays included', () => {
    for (const d of datesFrom('2024-02-10', '2024-02-17')) expect(isWorkingDay(d), d).toBe(false);
  });

  it('makes Sunday 4 February and Sunday 18 February working days', () => {
    expect(isWorkingDay('2024-02-04')).toBe(true);
    expect(isWorkingDay('2024-02-18')).toBe(true);
  });

  it('leaves 除夕 eve Friday 9 February a working day and the Saturday before it off', () => {
    expect(isWorkingDay('2024-02-09')).toBe(true);
    expect(isWorkingDay('2024-02-03')).toBe(false);
  });

  it('jumps over the whole break when adding working days', () => {
    expect(addWorkingDays('2024-02-09', 1)).toBe('2024-02-18');
    expect(addWorkingDays('2024-02-08', 2)).toBe('2024-02-18');
    expect(addWorkingDays('2024-02-02', 1)).toBe('2024-02-04');
  });

  it('counts February 2024 with the holidays removed and the make-up Sundays added', () => {
    // 20 weekdays after 1 Feb, minus 12–16 Feb, plus 4 and 18 Feb.
    expect(workingDaysBetween('2024-02-01', '2024-02-29')).toBe(17);
  });
});

describe('the 2025 National Day (国庆) schedule', () => {
  it('makes 1–8 October days off', () => {
    for (const d of datesFrom('2025-10-01', '2025-10-08')) expect(isWorkingDay(d), d).toBe(false);
  });

  it('makes Sunday 28 September and Saturday 11 October working days', () => {
    expect(isWorkingDay('2025-09-28')).toBe(true);
    expect(isWorkingDay('2025-10-11')).toBe(true);
    expect(isWorkingDay('2025-10-12')).toBe(false);
  });

  it('moves a deadline from the last day of September to 9 October', () => {
    expect(addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(addWorkingDays('2025-09-26', 2)).toBe('2025-09-29');
    expect(addWorkingDays('2025-10-09', 2)).toBe('2025-10-11');
  });

  it('counts only 9, 10 and 11 October between 30 September and 12 October', () => {
    expect(workingDaysBetween('2025-09-30', '2025-10-12')).toBe(3);
  });
});

describe('the 2026 Spring Festival schedule (国务院办公厅 notice of 2025-11-04)', () => {
  it('makes 15–23 February days off', () => {
    for (const d of datesFrom('2026-02-15', '2026-02-23')) expect(isWorkingDay(d), d).toBe(false);
  });

  it('makes Saturday 14 February and Saturday 28 February working days', () => {
    expect(isWorkingDay('2026-02-14')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true);
    expect(isWorkingDay('2026-03-01')).toBe(false);
  });

  it('puts a five-working-day deadline from Friday 13 February on 27 February', () => {
    expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
    expect(addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(workingDaysBetween('2026-02-13', '2026-02-28')).toBe(6);
  });
});

describe('make-up working weekends (调休上班)', () => {
  it('count a Saturday made a working day as a working day', () => {
    // 2026 劳动节: 1–5 May off, Saturday 9 May a working day.
    expect(isWorkingDay('2026-05-09')).toBe(true);
    expect(isWorkingDay('2026-05-10')).toBe(false);
    expect(addWorkingDays('2026-05-08', 1)).toBe('2026-05-09');
    expect(workingDaysBetween('2026-05-08', '2026-05-10')).toBe(1);
  });

  it('count a Sunday made a working day as a working day', () => {
    // 2026 元旦: 1–3 January off, Sunday 4 January a working day.
    expect(isWorkingDay('2026-01-01')).toBe(false);
    expect(isWorkingDay('2026-01-02')).toBe(false);
    expect(isWorkingDay('2026-01-04')).toBe(true);
    expect(addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
  });
});

describe('workingDaysBetween and addWorkingDays agree', () => {
  // Every start date from 2023 to mid-November 2026, with 0–30 working days, stays inside 2026.
  const starts = datesFrom('2023-01-01', '2026-11-10');

  it('counts exactly n working days up to addWorkingDays(start, n), which is a working day', () => {
    starts.forEach((start, i) => {
      const n = i % 31;
      const end = addWorkingDays(start, n);
      expect(workingDaysBetween(start, end), `${start} + ${n}`).toBe(n);
      expect(workingDaysBetween(end, start), `${start} + ${n} reversed`).toBe(0 - n);
      if (n > 0) {
        expect(isWorkingDay(end), `${start} + ${n} → ${end}`).toBe(true);
        // The day before the result has one fewer working day: the result is the first such day.
        expect(addWorkingDays(start, n - 1) < end).toBe(true);
      }
    });
  });

  it('lands on the last working day at or before `to` when adding the count between them', () => {
    starts.forEach((from, i) => {
      const to = starts[Math.min(i + (i % 17), starts.length - 1)]!;
      const landed = addWorkingDays(from, workingDaysBetween(from, to));
      expect(landed <= to, `${from}..${to}`).toBe(true);
      expect(workingDaysBetween(landed, to), `${from}..${to}`).toBe(0);
    });
  });

  it('adds up counts over consecutive intervals', () => {
    for (let i = 0; i + 60 < starts.length; i += 7) {
      const [a, b, c] = [starts[i]!, starts[i + 25]!, starts[i + 60]!];
      expect(workingDaysBetween(a, b) + workingDaysBetween(b, c), a).toBe(workingDaysBetween(a, c));
    }
  });
});

describe('years without a known schedule', () => {
  const { firstYear, lastYear } = calendarCoverage();
  const after = lastYear + 1;

  it('reports a coverage that includes 2024 to 2026', () => {
    expect(firstYear).toBeLessThanOrEqual(2024);
    expect(lastYear).toBeGreaterThanOrEqual(2026);
  });

  it('throw CalendarNotKnownError instead of guessing weekends only', () => {
    expect(() => isWorkingDay(`${after}-03-03`)).toThrow(CalendarNotKnownError);
    expect(() => isWorkingDay(`${firstYear - 1}-06-02`)).toThrow(CalendarNotKnownError);
    expect(() => workingDaysBetween(`${lastYear}-12-01`, `${after}-01-15`)).toThrow(CalendarNotKnownError);
    expect(() => workingDaysBetween(`${after}-01-15`, `${lastYear}-12-01`)).toThrow(CalendarNotKnownError);
  });

  it('throw as soon as adding working days runs into the unknown year', () => {
    expect(() => addWorkingDays(`${lastYear}-12-25`, 30)).toThrow(CalendarNotKnownError);
  });

  it('name the missing year in the error', () => {
    try {
      isWorkingDay(`${after}-01-04`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarNotKnownError);
      expect((e as CalendarNotKnownError).year).toBe(after);
      expect((e as Error).message).toContain(String(after));
    }
  });

  it('do not matter to a computation that stays inside the known years', () => {
    expect(addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    expect(addWorkingDays(`${after}-05-05`, 0)).toBe(`${after}-05-05`);
  });
});

describe('input checking', () => {
  it('rejects dates that are not real YYYY-MM-DD dates', () => {
    for (const bad of ['2026-02-30', '2026/02/01', '2026-2-1', '', '20260201', '2026-13-01']) {
      expect(() => isWorkingDay(bad), bad).toThrow(RangeError);
    }
  });

  it('rejects negative or fractional working-day counts', () => {
    expect(() => addWorkingDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', Number.NaN)).toThrow(RangeError);
  });
});

describe('committed overrides (src/config/holidays.ts)', () => {
  // A MADE-UP schedule, only to exercise the mechanism: not the real 2027 arrangement.
  const fake2027 = {
    year: 2027,
    source: 'test fixture, not an official notice',
    holidays: ['2027-01-01', '2027-02-08', '2027-02-09'],
    workdays: ['2027-02-06'],
  };

  it('extend the coverage by a year and use its holidays and make-up days', () => {
    const cal = createWorkingDayCalendar([fake2027]);
    expect(cal.calendarCoverage().lastYear).toBe(2027);
    expect(cal.isWorkingDay('2027-01-01')).toBe(false); // Friday, listed holiday
    expect(cal.isWorkingDay('2027-02-06')).toBe(true); // Saturday, listed make-up day
    expect(cal.isWorkingDay('2027-02-10')).toBe(true); // Wednesday, not listed
    expect(cal.isWorkingDay('2027-02-07')).toBe(false); // Sunday, not listed
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('replace the package data for the whole of their year', () => {
    const cal = createWorkingDayCalendar([
      { year: 2026, source: 'test fixture', holidays: ['2026-01-01'], workdays: [] },
    ]);
    expect(cal.isWorkingDay('2026-01-01')).toBe(false);
    expect(cal.isWorkingDay('2026-02-16')).toBe(true); // package holiday dropped
    expect(cal.isWorkingDay('2026-02-14')).toBe(false); // package make-up Saturday dropped
    expect(cal.isWorkingDay('2025-10-01')).toBe(false); // other years untouched
  });

  it('reject a make-up working day that is not a weekend day', () => {
    expect(() => createWorkingDayCalendar([{ ...fake2027, workdays: ['2027-02-10'] }])).toThrow(RangeError);
  });

  it('reject a day listed both as holiday and as working day', () => {
    expect(() =>
      createWorkingDayCalendar([{ ...fake2027, holidays: [...fake2027.holidays, '2027-02-06'] }]),
    ).toThrow(RangeError);
  });

  it('reject a year given twice, a date far from its year, or a gap between known years', () => {
    expect(() => createWorkingDayCalendar([fake2027, fake2027])).toThrow(RangeError);
    expect(() => createWorkingDayCalendar([{ ...fake2027, holidays: ['2029-01-01'] }])).toThrow(RangeError);
    expect(() => createWorkingDayCalendar([{ ...fake2027, year: 2028, holidays: ['2028-01-03'], workdays: [] }])).toThrow(
      /2027/,
    );
  });

  it('as committed, build a calendar that covers the current year', () => {
    expect(calendarCoverage().lastYear).toBeGreaterThanOrEqual(2026);
  });
});
