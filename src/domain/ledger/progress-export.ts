/** The progress report as flat rows for CSV and JSON downloads (same numbers as the page). */
import type { ProgressReport } from './progress-report.ts';
import { formatMu } from './mu.ts';
import { formatPercent, formatRate } from './progress.ts';

export const PROGRESS_COLUMNS = [
  ['batch', '批次'],
  ['township', '乡镇'],
  ['items', '图斑数'],
  ['total_area_mu', '总面积_亩'],
  ['farmland_items', '涉及耕地图斑数'],
  ['farmland_area_mu', '耕地面积_亩'],
  ['claimed_rectified', '乡镇自报整改数'],
  ['verified_rectified', '县级核验销号数'],
  ['verified_rate', '销号率'],
  ['current_target_date', '当前目标日期'],
  ['current_target_percent', '当前目标_百分比'],
  ['behind_target', '落后于目标'],
] as const;

export type ProgressRow = Record<(typeof PROGRESS_COLUMNS)[number][0], string | number | boolean | null>;

export function flattenProgress(report: ProgressReport): ProgressRow[] {
  return report.batches.flatMap((b) =>
    [...b.rows.map((r) => ({ name: r.townshipName, counts: r.counts, target: r.target })), { name: '全县合计', counts: b.total, target: b.totalTarget }].map(
      ({ name, counts, target }) => ({
        batch: b.batch.name,
        township: name,
        items: counts.items,
        total_area_mu: formatMu(counts.totalMu),
        farmland_items: counts.farmlandItems,
        farmland_area_mu: formatMu(counts.farmlandMu),
        claimed_rectified: counts.claimed,
        verified_rectified: counts.verified,
        verified_rate: formatRate(counts.verified, counts.items),
        current_target_date: target.current?.dueDate ?? null,
        current_target_percent: target.current ? formatPercent(target.current.ratePercent) : null,
        behind_target: target.behind,
      }),
    ),
  );
}

/** One quoted CSV cell: 是/否 for yes and no; text a spreadsheet would run as a formula is neutralised. */
export function csvCell(value: string | number | boolean | null): string {
  const text = value === null ? '' : typeof value === 'boolean' ? (value ? '是' : '否') : String(value);
  // Quote always; neutralise spreadsheet formulas in text cells.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** CSV with a BOM, so Excel in a Chinese locale opens it as UTF-8. */
export function toCsv(rows: readonly ProgressRow[]): string {
  const header = PROGRESS_COLUMNS.map(([, label]) => csvCell(label)).join(',');
  const lines = rows.map((row) => PROGRESS_COLUMNS.map(([key]) => csvCell(row[key])).join(','));
  return `\uFEFF${[header, ...lines].join('\r\n')}\r\n`;
}
