/** The report form's error summary and per-field messages, from the one form-error adapter. */
import type { FormError } from '../../components/ErrorSummary.astro';
import { fieldMessagesOf, formErrorsOf, type FailedSubmission } from '../../shared/form-errors.ts';

/**
 * What the server says when a form's signed token is too old or not its own (a tab left open
 * overnight). The enhanced form recognises it and fetches a fresh token, so the next submit works.
 */
export const FORM_EXPIRED_MESSAGE = '这个表单已过期。您填写的内容已保留，请核对后再提交一次。';

/** Each question's link, in the order the page asks them. */
export const REPORT_FIELD_HREFS: Readonly<Record<string, string>> = {
  problem_class: '#problem_class-house',
  township: '#township',
  village: '#village',
  place: '#place',
  lat: '#lat',
  lng: '#lng',
  seen_on: '#seen_on',
  description: '#description',
  photos: '#photos',
  name: '#name',
  phone: '#phone',
  consent: '#consent',
};

/** Browsers never keep chosen files across a page load, so the summary says so rather than let photos vanish silently. */
export const CHOOSE_PHOTOS_AGAIN = '如果您选了照片，请重新选择（出于安全原因，浏览器不会保留已选的照片）';

export interface FormErrorsView {
  summary: FormError[];
  byField: Record<string, string>;
}

export function buildFormErrors(failure: FailedSubmission | undefined): FormErrorsView {
  if (!failure) return { summary: [], byField: {} };
  const summary = formErrorsOf([failure], REPORT_FIELD_HREFS);
  const byField = fieldMessagesOf(summary);
  if (byField.photos === undefined) summary.push({ href: REPORT_FIELD_HREFS.photos, message: CHOOSE_PHOTOS_AGAIN });
  return { summary, byField };
}
