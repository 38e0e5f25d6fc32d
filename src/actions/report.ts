import { ActionError, defineAction } from 'astro:actions';
import { reportSchema } from '../domain/reports/report-schema.ts';
import { getDb } from '../server/db.ts';
import { isDatabaseUnavailable } from '../shared/errors.ts';
import { getSecrets } from '../server/secrets.ts';
import { checkReportForm, rateLimitMessage } from '../domain/reports/report-gate.ts';
import { acceptReport } from '../domain/reports/intake.ts';
import { requestClientKey } from '../server/client-address.ts';
import { fieldInputError, tooManyAttempts } from './guard.ts';

const KEY_REUSED = '这个表单已经提交过一份不同的举报。请刷新页面，重新填写后提交。';
const NOT_SAVED = '系统暂时无法保存举报，您的举报还没有提交。填写的内容已保留，请过几分钟再提交，或拨打 12336。';

/** Anyone may report; the form token and honeypot stand in for a CAPTCHA, which accessibility rules forbid. */
export const report = defineAction({
  accept: 'form',
  input: reportSchema,
  handler: async (input, context) => {
    const { appSecret, reporterKey } = getSecrets();
    const token = checkReportForm(input.website, input.form_token, appSecret);
    const client = requestClientKey(context);
    try {
      const outcome = await acceptReport(getDb(), input, { idempotencyKey: token.idempotencyKey, client, appSecret, reporterKey });
      switch (outcome.kind) {
        case 'accepted':
          return { receiptCode: outcome.receiptCode };
        case 'conflict':
          throw new ActionError({ code: 'CONFLICT', message: KEY_REUSED });
        case 'rate-limited':
          throw tooManyAttempts(context, outcome.retryAfterSeconds, rateLimitMessage(outcome.retryAfterSeconds));
        case 'bad-photos':
          throw fieldInputError('photos', outcome.problems);
      }
    } catch (err) {
      if (!(err instanceof ActionError) && isDatabaseUnavailable(err)) throw new ActionError({ code: 'SERVICE_UNAVAILABLE', message: NOT_SAVED });
      throw err;
    }
  },
});
