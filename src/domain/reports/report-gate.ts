/**
 * The cheap checks of a report submission, run before anything costly. Decoding a photo costs
 * about 0.45 s of CPU; a forged request (no valid form, a filled honeypot, a client over its
 * limit) must be refused before any photo is touched. The report Action runs the same checks
 * again itself, so no path into it skips them.
 */
import { ActionError } from 'astro:actions';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { FormToken } from './form-token.ts';
import { checkFormOrigin } from './report-form-check.ts';
import { REPORT_RULES, windowOf } from '../../server/rate-limit.ts';

export const TOO_FAST_MESSAGE = '提交得太快了。请核对填写的内容，稍等几秒后再提交。';
export const TOO_LARGE_MESSAGE = '上传的内容太大了。每张照片不能超过 10 MB，最多 5 张，请压缩或减少照片后再提交。';

export function minFillMs(): number {
  const s = Number(process.env.REPORT_MIN_FILL_SECONDS ?? 4);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 4000;
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `提交次数太多，请 ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} 分钟后再试。情况紧急请直接拨打 12336。`;
}

/** The honeypot, and a form token we issued less than a day ago: the token, or the refusal. */
function formRefusal(website: string, formToken: string, appSecret: Buffer): FormToken | ActionError {
  const checked = checkFormOrigin(website, formToken, appSecret);
  return 'refusal' in checked ? new ActionError({ code: 'BAD_REQUEST', message: checked.refusal }) : checked;
}

/** The Action's own check, pure, no I/O: honeypot, form token, and a form not sent too fast. */
export function checkReportForm(website: string, formToken: string, appSecret: Buffer): FormToken {
  const token = formRefusal(website, formToken, appSecret);
  if (token instanceof ActionError) throw token;
  if (Date.now() - token.issuedAt < minFillMs()) throw new ActionError({ code: 'BAD_REQUEST', message: TOO_FAST_MESSAGE });
  return token;
}

/**
 * What refuses a forged submission without decoding a photo: the honeypot, a missing, forged or
 * day-old form token, and, for a submission with photos, whether the client is already over its
 * limit (a look only: the Action counts). A retry of a report already stored skips the limit, as in the Action.
 * Returns the refusal and, for a 429, how long to wait; null when the submission may go on.
 */
export async function refuseCheaply(
  db: Kysely<Database>,
  form: FormData,
  appSecret: Buffer,
  client: string,
): Promise<{ error: ActionError; retryAfterSeconds?: number } | null> {
  const field = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : '');
  // A real form filled too fast is left to the Action, which names the fields to correct first;
  // the photos' sizes are checked there before any is decoded.
  const token = formRefusal(field('website'), field('form_token'), appSecret);
  if (token instanceof ActionError) return { error: token };
  // The look protects photos from being decoded for a client over its limit. Without a photo
  // there is nothing costly before the Action's own count, which comes first in the Action, so a
  // report without photos is spared this round trip.
  if (!form.getAll('photos').some((f) => typeof f !== 'string' && f.size > 0)) return null;
  // One round trip: every valid submission with photos pays for this look before the Action's own count.
  const windows = REPORT_RULES.map((rule) => windowOf(rule));
  const { rows } = await sql<{ stored: boolean; hits: number[] }>`
    select exists(select 1 from report where idempotency_key = ${token.idempotencyKey}) as stored,
      array[${sql.join(REPORT_RULES.map((rule, i) => sql`coalesce((select hits from rate_limit where bucket = ${rule.bucket} and key = ${client} and window_start = ${windows[i]!.start}), 0)`))}] as hits`.execute(db);
  const { stored, hits } = rows[0]!;
  if (stored) return null;
  const over = REPORT_RULES.map((rule, i) => (Number(hits[i]) >= rule.limit ? windows[i]!.secondsLeft : 0)).filter((s) => s > 0);
  if (over.length === 0) return null;
  const wait = Math.max(...over);
  return { error: new ActionError({ code: 'TOO_MANY_REQUESTS', message: rateLimitMessage(wait) }), retryAfterSeconds: wait };
}

