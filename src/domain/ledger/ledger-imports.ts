/**
 * Importing the ledger: a CSV/XLSX file of items or a GeoJSON file of patch polygons, uploaded,
 * previewed with every added and changed row, then confirmed all-or-nothing (or discarded). The
 * file's pure steps are import-*.ts; this is their service, with the database and the audit.
 */
import { createHash } from 'node:crypto';
import { type Kysely } from 'kysely';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { NotFoundError, InputError } from '../../shared/errors.ts';
import { LedgerFileError, MAX_FILE_BYTES, type ExistingItem, type ImportPlan, type RowError } from './import-columns.ts';
import { validateLedgerRecords } from './import-check.ts';
import { readLedgerFile } from './import-file.ts';
import { countImport, planLedgerImport, type ImportCounts } from './import-plan.ts';
import { parseGeometryFile, type GeometryFileResult } from './geojson.ts';
import { isBigintId } from '../../shared/ids.ts';
import { requirePermission } from '../accounts/staff-access.ts';

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
