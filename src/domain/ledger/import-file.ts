/**
 * Reading a ledger file: CSV (UTF-8, UTF-16 or the GB18030 that Excel saves in a Chinese locale)
 * or XLSX, recognised by content, into records keyed by field, with the header row found and
 * mapped by the columns' names and aliases (import-columns.ts).
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import {
  headerOf, LEDGER_COLUMNS, LedgerFileError, matchKey, MAX_FILE_BYTES, MAX_ROWS, trimCell,
  type LedgerField, type LedgerFile, type LedgerRecord,
} from './import-columns.ts';
function headerKey(text: string): string {
  // Templates often star required columns (图斑编号*) or end a header with a colon.
  return matchKey(text).replace(/[*:]+$/g, '').replace(/^[*]+/, '');
}

const FIELD_BY_HEADER = new Map<string, LedgerField>(
  LEDGER_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [headerKey(h), c.key] as const)),
);

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

