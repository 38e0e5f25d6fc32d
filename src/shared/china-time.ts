/**
 * China's calendar, which every date on this site is in (UTC+8 all year, no daylight saving),
 * whatever the server's own zone: today, the date of an instant, and the instants a day spans.
 */
const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The China calendar date (YYYY-MM-DD) of an instant. */
export function chinaDateOf(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's date in China. */
export function chinaToday(now = new Date()): string {
  return chinaDateOf(now);
}

/** The first instant of a China calendar day (YYYY-MM-DD). */
export function chinaDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** The first instant after a China calendar day: the exclusive end of a date filter. */
export function chinaDayAfter(date: string): Date {
  return new Date(chinaDayStart(date).getTime() + DAY_MS);
}
