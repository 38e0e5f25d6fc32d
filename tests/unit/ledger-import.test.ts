import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { LEDGER_COLUMNS, LedgerFileError, formatRowError, type ExistingItem, type ImportContext, type LedgerImportRow, type LedgerRecord } from '../../src/domain/ledger/import-columns.ts';
import { parseLedgerDate, validateLedgerRecords } from '../../src/domain/ledger/import-check.ts';
import { readLedgerFile } from '../../src/domain/ledger/import-file.ts';
import { planLedgerImport } from '../../src/domain/ledger/import-plan.ts';
import { ledgerTemplateCsv } from '../../src/domain/ledger/import-template.ts';

const CTX: ImportContext = {
  batches: [
    { code: 'wp-2018-2021', name: '卫片执法 2018—2021年度' },
    { code: 'wp-2022', name: '卫片执法 2022年度' },
  ],
  townships: [
    { code: 'jifeng', name: '稷峰镇', villages: [{ name: '姚村' }, { name: '南阳村' }] },
    { code: 'huayu', name: '化峪镇', villages: [{ name: '化峪村' }] },
    { code: 'taiyang', name: '太阳乡', villages: [{ name: '太阳村' }] },
    { code: 'zhaidian', name: '翟店镇', villages: [{ name: '翟店村' }] },
    { code: 'qinghe', name: '清河镇', villages: [{ name: '清河村' }] },
    { code: 'xishe', name: '西社镇', villages: [{ name: '西社村' }, { name: '马跑泉村' }] },
    { code: 'caicun', name: '蔡村乡', villages: [{ name: '蔡村' }] },
  ],
};

const HEADER = '图斑编号,批次,乡镇,村,总面积（亩）,耕地面积（亩）,永久基本农田,问题类型,整改措施,整改期限';
const ROW_A = 'WP2022-001,卫片执法 2022年度,西社镇,马跑泉村,12.18,3.5,否,乱占耕地建房,拆除复垦,2023-11-30';
const ROW_B = 'WP2022-002,wp-2022,稷峰镇,姚村,0.6,0,是,挖湖造景,恢复耕种,2023年8月31日';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Node's TextEncoder only writes UTF-8 and iconv-lite is not installed, so GB18030 bytes are
 * built from the decoder: every two-byte GBK code decoded once gives the reverse table.
 */
function gb18030(text: string): Uint8Array {
  const table = new Map<string, [number, number]>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const pair = table.get(ch);
      if (!pair) throw new Error(`no GB18030 two-byte code for ${ch}`);
      out.push(...pair);
    }
  }
  return new Uint8Array(out);
}

async function xlsx(build: (sheet: ExcelJS.Worksheet, book: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('台账');
  build(sheet, book);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

function record(line: number, cells: LedgerRecord['cells']): LedgerRecord {
  return { line, cells };
}

/** A valid record; tests override one cell at a time. */
function good(line: number, over: LedgerRecord['cells'] = {}): LedgerRecord {
  return record(line, {
    externalId: `WP-${line}`,
    batch: '卫片执法 2022年度',
    township: '西社镇',
    village: '马跑泉村',
    totalAreaMu: '12.18',
    farmlandAreaMu: '3.5',
    permanentBasic: '否',
    problemClass: '乱占耕地建房',
    measure: '拆除复垦',
    deadline: '2023-11-30',
    ...over,
  });
}

async function expectFileError(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LedgerFileError);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
}

describe('the ledger columns', () => {
  it('name every field with its Chinese header, aliases and whether it is required', () => {
    expect(LEDGER_COLUMNS.map((c) => [c.key, c.header, c.required])).toEqual([
      ['externalId', '图斑编号', true],
      ['batch', '批次', true],
      ['township', '乡镇', true],
      ['village', '村', false],
      ['totalAreaMu', '总面积（亩）', true],
      ['farmlandAreaMu', '耕地面积（亩）', true],
      ['permanentBasic', '永久基本农田', true],
      ['problemClass', '问题类型', true],
      ['measure', '整改措施', false],
      ['deadline', '整改期限', false],
    ]);
    expect(LEDGER_COLUMNS.find((c) => c.key === 'externalId')!.aliases).toEqual(expect.arrayContaining(['宗号', '编号', '图斑号']));
    expect(LEDGER_COLUMNS.find((c) => c.key === 'totalAreaMu')!.aliases).toEqual(expect.arrayContaining(['面积', '总面积', '图斑面积（亩）']));
    expect(LEDGER_COLUMNS.every((c) => c.hint.length > 0)).toBe(true);
  });
});

describe('reading CSV files', () => {
  it('reads UTF-8 without a BOM, with line numbers as the spreadsheet shows them', async () => {
    const file = await readLedgerFile(utf8(`${HEADER}\n${ROW_A}\n${ROW_B}\n`), 'ledger.csv');
    expect(file.headers).toEqual(HEADER.split(','));
    expect(file.records).toEqual([
      {
        line: 2,
        cells: {
          externalId: 'WP2022-001', batch: '卫片执法 2022年度', township: '西社镇', village: '马跑泉村', totalAreaMu: '12.18',
          farmlandAreaMu: '3.5', permanentBasic: '否', problemClass: '乱占耕地建房', measure: '拆除复垦', deadline: '2023-11-30',
        },
      },
      {
        line: 3,
        cells: {
          externalId: 'WP2022-002', batch: 'wp-2022', township: '稷峰镇', village: '姚村', totalAreaMu: '0.6',
          farmlandAreaMu: '0', permanentBasic: '是', problemClass: '挖湖造景', measure: '恢复耕种', deadline: '2023年8月31日',
        },
      },
    ]);
  });

  it('reads UTF-8 with a BOM and CRLF line ends the same way', async () => {
    const file = await readLedgerFile(utf8(`\uFEFF${HEADER}\r\n${ROW_A}\r\n`), 'ledger.csv');
    expect(file.headers[0]).toBe('图斑编号');
    expect(file.records).toHaveLength(1);
    expect(file.records[0]!.cells.township).toBe('西社镇');
  });

  it('reads GB18030, as Excel in a Chinese locale saves CSV', async () => {
    const bytes = gb18030(`${HEADER}\r\n${ROW_A}\r\n`);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const file = await readLedgerFile(bytes, '台账.csv');
    expect(file.headers).toEqual(HEADER.split(','));
    expect(file.records[0]!.cells).toMatchObject({ township: '西社镇', village: '马跑泉村', problemClass: '乱占耕地建房' });
  });

  it('maps header aliases, full-width brackets, spaces and starred headers; ignores unknown columns', async () => {
    const csv = ['宗号*, 批次 ,乡镇,备注,面积(亩),占用耕地面积,永久基本农田,问题类型', 'A-1,wp-2022,西社镇,现场已拍照,5,1,,挖湖造景'].join('\n');
    const file = await readLedgerFile(utf8(csv), 'x.csv');
    expect(file.records[0]!.cells).toEqual({
      externalId: 'A-1', batch: 'wp-2022', township: '西社镇', totalAreaMu: '5', farmlandAreaMu: '1', permanentBasic: '', problemClass: '挖湖造景',
    });
  });

  it('skips fully empty rows but keeps the line numbers of the rows after them', async () => {
    const file = await readLedgerFile(utf8(`${HEADER}\n\n${ROW_A}\n,,,,,,,,,\n${ROW_B}\n`), 'x.csv');
    expect(file.records.map((r) => r.line)).toEqual([3, 5]);
  });

  it('keeps a quoted cell with a comma or line break as one cell', async () => {
    const file = await readLedgerFile(utf8(`${HEADER}\n"WP,1",wp-2022,西社镇,"马跑泉村\n北组",1,0,否,其他,,\n${ROW_B}\n`), 'x.csv');
    expect(file.records[0]!.cells.externalId).toBe('WP,1');
    expect(file.records[0]!.cells.village).toBe('马跑泉村\n北组');
    expect(file.records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('finds the header below a title row', async () => {
    const file = await readLedgerFile(utf8(`稷山县2022年度卫片执法问题台账,,,,,,,,,\n${HEADER}\n${ROW_A}\n`), 'x.csv');
    expect(file.records).toHaveLength(1);
    expect(file.records[0]!.line).toBe(3);
  });

  it('rejects a file that lacks a required column, naming the column in Chinese', async () => {
    const csv = '图斑编号,乡镇,总面积（亩）,耕地面积（亩）,永久基本农田\nA,西社镇,1,0,否\n';
    await expectFileError(
      readLedgerFile(utf8(csv), 'x.csv'),
      '文件缺少必填列“批次”、“问题类型”。请把第 1 行的表头改成模板里的列名（现有表头：图斑编号、乡镇、总面积（亩）、耕地面积（亩）、永久基本农田）。',
    );
  });

  it('rejects two columns that mean the same field', async () => {
    const csv = `${HEADER},面积\n${ROW_A},12\n`;
    await expectFileError(readLedgerFile(utf8(csv), 'x.csv'), '表头里有两列都是“总面积（亩）”（第 E 列“总面积（亩）”和第 K 列“面积”），请删掉其中一列。');
  });

  it('rejects empty files, files over 10 MB and files over 20 000 rows', async () => {
    await expectFileError(readLedgerFile(new Uint8Array(), 'x.csv'), '文件是空的，请选择填好的台账文件。');
    await expectFileError(readLedgerFile(new Uint8Array(10 * 1024 * 1024 + 1).fill(0x41), 'x.csv'), /^文件超过 10 MB/);
    const many = Array.from({ length: 20_001 }, (_, i) => `W${i},wp-2022,西社镇,,1,0,否,其他,,`).join('\n');
    await expectFileError(readLedgerFile(utf8(`${HEADER}\n${many}\n`), 'x.csv'), '文件超过 20000 行数据，请分成几个文件分批导入。');
  });

  it('accepts exactly 20 000 rows', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `W${i},wp-2022,西社镇,,1,0,否,其他,,`).join('\n');
    const file = await readLedgerFile(utf8(`${HEADER}\n${many}\n`), 'x.csv');
    expect(file.records).toHaveLength(20_000);
  });

  it('rejects old .xls files and binary files with a clear message', async () => {
    const cfb = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    await expectFileError(readLedgerFile(cfb, 'ledger.xls'), /旧版 Excel（\.xls）/);
    await expectFileError(readLedgerFile(new Uint8Array([1, 2, 0, 3]), 'photo.jpg'), '无法识别文件格式，请上传 Excel（.xlsx）或 CSV 文件。');
  });
});

describe('reading XLSX files', () => {
  it('reads numbers without float noise, dates, rich text, formulas and an unknown column', async () => {
    const bytes = await xlsx((sheet) => {
      sheet.addRow(['稷山县卫片执法问题台账']); // title row above the table
      sheet.addRow(['宗号', '批次', '乡镇', '村', '图斑面积（亩）', '占用耕地面积', '永久基本农田', '问题类型', '备注', '整改期限']);
      sheet.addRow([140824202200001, 'wp-2022', '西社镇', '马跑泉村', 0.1 + 0.2, 12.180000000000001, true, '乱占耕地建房', '已拍照', new Date(Date.UTC(2023, 10, 30))]);
      const r4 = sheet.addRow(['WP-4', 'wp-2022', '稷峰镇', '', 12.184, 0, '否', '', '', 45260]);
      r4.getCell(5).numFmt = '0.00';
      r4.getCell(8).value = { richText: [{ text: '挖湖', font: { bold: true } }, { text: '造景' }] };
      sheet.addRow([]);
      const r6 = sheet.addRow(['WP-6', 'wp-2022', '稷峰镇', '', 12.184, 0, '否', '其他', '', '']);
      r6.getCell(6).value = { formula: 'E6/2', result: 6.092 };
    });
    const file = await readLedgerFile(bytes, 'ledger.xlsx');
    expect(file.headers).toEqual(['宗号', '批次', '乡镇', '村', '图斑面积（亩）', '占用耕地面积', '永久基本农田', '问题类型', '备注', '整改期限']);
    expect(file.records).toEqual([
      {
        line: 3,
        cells: {
          externalId: '140824202200001', batch: 'wp-2022', township: '西社镇', village: '马跑泉村', totalAreaMu: '0.3',
          farmlandAreaMu: '12.18', permanentBasic: 'TRUE', problemClass: '乱占耕地建房', deadline: '2023-11-30',
        },
      },
      {
        line: 4,
        cells: {
          externalId: 'WP-4', batch: 'wp-2022', township: '稷峰镇', village: '', totalAreaMu: '12.18',
          farmlandAreaMu: '0', permanentBasic: '否', problemClass: '挖湖造景', deadline: '2023-11-30',
        },
      },
      {
        line: 6,
        cells: {
          externalId: 'WP-6', batch: 'wp-2022', township: '稷峰镇', village: '', totalAreaMu: '12.184',
          farmlandAreaMu: '6.092', permanentBasic: '否', problemClass: '其他', deadline: '',
        },
      },
    ]);
  });

  it('repeats a merged township cell on every row it spans', async () => {
    const bytes = await xlsx((sheet) => {
      sheet.addRow(HEADER.split(','));
      sheet.addRow(ROW_A.split(','));
      sheet.addRow(ROW_A.replace('WP2022-001', 'WP2022-009').split(','));
      sheet.mergeCells('C2:C3');
    });
    const file = await readLedgerFile(bytes, 'ledger.xlsx');
    expect(file.records.map((r) => r.cells.township)).toEqual(['西社镇', '西社镇']);
  });

  it('reads only the first worksheet', async () => {
    const bytes = await xlsx((sheet, book) => {
      sheet.addRow(HEADER.split(','));
      sheet.addRow(ROW_A.split(','));
      const other = book.addWorksheet('说明');
      other.addRow(HEADER.split(','));
      other.addRow(ROW_B.split(','));
    });
    const file = await readLedgerFile(bytes, 'ledger.xlsx');
    expect(file.records.map((r) => r.cells.externalId)).toEqual(['WP2022-001']);
  });

  it('recognises an XLSX by its content whatever the file is called', async () => {
    const bytes = await xlsx((sheet) => {
      sheet.addRow(HEADER.split(','));
      sheet.addRow(ROW_A.split(','));
    });
    expect((await readLedgerFile(bytes, 'upload.csv')).records).toHaveLength(1);
  });

  it('reports a corrupt Excel file in Chinese', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expectFileError(readLedgerFile(bytes, 'ledger.xlsx'), /^无法读取这个 Excel 文件/);
    await expectFileError(readLedgerFile(utf8('不是表格'), 'ledger.xlsx'), /^无法读取这个 Excel 文件/);
  });

  it('reports a missing required column in an XLSX too', async () => {
    const bytes = await xlsx((sheet) => {
      sheet.addRow(['图斑编号', '批次', '乡镇', '总面积（亩）', '耕地面积（亩）', '问题类型']);
      sheet.addRow(['A', 'wp-2022', '西社镇', 1, 0, '其他']);
    });
    await expectFileError(readLedgerFile(bytes, 'ledger.xlsx'), /^文件缺少必填列“永久基本农田”/);
  });
});

describe('checking records row by row', () => {
  const check = (...records: LedgerRecord[]) => validateLedgerRecords(records, CTX);

  it('turns a good record into codes, exact two-decimal areas and an ISO date', () => {
    const { rows, errors, warnings } = check(good(2), good(3, { batch: 'wp-2018-2021', township: 'jifeng', village: ' 姚村 ', totalAreaMu: '1,234.5', farmlandAreaMu: '.5', permanentBasic: 'Y', problemClass: 'lake', measure: '', deadline: '2023年8月31日' }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(rows).toEqual<LedgerImportRow[]>([
      { line: 2, externalId: 'WP-2', batchCode: 'wp-2022', township: 'xishe', village: '马跑泉村', totalAreaMu: '12.18', farmlandAreaMu: '3.50', permanentBasic: false, problemClass: 'house', measure: 'demolish', deadline: '2023-11-30' },
      { line: 3, externalId: 'WP-3', batchCode: 'wp-2018-2021', township: 'jifeng', village: '姚村', totalAreaMu: '1234.50', farmlandAreaMu: '0.50', permanentBasic: true, problemClass: 'lake', measure: null, deadline: '2023-08-31' },
    ]);
  });

  it('names an unknown township and lists the county’s townships', () => {
    const { rows, errors } = check(good(5, { township: '西舍镇' }));
    expect(rows).toEqual([]);
    expect(errors).toEqual([{ line: 5, column: '乡镇', message: '没有叫“西舍镇”的乡镇（本县乡镇：稷峰镇、化峪镇、太阳乡、翟店镇、清河镇、西社镇、蔡村乡）' }]);
    expect(formatRowError(errors[0]!)).toBe('第 5 行“乡镇”：没有叫“西舍镇”的乡镇（本县乡镇：稷峰镇、化峪镇、太阳乡、翟店镇、清河镇、西社镇、蔡村乡）');
  });

  it('matches a batch by code or by name, ignoring spaces and the kind of dash', () => {
    const { rows, errors } = check(good(2, { batch: '卫片执法2018-2021年度' }), good(3, { batch: 'WP-2022' }));
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.batchCode)).toEqual(['wp-2018-2021', 'wp-2022']);
  });

  it('reports an unknown batch with the list of batches', () => {
    expect(check(good(7, { batch: '卫片执法 2023年度' })).errors).toEqual([
      { line: 7, column: '批次', message: '没有叫“卫片执法 2023年度”的批次（现有批次：卫片执法 2018—2021年度、卫片执法 2022年度）' },
    ]);
  });

  it('reports empty required cells', () => {
    const { errors } = check(good(2, { externalId: '', batch: '', township: '', totalAreaMu: '', farmlandAreaMu: '', problemClass: '' }));
    expect(errors).toEqual([
      { line: 2, column: '图斑编号', message: '图斑编号不能为空' },
      { line: 2, column: '批次', message: '批次不能为空' },
      { line: 2, column: '乡镇', message: '乡镇不能为空' },
      { line: 2, column: '总面积（亩）', message: '总面积不能为空' },
      { line: 2, column: '耕地面积（亩）', message: '耕地面积不能为空，不涉及耕地请填 0' },
      { line: 2, column: '问题类型', message: '问题类型不能为空' },
    ]);
  });

  it('reports areas that are not numbers, negative, too precise, or farmland larger than the total', () => {
    const { rows, errors } = check(
      good(2, { totalAreaMu: '十二亩' }),
      good(3, { totalAreaMu: '-1.5' }),
      good(4, { totalAreaMu: '12.185' }),
      good(5, { totalAreaMu: '10', farmlandAreaMu: '10.01' }),
      good(6, { totalAreaMu: '12,5' }),
      good(7, { totalAreaMu: '12345678901' }),
    );
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      { line: 2, column: '总面积（亩）', message: '“十二亩”不是数字，面积请只填数字，例如 12.5' },
      { line: 3, column: '总面积（亩）', message: '面积不能是负数（填的是“-1.5”）' },
      { line: 4, column: '总面积（亩）', message: '“12.185”的小数超过两位，面积请精确到 0.01 亩' },
      { line: 5, column: '耕地面积（亩）', message: '耕地面积 10.01 亩大于总面积 10.00 亩' },
      { line: 6, column: '总面积（亩）', message: '“12,5”不是数字，面积请只填数字，例如 12.5' },
      { line: 7, column: "总面积（亩）", message: "“12345678901”太大了（一个图斑不超过 1000000 亩），请检查单位是否为亩" },
    ]);
  });

  it('accepts areas with trailing zeros, a 亩 unit or full-width digits, and equal farmland and total', () => {
    const { rows, errors } = check(good(2, { totalAreaMu: '12.180', farmlandAreaMu: '12.18' }), good(3, { totalAreaMu: '３.２７亩', farmlandAreaMu: '0' }));
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.totalAreaMu, r.farmlandAreaMu])).toEqual([['12.18', '12.18'], ['3.27', '0.00']]);
  });

  it('reads 永久基本农田 as 是/否, Y/N, 1/0, TRUE/FALSE, and an empty cell as 否', () => {
    const values = ['是', '否', 'Y', 'n', '1', '0', 'TRUE', 'false', ''];
    const { rows, errors } = check(...values.map((v, i) => good(i + 2, { permanentBasic: v })));
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.permanentBasic)).toEqual([true, false, true, false, true, false, true, false, false]);
    expect(check(good(9, { permanentBasic: '部分' })).errors).toEqual([
      { line: 9, column: '永久基本农田', message: '只能填“是”或“否”（也可以填 Y/N、1/0），不能填“部分”' },
    ]);
  });

  it('matches problem classes and measures by label or code and reports unknown ones', () => {
    const { rows } = check(good(2, { problemClass: '种植结构调整(非粮化)', measure: 'balance' }), good(3, { problemClass: 'greenhouse', measure: '恢复耕种' }));
    expect(rows.map((r) => [r.problemClass, r.measure])).toEqual([['nongrain', 'balance'], ['greenhouse', 'restore']]);
    expect(check(good(4, { problemClass: '违法占地', measure: '罚款' })).errors).toEqual([
      {
        line: 4,
        column: '问题类型',
        message:
          '没有叫“违法占地”的问题类型（可填：乱占耕地建房、挖湖造景、大棚房、违建别墅、高尔夫球场、绿化造林占用耕地、非法取土/采砂、硬化/堆放、督察发现问题、卫片执法发现问题、耕地撂荒、种植结构调整（非粮化）、虚假整改、责任、作风和腐败问题、其他）',
      },
      { line: 4, column: '整改措施', message: '没有叫“罚款”的整改措施（可填：恢复耕种、拆除复垦、完善用地手续、进出平衡，或不填）' },
    ]);
  });

  it('accepts the usual date forms and reports impossible dates', () => {
    const forms = ['2023-11-30', '2023/11/30', '2023.11.30', '2023年11月30日', '2023-1-5', '20231130'];
    expect(forms.map(parseLedgerDate)).toEqual(['2023-11-30', '2023-11-30', '2023-11-30', '2023-11-30', '2023-01-05', '2023-11-30']);
    const { errors } = check(good(2, { deadline: '2023-02-30' }), good(3, { deadline: '11月底' }));
    expect(errors).toEqual([
      { line: 2, column: '整改期限', message: '“2023-02-30”不是有效的日期，请写成 2023-11-30 或 2023年11月30日' },
      { line: 3, column: '整改期限', message: '“11月底”不是有效的日期，请写成 2023-11-30 或 2023年11月30日' },
    ]);
  });

  it('reports a duplicate external id on the later line, naming the first', () => {
    const { rows, errors } = check(good(2, { externalId: 'WP-9' }), good(3), good(4, { externalId: ' WP-9 ' }), good(8, { externalId: 'WP-9' }));
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(errors).toEqual([
      { line: 4, column: '图斑编号', message: '图斑编号“WP-9”与第 2 行重复' },
      { line: 8, column: '图斑编号', message: '图斑编号“WP-9”与第 2 行重复' },
    ]);
  });

  it('accepts a village missing from the configured list, with a warning', () => {
    const { rows, errors, warnings } = check(good(2, { village: '马跑全村' }), good(3, { village: '' }));
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.village)).toEqual(['马跑全村', null]);
    expect(warnings).toEqual([{ line: 2, column: '村', message: '“马跑全村”不在西社镇的村名单里，将按所填导入；如是笔误请改正' }]);
  });

  it('reports every problem of a row, and only the rows without problems are kept', () => {
    const { rows, errors } = check(good(2), good(3, { township: '无此镇', totalAreaMu: 'abc', deadline: 'x' }), good(4));
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(errors.map((e) => [e.line, e.column])).toEqual([[3, '乡镇'], [3, '总面积（亩）'], [3, '整改期限']]);
  });
});

describe('planning the import against the ledger', () => {
  const row = (over: Partial<LedgerImportRow> = {}): LedgerImportRow => ({
    line: 2, externalId: 'WP-1', batchCode: 'wp-2022', township: 'xishe', village: '马跑泉村', totalAreaMu: '12.50', farmlandAreaMu: '0.30',
    permanentBasic: false, problemClass: 'house', measure: 'demolish', deadline: '2023-11-30', ...over,
  });
  const item = (over: Partial<ExistingItem> = {}): ExistingItem => ({
    externalId: 'WP-1', batchCode: 'wp-2022', township: 'xishe', village: '马跑泉村', totalAreaMu: '12.5', farmlandAreaMu: '0.3',
    permanentBasic: false, problemClass: 'house', measure: 'demolish', deadline: '2023-11-30', ...over,
  });

  it('sorts rows into added, changed and unchanged, comparing areas exactly', () => {
    const existing = new Map([
      ['WP-1', item()],
      ['WP-2', item({ externalId: 'WP-2', totalAreaMu: '12.51' })],
      ['WP-9', item({ externalId: 'WP-9' })],
    ]);
    const plan = planLedgerImport([row(), row({ externalId: 'WP-2', line: 3 }), row({ externalId: 'WP-3', line: 4 })], existing);
    expect(plan.unchanged.map((r) => r.externalId)).toEqual(['WP-1']);
    expect(plan.added.map((r) => r.externalId)).toEqual(['WP-3']);
    expect(plan.changed).toEqual([{ row: row({ externalId: 'WP-2', line: 3 }), changes: [{ field: '总面积（亩）', from: '12.51', to: '12.50' }] }]);
  });

  it('lists every changed field with old and new values as people read them', () => {
    const existing = new Map([
      ['WP-1', item({ batchCode: 'wp-2018-2021', township: 'jifeng', village: null, farmlandAreaMu: '0', permanentBasic: true, problemClass: 'lake', measure: null, deadline: null })],
    ]);
    const plan = planLedgerImport([row()], existing, CTX);
    expect(plan.changed[0]!.changes).toEqual([
      { field: '批次', from: '卫片执法 2018—2021年度', to: '卫片执法 2022年度' },
      { field: '乡镇', from: '稷峰镇', to: '西社镇' },
      { field: '村', from: '（空）', to: '马跑泉村' },
      { field: '耕地面积（亩）', from: '0.00', to: '0.30' },
      { field: '永久基本农田', from: '是', to: '否' },
      { field: '问题类型', from: '挖湖造景', to: '乱占耕地建房' },
      { field: '整改措施', from: '（空）', to: '拆除复垦' },
      { field: '整改期限', from: '（空）', to: '2023年11月30日' },
    ]);
  });

  it('shows codes when no context is given', () => {
    const plan = planLedgerImport([row()], new Map([['WP-1', item({ township: 'jifeng' })]]));
    expect(plan.changed[0]!.changes).toEqual([{ field: '乡镇', from: 'jifeng', to: 'xishe' }]);
  });
});

describe('the import template', () => {
  it('is UTF-8 with a BOM, a header row and one example row', () => {
    const csv = ledgerTemplateCsv();
    expect(csv.startsWith('\uFEFF图斑编号,批次,乡镇,村,总面积（亩）,耕地面积（亩）,永久基本农田,问题类型,整改措施,整改期限\r\n')).toBe(true);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(2);
  });

  it('round-trips through reading and checking without errors', async () => {
    const file = await readLedgerFile(utf8(ledgerTemplateCsv()), 'ledger-template.csv');
    const { rows, errors, warnings } = validateLedgerRecords(file.records, CTX);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(rows).toEqual([
      { line: 2, externalId: 'WP2022-0001', batchCode: 'wp-2022', township: 'xishe', village: '马跑泉村', totalAreaMu: '3.27', farmlandAreaMu: '1.05', permanentBasic: false, problemClass: 'house', measure: 'demolish', deadline: '2023-11-30' },
    ]);
  });

  it('uses the county’s own batch and township when given a context', async () => {
    const ctx: ImportContext = { batches: [{ code: 'b1', name: '督察 2023' }], townships: [{ code: 't1', name: '石鱼镇', villages: [{ name: '石鱼村' }] }] };
    const file = await readLedgerFile(utf8(ledgerTemplateCsv(ctx)), 'ledger-template.csv');
    const { rows, errors } = validateLedgerRecords(file.records, ctx);
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({ batchCode: 'b1', township: 't1', village: '石鱼村' });
  });
});
