import { ActionError, defineAction, isInputError } from 'astro:actions';
import { reportSchema, type ValidReport } from '../domain/reports/report-schema.ts';
import { getDb } from '../server/db.ts';
import { isDatabaseUnavailable } from '../shared/errors.ts';
import { getSecrets } from '../server/secrets.ts';
import { checkReportForm, rateLimitMessage } from '../domain/reports/report-gate.ts';
import { acceptReport } from '../domain/reports/intake.ts';
import { receiptCookieHeader } from '../domain/reports/report-receipt-cookie.ts';
import { clientKeyOf, requestClientKey } from '../server/client-address.ts';
import type { DirectAnswer, DirectReportForm } from '../server/report-lane.ts';
import { fieldInputError, tooManyAttempts } from './guard.ts';

const KEY_REUSED = '这个表单已经提交过一份不同的举报。请刷新页面，重新填写后提交。';
const NOT_SAVED = '系统暂时无法保存举报，您的举报还没有提交。填写的内容已保留，请过几分钟再提交，或拨打 12336。';
const NOT_ACCEPTED = '提交没有成功，请按提示修改后重新提交。';

/**
 * What the Action does with a form its schema passed, by either way in (the Action below, the
 * report lane's takeReportDirectly): the receipt code, or the ActionError that refuses it.
 * `locals` takes a refusal's wait (Retry-After).
 */
async function takeValidReport(input: ValidReport, client: string, locals: Pick<App.Locals, 'retryAfter'>): Promise<{ receiptCode: string }> {
  const { appSecret, reporterKey } = getSecrets();
  const token = checkReportForm(input.website, input.form_token, appSecret);
  try {
    const outcome = await acceptReport(getDb(), input, { idempotencyKey: token.idempotencyKey, client, appSecret, reporterKey });
    switch (outcome.kind) {
      case 'accepted':
        return { receiptCode: outcome.receiptCode };
      case 'conflict':
        throw new ActionError({ code: 'CONFLICT', message: KEY_REUSED });
      case 'rate-limited':
        throw tooManyAttempts({ locals }, outcome.retryAfterSeconds, rateLimitMessage(outcome.retryAfterSeconds));
      case 'bad-photos':
        throw fieldInputError('photos', outcome.problems);
    }
  } catch (err) {
    if (!(err instanceof ActionError) && isDatabaseUnavailable(err)) throw new ActionError({ code: 'SERVICE_UNAVAILABLE', message: NOT_SAVED });
    throw err;
  }
}

/** Anyone may report; the form token and honeypot stand in for a CAPTCHA, which accessibility rules forbid. */
export const report = defineAction({
  accept: 'form',
  input: reportSchema,
  handler: (input, context) => takeValidReport(input, requestClientKey(context), context.locals),
});

/**
 * The enhanced form's JSON answer to a report, the same by both ways in (the middleware's
 * reportForm, the report lane): `{ ok, next }` once stored, else the refusal's code, its message
 * (a general one when fields are named) and the fields, with Retry-After for a wait.
 */
export function reportJsonAnswer(result: { error: ActionError } | { error?: undefined }, retryAfter: number | undefined): { status: number; body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  const { error } = result;
  if (!error) return { status: 200, body: JSON.stringify({ ok: true, next: '/report/receipt/' }), headers };
  const fields = 'fields' in error ? (error.fields as Record<string, string[]>) : {};
  const message = isInputError(error) ? NOT_ACCEPTED : error.message;
  if (error.status === 503) headers['retry-after'] = '30';
  if (error.status === 429) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter ?? 60)));
  return { status: error.status, body: JSON.stringify({ ok: false, code: error.code, message, fields }), headers };
}

/**
 * The object Astro makes of a form for this schema (formDataToObject): a field's text, null for
 * an empty or missing one, and the photos as a list (none: the lane takes no photo).
 */
function reportInputOf(fields: ReadonlyMap<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(reportSchema.shape)) input[name] = name === 'photos' ? [] : fields.get(name) || null;
  return input;
}

/**
 * The report lane's way in (src/server/report-lane.ts): a form the HTTP server read in full,
 * answered as the middleware answers the enhanced form. Null, for Astro to answer, when the
 * schema refuses it: Astro's answer names each field, and nothing was counted or stored yet.
 */
export async function takeReportDirectly(form: DirectReportForm): Promise<DirectAnswer | null> {
  const parsed = await reportSchema.safeParseAsync(reportInputOf(form.fields));
  if (!parsed.success) return null;
  const locals: Pick<App.Locals, 'retryAfter'> = {};
  let receiptCode: string;
  try {
    ({ receiptCode } = await takeValidReport(parsed.data, clientKeyOf(form.clientAddress), locals));
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    return reportJsonAnswer({ error: err }, locals.retryAfter);
  }
  const answer = reportJsonAnswer({}, undefined);
  return { ...answer, headers: { ...answer.headers, 'set-cookie': receiptCookieHeader(receiptCode, form.secure) } };
}
