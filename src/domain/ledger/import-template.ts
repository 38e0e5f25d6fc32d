/** The ledger import template staff download, fill in Excel and upload again. */
import Papa from 'papaparse';
import { LEDGER_COLUMNS, type ImportContext, type LedgerField } from './import-columns.ts';
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
