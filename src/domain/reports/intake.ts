/**
 * A citizen's report from a valid form to its receipt, cheapest step first, so that what costs
 * most is spent only on a submission that is let in:
 *  1. a retry of a submission already stored gets its receipt again (no limit counted);
 *  2. the client's hourly and daily limits are counted;
 *  3. the photos are decoded and re-encoded (about 0.45 s of CPU each);
 *  4. the report is stored in one transaction (reports.ts), before the receipt is shown.
 * The form token and the honeypot were checked before (report-gate.ts), and the form's text by
 * its schema.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { ValidReport } from './report-schema.ts';
import { originalSha256, processPhotoFiles } from './photos.ts';
import { hitRateLimits, RATE_RULES } from '../../server/rate-limit.ts';
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

export async function acceptReport(db: Kysely<Database>, report: ValidReport, ctx: IntakeContext): Promise<IntakeOutcome> {
  const receiptCode = deriveReceiptCode(ctx.idempotencyKey, ctx.appSecret);

  const existing = await db.selectFrom('report').select('submission_hash').where('idempotency_key', '=', ctx.idempotencyKey).executeTakeFirst();
  if (existing) {
    // Only a retry needs the photos' hashes before decoding; a first submission gets them from processPhoto.
    const photoHashes = await Promise.all(report.photos.map(async (f) => originalSha256(new Uint8Array(await f.arrayBuffer()))));
    return existing.submission_hash === submissionHash(report, photoHashes) ? { kind: 'accepted', receiptCode } : { kind: 'conflict' };
  }

  const limit = await hitRateLimits(db, [RATE_RULES.reportPerHour, RATE_RULES.reportPerDay], ctx.client);
  if (!limit.allowed) return { kind: 'rate-limited', retryAfterSeconds: limit.retryAfterSeconds };

  const { photos, problems } = await processPhotoFiles(report.photos);
  if (problems.length) return { kind: 'bad-photos', problems };

  const stored = await submitReport(db, { ...report, photos }, { idempotencyKey: ctx.idempotencyKey, receiptHash: hashReceiptCode(receiptCode), reporterKey: ctx.reporterKey });
  return stored.status === 'conflict' ? { kind: 'conflict' } : { kind: 'accepted', receiptCode };
}
