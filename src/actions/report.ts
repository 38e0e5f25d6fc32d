import { ActionError, defineAction } from 'astro:actions';
import { reportSchema } from '../lib/schemas/report.ts';
import { getDb, isDatabaseUnavailable } from '../lib/server/db.ts';
import { getSecrets } from '../lib/server/secrets.ts';
import { checkReportForm, rateLimitMessage } from '../lib/server/report-gate.ts';
import { deriveReceiptCode, hashReceiptCode } from '../lib/server/receipt-code.ts';
import { submitReport, submissionHash } from '../lib/server/reports.ts';
import { clientAddress } from '../lib/server/client-address.ts';
import { dailyClientKey, hitRateLimits, RATE_RULES } from '../lib/server/rate-limit.ts';

/** Anyone may report; the checks below stand in for a CAPTCHA, which accessibility rules forbid. */
export const report = defineAction({
  accept: 'form',
  input: reportSchema,
  handler: async (input, context) => {
    const { appSecret, reporterKey } = getSecrets();
    const token = checkReportForm(input.website, input.form_token, appSecret);

    const receiptCode = deriveReceiptCode(token.idempotencyKey, appSecret);
    const db = getDb();
    try {
      // A retry of a submission already stored is answered before any limit is counted.
      const existing = await db
        .selectFrom('report')
        .select('submission_hash')
        .where('idempotency_key', '=', token.idempotencyKey)
        .executeTakeFirst();
      if (existing) {
        if (existing.submission_hash === submissionHash(input)) return { receiptCode };
        throw new ActionError({ code: 'CONFLICT', message: '这个表单已经提交过一份不同的举报。请刷新页面，重新填写后提交。' });
      }
      const client = dailyClientKey(clientAddress(context.request, () => context.clientAddress), appSecret);
      const limit = await hitRateLimits(db, [RATE_RULES.reportPerHour, RATE_RULES.reportPerDay], client);
      if (!limit.allowed) {
        context.locals.retryAfter = limit.retryAfterSeconds;
        throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: rateLimitMessage(limit.retryAfterSeconds) });
      }
      const result = await submitReport(db, input, {
        idempotencyKey: token.idempotencyKey,
        receiptHash: hashReceiptCode(receiptCode),
        reporterKey,
      });
      if (result.status === 'conflict') {
        throw new ActionError({ code: 'CONFLICT', message: '这个表单已经提交过一份不同的举报。请刷新页面，重新填写后提交。' });
      }
      return { receiptCode };
    } catch (err) {
      if (err instanceof ActionError) throw err;
      if (isDatabaseUnavailable(err)) {
        throw new ActionError({ code: 'SERVICE_UNAVAILABLE', message: '系统暂时无法保存举报，您的举报还没有提交。填写的内容已保留，请过几分钟再提交，或拨打 12336。' });
      }
      throw err;
    }
  },
});
