/**
 * Exact arithmetic on areas in 亩. PostgreSQL hands numeric(12,2) values over as strings; we keep
 * them as integer hundredths so that sums and comparisons never meet a binary float.
 */

const PATTERN = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** '141.31' → 14131. Throws on anything that is not a plain decimal with at most two places. */
export function parseMu(value: string | number): number {
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = PATTERN.exec(text);
  if (!m) throw new RangeError(`不是有效的亩数：${String(value)}`);
  const hundredths = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] && hundredths !== 0 ? -hundredths : hundredths;
}

/**
 * 14131 → '141.31', 2250 → '22.50', 0 → '0.00': always two decimals, on pages and in files alike,
 * so that columns line up and a reader never wonders whether '22.5' lost a digit.
 */
export function formatMu(hundredths: number): string {
  if (!Number.isInteger(hundredths)) throw new RangeError(`亩数必须是整数个 0.01 亩：${hundredths}`);
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The largest area one patch or one notice can have: a million 亩 is more than a whole county
 * (稷山县 is about 686 km², some 1.03 million 亩). Anything larger is a typo or a wrong unit, and
 * the database refuses it too (migration 0011).
 */
export const MAX_AREA_MU = 1_000_000;

/** Why `text` is not the area of one patch, in Chinese, or null when it is. */
export function areaProblem(text: string, label: string): string | null {
  let hundredths: number;
  try {
    hundredths = parseMu(text);
  } catch {
    return `${label}请填写数字，最多两位小数，例如 12.5`;
  }
  if (hundredths < 0) return `${label}不能是负数`;
  if (hundredths > MAX_AREA_MU * 100) return `${label}不能超过 ${MAX_AREA_MU} 亩，请检查单位是否为亩`;
  return null;
}
