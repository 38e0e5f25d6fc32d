/**
 * Checking a ledger file's records: every cell against the county's batches, townships, villages,
 * problem classes and measures, areas as exact hundredths of a 亩, dates as they are typed in
 * China. Errors and warnings name the row and column in Chinese.
 */
import { formatMu, MAX_AREA_MU, parseMu } from './mu.ts';
import { MEASURES, PROBLEM_CLASSES } from '../../shared/taxonomy.ts';
import {
  headerOf, matchKey, trimCell,
  type ImportContext, type LedgerField, type LedgerImportRow, type LedgerRecord, type RowError,
} from './import-columns.ts';
type Check<T> = { ok: true; value: T } | { ok: false; message: string };

function ok<T>(value: T): Check<T> {
  return { ok: true, value };
}

function fail<T>(message: string): Check<T> {
  return { ok: false, message };
}

/** An area in 亩 as exact hundredths. */
function checkArea(raw: string, emptyMessage: string): Check<number> {
  if (raw === '') return fail(emptyMessage);
  let text = raw.normalize('NFKC').replace(/\s+/g, '').replace(/亩$/, '');
  // Thousands separators only in their proper places (1,234.5), never as a decimal comma.
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replaceAll(',', '');
  text = text.replace(/^(-?)\./, '$10.').replace(/\.$/, '');
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return fail(`“${raw}”不是数字，面积请只填数字，例如 12.5`);
  if (m[1] === '-' && /[1-9]/.test(text)) return fail(`面积不能是负数（填的是“${raw}”）`);
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > 2) return fail(`“${raw}”的小数超过两位，面积请精确到 0.01 亩`);
  const hundredths = int.length > 12 ? Infinity : parseMu(frac ? `${int}.${frac}` : int);
  if (hundredths > MAX_AREA_MU * 100) return fail(`“${raw}”太大了（一个图斑不超过 ${MAX_AREA_MU} 亩），请检查单位是否为亩`);
  return ok(hundredths);
}

const YES = new Set(['是', 'y', 'yes', '1', 'true', '√', '✓', '涉及']);
const NO = new Set(['', '否', 'n', 'no', '0', 'false', '×', '✗', '不涉及', '无']);

function checkYesNo(raw: string): Check<boolean> {
  const key = matchKey(raw);
  if (YES.has(key)) return ok(true);
  if (NO.has(key)) return ok(false);
  return fail(`只能填“是”或“否”（也可以填 Y/N、1/0），不能填“${raw}”`);
}

/** 2023-11-30, 2023/11/30, 2023.11.30, 2023年11月30日, 20231130 → '2023-11-30'. */
export function parseLedgerDate(raw: string): string | null {
  const text = raw.normalize('NFKC').replace(/\s+/g, '');
  const m = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2] ?? m[4]);
  const day = Number(m[3] ?? m[5]);
  if (year < 1990 || year > 2100) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

function listNames(items: ReadonlyArray<{ name?: string; label?: string }>): string {
  return items.map((i) => i.name ?? i.label ?? '').join('、');
}

function findByKey<T>(items: readonly T[], raw: string, keys: (item: T) => readonly string[]): T | undefined {
  const k = matchKey(raw);
  return items.find((item) => keys(item).some((key) => matchKey(key) === k));
}

/**
 * Checks every record and returns the rows that passed, the errors (line, column, message) and
 * warnings that do not block the import (a village not in the configured list).
 */
export function validateLedgerRecords(
  records: ReadonlyArray<LedgerRecord>,
  ctx: ImportContext,
): { rows: LedgerImportRow[]; errors: RowError[]; warnings: RowError[] } {
  const rows: LedgerImportRow[] = [];
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  const firstLineOf = new Map<string, number>();

  for (const record of records) {
    const cell = (field: LedgerField): string => trimCell(record.cells[field] ?? '');
    const rowErrors: RowError[] = [];
    const problem = (field: LedgerField, message: string): void => {
      rowErrors.push({ line: record.line, column: headerOf(field), message });
    };
    const take = <T>(field: LedgerField, check: Check<T>): T | undefined => {
      if (check.ok) return check.value;
      problem(field, check.message);
      return undefined;
    };

    const externalId = cell('externalId').normalize('NFKC');
    if (externalId === '') problem('externalId', '图斑编号不能为空');
    else if (externalId.length > 100) problem('externalId', '图斑编号太长（最多 100 个字符）');
    else {
      const first = firstLineOf.get(externalId);
      if (first !== undefined) problem('externalId', `图斑编号“${externalId}”与第 ${first} 行重复`);
      else firstLineOf.set(externalId, record.line);
    }

    const batchText = cell('batch');
    const batch = batchText === '' ? undefined : findByKey(ctx.batches, batchText, (b) => [b.code, b.name]);
    if (batchText === '') problem('batch', '批次不能为空');
    else if (!batch) problem('batch', `没有叫“${batchText}”的批次（现有批次：${listNames(ctx.batches) || '无'}）`);

    const townshipText = cell('township');
    const township = townshipText === '' ? undefined : findByKey(ctx.townships, townshipText, (t) => [t.code, t.name]);
    if (townshipText === '') problem('township', '乡镇不能为空');
    else if (!township) problem('township', `没有叫“${townshipText}”的乡镇（本县乡镇：${listNames(ctx.townships)}）`);

    const villageText = cell('village').replace(/[\s\u3000]+/g, ' ');
    const village = villageText === '' ? null : villageText;
    if (village && township && !findByKey(township.villages, village, (v) => [v.name])) {
      warnings.push({ line: record.line, column: headerOf('village'), message: `“${village}”不在${township.name}的村名单里，将按所填导入；如是笔误请改正` });
    }

    const total = take('totalAreaMu', checkArea(cell('totalAreaMu'), '总面积不能为空'));
    const farmland = take('farmlandAreaMu', checkArea(cell('farmlandAreaMu'), '耕地面积不能为空，不涉及耕地请填 0'));
    if (total !== undefined && farmland !== undefined && farmland > total) {
      problem('farmlandAreaMu', `耕地面积 ${formatMu(farmland)} 亩大于总面积 ${formatMu(total)} 亩`);
    }

    const permanentBasic = take('permanentBasic', checkYesNo(cell('permanentBasic')));

    const classText = cell('problemClass');
    const problemClass = classText === '' ? undefined : findByKey(PROBLEM_CLASSES, classText, (c) => [c.code, c.label]);
    if (classText === '') problem('problemClass', '问题类型不能为空');
    else if (!problemClass) problem('problemClass', `没有叫“${classText}”的问题类型（可填：${listNames(PROBLEM_CLASSES)}）`);

    const measureText = cell('measure');
    const measure = measureText === '' ? null : findByKey(MEASURES, measureText, (m) => [m.code, m.label]);
    if (measure === undefined) problem('measure', `没有叫“${measureText}”的整改措施（可填：${listNames(MEASURES)}，或不填）`);

    const deadlineText = cell('deadline');
    const deadline = deadlineText === '' ? null : parseLedgerDate(deadlineText);
    if (deadlineText !== '' && deadline === null) problem('deadline', `“${deadlineText}”不是有效的日期，请写成 2023-11-30 或 2023年11月30日`);

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    rows.push({
      line: record.line,
      externalId,
      batchCode: batch!.code,
      township: township!.code,
      village,
      totalAreaMu: formatMu(total!),
      farmlandAreaMu: formatMu(farmland!),
      permanentBasic: permanentBasic!,
      problemClass: problemClass!.code,
      measure: measure ? measure.code : null,
      deadline,
    });
  }
  return { rows, errors, warnings };
}

