/**
 * Case notices from draft to public: the publicity group drafts (unmasked originals kept for
 * staff, masked text for the public, computed on every save), a second person approves and
 * publishes, anyone of the two roles may withdraw with a reason. Every step is audited.
 */
import type { Kysely } from 'kysely';
import type { Database, EnforcementStep } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { requirePermission } from '../accounts/staff-access.ts';
import { can } from '../../shared/permissions.ts';
import { postgresPhotoStore, type PhotoStore } from '../reports/photo-store.ts';
import { processPhotoFiles } from '../reports/photos.ts';
import { NotFoundError, InputError } from '../../shared/errors.ts';
import { maskParty, type PartyKind } from './mask-party.ts';
import { maskTextReport, uniqueHits, type MaskHit } from './masking.ts';
import { maskContacts } from './contact-masking.ts';
import type { NoticeDraftInput } from './notice-schema.ts';
import type { WithdrawReason } from '../../shared/taxonomy.ts';
import { createHash } from 'node:crypto';
import { isBigintId } from '../../shared/ids.ts';

export interface NoticeText {
  title: string;
  partyName: string;
  partyKind: PartyKind;
  body: string;
  accountability: string;
  steps: EnforcementStep[];
}

export interface MaskedNotice {
  title: string;
  party: string;
  body: string;
  accountability: string;
  steps: EnforcementStep[];
  /** What masking hid, each original once: the drafter and the approver check it before publishing. */
  found: MaskHit[];
}

/** Exactly what the public will read: the drafter's preview and the saved public columns. */
export function maskNotice(input: NoticeText): MaskedNotice {
  const parties = [{ name: input.partyName, kind: input.partyKind }];
  const found: MaskHit[] = [];
  const mask = (text: string): string => {
    const report = maskTextReport(text, parties);
    found.push(...report.found);
    return report.text;
  };
  const party = maskContacts(maskParty(input.partyName, input.partyKind), found);
  if (input.partyKind !== 'organisation') found.unshift({ kind: input.partyKind === 'person' ? 'person' : 'company', original: input.partyName.trim(), masked: party });
  return {
    title: mask(input.title),
    party,
    body: mask(input.body),
    accountability: mask(input.accountability),
    steps: input.steps.map((s) => ({ date: s.date, action: mask(s.action), ...(s.detail ? { detail: mask(s.detail) } : {}) })),
    found: uniqueHits(found),
  };
}

function stepsOf(input: NoticeDraftInput): EnforcementStep[] {
  return input.stepDate
    .map((date, i) => ({ date: date.trim(), action: (input.stepAction[i] ?? '').trim(), detail: (input.stepDetail[i] ?? '').trim() || undefined }))
    .filter((s) => s.date && s.action)
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** The columns a drafter writes, compared as the form posts them (steps by content, areas by value). */
const DRAFT_FIELDS = ['title_raw', 'township', 'village', 'problem_class', 'party_raw', 'party_kind', 'total_area_mu', 'farmland_area_mu', 'steps_raw', 'outcome', 'accountability_raw', 'body_raw', 'source_report_id'] as const;

type DraftValues = { [K in (typeof DRAFT_FIELDS)[number]]: unknown };

function comparable(field: (typeof DRAFT_FIELDS)[number], value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field === 'total_area_mu' || field === 'farmland_area_mu') return String(Number(value));
  if (field === 'steps_raw') {
    const steps = (typeof value === 'string' ? JSON.parse(value) : value) as EnforcementStep[];
    return JSON.stringify(steps.map((s) => [s.date, s.action, s.detail ?? '']));
  }
  return String(value);
}

/** Which fields of a draft a save would change; an empty list means the save changes nothing. */
export function changedNoticeFields(existing: DraftValues, next: DraftValues): string[] {
  return DRAFT_FIELDS.filter((f) => comparable(f, existing[f]) !== comparable(f, next[f]));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function beforePhotos(db: Kysely<Database>, reportId: string, wanted: readonly string[]) {
  const ids = wanted.filter((p) => isBigintId(p));
  if (!ids.length) return [];
  return db.selectFrom('report_photo').select(['id', 'public_key', 'public_width', 'public_height']).where('report_id', '=', reportId).where('id', 'in', ids).orderBy('position').execute();
}

/** Whoever created or changed a draft is one of its drafters, and so cannot approve it. */
async function recordNoticeDrafter(db: Kysely<Database>, noticeId: string, staffUserId: string): Promise<void> {
  await db
    .insertInto('case_notice_drafter')
    .values({ notice_id: noticeId, staff_user_id: staffUserId })
    .onConflict((oc) => oc.columns(['notice_id', 'staff_user_id']).doUpdateSet({ last_changed_at: new Date() }))
    .execute();
}

/** The drafters of a notice, first writer first. */
export async function listNoticeDrafters(db: Kysely<Database>, noticeId: string): Promise<{ id: string; displayName: string }[]> {
  const rows = await db
    .selectFrom('case_notice_drafter')
    .innerJoin('staff_user', 'staff_user.id', 'case_notice_drafter.staff_user_id')
    .select(['staff_user.id', 'staff_user.display_name'])
    .where('case_notice_drafter.notice_id', '=', noticeId)
    .orderBy('case_notice_drafter.first_changed_at')
    .execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}

export async function saveNoticeDraft(db: Kysely<Database>, user: StaffUser, input: NoticeDraftInput, store: PhotoStore = postgresPhotoStore): Promise<string> {
  requirePermission(user, 'notice.draft');
  const { photos: after, problems } = await processPhotoFiles(input.afterPhotos);
  if (problems.length) throw new InputError(problems);
  const steps = stepsOf(input);
  const masked = maskNotice({ title: input.title, partyName: input.partyName, partyKind: input.partyKind, body: input.body, accountability: input.accountability, steps });
  return db.transaction().execute(async (trx) => {
    let sourceReportId: string | null = null;
    if (input.sourceReportId) {
      const report = await trx.selectFrom('report').select(['id', 'status', 'assigned_township']).where('id', '=', input.sourceReportId).executeTakeFirst();
      if (!report) throw new NotFoundError('report');
      if (report.status !== 'closed' || !can(user, 'report.view', report)) throw new InputError(['只能从已办结的举报起草通报']);
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
      steps: JSON.stringify(masked.steps),
      steps_raw: JSON.stringify(steps),
      outcome: input.outcome,
      accountability: masked.accountability,
      accountability_raw: input.accountability,
      body: masked.body,
      body_raw: input.body,
      source_report_id: sourceReportId,
      updated_at: new Date(),
    };
    // "Before" photos are the report's public copies only; never originals, never the reporter.
    const wantedBefore = sourceReportId ? await beforePhotos(trx, sourceReportId, input.beforePhotoIds) : null;
    let id: string;
    let changed: string[];
    if (input.noticeId) {
      const existing = await trx.selectFrom('case_notice').selectAll().where('id', '=', input.noticeId).forUpdate().executeTakeFirst();
      if (!existing) throw new NotFoundError('notice');
      if (existing.status !== 'draft') throw new InputError(['已发布或已撤回的通报不能再修改；如需更正，请撤回后重新起草']);
      id = existing.id;
      const beforeNow = await trx.selectFrom('case_notice_photo').select('public_key').where('notice_id', '=', id).where('kind', '=', 'before').orderBy('position').execute();
      // Drafts saved before the originals were kept: their public text is the best original there is.
      changed = changedNoticeFields({ ...existing, steps_raw: existing.steps_raw ?? existing.steps, accountability_raw: existing.accountability_raw ?? existing.accountability }, values);
      if (wantedBefore && !sameList(beforeNow.map((p) => p.public_key), wantedBefore.map((p) => p.public_key))) changed.push('before_photos');
      if (after.length) changed.push('after_photos');
      // Saving an unchanged form makes nobody a drafter: a reviewer may open and save without losing the right to approve.
      if (!changed.length) return id;
      await trx.updateTable('case_notice').set(values).where('id', '=', id).execute();
    } else {
      ({ id } = await trx.insertInto('case_notice').values({ ...values, status: 'draft', drafted_by: user.id }).returning('id').executeTakeFirstOrThrow());
      changed = ['created'];
    }
    await recordNoticeDrafter(trx, id, user.id);
    if (wantedBefore) {
      await trx.deleteFrom('case_notice_photo').where('notice_id', '=', id).where('kind', '=', 'before').execute();
      if (wantedBefore.length) {
        await trx.insertInto('case_notice_photo').values(wantedBefore.map((p, i) => ({ notice_id: id, kind: 'before' as const, position: i, public_key: p.public_key, width: p.public_width, height: p.public_height }))).execute();
      }
    }
    const { n } = await trx.selectFrom('case_notice_photo').select((eb) => eb.fn.countAll<number>().as('n')).where('notice_id', '=', id).where('kind', '=', 'after').executeTakeFirstOrThrow();
    for (const [i, p] of after.entries()) {
      const key = await store.put(trx, { bytes: p.publicCopy, mime: p.publicMime, sha256: createHash('sha256').update(p.publicCopy).digest('hex') });
      await trx.insertInto('case_notice_photo').values({ notice_id: id, kind: 'after', position: Number(n) + i, public_key: key, width: p.publicWidth, height: p.publicHeight }).execute();
    }
    await recordAudit(trx, user, { action: input.noticeId ? 'notice.draft_updated' : 'notice.drafted', target: `notice:${id}`, after: { title: masked.title, source_report_id: sourceReportId, changed } });
    return id;
  });
}

/** Four eyes: a second publicity member or a moderator approves; approval publishes. */
export async function approveAndPublishNotice(db: Kysely<Database>, user: StaffUser, noticeId: string): Promise<void> {
  requirePermission(user, 'notice.review');
  await db.transaction().execute(async (trx) => {
    const notice = await trx.selectFrom('case_notice').select(['id', 'status', 'drafted_by', 'title']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!notice) throw new NotFoundError('notice');
    if (notice.status !== 'draft') throw new InputError(['只有草稿可以审核发布']);
    const drafters = await listNoticeDrafters(trx, noticeId);
    if (notice.drafted_by === user.id || drafters.some((d) => d.id === user.id)) {
      throw new InputError(['您起草或修改过这份通报，不能再审核它；请由没有改动过它的另一位宣传组成员或审核员审核']);
    }
    const now = new Date();
    await trx.updateTable('case_notice').set({ status: 'published', approved_by: user.id, approved_at: now, published_at: now, updated_at: now }).where('id', '=', noticeId).execute();
    await recordAudit(trx, user, {
      action: 'notice.published',
      target: `notice:${noticeId}`,
      before: { status: 'draft' },
      after: { status: 'published', title: notice.title, drafters: drafters.map((d) => d.displayName), approver: user.displayName },
    });
  });
}

/** Withdraws a published notice: its page answers 410 with the date and category, nothing else. */
export async function withdrawNotice(db: Kysely<Database>, user: StaffUser, noticeId: string, category: WithdrawReason, reason: string): Promise<void> {
  requirePermission(user, 'notice.withdraw');
  if ([...reason.trim()].length < 4) throw new InputError(['请写明撤回原因（至少 4 个字），只记入内部审计，不公开']);
  await db.transaction().execute(async (trx) => {
    const notice = await trx.selectFrom('case_notice').select(['id', 'status']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!notice) throw new NotFoundError('notice');
    if (notice.status !== 'published') throw new InputError(['只有已发布的通报可以撤回']);
    const now = new Date();
    await trx.updateTable('case_notice').set({ status: 'withdrawn', withdrawn_at: now, withdraw_category: category, withdraw_reason: reason.trim(), updated_at: now }).where('id', '=', noticeId).execute();
    await recordAudit(trx, user, { action: 'notice.withdrawn', target: `notice:${noticeId}`, before: { status: 'published' }, after: { status: 'withdrawn', category }, reason: reason.trim() });
  });
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
  return { notice, photos, drafters: await listNoticeDrafters(db, id) };
}
