import { z } from 'astro/zod';

/**
 * Characters no staff or citizen text may carry. NUL cannot be stored in a PostgreSQL text or
 * jsonb value at all (the insert fails), other C0/C1 controls are invisible garbage, and the
 * bidirectional overrides and isolates can make a note or an audit entry read differently from
 * what it says. Tab and newline stay. Every form's schema asks this one test.
 */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export const hasControlChars = (s: string): boolean => CONTROL_CHARS.test(s);

/** 'YYYY-MM-DD' naming a day that exists (not 2026-02-30, not 0000-00-00). */
export function isRealIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01';
}

/**
 * A free-text query parameter (a search box, a login filter) made safe to hand to SQL: trimmed,
 * cut to `max` characters, and dropped if it carries a control character — NUL in a bound
 * parameter makes PostgreSQL fail the whole query, which would show the user a 500.
 */
export function cleanQueryText(v: string | null | undefined, max: number): string | undefined {
  const s = v?.trim().slice(0, max);
  return s && !hasControlChars(s) ? s : undefined;
}

const UNREADABLE = '填写的内容里有无法识别的字符（如控制字符），请删除后重新输入';

/**
 * A staff form's free-text field: trimmed, cut to `max`, missing read as ''. Control characters
 * are refused, not stripped: NUL cannot be stored in PostgreSQL, and a silently changed text is
 * worse than a clear error.
 */
export const plainText = (max: number) =>
  z.string().nullish().transform((s) => (s ?? '').trim().slice(0, max)).refine((s) => !hasControlChars(s), { error: UNREADABLE });

/** An optional date field: '' or a day that exists (2026-02-30 would reach PostgreSQL and fail there). */
export const optionalIsoDate = (what: string) =>
  plainText(10).refine((s) => s === '' || isRealIsoDate(s), { error: `${what}不是一个真实的日期，请按“年-月-日”填写，如 2026-03-31` });
