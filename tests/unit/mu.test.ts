import { describe, expect, it } from 'vitest';
import { formatMu, formatMuFixed, parseMu } from '../../src/lib/mu.ts';

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

  it('prints areas the way the county documents do, without trailing zeros', () => {
    expect(formatMu(66151)).toBe('661.51');
    expect(formatMu(2250)).toBe('22.5');
    expect(formatMu(0)).toBe('0');
    expect(formatMu(1200)).toBe('12');
    expect(formatMu(-5)).toBe('-0.05');
  });

  it('prints fixed two decimals for machine-readable files', () => {
    expect(formatMuFixed(2250)).toBe('22.50');
    expect(formatMuFixed(7)).toBe('0.07');
  });

  it('sums decimals exactly where binary floats would drift', () => {
    const exact = ['0.1', '0.2'].map(parseMu).reduce((a, b) => a + b, 0);
    expect(formatMu(exact)).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
  });
});
