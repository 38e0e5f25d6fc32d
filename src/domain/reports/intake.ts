/**
 * A citizen's report from a valid form to its receipt, cheapest step first, so that what costs
 * most is spent only on a submission that is let in.
 *
 * Without photos, in one round trip (takeCitizenReport, a procedure): the client's hourly and
 * daily limits are counted and a stored submission with the same form key is looked for, then
 * the report is stored with its first timeline entry unless one of those refuses it. As two
 * statements (count, then store) they had cost a quarter of the hotline's throughput.
 *
 * With photos, in three steps, so no photo is decoded for a client over its limit:
 *  1. in one statement, the limits are counted and a stored submission is looked for;
 *  2. the photos are decoded and re-encoded (about 0.45 s of CPU each);
 *  3. the report is stored (reports.ts), atomically, before the receipt is shown.
 * Either way a retry of a stored submission gets its receipt again, and its count is taken back
 * (a retry is never limited). The form token and the honeypot were checked before
 * (report-gate.ts), and the form's text by its schema.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { executePrepared } from '../../server/db.ts';
import type { ValidReport } from './report-schema.ts';
import { fileBytes, originalSha256, processPhotoFiles } from './photos.ts';
import { countHits, decideRateLimits, REPORT_RULES, refundRateLimit, sweepRateLimitsNowAndThen, windowOf, type RateDecision } from '../../server/rate-limit.ts';
import { deriveReceiptCode, hashReceiptCode } from './receipt-code.ts';
import { REPORT_INTAKE_COLUMNS, reportIntakeRow, storedUnderKey, submissionHash, submitReport, type IntakeKeys, type ReportIntakeRow } from './reports.ts';

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

/** What take_citizen_report answers (migration 20261207_0016). */
interface CitizenReportTaken {
  /** The submission already stored under the form's key, if any (then nothing new was stored). */
  o_stored: string | null;
  /** Each limit's hits in its window, this submission counted. */
  o_hits: Array<{ bucket: string; hits: number }> | null;
  /** Whether a limit refused it (then nothing was stored). */
  o_refused: boolean | null;
  /** The new report, when it was stored. */
  o_report_id: string | null;
}

/**
 * The call that takes a report without photos: its limits counted and its key looked up, then
 * the report stored with its first timeline entry unless they refuse it (see the migration for
 * why a procedure). Prepared once per connection (executePrepared).
 */
function takeCitizenReport(ctx: IntakeContext, row: ReportIntakeRow, now: Date): CompiledQuery<CitizenReportTaken> {
  const params = [
    ctx.client,
    REPORT_RULES.map((rule) => rule.bucket),
    REPORT_RULES.map((rule) => windowOf(rule, now).start),
    REPORT_RULES.map((rule) => rule.limit),
    ...REPORT_INTAKE_COLUMNS.map((column) => row[column]),
  ];
  return CompiledQuery.raw(`call take_citizen_report(${params.map((_, i) => `$${i + 1}`).join(', ')})`, params) as CompiledQuery<CitizenReportTaken>;
}

/** A submission found stored under its form's key: the same one gets its receipt again, and its count back. */
async function answerStored(db: Kysely<Database>, ctx: IntakeContext, stored: string, submission: string, receiptCode: string): Promise<IntakeOutcome> {
  await Promise.all(REPORT_RULES.map((rule) => refundRateLimit(db, rule, ctx.client)));
  return stored === submission ? { kind: 'accepted', receiptCode } : { kind: 'conflict' };
}

const intakeKeys = (ctx: IntakeContext, receiptCode: string): IntakeKeys => ({ idempotencyKey: ctx.idempotencyKey, receiptHash: hashReceiptCode(receiptCode), reporterKey: ctx.reporterKey });

/** A report without photos: one round trip (takeCitizenReport), and a second only for a retry. */
async function acceptWithoutPhotos(db: Kysely<Database>, report: ValidReport, ctx: IntakeContext, receiptCode: string): Promise<IntakeOutcome> {
  const now = new Date();
  const row = reportIntakeRow({ ...report, photos: [] }, intakeKeys(ctx, receiptCode));
  const { rows } = await executePrepared(db, takeCitizenReport(ctx, row, now));
  const taken = rows[0]!;
  await sweepRateLimitsNowAndThen(db, now);
  if (taken.o_report_id !== null) return { kind: 'accepted', receiptCode };
  if (taken.o_stored !== null) return answerStored(db, ctx, taken.o_stored, row.submission_hash, receiptCode);
  if (taken.o_refused) return { kind: 'rate-limited', retryAfterSeconds: decideRateLimits(REPORT_RULES, taken.o_hits ?? [], now).retryAfterSeconds };
  // Let in, yet not stored: the same form was stored by a submit running alongside this one.
  const result = await storedUnderKey(db, ctx.idempotencyKey, row.submission_hash);
  return result.status === 'conflict' ? { kind: 'conflict' } : { kind: 'accepted', receiptCode };
}

export async function acceptReport(db: Kysely<Database>, report: ValidReport, ctx: IntakeContext): Promise<IntakeOutcome> {
  const receiptCode = deriveReceiptCode(ctx.idempotencyKey, ctx.appSecret);
  if (report.photos.length === 0) return acceptWithoutPhotos(db, report, ctx, receiptCode);

  const { stored, limit } = await countAndFindStored(db, ctx.idempotencyKey, ctx.client);
  if (stored !== null) {
    // Only a retry needs the photos' hashes before decoding; a first submission gets them from processPhoto.
    const photoHashes = await Promise.all(report.photos.map(async (f) => originalSha256(await fileBytes(f))));
    return answerStored(db, ctx, stored, submissionHash(report, photoHashes), receiptCode);
  }
  if (!limit.allowed) return { kind: 'rate-limited', retryAfterSeconds: limit.retryAfterSeconds };

  const { photos, problems } = await processPhotoFiles(report.photos);
  if (problems.length) return { kind: 'bad-photos', problems };

  const result = await submitReport(db, { ...report, photos }, intakeKeys(ctx, receiptCode));
  return result.status === 'conflict' ? { kind: 'conflict' } : { kind: 'accepted', receiptCode };
}
