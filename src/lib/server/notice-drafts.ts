/**
 * Case notices from draft to public: the publicity group drafts (unmasked originals kept for
 * staff, masked text for the public, computed on every save), a second person approves and
 * publishes, anyone of the two roles may withdraw with a reason. Every step is audited.
 */
import type { Kysely } from 'kysely';
import type { Database, EnforcementStep } from './database.ts';
import type { StaffUser } from './auth.ts';
import { recordAudit } from './audit.ts';
import { canViewReport } from './staff-access.ts';
import { postgresPhotoStore, type PhotoStore } from './photo-store.ts';
import { PhotoError, processPhoto, type ProcessedPhoto } from './photos.ts';
import { clearPublicCache } from './cache.ts';
import { ReportAccessError, ReportNotFoundError, WorkflowInputError } from './report-workflow.ts';
import { maskParty, maskText, type PartyKind } from '../masking.ts';
import type { NoticeDraftInput } from '../schemas/notice.ts';
import { createHash } from 'node:crypto';
import { isBigintId } from '../schemas/ids.ts';

export const NOTICE_DRAFTERS = ['publicity'] as const;
export const NOTICE_APPROVERS = ['publicity', 'moderator'] as const;

function requireRole(user: StaffUser, roles: readonly string[], message: string): void {
  if (!roles.includes(user.role)) throw new ReportAccessError(message);
}

export interface MaskedNotice {
  title: string;
  party: string;
  body: string;
  accountability: string;
}

/** Exactly what the public will read: the drafter's preview and the saved public columns. */
export function maskNotice(input: { title: string; partyName: string; partyKind: PartyKind; body: string; accountability: string }): MaskedNotice {
  const parties = [{ name: input.partyName, kind: input.partyKind }];
  return {
    title: maskText(input.title, parties),
    party: maskParty(input.partyName, input.partyKind),
    body: maskText(input.body, parties),
    accountability: maskText(input.accountability, parties),
  };
}

function stepsOf(input: NoticeDraftInput): EnforcementStep[] {
  return input.stepDate
    .map((date, i) => ({ date: date.trim(), action: (input.stepAction[i] ?? '').trim(), detail: (input.stepDetail[i] ?? '').trim() || undefined }))
    .filter((s) => s.date && s.action)
    .sort((a, b) => a.date.localeCompare(b.date));
}

export async function saveNoticeDraft(db: Kysely<Database>, user: StaffUser, input: NoticeDraftInput, store: PhotoStore = postgresPhotoStore): Promise<string> {
  requireRole(user, NOTICE_DRAFTERS, '只有宣传组可以起草案例通报');
  const after: ProcessedPhoto[] = [];
  for (const f of input.afterPhotos) {
    try {
      after.push(await processPhoto(Buffer.from(await f.arrayBuffer()), f.name));
    } catch (err) {
      throw new WorkflowInputError([err instanceof PhotoError ? err.message : `照片“${f.name}”无法读取`]);
    }
  }
  const masked = maskNotice({ title: input.title, partyName: input.partyName, partyKind: input.partyKind, body: input.body, accountability: input.accountability });
  return db.transaction().execute(async (trx) => {
    let sourceReportId: string | null = null;
    if (input.sourceReportId) {
      const report = await trx.selectFrom('report').select(['id', 'status', 'assigned_township']).where('id', '=', input.sourceReportId).executeTakeFirst();
      if (!report) throw new ReportNotFoundError();
      if (report.status !== 'closed' || !canViewReport(user, report)) throw new WorkflowInputError(['只能从已办结的举报起草通报']);
      sourceReportId = report.id;
    }
    const values = {
      title: masked.title,
      title_raw: input.title,
      township: input.township,
      village: input.village || null,
      problem_class: input.problemClass,
      party_public: masked.party,
      party_raw: input.partyName,
      party_kind: input.partyKind,
      total_area_mu: input.totalAreaMu,
      farmland_area_mu: input.farmlandAreaMu,
      steps: JSON.stringify(stepsOf(input)),
      outcome: input.outcome,
      accountability: masked.accountability,
      body: masked.body,
      body_raw: input.body,
      source_report_id: sourceReportId,
      updated_at: new Date(),
    };
    let id: string;
    if (input.noticeId) {
      const existing = await trx.selectFrom('case_notice').select(['id', 'status', 'drafted_by']).where('id', '=', input.noticeId).forUpdate().executeTakeFirst();
      if (!existing) throw new ReportNotFoundError();
      if (existing.status !== 'draft') throw new WorkflowInputError(['已发布或已撤回的通报不能再修改；如需更正，请撤回后重新起草']);
      await trx.updateTable('case_notice').set(values).where('id', '=', existing.id).execute();
      id = existing.id;
    } else {
      ({ id } = await trx.insertInto('case_notice').values({ ...values, status: 'draft', drafted_by: user.id }).returning('id').executeTakeFirstOrThrow());
    }
    if (sourceReportId) {
      // "Before" photos are the report's public copies only; never originals, never the reporter.
      await trx.deleteFrom('case_notice_photo').where('notice_id', '=', id).where('kind', '=', 'before').execute();
      const wanted = input.beforePhotoIds.filter((p) => isBigintId(p));
      if (wanted.length) {
        const photos = await trx.selectFrom('report_photo').select(['id', 'public_key', 'public_width', 'public_height']).where('report_id', '=', sourceReportId).where('id', 'in', wanted).orderBy('position').execute();
        if (photos.length) {
          await trx.insertInto('case_notice_photo').values(photos.map((p, i) => ({ notice_id: id, kind: 'before' as const, position: i, public_key: p.public_key, width: p.public_width, height: p.public_height }))).execute();
        }
      }
    }
    const { n } = await trx.selectFrom('case_notice_photo').select((eb) => eb.fn.countAll<number>().as('n')).where('notice_id', '=', id).where('kind', '=', 'after').executeTakeFirstOrThrow();
    for (const [i, p] of after.entries()) {
      const key = await store.put(trx, { bytes: p.publicCopy, mime: p.publicMime, sha256: createHash('sha256').update(p.publicCopy).digest('hex') });
      await trx.insertInto('case_notice_photo').values({ notice_id: id, kind: 'after', position: Number(n) + i, public_key: key, width: p.publicWidth, height: p.publicHeight }).execute();
    }
    await recordAudit(trx, user, { action: input.noticeId ? 'notice.draft_updated' : 'notice.drafted', target: `notice:${id}`, after: { title: masked.title, source_report_id: sourceReportId } });
    return id;
  });
}

/** Four eyes: a second publicity member or a moderator approves; approval publishes. */
export async function approveAndPublishNotice(db: Kysely<Database>, user: StaffUser, noticeId: string): Promise<void> {
  requireRole(user, NOTICE_APPROVERS, '只有宣传组或审核员可以审核通报');
  await db.transaction().execute(async (trx) => {
    const notice = await trx.selectFrom('case_notice').select(['id', 'status', 'drafted_by', 'title']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!notice) throw new ReportNotFoundError();
    if (notice.status !== 'draft') throw new WorkflowInputError(['只有草稿可以审核发布']);
    if (notice.drafted_by === user.id) throw new WorkflowInputError(['不能审核自己起草的通报，请由另一位宣传组成员或审核员审核']);
    const now = new Date();
    await trx.updateTable('case_notice').set({ status: 'published', approved_by: user.id, approved_at: now, published_at: now, updated_at: now }).where('id', '=', noticeId).execute();
    await recordAudit(trx, user, { action: 'notice.published', target: `notice:${noticeId}`, before: { status: 'draft' }, after: { status: 'published', title: notice.title } });
  });
  clearPublicCache();
}

export async function withdrawNotice(db: Kysely<Database>, user: StaffUser, noticeId: string, reason: string): Promise<void> {
  requireRole(user, NOTICE_APPROVERS, '只有宣传组或审核员可以撤回通报');
  if ([...reason.trim()].length < 4) throw new WorkflowInputError(['请写明撤回原因（至少 4 个字），它会显示在通报页面上']);
  await db.transaction().execute(async (trx) => {
    const notice = await trx.selectFrom('case_notice').select(['id', 'status']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!notice) throw new ReportNotFoundError();
    if (notice.status !== 'published') throw new WorkflowInputError(['只有已发布的通报可以撤回']);
    const now = new Date();
    await trx.updateTable('case_notice').set({ status: 'withdrawn', withdrawn_at: now, withdraw_reason: reason.trim(), updated_at: now }).where('id', '=', noticeId).execute();
    await recordAudit(trx, user, { action: 'notice.withdrawn', target: `notice:${noticeId}`, before: { status: 'published' }, after: { status: 'withdrawn' }, reason: reason.trim() });
  });
  clearPublicCache();
}

export async function listNoticesForStaff(db: Kysely<Database>) {
  return db
    .selectFrom('case_notice')
    .leftJoin('staff_user as d', 'd.id', 'case_notice.drafted_by')
    .leftJoin('staff_user as a', 'a.id', 'case_notice.approved_by')
    .select(['case_notice.id', 'case_notice.title', 'case_notice.status', 'case_notice.updated_at', 'case_notice.published_at', 'case_notice.is_demo', 'd.display_name as drafter', 'a.display_name as approver', 'case_notice.drafted_by'])
    .orderBy('case_notice.updated_at', 'desc')
    .limit(200)
    .execute();
}

export async function loadNoticeForStaff(db: Kysely<Database>, id: string) {
  if (!isBigintId(id)) return null;
  const notice = await db
    .selectFrom('case_notice')
    .leftJoin('staff_user as d', 'd.id', 'case_notice.drafted_by')
    .leftJoin('staff_user as a', 'a.id', 'case_notice.approved_by')
    .selectAll('case_notice')
    .select(['d.display_name as drafter', 'a.display_name as approver'])
    .where('case_notice.id', '=', id)
    .executeTakeFirst();
  if (!notice) return null;
  const photos = await db.selectFrom('case_notice_photo').select(['id', 'kind', 'width', 'height']).where('notice_id', '=', id).orderBy('kind').orderBy('position').execute();
  return { notice, photos };
}
