import { describe, expect, it } from 'vitest';
import { toCsv, type ProgressRow } from '../../src/domain/ledger/progress-export.ts';
import { formatPercent, formatRate } from '../../src/domain/ledger/progress.ts';

const row = (over: Partial<ProgressRow>): ProgressRow => ({
  batch: '卫片执法 2022年度', township: '稷峰镇', items: 5, total_area_mu: '9.41', farmland_items: 0,
  farmland_area_mu: '0.00', claimed_rectified: 5, verified_rectified: 5, verified_rate: '100.0%',
  current_target_date: '2023-11-30', current_target_percent: '100.0%', behind_target: false, ...over,
});

describe('progress CSV', () => {
  it('starts with a BOM and a Chinese header so Excel opens it as UTF-8', () => {
    const csv = toCsv([row({})]);
    expect(csv.startsWith('\uFEFF"批次","乡镇","图斑数"')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(3);
  });

  it('quotes cells and doubles embedded quotes', () => {
    expect(toCsv([row({ township: '某"镇"' })])).toContain('"某""镇"""');
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    expect(toCsv([row({ township: '=HYPERLINK("x")' })])).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('writes empty cells for missing targets', () => {
    expect(toCsv([row({ current_target_date: null, current_target_percent: null })])).toContain(',"","",');
  });

  it('writes yes and no as 是 and 否', () => {
    const csv = toCsv([row({ behind_target: true }), row({ behind_target: false })]);
    expect(csv).toContain('"100.0%","2023-11-30","100.0%","是"');
    expect(csv).toContain('"否"');
    expect(csv).not.toMatch(/true|false/);
  });

  it('writes every rate and target as a percentage with one decimal', () => {
    expect([formatRate(2, 3), formatRate(1, 8), formatRate(0, 5), formatRate(5, 5)]).toEqual(['66.7%', '12.5%', '0.0%', '100.0%']);
    expect([formatPercent(100), formatPercent(85), formatPercent(66.66)]).toEqual(['100.0%', '85.0%', '66.7%']);
  });
});
