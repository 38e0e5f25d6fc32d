/**
 * Comparing checked rows with the items already in the ledger, so that staff see what an import
 * would add and change before they confirm it, and counting what it did.
 */
import { formatDate } from '../../shared/format.ts';
import { formatMu, parseMu } from './mu.ts';
import { MEASURES, PROBLEM_CLASSES, labelOf } from '../../shared/taxonomy.ts';
import { headerOf, type ExistingItem, type ImportContext, type ImportPlan, type LedgerField, type LedgerImportRow, type RowError } from './import-columns.ts';
function sameArea(a: string, b: string): boolean {
  // Exact: '12.5' and '12.50' are the same area; a float comparison could call 0.3 ≠ 0.1 + 0.2.
  try {
    return parseMu(a) === parseMu(b);
  } catch {
    return a === b;
  }
}

function shownArea(value: string): string {
  try {
    return formatMu(parseMu(value));
  } catch {
    return value;
  }
}

const EMPTY = '（空）';

/**
 * Sorts checked rows into added, changed (with each changed field, old and new value as people
 * read them) and unchanged. Items in the ledger but not in the file are left alone. Pass `ctx` to
 * show batch and township names instead of codes.
 */
export function planLedgerImport(rows: readonly LedgerImportRow[], existing: ReadonlyMap<string, ExistingItem>, ctx?: ImportContext): ImportPlan {
  const batchName = (code: string): string => ctx?.batches.find((b) => b.code === code)?.name ?? code;
  const townshipName = (code: string): string => ctx?.townships.find((t) => t.code === code)?.name ?? code;
  const plan: ImportPlan = { added: [], changed: [], unchanged: [] };

  for (const row of rows) {
    const old = existing.get(row.externalId);
    if (!old) {
      plan.added.push(row);
      continue;
    }
    const changes: ImportPlan['changed'][number]['changes'] = [];
    const note = (field: LedgerField, from: string, to: string): void => {
      changes.push({ field: headerOf(field), from: from || EMPTY, to: to || EMPTY });
    };
    if (old.batchCode !== row.batchCode) note('batch', batchName(old.batchCode), batchName(row.batchCode));
    if (old.township !== row.township) note('township', townshipName(old.township), townshipName(row.township));
    if ((old.village ?? '') !== (row.village ?? '')) note('village', old.village ?? '', row.village ?? '');
    if (!sameArea(old.totalAreaMu, row.totalAreaMu)) note('totalAreaMu', shownArea(old.totalAreaMu), shownArea(row.totalAreaMu));
    if (!sameArea(old.farmlandAreaMu, row.farmlandAreaMu)) note('farmlandAreaMu', shownArea(old.farmlandAreaMu), shownArea(row.farmlandAreaMu));
    if (old.permanentBasic !== row.permanentBasic) note('permanentBasic', old.permanentBasic ? '是' : '否', row.permanentBasic ? '是' : '否');
    if (old.problemClass !== row.problemClass) note('problemClass', labelOf(PROBLEM_CLASSES, old.problemClass), labelOf(PROBLEM_CLASSES, row.problemClass));
    if ((old.measure ?? null) !== row.measure) note('measure', old.measure ? labelOf(MEASURES, old.measure) : '', row.measure ? labelOf(MEASURES, row.measure) : '');
    if ((old.deadline ?? null) !== row.deadline) note('deadline', old.deadline ? formatDate(old.deadline) : '', row.deadline ? formatDate(row.deadline) : '');
    if (changes.length > 0) plan.changed.push({ row, changes });
    else plan.unchanged.push(row);
  }
  return plan;
}

/**
 * What an import did, or will do, to every row it read: each row counts once, as added, changed,
 * unchanged or in error (a row with several problems is one row in error), so the four add up to
 * the rows read, on a first import and on a re-import of the same file alike.
 */
export interface ImportCounts {
  read: number;
  added: number;
  changed: number;
  unchanged: number;
  errors: number;
}

export function countImport(read: number, errors: readonly RowError[], plan: ImportPlan | null): ImportCounts {
  const errorRows = new Set(errors.map((e) => e.line)).size;
  return { read, added: plan?.added.length ?? 0, changed: plan?.changed.length ?? 0, unchanged: plan?.unchanged.length ?? 0, errors: errorRows };
}

/** The one sentence the preview, the result and the audit log use. */
export function importSummaryText(c: ImportCounts): string {
  return `读取 ${c.read} 行：新增 ${c.added}，更新 ${c.changed}，不变 ${c.unchanged}，错误 ${c.errors}`;
}

