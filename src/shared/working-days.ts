/**
 * Chinese working days (工作日) for the deadlines of the staff workflow.
 *
 * A day is a working day when it is a Monday–Friday that the State Council has not made a public
 * holiday, or a Saturday/Sunday that it has made a make-up working day (调休上班). Both lists are
 * published once a year by 国务院办公厅, so there is no rule to compute them from: a year whose
 * notice we do not have is UNKNOWN, and any computation that touches it throws
 * CalendarNotKnownError instead of quietly treating it as weekends-only (which would make every
 * deadline across 春节 or 国庆 a week early).
 *
 * Where the dates come from:
 *  1. the `chinese-days` npm package (years 2004–2026 in 1.5.7) — imported ONLY here, so
 *     replacing it touches one file;
 *  2. src/config/holidays.ts, committed overrides that add a year (or correct one) before the
 *     package has it. An override replaces the package for every date of its calendar year.
 *
 * Dates are plain 'YYYY-MM-DD' strings in China's calendar; arithmetic is done on UTC day
 * numbers so that the server's time zone never shifts a date.
 */
import chineseDays from 'chinese-days';
import { HOLIDAY_OVERRIDES, type YearSchedule } from '../config/holidays.ts';

/** Thrown when a computation needs a year whose official holiday schedule is not known. */
export class CalendarNotKnownError extends Error {
  /** The first year that was needed but is not covered. */
  readonly year: number;
  readonly coverage: { firstYear: number; lastYear: number };

  constructor(year: number, coverage: { firstYear: number; lastYear: number }) {
    super(
      `尚无 ${year} 年的法定节假日安排（已知 ${coverage.firstYear}–${coverage.lastYear} 年），无法计算工作日；` +
        '请按 README“Holiday calendar: updating each December”更新节假日日历。',
    );
    this.name = 'CalendarNotKnownError';
    this.year = year;
    this.coverage = coverage;
  }
}

/** The same operations as the module-level functions, bound to one set of data. */
export interface WorkingDayCalendar {
  isWorkingDay(date: string): boolean;
  addWorkingDays(start: string, days: number): string;
  workingDaysBetween(from: string, to: string): number;
  calendarCoverage(): { firstYear: number; lastYear: number };
}

/** Official schedule data in the form the calendar works on. */
interface Schedule {
  /** Days off that would otherwise be working days or weekend days inside a break. */
  readonly holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休上班). */
  readonly workdays: ReadonlySet<string>;
  /** Calendar years whose schedule is known. */
  readonly years: ReadonlySet<number>;
}

// ---------------------------------------------------------------------------------------------
// Date helpers: 'YYYY-MM-DD' <-> day number (days since 1970-01-01, UTC).

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses a strict 'YYYY-MM-DD' calendar date; RangeError for anything else (e.g. '2026-02-30'). */
function toDayNumber(date: string): number {
  const m = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    // Date.UTC rolls 2026-02-30 over to March; a round trip catches it.
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day) {
      return ms / MS_PER_DAY;
    }
  }
  throw new RangeError(`不是有效的日期（应为 YYYY-MM-DD）：${String(date)}`);
}

function fromDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
function weekday(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function isWeekend(dayNumber: number): boolean {
  const d = weekday(dayNumber);
  return d === 0 || d === 6;
}

// ---------------------------------------------------------------------------------------------
// Data from the package, read once.

/**
 * Years scanned for package data. The package exposes no list of its years, so we look for
 * statutory holidays (which every published year has, 元旦 at least) in a wide window.
 */
const SCAN_FIRST_YEAR = 1999;
const SCAN_LAST_YEAR = 2099;

let packageScheduleCache: Schedule | undefined;

/** Reads the package through its public API (never its internal files) into plain sets. */
function packageSchedule(): Schedule {
  if (packageScheduleCache) return packageScheduleCache;
  // includeWeekends=false: only the days named in a notice, not ordinary weekends.
  const holidays = new Set(
    chineseDays.getHolidaysInRange(`${SCAN_FIRST_YEAR}-01-01`, `${SCAN_LAST_YEAR}-12-31`, false),
  );
  const years = new Set([...holidays].map((d) => Number(d.slice(0, 4))));
  const workdays = new Set<string>();
  for (const year of years) {
    // A make-up working day is always a Saturday or Sunday, so asking about weekends suffices.
    for (let n = toDayNumber(`${year}-01-01`), end = toDayNumber(`${year}-12-31`); n <= end; n++) {
      if (isWeekend(n)) {
        const date = fromDayNumber(n);
        if (chineseDays.isWorkday(date)) workdays.add(date);
      }
    }
  }
  packageScheduleCache = { holidays, workdays, years };
  return packageScheduleCache;
}

// ---------------------------------------------------------------------------------------------
// Overrides.

/** Rejects an override file that cannot be what a State Council notice says. */
function validateOverrides(overrides: readonly YearSchedule[]): void {
  const seen = new Set<number>();
  for (const entry of overrides) {
    const where = `src/config/holidays.ts ${entry.year} 年`;
    if (!Number.isInteger(entry.year) || entry.year < 1000 || entry.year > 9999) {
      throw new RangeError(`${where}：年份无效`);
    }
    if (seen.has(entry.year)) throw new RangeError(`${where}：重复的年份`);
    seen.add(entry.year);
    if (!entry.source.trim()) throw new RangeError(`${where}：缺少来源（通知文号或网址）`);
    if (entry.holidays.length === 0) throw new RangeError(`${where}：没有列出放假日期`);
    const holidaySet = new Set(entry.holidays);
    for (const date of [...entry.holidays, ...entry.workdays]) {
      const n = toDayNumber(date);
      // A notice may name a day just across the new year (e.g. 31 December as a make-up day),
      // never anything further away.
      const y = Number(date.slice(0, 4));
      if (y < entry.year - 1 || y > entry.year + 1) throw new RangeError(`${where}：日期 ${date} 不在该年前后`);
      if (entry.workdays.includes(date)) {
        if (holidaySet.has(date)) throw new RangeError(`${where}：${date} 同时是放假日和上班日`);
        if (!isWeekend(n)) throw new RangeError(`${where}：调休上班日 ${date} 不是周六或周日`);
      }
    }
  }
}

/** Layers the overrides on the package data: an override year replaces that year wholesale. */
function mergeSchedules(base: Schedule, overrides: readonly YearSchedule[]): Schedule {
  const overriddenYears = new Set(overrides.map((o) => o.year));
  const keep = (date: string): boolean => !overriddenYears.has(Number(date.slice(0, 4)));
  const holidays = new Set([...base.holidays].filter(keep));
  const workdays = new Set([...base.workdays].filter(keep));
  for (const o of overrides) {
    for (const d of o.holidays) holidays.add(d);
    for (const d of o.workdays) workdays.add(d);
  }
  // A cross-year date named by an override wins over the package's view of that date.
  for (const o of overrides) {
    for (const d of o.holidays) workdays.delete(d);
    for (const d of o.workdays) holidays.delete(d);
  }
  return { holidays, workdays, years: new Set([...base.years, ...overriddenYears]) };
}

// ---------------------------------------------------------------------------------------------
// The calendar.

/**
 * Builds a calendar from the package data plus `overrides`. The module-level functions use
 * src/config/holidays.ts; tests use this to check how overrides behave.
 * Throws if the overrides are malformed or leave a gap between known years (adding 2028 while
 * 2027 is missing is a mistake, not a plan).
 */
export function createWorkingDayCalendar(overrides: readonly YearSchedule[]): WorkingDayCalendar {
  validateOverrides(overrides);
  const schedule = mergeSchedules(packageSchedule(), overrides);
  if (schedule.years.size === 0) throw new Error('节假日日历没有任何年份的数据');
  const sorted = [...schedule.years].sort((a, b) => a - b);
  const coverage = { firstYear: sorted[0]!, lastYear: sorted[sorted.length - 1]! };
  for (let y = coverage.firstYear; y <= coverage.lastYear; y++) {
    if (!schedule.years.has(y)) throw new Error(`节假日日历缺少 ${y} 年（已知年份之间不能有空缺）`);
  }

  const requireKnown = (dayNumber: number): void => {
    const year = new Date(dayNumber * MS_PER_DAY).getUTCFullYear();
    if (year < coverage.firstYear || year > coverage.lastYear) {
      throw new CalendarNotKnownError(year, { ...coverage });
    }
  };

  const isWorkingDayN = (n: number): boolean => {
    requireKnown(n);
    const date = fromDayNumber(n);
    if (schedule.workdays.has(date)) return true;
    if (schedule.holidays.has(date)) return false;
    return !isWeekend(n);
  };

  /** Working days in (from, to] for from <= to. */
  const countForward = (from: number, to: number): number => {
    let count = 0;
    for (let n = from + 1; n <= to; n++) if (isWorkingDayN(n)) count++;
    return count;
  };

  return {
    isWorkingDay(date: string): boolean {
      return isWorkingDayN(toDayNumber(date));
    },

    addWorkingDays(start: string, days: number): string {
      let n = toDayNumber(start);
      if (!Number.isInteger(days) || days < 0) {
        throw new RangeError(`工作日天数必须是非负整数：${String(days)}`);
      }
      // days = 0 is "the start itself", whatever kind of day it is: no calendar needed.
      let remaining = days;
      while (remaining > 0) {
        n++;
        if (isWorkingDayN(n)) remaining--;
      }
      return fromDayNumber(n);
    },

    workingDaysBetween(from: string, to: string): number {
      const a = toDayNumber(from);
      const b = toDayNumber(to);
      // `0 - x`, not `-x`: a reversed span with no working day is 0, never -0.
      return a <= b ? countForward(a, b) : 0 - countForward(b, a);
    },

    calendarCoverage(): { firstYear: number; lastYear: number } {
      return { ...coverage };
    },
  };
}

let defaultCalendar: WorkingDayCalendar | undefined;

/** Built on first use: reading the package data takes a noticeable fraction of a second. */
function calendar(): WorkingDayCalendar {
  defaultCalendar ??= createWorkingDayCalendar(HOLIDAY_OVERRIDES);
  return defaultCalendar;
}

/**
 * Whether `date` ('YYYY-MM-DD') is a Chinese working day.
 * Throws CalendarNotKnownError for a year without a known schedule, RangeError for a bad date.
 */
export function isWorkingDay(date: string): boolean {
  return calendar().isWorkingDay(date);
}

/**
 * The date `days` working days after `start` (start itself not counted), so the result is
 * always a working day when days > 0; days = 0 returns `start` unchanged.
 * E.g. a 5-working-day deadline for a report received on 2026-02-13 (Friday before 春节):
 * 02-14 (Sat, 调休上班), 02-24, 02-25, 02-26, 02-27 → '2026-02-27'.
 */
export function addWorkingDays(start: string, days: number): string {
  return calendar().addWorkingDays(start, days);
}

/**
 * The number of working days in (from, to]: from excluded, to included, so that
 * workingDaysBetween(s, addWorkingDays(s, n)) === n. Negative when to < from.
 */
export function workingDaysBetween(from: string, to: string): number {
  return calendar().workingDaysBetween(from, to);
}

/** The first and last year whose official schedule is known (package plus overrides). */
export function calendarCoverage(): { firstYear: number; lastYear: number } {
  return calendar().calendarCoverage();
}
