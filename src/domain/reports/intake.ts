/**
 * A citizen's report from a valid form to its receipt, cheapest step first, so that what costs
 * most is spent only on a submission that is let in:
 *  1. in one statement, the client's hourly and daily limits are counted and a stored submission
 *     with the same form key is looked for: a retry of a stored submission gets its receipt
 *     again, and its count is taken back (a retry is never limited);
 *  2. the photos are decoded and re-encoded (about 0.45 s of CPU each);
 *  3. the report is stored (reports.ts), atomically, before the receipt is shown.
 * Two round trips to the database for a report without photos: a hotline under load spends its
 * time waiting on each trip while holding a pooled connection.
 * The form token and the honeypot were checked before (report-gate.ts), and the form's text by
 * its schema.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { executePrepared } from '../../server/db.ts';
import type { ValidReport } from './report-schema.ts';
import { fileBytes, originalSha256, processPhotoFiles } from './photos.ts';
import { countHits, decideRateLimits, REPORT_RULES, refundRateLimit, sweepRateLimitsNowAndThen, type RateDecision } from '../../server/rate-limit.ts';
import { deriveReceiptCode, hashReceiptCode } from './receipt-code.ts';
import { submissionHash, submitReport } from './reports.ts';

export type IntakeOutcome =
  /** Stored (now, or by an earlier try of the same submission): show this receipt code. */
  | { kind: 'accepted'; receiptCode: string }
  /** The form's key was used for a different submission: the form must be reloaded. */
  | { kind: 'conflict' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  /** A photo could not be decoded: one message per photo, for the photos field. */
  | { kind: 'bad-photos'; problems: string[] };

export interface IntakeContext {
  /** From the form token: one per form shown, so a retry is recognised. */
  idempotencyKey: string;
  /** The client's daily key (rate-limit.ts dailyClientKey): never the address itself. */
  client: string;
  appSecret: Buffer;
  reporterKey: Buffer;
}

/**
 * Counts the client's report limits and finds the submission already stored under the form's key,
 * in one statement. Both rows of the limits are counted first and the look runs in the same
 * snapshot, so the answer is one consistent moment.
 */
async function countAndFindStored(db: Kysely<Database>, idempotencyKey: string, client: string): Promise<{ stored: string | null; limit: RateDecision }> {
  const now = new Date();
  const { rows } = await executePrepared(
    db,
    db
      .with('counted', (qc) => countHits(qc, REPORT_RULES, client, now))
      .selectNoFrom((eb) => [
        eb.selectFrom('report').select('submission_hash').where('idempotency_key', '=', idempotencyKey).as('stored'),
        eb.selectFrom('counted').select(sql<Array<{ bucket: string; hits: number }>>`json_agg(json_build_object('bucket', bucket, 'hits', hits))`.as('hits')).as('hits'),
      ]),
  );
  const row = rows[0]!;
  await sweepRateLimitsNowAndThen(db, now);
  return { stored: row.stored, limit: decideRateLimits(REPORT_RULES, row.hits ?? [], now) };
}

export async function acceptReport(db: Kysely<Database>, report: ValidReport, ctx: IntakeContext): Promise<IntakeOutcome> {
  const receiptCode = deriveReceiptCode(ctx.idempotencyKey, ctx.appSecret);

  const { stored, limit } = await countAndFindStored(db, ctx.idempotencyKey, ctx.client);
  if (stored !== null) {
    await Promise.all(REPORT_RULES.map((rule) => refundRateLimit(db, rule, ctx.client)));
    // Only a retry needs the photos' hashes before decoding; a first submission gets them from processPhoto.
    const photoHashes = await Promise.all(report.photos.map(async (f) => originalSha256(await fileBytes(f))));
    return stored === submissionHash(report, photoHashes) ? { kind: 'accepted', receiptCode } : { kind: 'conflict' };
  }
  if (!limit.allowed) return { kind: 'rate-limited', retryAfterSeconds: limit.retryAfterSeconds };

  const { photos, problems } = await processPhotoFiles(report.photos);
  if (problems.length) return { kind: 'bad-photos', problems };

  const result = await submitReport(db, { ...report, photos }, { idempotencyKey: ctx.idempotencyKey, receiptHash: hashReceiptCode(receiptCode), reporterKey: ctx.reporterKey });
  return result.status === 'conflict' ? { kind: 'conflict' } : { kind: 'accepted', receiptCode };
}
