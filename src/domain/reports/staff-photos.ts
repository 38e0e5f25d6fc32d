/** Staff's own verification photos, and serving public copies to staff who may see the report. */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { requirePermission } from '../accounts/staff-access.ts';
import { can } from '../../shared/permissions.ts';
import { postgresPhotoStore, storeReportPhoto, type PhotoStore, type StoredObject } from './photo-store.ts';
import { processPhotoFiles, type ProcessedPhoto } from './photos.ts';
import { PHOTO_LIMITS } from './photo-rules.ts';
import { NotFoundError, InputError } from '../../shared/errors.ts';
import { isBigintId } from '../../shared/ids.ts';
import { performWorkflowAction, type ActResult } from './report-workflow.ts';
import type { ActionInput, WorkflowAction } from './workflow.ts';

/**
 * Checks and processes verification photos before anything is stored, so that a bad photo refuses
 * the whole act (see performWorkflowAction's `alsoInTransaction`) instead of failing after it.
 */
export async function prepareStaffPhotos(user: StaffUser, files: File[]): Promise<ProcessedPhoto[]> {
  // Verification photos are the township officer's evidence from the site; no other role adds them.
  requirePermission(user, 'report.addPhotos');
  if (files.length > PHOTO_LIMITS.maxFiles) throw new InputError([`最多上传 ${PHOTO_LIMITS.maxFiles} 张照片`]);
  const { photos, problems } = await processPhotoFiles(files);
  if (problems.length) throw new InputError(problems);
  return photos;
}

/** Stores processed photos and audits them; `trx` is a transaction that holds the report row. */
export async function insertStaffPhotos(trx: Kysely<Database>, user: StaffUser, reportId: string, processed: ProcessedPhoto[], store: PhotoStore = postgresPhotoStore): Promise<void> {
  const addedBy = `staff:${user.id}`;
  const { n } = await trx.selectFrom('report_photo').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).where('added_by', '=', addedBy).executeTakeFirstOrThrow();
  for (const [i, p] of processed.entries()) {
    await storeReportPhoto(trx, store, { reportId, position: Number(n) + i, addedBy }, p);
  }
  await recordAudit(trx, user, { action: 'report.photo_added', reportId, after: { count: processed.length, sha256: processed.map((p) => p.sha256) } });
}

/** Verification photos on their own, for a report the officer may see. */
export async function addStaffPhotos(db: Kysely<Database>, user: StaffUser, reportId: string, files: File[], store: PhotoStore = postgresPhotoStore): Promise<void> {
  const processed = await prepareStaffPhotos(user, files);
  await db.transaction().execute(async (trx) => {
    const report = await trx.selectFrom('report').select(['id', 'status', 'assigned_township']).where('id', '=', reportId).forUpdate().executeTakeFirst();
    if (!report) throw new NotFoundError('report');
    requirePermission(user, 'report.addPhotos', report);
    await insertStaffPhotos(trx, user, reportId, processed, store);
  });
}

/** The metadata-free public copy of a photo, if this user may see its report. */
export async function readPublicPhotoForStaff(db: Kysely<Database>, user: StaffUser, photoId: string, store: PhotoStore = postgresPhotoStore): Promise<StoredObject | null> {
  if (!isBigintId(photoId)) return null;
  const row = await db
    .selectFrom('report_photo')
    .innerJoin('report', 'report.id', 'report_photo.report_id')
    .select(['report_photo.public_key', 'report.status', 'report.assigned_township'])
    .where('report_photo.id', '=', photoId)
    .executeTakeFirst();
  if (!row || !can(user, 'report.view', row)) return null;
  return store.get(db, row.public_key);
}

/**
 * A workflow act with the township officer's verification photos, which are checked first and
 * commit with the act or not at all: a bad photo refuses the whole verification, rather than
 * failing after it was recorded (and leaving the form unrepeatable).
 */
export async function performActWithPhotos(db: Kysely<Database>, user: StaffUser, reportId: string, action: WorkflowAction, input: ActionInput, files: File[]): Promise<ActResult> {
  if (files.length && action !== 'recordVerification') throw new InputError(['只有登记核查结果时可以上传照片']);
  const photos = files.length ? await prepareStaffPhotos(user, files) : [];
  return performWorkflowAction(db, user, reportId, action, input, photos.length ? (trx) => insertStaffPhotos(trx, user, reportId, photos) : undefined);
}
