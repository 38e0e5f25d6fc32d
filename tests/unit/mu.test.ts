import { describe, expect, it } from 'vitest';
import { formatMu, parseMu } from '../../src/domain/ledger/mu.ts';

describe('areas in 亩', () => {
  it('parses decimal strings into exact hundredths', () => {
    expect(parseMu('141.31')).toBe(14131);
    expect(parseMu('19.5')).toBe(1950);
    expect(parseMu('0')).toBe(0);
    expect(parseMu('0.01')).toBe(1);
    expect(parseMu(' 12.18 ')).toBe(1218);
  });

  it('rejects values that are not plain decimals with at most two places', () => {
    for (const bad of ['', 'abc', '1.234', '1e3', '1,000', '--1', 'NaN', '.5']) {
      expect(() => parseMu(bad), bad).toThrow(RangeError);
    }
  });

  it('prints every area with two decimals, on pages and in files alike', () => {
    expect(formatMu(66151)).toBe('661.51');
    expect(formatMu(2250)).toBe('22.50');
    expect(formatMu(0)).toBe('0.00');
    expect(formatMu(1200)).toBe('12.00');
    expect(formatMu(7)).toBe('0.07');
    expect(formatMu(-5)).toBe('-0.05');
  });

  it('sums decimals exactly where binary floats would drift', () => {
    const exact = ['0.1', '0.2'].map(parseMu).reduce((a, b) => a + b, 0);
    expect(formatMu(exact)).toBe('0.30');
    expect(0.1 + 0.2).not.toBe(0.3);
  });
});
