/**
 * Characters no staff or citizen text may carry. NUL cannot be stored in a PostgreSQL text or
 * jsonb value at all (the insert fails), other C0/C1 controls are invisible garbage, and the
 * bidirectional overrides and isolates can make a note or an audit entry read differently from
 * what it says. Tab and newline stay. The same set as the citizen form (report.ts).
 */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export const hasControlChars = (s: string): boolean => CONTROL_CHARS.test(s);

/** 'YYYY-MM-DD' naming a day that exists (not 2026-02-30, not 0000-00-00). */
export function isRealIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01';
}
