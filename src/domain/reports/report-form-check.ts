/**
 * Whether a report submission comes from a form we served: the honeypot left empty and a form
 * token we signed less than a day ago. Pure and free of Astro, so the HTTP layer (src/cli/
 * forged-reports.ts) can refuse a forged submission from the first bytes of its body, and the
 * report gate and Action can give the same answer with the whole form.
 */
import { FORM_EXPIRED_MESSAGE } from './report-form-view.ts';
import { readFormToken, type FormToken } from './form-token.ts';

const FORM_MAX_AGE_MS = 24 * 3600_000;

export const HONEYPOT_MESSAGE = '提交未成功：请清空最后那个“网址”栏（正常填写无需填它）后重新提交。';
export const MISSING_TOKEN_MESSAGE = '表单已失效，请重新打开举报页面后提交。';

/** The form's token, or the words that refuse the submission. */
export function checkFormOrigin(website: string, formToken: string, appSecret: Buffer): FormToken | { refusal: string } {
  if (website !== '') return { refusal: HONEYPOT_MESSAGE };
  if (formToken === '') return { refusal: MISSING_TOKEN_MESSAGE };
  const token = readFormToken(formToken, appSecret);
  if (!token || Date.now() - token.issuedAt > FORM_MAX_AGE_MS) return { refusal: FORM_EXPIRED_MESSAGE };
  return token;
}
