/**
 * Ledger keepers' tools: import (CSV/XLSX items, GeoJSON polygons) as upload → preview → confirm,
 * all-or-nothing; one-at-a-time edits; claiming (township) and verifying (ledger keeper)
 * rectification as separate, dated, audited acts by different people.
 */
import { createHash } from 'node:crypto';
import { chinaToday } from '../../shared/china-time.ts';
import { sql, type Kysely } from 'kysely';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { ForbiddenError, NotFoundError, InputError } from '../../shared/errors.ts';
import { LedgerFileError, MAX_FILE_BYTES, type ExistingItem, type ImportPlan, type RowError } from './import-columns.ts';
import { validateLedgerRecords } from './import-check.ts';
import { readLedgerFile } from './import-file.ts';
import { countImport, planLedgerImport, type ImportCounts } from './import-plan.ts';
import { parseGeometryFile, pointInGeometry, distanceToGeometryMetres, type GeometryFileResult } from './geojson.ts';
import { areaProblem, parseMu } from './mu.ts';
import { EARLIEST_PROBLEM_DATE, MEASURES, PROBLEM_CLASSES } from '../../shared/taxonomy.ts';
import { isRealIsoDate } from '../../shared/text-safety.ts';
import type { LngLat } from '../../config/types.ts';
import { isBigintId } from '../../shared/ids.ts';
import { can } from '../../shared/permissions.ts';
import { reachFilter, requirePermission } from '../accounts/staff-access.ts';


async function existingItems(db: Kysely<Database>): Promise<Map<string, ExistingItem>> {
  const rows = await db
    .selectFrom('ledger_item')
    .innerJoin('batch', 'batch.id', 'ledger_item.batch_id')
    .select(['external_id', 'batch.code', 'township', 'village', 'total_area_mu', 'farmland_area_mu', 'permanent_basic', 'problem_class', 'measure', 'deadline'])
    .execute();
  return new Map(
    rows.map((r) => [
      r.external_id,
      { externalId: r.external_id, batchCode: r.code, township: r.township, village: r.village, totalAreaMu: r.total_area_mu, farmlandAreaMu: r.farmland_area_mu, permanentBasic: r.permanent_basic, problemClass: r.problem_class, measure: r.measure, deadline: r.deadline },
    ]),
  );
}

export interface ItemsPreview {
  kind: 'items';
  fileError: string | null;
  errors: RowError[];
  plan: ImportPlan | null;
  counts: ImportCounts;
}

export interface GeometryPreview {
  kind: 'geometry';
  fileError: string | null;
  result: GeometryFileResult;
  /** Patches in the ledger whose outline the file changes. */
  matched: string[];
  /** Patches in the ledger whose outline the file repeats exactly. */
  same: string[];
  unmatched: string[];
  counts: ImportCounts;
}

async function computeItemsPreview(db: Kysely<Database>, bytes: Uint8Array, fileName: string): Promise<ItemsPreview> {
  try {
    const file = await readLedgerFile(bytes, fileName);
    const batches = await db.selectFrom('batch').select(['code', 'name']).execute();
    const { rows, errors } = validateLedgerRecords(file.records, { batches, townships: jurisdiction.townships });
    const ctx = { batches, townships: jurisdiction.townships };
    const plan = planLedgerImport(rows, await existingItems(db), ctx);
    return { kind: 'items', fileError: null, errors, plan, counts: countImport(file.records.length, errors, plan) };
  } catch (err) {
    if (err instanceof LedgerFileError) return { kind: 'items', fileError: err.message, errors: [], plan: null, counts: countImport(0, [], null) };
    throw err;
  }
}

async function computeGeometryPreview(db: Kysely<Database>, bytes: Uint8Array): Promise<GeometryPreview> {
  const result = parseGeometryFile(new TextDecoder('utf-8').decode(bytes));
  const ids = result.features.map((f) => f.externalId);
  const outline = (g: unknown) => JSON.stringify(g && typeof g === 'object' ? [(g as { type?: unknown }).type, (g as { coordinates?: unknown }).coordinates] : null);
  const stored = new Map(ids.length ? (await db.selectFrom('ledger_item').select(['external_id', 'geometry']).where('external_id', 'in', ids).execute()).map((r) => [r.external_id, outline(r.geometry)]) : []);
  const same = result.features.filter((f) => stored.get(f.externalId) === outline(f.geometry)).map((f) => f.externalId);
  const sameIds = new Set(same);
  const matched = ids.filter((i) => stored.has(i) && !sameIds.has(i));
  const unmatched = ids.filter((i) => !stored.has(i));
  // Each feature read counts once: changed, unchanged, or in error (broken, or no such patch).
  const broken = new Set(result.errors.map((e) => e.index)).size;
  const counts: ImportCounts = { read: ids.length + broken, added: 0, changed: matched.length, unchanged: same.length, errors: broken + unmatched.length };
  return { kind: 'geometry', fileError: null, result, matched, same, unmatched, counts };
}

/** Stores the uploaded file for preview; nothing in the ledger changes yet. */
export async function uploadLedgerFile(db: Kysely<Database>, user: StaffUser, file: File, kind: 'items' | 'geometry'): Promise<string> {
  requirePermission(user, 'ledger.import');
  if (file.size === 0) throw new InputError(['请选择要导入的文件']);
  if (file.size > MAX_FILE_BYTES) throw new InputError(['文件超过 10 MB，请分批导入']);
  const bytes = Buffer.from(await file.arrayBuffer());
  const { id } = await db
    .insertInto('ledger_import')
    .values({ kind, file_name: file.name.slice(0, 200), file_sha256: createHash('sha256').update(bytes).digest('hex'), file_bytes: bytes, uploaded_by: user.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function loadImport(db: Kysely<Database>, user: StaffUser, importId: string) {
  requirePermission(user, 'ledger.import');
  if (!isBigintId(importId)) return null;
  const row = await db
    .selectFrom('ledger_import')
    .innerJoin('staff_user', 'staff_user.id', 'ledger_import.uploaded_by')
    .select(['ledger_import.id', 'kind', 'file_name', 'file_sha256', 'file_bytes', 'status', 'uploaded_at', 'confirmed_at', 'summary', 'staff_user.display_name as uploader'])
    .where('ledger_import.id', '=', importId)
    .executeTakeFirst();
  if (!row) return null;
  const preview = row.kind === 'items' ? await computeItemsPreview(db, row.file_bytes, row.file_name) : await computeGeometryPreview(db, row.file_bytes);
  return { ...row, preview };
}

/** An earlier confirmed import of exactly the same file (same SHA-256), if any. */
export async function findConfirmedTwin(db: Kysely<Database>, importId: string, sha256: string): Promise<{ id: string; confirmedAt: Date } | null> {
  const row = await db
    .selectFrom('ledger_import')
    .select(['id', 'confirmed_at'])
    .where('file_sha256', '=', sha256)
    .where('status', '=', 'confirmed')
    .where('id', '!=', importId)
    .orderBy('confirmed_at', 'desc')
    .executeTakeFirst();
  return row?.confirmed_at ? { id: row.id, confirmedAt: new Date(row.confirmed_at) } : null;
}

/** Applies a previewed file in one transaction: every row or none. */
export async function confirmImport(db: Kysely<Database>, user: StaffUser, importId: string): Promise<ImportCounts> {
  requirePermission(user, 'ledger.import');
  const summary = await db.transaction().execute(async (trx) => {
    const imp = await trx.selectFrom('ledger_import').selectAll().where('id', '=', importId).forUpdate().executeTakeFirst();
    if (!imp) throw new NotFoundError('ledgerImport');
    if (imp.status !== 'preview') throw new InputError(['这个文件已经处理过了']);
    let counts: ImportCounts;
    if (imp.kind === 'items') {
      const preview = await computeItemsPreview(trx, imp.file_bytes, imp.file_name);
      if (preview.fileError || preview.errors.length || !preview.plan) throw new InputError(['文件里还有错误，请修改后重新上传；这次没有导入任何内容']);
      const batchIds = new Map((await trx.selectFrom('batch').select(['id', 'code']).execute()).map((b) => [b.code, b.id]));
      for (const row of [...preview.plan.added, ...preview.plan.changed.map((c) => c.row)]) {
        const values = {
          external_id: row.externalId, batch_id: batchIds.get(row.batchCode)!, township: row.township, village: row.village,
          total_area_mu: row.totalAreaMu, farmland_area_mu: row.farmlandAreaMu, permanent_basic: row.permanentBasic,
          problem_class: row.problemClass, measure: row.measure, deadline: row.deadline, is_demo: false, updated_at: new Date(),
        };
        await trx.insertInto('ledger_item').values(values).onConflict((oc) => oc.column('external_id').doUpdateSet({ ...values, external_id: undefined })).execute();
      }
      counts = preview.counts;
    } else {
      const preview = await computeGeometryPreview(trx, imp.file_bytes);
      if (preview.result.errors.length) throw new InputError(['文件里还有错误，请修改后重新上传；这次没有导入任何内容']);
      const changed = new Set(preview.matched);
      for (const f of preview.result.features.filter((x) => changed.has(x.externalId))) {
        await trx
          .updateTable('ledger_item')
          .set({ geometry: JSON.stringify(f.geometry), min_lng: f.bbox[0], min_lat: f.bbox[1], max_lng: f.bbox[2], max_lat: f.bbox[3], updated_at: new Date() })
          .where('external_id', '=', f.externalId)
          .execute();
      }
      counts = preview.counts;
    }
    await trx.updateTable('ledger_import').set({ status: 'confirmed', confirmed_at: new Date(), summary: JSON.stringify(counts) }).where('id', '=', importId).execute();
    await recordAudit(trx, user, { action: imp.kind === 'items' ? 'ledger.import' : 'ledger.import_geometry', target: `import:${importId}`, after: { file: imp.file_name, sha256: imp.file_sha256, ...counts } });
    return counts;
  });
  return summary;
}

export async function discardImport(db: Kysely<Database>, user: StaffUser, importId: string): Promise<void> {
  requirePermission(user, 'ledger.import');
  await db.updateTable('ledger_import').set({ status: 'discarded' }).where('id', '=', importId).where('status', '=', 'preview').execute();
}

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

/** The township says it has put the item right. Its own township's items only. */
export async function claimRectified(db: Kysely<Database>, user: StaffUser, itemId: string, on: string): Promise<void> {
  requirePermission(user, 'ledger.claim');
  requireCampaignDay(on, '整改完成日期');
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('ledger_item').select(['township', 'claimed_rectified_on', 'verified_rectified_on']).where('id', '=', itemId).forUpdate().executeTakeFirst();
    if (!item) throw new NotFoundError('ledgerItem');
    if (!can(user, 'ledger.claim', item)) throw new ForbiddenError('只能申报本乡镇的图斑');
    if (item.verified_rectified_on) throw new InputError(['该图斑已核验销号']);
    await trx.updateTable('ledger_item').set({ claimed_rectified_on: on, claimed_by: user.id, updated_at: new Date() }).where('id', '=', itemId).execute();
    await recordAudit(trx, user, { action: 'ledger.claimed', target: `ledger:${itemId}`, before: { claimed_rectified_on: item.claimed_rectified_on }, after: { claimed_rectified_on: on } });
  });
}

/** The county verifies on site and ticks the item off (对账销号); never the same person who claimed. */
export async function verifyRectified(db: Kysely<Database>, user: StaffUser, itemId: string, on: string): Promise<void> {
  requirePermission(user, 'ledger.verify');
  requireCampaignDay(on, '核验日期');
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('ledger_item').select(['claimed_rectified_on', 'claimed_by', 'verified_rectified_on']).where('id', '=', itemId).forUpdate().executeTakeFirst();
    if (!item) throw new NotFoundError('ledgerItem');
    if (!item.claimed_rectified_on) throw new InputError(['乡镇还没有申报整改完成，不能核验销号']);
    if (item.claimed_by === user.id) throw new InputError(['申报和核验不能是同一个人']);
    if (on < item.claimed_rectified_on) throw new InputError(['核验日期不能早于申报日期']);
    await trx.updateTable('ledger_item').set({ verified_rectified_on: on, verified_by: user.id, updated_at: new Date() }).where('id', '=', itemId).execute();
    await recordAudit(trx, user, { action: 'ledger.verified', target: `ledger:${itemId}`, before: { verified_rectified_on: item.verified_rectified_on }, after: { verified_rectified_on: on } });
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
