/**
 * Turns failed submissions into a form's error summary and the message beside each field: the one
 * adapter for every form, the citizen's report (on the server and in its browser script) and every
 * staff form. Pure, so the browser bundle can import it.
 *
 * Every message a person reads must be Chinese and about their input: zod's own wording
 * ("Invalid input") and exception text ("invalid input syntax for type date") are replaced,
 * never shown.
 */
import type { FormError } from '../components/ErrorSummary.astro';

/** Whether a message was written for people here (Chinese), not by a library (zod, pg, Astro). */
export const readsAsChinese = (message: string): boolean => /[\u3400-\u9fff]/.test(message);
export const GENERIC_INPUT_ERROR = '提交的内容有误，请核对后重新提交。';
export const GENERIC_SYSTEM_ERROR = '系统出了问题，这次操作没有完成。请稍后再试；如果一直这样，请联系系统管理员。';

/**
 * What a failed submission says: an Action's error (an input error carries `fields`) or the JSON
 * the report form's script reads back. Astro's ActionError fits as it is.
 */
export interface FailedSubmission {
  message: string;
  fields?: Readonly<Record<string, readonly string[] | undefined>>;
}

/**
 * @param failures the failures the page can show (undefined ones are skipped)
 * @param hrefs    field name → the link to its input on this page, in the order the page asks;
 *                 `_form` is where a failure that names no field points
 * @returns one line per field (its first message, as GOV.UK asks), in the page's order, then the
 *          failures of fields the page has no place for, unlinked; each linked line names its field
 */
export function formErrorsOf(failures: readonly (FailedSubmission | undefined)[], hrefs: Readonly<Record<string, string>> = {}): FormError[] {
  const out: FormError[] = [];
  for (const failure of failures) {
    if (!failure) continue;
    if (!failure.fields) {
      out.push({ href: hrefs._form, message: readsAsChinese(failure.message) ? failure.message : GENERIC_SYSTEM_ERROR });
      continue;
    }
    const fields = Object.entries(failure.fields).filter(([, messages]) => messages?.[0]);
    for (const [field, messages] of fields) {
      const message = readsAsChinese(messages![0]!) ? messages![0]! : GENERIC_INPUT_ERROR;
      out.push(hrefs[field] && field !== '_form' ? { field, href: hrefs[field], message } : { message });
    }
    if (fields.length === 0) out.push({ message: GENERIC_INPUT_ERROR });
  }
  // The summary reads top to bottom, as the page does; lines without a field keep their place after.
  const order = Object.keys(hrefs);
  const rank = (e: FormError): number => (e.field ? order.indexOf(e.field) : order.length);
  const sorted = out.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map(({ e }) => e);
  // One line per distinct message and place: five fields refused for the same reason read as one problem.
  return sorted.filter((e, i) => sorted.findIndex((o) => o.message === e.message && o.href === e.href && o.field === e.field) === i);
}

/** The message shown beside each field: the summary's linked lines, by field. */
export function fieldMessagesOf(summary: readonly FormError[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const e of summary) if (e.field && byField[e.field] === undefined) byField[e.field] = e.message;
  return byField;
}
