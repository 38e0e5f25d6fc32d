/**
 * Ledger keepers' tools besides imports (ledger-imports.ts): one-at-a-time edits; claiming
 * (township) and verifying (ledger keeper) rectification as separate, dated, audited acts by
 * different people; finding ledger items near a report; the staff lists.
 */
import { chinaToday } from '../../shared/china-time.ts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { ForbiddenError, NotFoundError, InputError } from '../../shared/errors.ts';
import { pointInGeometry, distanceToGeometryMetres } from './geojson.ts';
import { areaProblem, parseMu } from './mu.ts';
import { EARLIEST_PROBLEM_DATE, MEASURES, PROBLEM_CLASSES } from '../../shared/taxonomy.ts';
import { isRealIsoDate } from '../../shared/text-safety.ts';
import type { LngLat } from '../../config/types.ts';
import { isBigintId } from '../../shared/ids.ts';
import { can } from '../../shared/permissions.ts';
import { reachFilter, requirePermission } from '../accounts/staff-access.ts';

export interface LedgerItemEdit {
  village: string;
  totalAreaMu: string;
  farmlandAreaMu: string;
  permanentBasic: boolean;
  problemClass: string;
  measure: string;
  deadline: string;
  reason: string;
}

export async function editLedgerItem(db: Kysely<Database>, user: StaffUser, itemId: string, e: LedgerItemEdit): Promise<void> {
  requirePermission(user, 'ledger.edit');
  const problems: string[] = [];
  const areaProblems = [areaProblem(e.totalAreaMu, '总面积'), areaProblem(e.farmlandAreaMu, '耕地面积')].filter((p): p is string => p !== null);
  problems.push(...areaProblems);
  if (!areaProblems.length && parseMu(e.farmlandAreaMu) > parseMu(e.totalAreaMu)) problems.push('耕地面积不能大于总面积');
  if (e.deadline && !isRealIsoDate(e.deadline)) problems.push('整改期限不是一个真实的日期，请按 年-月-日 填写');
  else if (e.deadline && e.deadline < EARLIEST_PROBLEM_DATE) problems.push(`整改期限不能早于 ${EARLIEST_PROBLEM_DATE}`);
  if (!PROBLEM_CLASSES.some((c) => c.code === e.problemClass)) problems.push('请选择问题类型');
  if (e.measure && !MEASURES.some((m) => m.code === e.measure)) problems.push('请从列表中选择整改措施');
  if (!e.reason.trim()) problems.push('请填写修改原因');
  if (problems.length) throw new InputError(problems);
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('ledger_item').select(['village', 'total_area_mu', 'farmland_area_mu', 'permanent_basic', 'problem_class', 'measure', 'deadline']).where('id', '=', itemId).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError('ledgerItem');
    const after = { village: e.village.trim() || null, total_area_mu: e.totalAreaMu, farmland_area_mu: e.farmlandAreaMu, permanent_basic: e.permanentBasic, problem_class: e.problemClass, measure: e.measure || null, deadline: e.deadline || null };
    await trx.updateTable('ledger_item').set({ ...after, updated_at: new Date() }).where('id', '=', itemId).execute();
    await recordAudit(trx, user, { action: 'ledger.item_edited', target: `ledger:${itemId}`, before, after, reason: e.reason.trim() });
  });
}

/** A rectification date: a real day, not in the future, not before the campaign's earliest problem. */
function requireCampaignDay(on: string, what: string): void {
  if (!isRealIsoDate(on) || on > chinaToday() || on < EARLIEST_PROBLEM_DATE) throw new InputError([`请填写${what}：不能晚于今天，也不能早于 ${EARLIEST_PROBLEM_DATE}（整治范围内最早的问题）`]);
}

interface RectificationState {
  township: string;
  claimed_rectified_on: string | null;
  claimed_by: string | null;
  verified_rectified_on: string | null;
}

/**
 * One step of a ledger item's rectification (claimed, then verified), in one transaction: the row
 * locked, the step's own checks, its date and who set it, and the audit row.
 */
async function recordRectificationStep(
  db: Kysely<Database>, user: StaffUser, itemId: string, on: string,
  step: 'claimed' | 'verified', check: (item: RectificationState) => void,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('ledger_item').select(['township', 'claimed_rectified_on', 'claimed_by', 'verified_rectified_on']).where('id', '=', itemId).forUpdate().executeTakeFirst();
    if (!item) throw new NotFoundError('ledgerItem');
    check(item);
    const column = step === 'claimed' ? 'claimed_rectified_on' : 'verified_rectified_on';
    const set = step === 'claimed' ? { claimed_rectified_on: on, claimed_by: user.id } : { verified_rectified_on: on, verified_by: user.id };
    await trx.updateTable('ledger_item').set({ ...set, updated_at: new Date() }).where('id', '=', itemId).execute();
    await recordAudit(trx, user, { action: step === 'claimed' ? 'ledger.claimed' : 'ledger.verified', target: `ledger:${itemId}`, before: { [column]: item[column] }, after: { [column]: on } });
  });
}

/** The township says it has put the item right. Its own township's items only. */
export async function claimRectified(db: Kysely<Database>, user: StaffUser, itemId: string, on: string): Promise<void> {
  requirePermission(user, 'ledger.claim');
  requireCampaignDay(on, '整改完成日期');
  await recordRectificationStep(db, user, itemId, on, 'claimed', (item) => {
    if (!can(user, 'ledger.claim', item)) throw new ForbiddenError('只能申报本乡镇的图斑');
    if (item.verified_rectified_on) throw new InputError(['该图斑已核验销号']);
  });
}

/** The county verifies on site and ticks the item off (对账销号); never the same person who claimed. */
export async function verifyRectified(db: Kysely<Database>, user: StaffUser, itemId: string, on: string): Promise<void> {
  requirePermission(user, 'ledger.verify');
  requireCampaignDay(on, '核验日期');
  await recordRectificationStep(db, user, itemId, on, 'verified', (item) => {
    if (!item.claimed_rectified_on) throw new InputError(['乡镇还没有申报整改完成，不能核验销号']);
    if (item.claimed_by === user.id) throw new InputError(['申报和核验不能是同一个人']);
    if (on < item.claimed_rectified_on) throw new InputError(['核验日期不能早于申报日期']);
  });
}

export interface LedgerMatch {
  id: string;
  externalId: string;
  deadline: string | null;
  inside: boolean;
  distanceMetres: number;
}

/** Ledger patches that contain a point, or lie within `withinMetres` of it. */
export async function findLedgerMatches(db: Kysely<Database>, point: LngLat, withinMetres = Number(process.env.LEDGER_MATCH_METRES ?? 100)): Promise<LedgerMatch[]> {
  const dLat = withinMetres / 110_574;
  const dLng = withinMetres / (111_320 * Math.cos((point[1] * Math.PI) / 180));
  const rows = await db
    .selectFrom('ledger_item')
    .select(['id', 'external_id', 'deadline', 'geometry'])
    .where('geometry', 'is not', null)
    .where('min_lng', '<=', point[0] + dLng)
    .where('max_lng', '>=', point[0] - dLng)
    .where('min_lat', '<=', point[1] + dLat)
    .where('max_lat', '>=', point[1] - dLat)
    .limit(200)
    .execute();
  return rows
    .map((r) => {
      const d = distanceToGeometryMetres(point, r.geometry!);
      return { id: r.id, externalId: r.external_id, deadline: r.deadline, inside: d === 0 && pointInGeometry(point, r.geometry!), distanceMetres: Math.round(d) };
    })
    .filter((m) => m.inside || m.distanceMetres <= withinMetres)
    .sort((a, b) => a.distanceMetres - b.distanceMetres);
}

export interface LedgerListFilter {
  batch?: string;
  township?: string;
  status?: 'open' | 'claimed' | 'verified';
  q?: string;
}

/** The campaign's batches (第一批…), in their order, for the ledger's filter. */
export async function listBatches(db: Kysely<Database>): Promise<Array<{ code: string; name: string }>> {
  return db.selectFrom('batch').select(['code', 'name']).orderBy('sort_order').execute();
}

/** The ledger's items `user` may see (a township officer: their own township's), filtered, a page at a time. */
export async function listLedgerItems(db: Kysely<Database>, user: StaffUser, f: LedgerListFilter, page: number, pageSize = 50) {
  let q = db.selectFrom('ledger_item').innerJoin('batch', 'batch.id', 'ledger_item.batch_id');
  const reach = reachFilter(user, 'ledger.view');
  if (reach) q = q.where(reach);
  if (f.batch) q = q.where('batch.code', '=', f.batch);
  if (f.township) q = q.where('ledger_item.township', '=', f.township);
  if (f.status === 'open') q = q.where('claimed_rectified_on', 'is', null);
  if (f.status === 'claimed') q = q.where('claimed_rectified_on', 'is not', null).where('verified_rectified_on', 'is', null);
  if (f.status === 'verified') q = q.where('verified_rectified_on', 'is not', null);
  if (f.q) q = q.where('external_id', 'ilike', `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  const [rows, count] = await Promise.all([
    q
      .select(['ledger_item.id', 'external_id', 'batch.name as batch_name', 'township', 'village', 'total_area_mu', 'farmland_area_mu', 'problem_class', 'deadline', 'claimed_rectified_on', 'verified_rectified_on', 'is_demo', sql<boolean>`geometry is not null`.as('has_geometry')])
      .orderBy('external_id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** One ledger item with its batch and who claimed and verified it, or null when there is none `user` may see. */
export async function loadLedgerItem(db: Kysely<Database>, user: StaffUser, id: string) {
  if (!isBigintId(id)) return null;
  const item = await db
    .selectFrom('ledger_item')
    .innerJoin('batch', 'batch.id', 'ledger_item.batch_id')
    .leftJoin('staff_user as c', 'c.id', 'ledger_item.claimed_by')
    .leftJoin('staff_user as v', 'v.id', 'ledger_item.verified_by')
    .selectAll('ledger_item')
    .select(['batch.name as batch_name', 'c.display_name as claimer', 'v.display_name as verifier'])
    .where('ledger_item.id', '=', id)
    .executeTakeFirst();
  return item && can(user, 'ledger.view', item) ? item : null;
}
