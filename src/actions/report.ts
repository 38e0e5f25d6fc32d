import { ActionError, defineAction } from 'astro:actions';
import { reportSchema } from '../lib/schemas/report.ts';
import { FORM_EXPIRED_MESSAGE } from '../lib/report-form-view.ts';
import { getDb, isDatabaseUnavailable } from '../lib/server/db.ts';
import { getSecrets } from '../lib/server/secrets.ts';
import { readFormToken } from '../lib/server/form-token.ts';
import { deriveReceiptCode, hashReceiptCode } from '../lib/server/receipt-code.ts';
import { submitReport, submissionHash } from '../lib/server/reports.ts';
import { clientAddress } from '../lib/server/client-address.ts';
import { dailyClientKey, hitRateLimits, RATE_RULES } from '../lib/server/rate-limit.ts';

const FORM_MAX_AGE_MS = 24 * 3600_000;

function minFillMs(): number {
  const s = Number(process.env.REPORT_MIN_FILL_SECONDS ?? 4);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 4000;
}

/** Anyone may report; the checks below stand in for a CAPTCHA, which accessibility rules forbid. */
export const report = defineAction({
  accept: 'form',
  input: reportSchema,
  handler: async (input, context) => {
    const { appSecret, reporterKey } = getSecrets();
    if (input.website !== '') {
      throw new ActionError({ code: 'BAD_REQUEST', message: '提交未成功：请清空最后那个“网址”栏（正常填写无需填它）后重新提交。' });
    }
    const token = readFormToken(input.form_token, appSecret);
    if (!token || Date.now() - token.issuedAt > FORM_MAX_AGE_MS) {
      throw new ActionError({ code: 'BAD_REQUEST', message: FORM_EXPIRED_MESSAGE });
    }
    if (Date.now() - token.issuedAt < minFillMs()) {
      throw new ActionError({ code: 'BAD_REQUEST', message: '提交得太快了。请核对填写的内容，稍等几秒后再提交。' });
    }

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
        const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
        context.locals.retryAfter = limit.retryAfterSeconds;
        throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: `提交次数太多，请 ${minutes} 分钟后再试。情况紧急请直接拨打 12336。` });
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
