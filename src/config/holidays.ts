/**
 * Committed additions to the official holiday calendar, read only by src/shared/working-days.ts.
 *
 * The calendar normally comes from the `chinese-days` npm package. Each year the State Council
 * (国务院办公厅) publishes 《关于 YYYY 年部分节假日安排的通知》, usually in November; until a new
 * package release carries it, add that year here so that deadlines running into January are
 * counted right. An entry can also correct a year the package got wrong.
 *
 * An entry REPLACES the package's data for every date of its calendar year: list every holiday
 * and every make-up working day of the notice, not only the ones that differ. Weekdays not
 * listed are working days, weekends not listed are days off. Dates of the neighbouring year that
 * the notice names (e.g. a 31 December make-up day) are honoured too.
 *
 * Copy dates from the notice itself (gov.cn), never from a forecast. See
 * "Holiday calendar: updating each December" in the README.
 */

/** One year's schedule as the State Council notice gives it. */
export interface YearSchedule {
  readonly year: number;
  /** Where the dates were copied from, e.g. '国办发明电〔2025〕7号, https://www.gov.cn/...'. */
  readonly source: string;
  /** Every day off of the notice (放假), 'YYYY-MM-DD', including the weekend days inside a break. */
  readonly holidays: readonly string[];
  /** Every weekend day the notice turns into a working day (调休上班), 'YYYY-MM-DD'. */
  readonly workdays: readonly string[];
}

/**
 * Empty while the package covers every year we need (2004–2026 in chinese-days 1.5.7).
 * The 2027 notice had not been found when this file was written; add it here when it is out,
 * e.g.:
 *
 *   {
 *     year: 2027,
 *     source: '国办发明电〔2026〕N号 https://www.gov.cn/zhengce/content/...',
 *     holidays: ['2027-01-01', ...],
 *     workdays: [...],
 *   },
 */
export const HOLIDAY_OVERRIDES: readonly YearSchedule[] = [];
