/**
 * A report as staff see it, and the staff acts besides the workflow: corrections that keep the
 * citizen's original, public replies, internal notes, ledger links and — for custodians only —
 * revealing who reported, with a reason. Identity columns are never selected anywhere else.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { requirePermission } from '../accounts/staff-access.ts';
import { can, type Permission } from '../../shared/permissions.ts';
import { decryptField } from '../../server/field-crypto.ts';
import { NotFoundError, InputError } from '../../shared/errors.ts';
import { isReportState, type ReportState } from './workflow.ts';
import { REPORTABLE_CLASSES } from '../../shared/taxonomy.ts';
import { isBigintId } from '../../shared/ids.ts';

export interface StaffReportView {
  id: string;
  status: ReportState;
  isDemo: boolean;
  original: { problemClass: string; place: string; description: string };
  corrected: { problemClass: string | null; place: string | null; description: string | null };
  township: string;
  village: string | null;
  assignedTownship: string | null;
  lng: number | null;
  lat: number | null;
  locationSource: string;
  seenOn: string;
  submittedAt: Date;
  stageDeadline: string | null;
  duplicateOf: string | null;
  refusalReason: string | null;
  verificationFound: boolean | null;
  measure: string | null;
  outcome: string | null;
  publicReply: string | null;
  ledgerItem: { id: string; externalId: string; deadline: string | null } | null;
  /** Whether the citizen left a name or phone: never the values themselves. */
  hasIdentity: boolean;
  photos: Array<{ id: string; addedBy: string; width: number; height: number; takenAt: Date | null; hasGps: boolean }>;
  events: Array<{ state: string; publicNote: string | null; at: Date }>;
  notes: Array<{ kind: string; body: string; at: Date; author: string }>;
  history: Array<{ action: string; actor: string | null; role: string | null; at: Date; reason: string | null }>;
}

/** The report row, locked, once `user` may do `permission` to it. */
async function lockFor(db: Kysely<Database>, user: StaffUser, id: string, permission: Permission) {
  if (!isBigintId(id)) throw new NotFoundError('report');
  const row = await db.selectFrom('report').select(['id', 'status', 'assigned_township']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError('report');
  requirePermission(user, permission, row);
  return row;
}

/** Whether a report with this id exists at all (to tell "not yours" from "no such report"). */
export async function staffReportExists(db: Kysely<Database>, id: string): Promise<boolean> {
  if (!isBigintId(id)) return false;
  return (await db.selectFrom('report').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function loadStaffReport(db: Kysely<Database>, user: StaffUser, id: string): Promise<StaffReportView | null> {
  if (!isBigintId(id)) return null;
  const r = await db
    .selectFrom('report')
    .leftJoin('ledger_item', 'ledger_item.id', 'report.ledger_item_id')
    .select([
      'report.id', 'report.status', 'report.is_demo', 'report.problem_class', 'report.place_description', 'report.description',
      'report.corrected_problem_class', 'report.corrected_place', 'report.corrected_description', 'report.township', 'report.village',
      'report.assigned_township', 'report.lng', 'report.lat', 'report.location_source', 'report.seen_on', 'report.submitted_at',
      'report.stage_deadline', 'report.duplicate_of', 'report.refusal_reason', 'report.verification_found', 'report.measure',
      'report.outcome', 'report.public_reply', 'ledger_item.id as ledger_id', 'ledger_item.external_id as ledger_external_id',
      'ledger_item.deadline as ledger_deadline',
    ])
    .select((eb) => eb.or([eb('report.reporter_name_enc', 'is not', null), eb('report.reporter_phone_enc', 'is not', null)]).as('has_identity'))
    .where('report.id', '=', id)
    .executeTakeFirst();
  if (!r || !can(user, 'report.view', r) || !isReportState(r.status)) return null;
  const [photos, events, notes, history] = await Promise.all([
    db.selectFrom('report_photo').select(['id', 'added_by', 'public_width', 'public_height', 'exif_taken_at', 'exif_lat']).where('report_id', '=', id).orderBy('added_by').orderBy('position').execute(),
    db.selectFrom('report_event').select(['state', 'public_note', 'at']).where('report_id', '=', id).orderBy('at').orderBy('id').execute(),
    db.selectFrom('report_note').innerJoin('staff_user', 'staff_user.id', 'report_note.author_id').select(['kind', 'body', 'at', 'staff_user.display_name']).where('report_id', '=', id).orderBy('at').execute(),
    db.selectFrom('audit_log').select(['action', 'actor_login', 'actor_role', 'at', 'reason']).where('report_id', '=', id).orderBy('at').orderBy('id').execute(),
  ]);
  return {
    id: r.id,
    status: r.status,
    isDemo: r.is_demo,
    original: { problemClass: r.problem_class, place: r.place_description, description: r.description },
    corrected: { problemClass: r.corrected_problem_class, place: r.corrected_place, description: r.corrected_description },
    township: r.township,
    village: r.village,
    assignedTownship: r.assigned_township,
    lng: r.lng,
    lat: r.lat,
    locationSource: r.location_source,
    seenOn: r.seen_on,
    submittedAt: new Date(r.submitted_at),
    stageDeadline: r.stage_deadline,
    duplicateOf: r.duplicate_of,
    refusalReason: r.refusal_reason,
    verificationFound: r.verification_found,
    measure: r.measure,
    outcome: r.outcome,
    publicReply: r.public_reply,
    ledgerItem: r.ledger_id ? { id: r.ledger_id, externalId: r.ledger_external_id!, deadline: r.ledger_deadline } : null,
    hasIdentity: Boolean(r.has_identity),
    photos: photos.map((p) => ({ id: p.id, addedBy: p.added_by, width: p.public_width, height: p.public_height, takenAt: p.exif_taken_at ? new Date(p.exif_taken_at) : null, hasGps: p.exif_lat !== null })),
    events: events.map((e) => ({ state: e.state, publicNote: e.public_note, at: new Date(e.at) })),
    notes: notes.map((n) => ({ kind: n.kind, body: n.body, at: new Date(n.at), author: n.display_name })),
    history: history.map((h) => ({ action: h.action, actor: h.actor_login, role: h.actor_role, at: new Date(h.at), reason: h.reason })),
  };
}

export interface Correction {
  problemClass?: string;
  place?: string;
  description?: string;
  reason: string;
}

/** A moderator's correction; the citizen's own words stay in their columns. Empty clears a correction. */
export async function correctReport(db: Kysely<Database>, user: StaffUser, id: string, c: Correction): Promise<void> {
  requirePermission(user, 'report.correct');
  const problems: string[] = [];
  if (!c.reason.trim()) problems.push('请填写修正原因');
  if (c.problemClass && !REPORTABLE_CLASSES.includes(c.problemClass as never)) problems.push('请选择有效的问题类型');
  if ((c.description?.length ?? 0) > 2000 || (c.place?.length ?? 0) > 200) problems.push('修正内容过长');
  if (problems.length) throw new InputError(problems);
  await db.transaction().execute(async (trx) => {
    await lockFor(trx, user, id, 'report.correct');
    const before = await trx.selectFrom('report').select(['corrected_problem_class', 'corrected_place', 'corrected_description']).where('id', '=', id).executeTakeFirstOrThrow();
    const after = {
      corrected_problem_class: c.problemClass?.trim() || null,
      corrected_place: c.place?.trim() || null,
      corrected_description: c.description?.trim() || null,
    };
    await trx.updateTable('report').set({ ...after, updated_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(trx, user, { action: 'report.correct', reportId: id, before, after, reason: c.reason.trim() });
  });
}

/** The moderator's public reply, shown on /track/ at once (closing repeats it as the final word). */
export async function replyToReport(db: Kysely<Database>, user: StaffUser, id: string, reply: string): Promise<void> {
  requirePermission(user, 'report.reply');
  const text = reply.trim();
  if (!text) throw new InputError(['请填写公开答复']);
  if ([...text].length > 2000) throw new InputError(['公开答复不能超过 2000 字']);
  await db.transaction().execute(async (trx) => {
    const row = await lockFor(trx, user, id, 'report.reply');
    const before = await trx.selectFrom('report').select('public_reply').where('id', '=', id).executeTakeFirstOrThrow();
    await trx.updateTable('report').set({ public_reply: text, updated_at: new Date() }).where('id', '=', id).execute();
    await trx.insertInto('report_event').values({ report_id: id, state: row.status, public_note: text }).execute();
    await recordAudit(trx, user, { action: 'report.reply', reportId: id, before, after: { public_reply: text } });
  });
}

export async function addInternalNote(db: Kysely<Database>, user: StaffUser, id: string, body: string): Promise<void> {
  requirePermission(user, 'report.note');
  const text = body.trim();
  if (!text) throw new InputError(['请填写备注内容']);
  await db.transaction().execute(async (trx) => {
    await lockFor(trx, user, id, 'report.note');
    await trx.insertInto('report_note').values({ report_id: id, author_id: user.id, kind: 'internal', body: text.slice(0, 4000) }).execute();
    await recordAudit(trx, user, { action: 'report.note', reportId: id });
  });
}

/** Links a report to a ledger item by its external id (图斑编号), or unlinks with ''. */
export async function linkLedgerItem(db: Kysely<Database>, user: StaffUser, id: string, externalId: string): Promise<void> {
  requirePermission(user, 'report.linkLedger');
  await db.transaction().execute(async (trx) => {
    await lockFor(trx, user, id, 'report.linkLedger');
    let itemId: string | null = null;
    if (externalId.trim()) {
      const item = await trx.selectFrom('ledger_item').select('id').where('external_id', '=', externalId.trim()).executeTakeFirst();
      if (!item) throw new InputError([`台账中没有编号为“${externalId.trim()}”的图斑`]);
      itemId = item.id;
    }
    const before = await trx.selectFrom('report').select('ledger_item_id').where('id', '=', id).executeTakeFirstOrThrow();
    await trx.updateTable('report').set({ ledger_item_id: itemId, updated_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(trx, user, { action: 'report.link_ledger', reportId: id, before, after: { ledger_item_id: itemId, external_id: externalId.trim() || null } });
  });
}

export interface RevealedIdentity {
  name: string | null;
  phone: string | null;
}

/** Custodians only, with a stated reason; the reveal is audited before anything is decrypted. */
export async function revealIdentity(db: Kysely<Database>, user: StaffUser, id: string, reason: string, key: Buffer): Promise<RevealedIdentity> {
  requirePermission(user, 'report.revealIdentity');
  if ([...reason.trim()].length < 4) throw new InputError(['请写明查看举报人身份的理由（至少 4 个字）']);
  return db.transaction().execute(async (trx) => {
    await lockFor(trx, user, id, 'report.revealIdentity');
    const row = await trx.selectFrom('report').select(['reporter_name_enc', 'reporter_phone_enc']).where('id', '=', id).executeTakeFirstOrThrow();
    await recordAudit(trx, user, { action: 'identity.reveal', reportId: id, reason: reason.trim() });
    return {
      name: row.reporter_name_enc ? decryptField(row.reporter_name_enc, 'reporter_name', key) : null,
      phone: row.reporter_phone_enc ? decryptField(row.reporter_phone_enc, 'reporter_phone', key) : null,
    };
  });
}
