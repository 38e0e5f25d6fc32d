/**
 * Citizen reports: intake in one transaction, and the citizen's view of their own report.
 */
import { createHash } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Database, ReportTable } from '../../server/database.ts';
import { executePrepared } from '../../server/db.ts';
import type { ValidReport } from './report-schema.ts';
import { resolveLocation } from './report-schema.ts';
import { encryptField } from '../../server/field-crypto.ts';
import { postgresPhotoStore, storeReportPhoto, type PhotoStore } from './photo-store.ts';
import type { ProcessedPhoto } from './photos.ts';

export interface IntakeKeys {
  idempotencyKey: string;
  receiptHash: string;
  reporterKey: Buffer;
}

export type IntakeResult =
  | { status: 'created'; reportId: string }
  /** The same submission arrived again (retry, double click): nothing new was stored. */
  | { status: 'repeated'; reportId: string }
  /** The key was used for a different submission: the form must be reloaded. */
  | { status: 'conflict' };

/** A valid report with its photos decoded: what is stored. */
export type IntakeReport = Omit<ValidReport, 'photos'> & { photos: ProcessedPhoto[] };

/**
 * What identifies the content of a submission, photos included (the SHA-256 of each original
 * file, known before any is decoded), for idempotent retries.
 */
export function submissionHash(report: Omit<ValidReport, 'photos'>, photoHashes: readonly string[]): string {
  const h = createHash('sha256');
  // coord_system too: the same numbers in GCJ-02 and in WGS-84 are places a few hundred metres apart.
  for (const value of [report.problem_class, report.township, report.village, report.place, report.lat, report.lng, report.coord_system, report.seen_on, report.description, report.name, report.phone]) {
    h.update(value).update('\u0000');
  }
  for (const sha256 of photoHashes) h.update(sha256);
  return h.digest('hex');
}

/** The columns a citizen's report is stored with, in this order wherever a statement lists them. */
export const REPORT_INTAKE_COLUMNS = [
  'receipt_hash', 'idempotency_key', 'submission_hash', 'problem_class', 'township', 'village', 'place_description',
  'lng', 'lat', 'location_source', 'seen_on', 'description', 'reporter_name_enc', 'reporter_phone_enc', 'photo_count',
] as const satisfies ReadonlyArray<keyof ReportTable>;

export type ReportIntakeRow = { [C in (typeof REPORT_INTAKE_COLUMNS)[number]]: Insertable<ReportTable>[C] };

/** The report's row as stored: its location resolved, the reporter's name and phone encrypted. */
export function reportIntakeRow(report: IntakeReport, keys: IntakeKeys): ReportIntakeRow {
  const { lngLat, source } = resolveLocation(report);
  return {
    receipt_hash: keys.receiptHash,
    idempotency_key: keys.idempotencyKey,
    submission_hash: submissionHash(report, report.photos.map((p) => p.sha256)),
    problem_class: report.problem_class,
    township: report.township,
    village: report.village || null,
    place_description: report.place,
    lng: lngLat?.[0] ?? null,
    lat: lngLat?.[1] ?? null,
    location_source: source,
    seen_on: report.seen_on,
    description: report.description,
    reporter_name_enc: report.name ? encryptField(report.name, 'reporter_name', keys.reporterKey) : null,
    reporter_phone_enc: report.phone ? encryptField(report.phone, 'reporter_phone', keys.reporterKey) : null,
    photo_count: report.photos.length,
  };
}

/**
 * What a form key already holds, when storing under it stored nothing: the same submission
 * (a retry, a double click) or a different one.
 */
export async function storedUnderKey(db: Kysely<Database>, idempotencyKey: string, submission: string): Promise<IntakeResult> {
  const existing = await db.selectFrom('report').select(['id', 'submission_hash']).where('idempotency_key', '=', idempotencyKey).executeTakeFirstOrThrow();
  return existing.submission_hash === submission ? { status: 'repeated', reportId: existing.id } : { status: 'conflict' };
}

/**
 * Stores the report, its photos and its first timeline entry atomically: without photos in one
 * statement (the report and its entry, one round trip), with photos in one transaction. The
 * caller shows the receipt only after this resolves, so every receipt a citizen sees is in the
 * database.
 */
export async function submitReport(
  db: Kysely<Database>,
  report: IntakeReport,
  keys: IntakeKeys,
  store: PhotoStore = postgresPhotoStore,
): Promise<IntakeResult> {
  const row = reportIntakeRow(report, keys);
  // Prepared (db.ts executePrepared): the statement every accepted report with photos runs.
  const insertWithEntry = async (conn: Kysely<Database>) => {
    const statement = conn
      .with('inserted', (qc) =>
        qc
          .insertInto('report')
          .values(row)
          // No conflict target: every unique index is an arbiter. With only idempotency_key, two
          // simultaneous submits of one form could both pass the arbiter pre-check and the second
          // would then fail on receipt_hash (derived from the same key) instead of doing nothing.
          .onConflict((oc) => oc.doNothing())
          .returning('id'),
      )
      .insertInto('report_event')
      .columns(['report_id', 'state'])
      .expression((eb) => eb.selectFrom('inserted').select(['id', eb.val('submitted').as('state')]))
      .returning('report_id');
    return (await executePrepared(conn, statement)).rows[0];
  };

  const stored = async (conn: Kysely<Database>): Promise<IntakeResult> => {
    const inserted = await insertWithEntry(conn);
    if (!inserted) return storedUnderKey(conn, keys.idempotencyKey, row.submission_hash);
    for (const [position, photo] of report.photos.entries()) {
      await storeReportPhoto(conn, store, { reportId: inserted.report_id, position, addedBy: 'citizen' }, photo);
    }
    return { status: 'created', reportId: inserted.report_id };
  };
  // One statement is atomic by itself; photos need the transaction.
  return report.photos.length === 0 ? stored(db) : db.transaction().execute(stored);
}

export interface TrackingView {
  problemClass: string;
  township: string;
  submittedOn: Date;
  status: string;
  events: Array<{ state: string; publicNote: string | null; at: Date }>;
}

/** The citizen's view: status and public notes only, never identity, location or internal notes. */
export async function findReportForTracking(db: Kysely<Database>, receiptHash: string): Promise<TrackingView | null> {
  const report = await db
    .selectFrom('report')
    .select(['id', 'problem_class', 'township', 'submitted_at', 'status'])
    .where('receipt_hash', '=', receiptHash)
    .executeTakeFirst();
  if (!report) return null;
  const events = await db
    .selectFrom('report_event')
    .select(['state', 'public_note', 'at'])
    .where('report_id', '=', report.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    problemClass: report.problem_class,
    township: report.township,
    submittedOn: new Date(report.submitted_at),
    status: report.status,
    events: events.map((e) => ({ state: e.state, publicNote: e.public_note, at: new Date(e.at) })),
  };
}
