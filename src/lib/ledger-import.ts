/**
 * Reading and checking a 问题台账 (problem ledger) file before it is imported. Staff keep the
 * ledger in Excel; they upload it as XLSX or as the CSV that Excel saves. Nothing here touches the
 * database: the file becomes records, the records become checked rows plus row-level errors in
 * Chinese, and the rows are compared with the items already in the ledger so that staff see what
 * would be added or changed before they confirm.
 *
 * Decisions:
 * - Villages are accepted as typed (trimmed): the county's village list in the configuration is
 *   incomplete, and refusing a real village would block the import. A village not in the list is
 *   reported as a warning so typos are still visible.
 * - 耕地面积 must be filled (0 when no farmland is involved): a blank is more often a forgotten
 *   figure than a zero, and the published farmland totals depend on it.
 * - 永久基本农田 must be present as a column, but an empty cell means 否 (ledgers mark only the 是).
 * - The header row is the first non-empty row, unless a title row sits above the table: then the
 *   first row (among the first ten) that holds at least two known headers.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { formatMu, MAX_AREA_MU, parseMu } from './mu.ts';
import { MEASURES, PROBLEM_CLASSES, labelOf } from './taxonomy.ts';
import { formatDate } from './format.ts';

export type LedgerField =
  | 'externalId'
  | 'batch'
  | 'township'
  | 'village'
  | 'totalAreaMu'
  | 'farmlandAreaMu'
  | 'permanentBasic'
  | 'problemClass'
  | 'measure'
  | 'deadline';

export interface LedgerColumn {
  key: LedgerField;
  header: string;
  aliases: readonly string[];
  required: boolean;
  hint: string;
}

export const LEDGER_COLUMNS: ReadonlyArray<LedgerColumn> = [
  { key: 'externalId', header: '图斑编号', aliases: ['宗号', '编号', '图斑号'], required: true, hint: '台账里每个图斑的唯一编号（宗号），再次导入时按它更新。' },
  { key: 'batch', header: '批次', aliases: ['批次名称', '批次代码'], required: true, hint: '填批次名称或代码，例如“卫片执法 2022年度”。' },
  { key: 'township', header: '乡镇', aliases: ['乡镇名称', '乡（镇）', '所属乡镇'], required: true, hint: '填本县乡镇的名称，例如“西社镇”。' },
  { key: 'village', header: '村', aliases: ['村名', '行政村', '村庄', '所在村'], required: false, hint: '所在行政村，可以不填。' },
  { key: 'totalAreaMu', header: '总面积（亩）', aliases: ['面积', '总面积', '图斑面积（亩）', '图斑面积', '面积（亩）'], required: true, hint: '以亩为单位，最多两位小数。' },
  { key: 'farmlandAreaMu', header: '耕地面积（亩）', aliases: ['占用耕地面积', '耕地面积', '占用耕地面积（亩）', '其中耕地面积（亩）', '其中耕地'], required: true, hint: '以亩为单位，最多两位小数；不涉及耕地填 0，不能大于总面积。' },
  { key: 'permanentBasic', header: '永久基本农田', aliases: ['是否永久基本农田', '是否涉及永久基本农田', '涉及永久基本农田'], required: true, hint: '填“是”或“否”（也可填 Y/N、1/0），空着按“否”。' },
  { key: 'problemClass', header: '问题类型', aliases: ['问题类别', '违法类型', '类型'], required: true, hint: '填问题类型的名称，例如“乱占耕地建房”。' },
  { key: 'measure', header: '整改措施', aliases: ['整改方式', '整改类型'], required: false, hint: '恢复耕种、拆除复垦、完善用地手续或进出平衡，可以不填。' },
  { key: 'deadline', header: '整改期限', aliases: ['整改时限', '完成时限', '整改完成时限'], required: false, hint: '日期，例如 2023-11-30 或 2023年11月30日，可以不填。' },
];

export class LedgerFileError extends Error {
  override name = 'LedgerFileError';
}

export interface LedgerRecord {
  /** Row number as the user sees it in the spreadsheet (1-based, header row included). */
  line: number;
  cells: Partial<Record<LedgerField, string>>;
}

export interface LedgerFile {
  headers: string[];
  records: LedgerRecord[];
}

export interface LedgerImportRow {
  line: number;
  externalId: string;
  batchCode: string;
  /** Township code. */
  township: string;
  village: string | null;
  /** Always two decimals: 'd.dd'. */
  totalAreaMu: string;
  farmlandAreaMu: string;
  permanentBasic: boolean;
  /** Problem-class code. */
  problemClass: string;
  /** Measure code. */
  measure: string | null;
  /** YYYY-MM-DD. */
  deadline: string | null;
}

export interface RowError {
  line: number;
  /** The column's Chinese header, as in LEDGER_COLUMNS. */
  column: string;
  /** Chinese, without the line and column (the preview shows them in their own columns). */
  message: string;
}

export interface ImportContext {
  batches: ReadonlyArray<{ code: string; name: string }>;
  townships: ReadonlyArray<{ code: string; name: string; villages: ReadonlyArray<{ name: string }> }>;
}

export interface ExistingItem {
  externalId: string;
  batchCode: string;
  township: string;
  village: string | null;
  totalAreaMu: string;
  farmlandAreaMu: string;
  permanentBasic: boolean;
  problemClass: string;
  measure: string | null;
  deadline: string | null;
}

export interface ImportPlan {
  added: LedgerImportRow[];
  changed: Array<{ row: LedgerImportRow; changes: Array<{ field: string; from: string; to: string }> }>;
  unchanged: LedgerImportRow[];
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ROWS = 20_000;

const COLUMN_BY_KEY = new Map(LEDGER_COLUMNS.map((c) => [c.key, c]));

function headerOf(key: LedgerField): string {
  return COLUMN_BY_KEY.get(key)?.header ?? key;
}

/** `第 5 行“乡镇”：…` — one error as a sentence, for lists and logs. */
export function formatRowError(e: RowError): string {
  return `第 ${e.line} 行“${e.column}”：${e.message}`;
}

// ---------------------------------------------------------------------------------------------
// Reading the file

/** Comparison key for headers and names: full-width folded, no spaces, dashes unified. */
function matchKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[‐‑‒–—―﹣−]/g, '-')
    .toLowerCase();
}

function headerKey(text: string): string {
  // Templates often star required columns (图斑编号*) or end a header with a colon.
  return matchKey(text).replace(/[*:]+$/g, '').replace(/^[*]+/, '');
}

const FIELD_BY_HEADER = new Map<string, LedgerField>(
  LEDGER_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [headerKey(h), c.key] as const)),
);

function trimCell(text: string): string {
  return text.replace(/^[\s\u3000\uFEFF]+|[\s\u3000]+$/g, '');
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** Old binary .xls and password-protected .xlsx are both Compound File containers. */
const COMPOUND_FILE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Reads the ledger table from CSV or XLSX bytes, recognised by content (not the file name). */
export async function readLedgerFile(bytes: Uint8Array, fileName: string): Promise<LedgerFile> {
  if (bytes.byteLength === 0) throw new LedgerFileError('文件是空的，请选择填好的台账文件。');
  if (bytes.byteLength > MAX_FILE_BYTES) {
    throw new LedgerFileError(`文件超过 10 MB（这个文件约 ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB），请分成几个文件分批导入。`);
  }
  if (startsWith(bytes, ZIP)) return readXlsx(bytes);
  if (startsWith(bytes, COMPOUND_FILE)) {
    throw new LedgerFileError('这是旧版 Excel（.xls）文件或设置了打开密码的 Excel 文件。请取消密码，并在 Excel 中“另存为” .xlsx 或 CSV 后再上传。');
  }
  if (/\.xlsx$/i.test(fileName)) throw new LedgerFileError('无法读取这个 Excel 文件：文件内容不是 .xlsx 格式，可能已损坏。请在 Excel 中重新保存后再上传。');
  return readCsv(bytes);
}

function decodeText(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes);
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes);
  // A NUL byte never occurs in UTF-8 or GB18030 text: this is some other binary file.
  if (bytes.subarray(0, 8192).includes(0)) throw new LedgerFileError('无法识别文件格式，请上传 Excel（.xlsx）或 CSV 文件。');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Excel in a Chinese locale saves "CSV (逗号分隔)" in the ANSI code page, i.e. GBK/GB18030.
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readCsv(bytes: Uint8Array): LedgerFile {
  const text = decodeText(bytes).replace(/^\uFEFF/, '');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) {
    const where = quoteError.row === undefined ? '' : `第 ${quoteError.row + 1} 行`;
    throw new LedgerFileError(`CSV 文件${where}的引号不成对，无法读取。请用 Excel 打开后重新“另存为” CSV 再上传。`);
  }
  // Papa's records are the spreadsheet's rows, so row i is line i + 1 as Excel shows it.
  const rows = parsed.data.map((cells, i) => ({ line: i + 1, cells: cells.map((c) => trimCell(String(c ?? ''))) }));
  return tableToRecords(rows, () => undefined);
}

interface RawRow {
  line: number;
  /** Cell texts by 0-based column index. */
  cells: readonly string[];
}

/** Picks the header row, maps its columns to fields and turns the rows below into records. */
function tableToRecords(rows: readonly RawRow[], convert: (row: RawRow, col: number, field: LedgerField) => string | undefined): LedgerFile {
  const nonEmpty = rows.filter((r) => r.cells.some((c) => c !== ''));
  if (nonEmpty.length === 0) throw new LedgerFileError('文件里没有内容，请检查是否选对了文件或工作表。');
  const recognised = (r: RawRow): number => r.cells.filter((c) => FIELD_BY_HEADER.has(headerKey(c))).length;
  const headerRow = nonEmpty.slice(0, 10).find((r) => recognised(r) >= 2) ?? nonEmpty[0]!;

  const columnOf = new Map<LedgerField, number>();
  headerRow.cells.forEach((cell, col) => {
    const field = FIELD_BY_HEADER.get(headerKey(cell));
    if (!field) return; // unknown columns (备注, 坐标…) are ignored
    const earlier = columnOf.get(field);
    if (earlier !== undefined) {
      throw new LedgerFileError(`表头里有两列都是“${headerOf(field)}”（第 ${columnLetter(earlier)} 列“${headerRow.cells[earlier]}”和第 ${columnLetter(col)} 列“${cell}”），请删掉其中一列。`);
    }
    columnOf.set(field, col);
  });
  const missing = LEDGER_COLUMNS.filter((c) => c.required && !columnOf.has(c.key));
  if (missing.length > 0) {
    const names = missing.map((c) => `“${c.header}”`).join('、');
    const found = headerRow.cells.filter((c) => c !== '').join('、');
    throw new LedgerFileError(`文件缺少必填列${names}。请把第 ${headerRow.line} 行的表头改成模板里的列名（现有表头：${found || '无'}）。`);
  }

  const records: LedgerRecord[] = [];
  for (const row of nonEmpty) {
    if (row.line <= headerRow.line) continue;
    const cells: Partial<Record<LedgerField, string>> = {};
    let any = false;
    for (const [field, col] of columnOf) {
      const value = convert(row, col, field) ?? row.cells[col] ?? '';
      cells[field] = value;
      if (value !== '') any = true;
    }
    // A row with text only in ignored columns (a note, a signature) carries nothing to import.
    if (!any) continue;
    if (records.length >= MAX_ROWS) throw new LedgerFileError(`文件超过 ${MAX_ROWS} 行数据，请分成几个文件分批导入。`);
    records.push({ line: row.line, cells });
  }
  return { headers: headerRow.cells.map((c) => c), records };
}

function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

async function readXlsx(bytes: Uint8Array): Promise<LedgerFile> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw new LedgerFileError('无法读取这个 Excel 文件，文件可能已损坏。请在 Excel 中打开后重新保存为 .xlsx 再上传。');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new LedgerFileError('这个 Excel 文件里没有工作表。');
  if (sheet.actualRowCount > MAX_ROWS + 50) throw new LedgerFileError(`文件超过 ${MAX_ROWS} 行数据，请分成几个文件分批导入。`);

  const rows: RawRow[] = [];
  const numFmts = new Map<string, string | undefined>();
  const values = new Map<string, ExcelJS.CellValue>();
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const key = `${rowNumber}:${col - 1}`;
      values.set(key, cell.value);
      numFmts.set(key, cell.numFmt);
      cells[col - 1] = trimCell(cellText(cell.value, cell.numFmt));
    });
    rows.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return tableToRecords(rows, (row, col, field) => {
    // A deadline typed as a bare Excel serial number (45260) in a cell without a date format.
    const value = values.get(`${row.line}:${col}`);
    if (field === 'deadline' && typeof value === 'number' && value > 20_000 && value < 80_000) return serialToIsoDate(value);
    return undefined;
  });
}

/** Excel day 0 is 1899-12-30 in the 1900 date system (the 1900 leap-year bug is before day 61). */
function serialToIsoDate(serial: number): string {
  const ms = Math.round(serial * 86_400) * 1000 + Date.UTC(1899, 11, 30);
  return new Date(ms).toISOString().slice(0, 10);
}

function cellText(value: ExcelJS.CellValue, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) {
    const text: unknown = value.text;
    // A hyperlink's text may itself be rich text.
    if (text && typeof text === 'object' && 'richText' in text) return (text as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
    return String(text ?? '');
  }
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result;
    return result === undefined ? '' : cellText(result, numFmt);
  }
  return '';
}

/**
 * Date cells: exceljs builds the Date from the serial as UTC midnight; a few seconds of floating
 * error either way are rounded off before taking the day.
 */
function dateText(date: Date): string {
  const rounded = new Date(Math.round(date.getTime() / 60_000) * 60_000);
  return rounded.toISOString().slice(0, 10);
}

/**
 * A number as Excel shows it. Binary doubles carry noise (12.180000000000001); Excel displays 15
 * significant digits, and so do we. A format with two or more decimals (0.00) is what the user
 * sees and checks, so the value is rounded to it; formats with fewer decimals only hide digits,
 * so the stored value wins and the area check reports any third decimal.
 */
function numberText(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return String(value);
  const plain = plainDecimal(Number(value.toPrecision(15)));
  const decimals = formatDecimals(numFmt);
  return decimals !== null && decimals >= 2 ? roundDecimal(plain, decimals) : plain;
}

function plainDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // 1e-7, 1e+21: write out the digits, as the spreadsheet would with a number format.
  const [mantissa = '0', exp = '0'] = s.split(/e/i);
  const negative = mantissa.startsWith('-');
  const [int = '0', frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  const point = int.length + Number(exp);
  const body =
    point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

function formatDecimals(numFmt: string | undefined): number | null {
  if (!numFmt || numFmt === 'General' || numFmt === '@' || numFmt.includes('%')) return null;
  const section = (numFmt.split(';')[0] ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  const m = /\.([0#?]+)/.exec(section);
  if (m) return m[1]!.length;
  return /[0#]/.test(section) ? 0 : null;
}

/** Half-up rounding on the decimal digits themselves, as Excel displays (1.005 → 1.01). */
function roundDecimal(text: string, decimals: number): string {
  const negative = text.startsWith('-');
  const [int = '0', frac = ''] = text.replace('-', '').split('.');
  if (frac.length <= decimals) return (negative ? '-' : '') + int + '.' + frac.padEnd(decimals, '0');
  const kept = BigInt(int + frac.slice(0, decimals)) + (Number(frac.charAt(decimals)) >= 5 ? 1n : 0n);
  const digits = kept.toString().padStart(decimals + 1, '0');
  const out = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return (negative && kept !== 0n ? '-' : '') + out;
}

// ---------------------------------------------------------------------------------------------
// Checking the records

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

// ---------------------------------------------------------------------------------------------
// Comparing with the ledger

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

// ---------------------------------------------------------------------------------------------
// Template

const DEMO_EXAMPLE = { batch: '卫片执法 2022年度', township: '西社镇', village: '马跑泉村' };

/**
 * The import template: the header row and one example row, UTF-8 with a BOM so that Excel in a
 * Chinese locale opens it without garbling. With `ctx`, the example uses the county's own first
 * batch, township and village, so that it passes the check as it stands.
 */
export function ledgerTemplateCsv(ctx?: ImportContext): string {
  const township = ctx?.townships[0];
  const example: Record<LedgerField, string> = {
    externalId: 'WP2022-0001',
    batch: ctx?.batches[0]?.name ?? DEMO_EXAMPLE.batch,
    township: township?.name ?? DEMO_EXAMPLE.township,
    village: township ? (township.villages[0]?.name ?? '') : DEMO_EXAMPLE.village,
    totalAreaMu: '3.27',
    farmlandAreaMu: '1.05',
    permanentBasic: '否',
    problemClass: '乱占耕地建房',
    measure: '拆除复垦',
    deadline: '2023-11-30',
  };
  const csv = Papa.unparse(
    { fields: LEDGER_COLUMNS.map((c) => c.header), data: [LEDGER_COLUMNS.map((c) => example[c.key])] },
    { newline: '\r\n' },
  );
  return `\uFEFF${csv}\r\n`;
}
