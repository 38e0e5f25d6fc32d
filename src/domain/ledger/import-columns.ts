/**
 * Importing a 问题台账 (problem ledger) file: its columns, and the types the steps pass on. Staff
 * keep the ledger in Excel; they upload it as XLSX or as the CSV that Excel saves. Nothing in the
 * import's pure steps touches the database: the file becomes records, the records become checked rows plus row-level errors in
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
 *
 * The import runs in four pure steps, one module each: import-file.ts reads the file into
 * records, import-check.ts checks them into rows and errors, import-plan.ts compares the rows with
 * the ledger, import-template.ts writes the template staff fill in.
 */
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

/** An item already in the ledger, as an import compares it: a checked row without its line. */
export type ExistingItem = Omit<LedgerImportRow, 'line'>;

export interface ImportPlan {
  added: LedgerImportRow[];
  changed: Array<{ row: LedgerImportRow; changes: Array<{ field: string; from: string; to: string }> }>;
  unchanged: LedgerImportRow[];
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ROWS = 20_000;

const COLUMN_BY_KEY = new Map(LEDGER_COLUMNS.map((c) => [c.key, c]));

/** A field's Chinese header, as the file, the errors and the preview name it. */
export function headerOf(key: LedgerField): string {
  return COLUMN_BY_KEY.get(key)?.header ?? key;
}

/** `第 5 行“乡镇”：…` — one error as a sentence, for lists and logs. */
export function formatRowError(e: RowError): string {
  return `第 ${e.line} 行“${e.column}”：${e.message}`;
}

/** Comparison key for headers and names: full-width folded, no spaces, dashes unified. */
export function matchKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[‐‑‒–—―﹣−]/g, '-')
    .toLowerCase();
}

export function trimCell(text: string): string {
  return text.replace(/^[\s\u3000\uFEFF]+|[\s\u3000]+$/g, '');
}
