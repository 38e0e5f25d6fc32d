/**
 * Turns failed staff Action results into the error summary's list. Every message a member of
 * staff reads must be Chinese and about their input: zod's own wording ("Invalid input") and
 * exception text ("invalid input syntax for type date") are replaced, never shown.
 */
import { isInputError, type ActionError } from 'astro:actions';
import type { FormError } from '../components/ErrorSummary.astro';

/** Whether a message was written for people here (Chinese), not by a library (zod, pg, Astro). */
export const readsAsChinese = (message: string): boolean => /[\u3400-\u9fff]/.test(message);
export const GENERIC_INPUT_ERROR = '提交的内容有误，请核对后重新提交。';
export const GENERIC_SYSTEM_ERROR = '系统出了问题，这次操作没有完成。请稍后再试；如果一直这样，请联系系统管理员。';

/**
 * @param errors the `error` of each Action result the page can show (undefined ones are skipped)
 * @param hrefs  field name → the id of its input on this page, so each message links to its field
 */
export function formErrorsOf(errors: readonly (ActionError | undefined)[], hrefs: Readonly<Record<string, string>> = {}): FormError[] {
  const out: FormError[] = [];
  for (const error of errors) {
    if (!error) continue;
    if (isInputError(error)) {
      const fields = Object.entries(error.fields as Record<string, string[] | undefined>);
      for (const [field, messages] of fields) {
        for (const m of messages ?? []) out.push({ href: hrefs[field], message: readsAsChinese(m) ? m : GENERIC_INPUT_ERROR });
      }
      if (fields.length === 0) out.push({ message: GENERIC_INPUT_ERROR });
    } else {
      out.push({ href: hrefs._form, message: readsAsChinese(error.message) ? error.message : GENERIC_SYSTEM_ERROR });
    }
  }
  // One line per distinct message: five fields refused for the same reason read as one problem.
  return out.filter((e, i) => out.findIndex((o) => o.message === e.message && o.href === e.href) === i);
}
