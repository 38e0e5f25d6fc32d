/** Turns an action error into the error summary and per-field messages of the report form. */
import type { FormError } from '../components/ErrorSummary.astro';

/**
 * What the server says when a form's signed token is too old or not its own (a tab left open
 * overnight). The enhanced form recognises it and fetches a fresh token, so the next submit works.
 */
export const FORM_EXPIRED_MESSAGE = '这个表单已过期。您填写的内容已保留，请核对后再提交一次。';

/** The element each field's error link points at. */
const FIELD_TARGETS: Record<string, string> = {
  problem_class: 'problem_class-house',
  township: 'township',
  village: 'village',
  place: 'place',
  lat: 'lat',
  lng: 'lng',
  seen_on: 'seen_on',
  description: 'description',
  photos: 'photos',
  name: 'name',
  phone: 'phone',
  consent: 'consent',
};

/** Order of the questions on the page, so the summary reads top to bottom. */
const ORDER = Object.keys(FIELD_TARGETS);

export interface FormErrorsView {
  summary: FormError[];
  byField: Record<string, string>;
}

export function buildFormErrors(error: { message: string; fields?: Record<string, string[] | undefined> } | undefined): FormErrorsView {
  if (!error) return { summary: [], byField: {} };
  const byField: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error.fields ?? {})) {
    if (messages?.[0] && FIELD_TARGETS[field]) byField[field] = messages[0];
  }
  const summary: FormError[] = ORDER.filter((f) => byField[f]).map((f) => ({ field: f, href: `#${FIELD_TARGETS[f]}`, message: byField[f]! }));
  // Problems with fields that have no place on the page (the form token): their own message, no link.
  for (const [field, messages] of Object.entries(error.fields ?? {})) {
    if (messages?.[0] && !FIELD_TARGETS[field] && !summary.some((s) => s.message === messages[0])) summary.push({ message: messages[0] });
  }
  // An input error's own message is the validator's raw English dump: never show it to a citizen.
  const isInputError = Object.keys(error.fields ?? {}).length > 0;
  if (summary.length === 0) summary.push({ message: isInputError ? '提交的内容有误，请核对后重新提交。' : error.message });
  if (byField.photos === undefined) {
    // Browsers never keep chosen files across a page load, so say so rather than let photos vanish silently.
    summary.push({ href: '#photos', message: '如果您选了照片，请重新选择（出于安全原因，浏览器不会保留已选的照片）' });
  }
  return { summary, byField };
}
