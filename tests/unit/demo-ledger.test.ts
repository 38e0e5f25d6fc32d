import { describe, expect, it } from 'vitest';
import { generateDemoLedger } from '../../db/seed/demo.ts';
import { JISHAN_BATCHES } from '../../db/seed/jishan-figures.ts';
import { createRng, partition } from '../../db/seed/ledger-generator.ts';
import { formatMu, parseMu } from '../../src/domain/ledger/mu.ts';

describe('demo ledger', () => {
  const items = generateDemoLedger();

  for (const batch of JISHAN_BATCHES) {
    for (const t of batch.townships) {
      it(`adds up exactly to the official figures for ${t.township} in ${batch.code}`, () => {
        const mine = items.filter((i) => i.batchCode === batch.code && i.township === t.township);
        const farmland = mine.filter((i) => parseMu(i.farmlandAreaMu) > 0);
        expect(mine).toHaveLength(t.cases);
        expect(formatMu(mine.reduce((s, i) => s + parseMu(i.totalAreaMu), 0))).toBe(formatMu(parseMu(t.areaMu)));
        expect(farmland).toHaveLength(t.farmlandCases);
        expect(formatMu(farmland.reduce((s, i) => s + parseMu(i.farmlandAreaMu), 0))).toBe(formatMu(parseMu(t.farmlandMu)));
      });
    }

    it(`matches the county totals of ${batch.code}`, () => {
      const mine = items.filter((i) => i.batchCode === batch.code);
      expect(mine).toHaveLength(batch.county.cases);
      expect(formatMu(mine.reduce((s, i) => s + parseMu(i.totalAreaMu), 0))).toBe(formatMu(parseMu(batch.county.areaMu)));
      expect(mine.filter((i) => parseMu(i.farmlandAreaMu) > 0)).toHaveLength(batch.county.farmlandCases);
      expect(formatMu(mine.reduce((s, i) => s + parseMu(i.farmlandAreaMu), 0))).toBe(formatMu(parseMu(batch.county.farmlandMu)));
    });
  }

  it('never gives an item more farmland than area, nor a zero-area item', () => {
    for (const i of items) {
      expect(parseMu(i.farmlandAreaMu)).toBeLessThanOrEqual(parseMu(i.totalAreaMu));
      expect(parseMu(i.totalAreaMu)).toBeGreaterThan(0);
    }
  });

  it('only verifies items that were claimed, and never before the claim', () => {
    for (const i of items) {
      if (i.verifiedRectifiedOn) expect(i.claimedRectifiedOn! <= i.verifiedRectifiedOn).toBe(true);
    }
  });

  it('has unique external ids and is the same on every install', () => {
    expect(new Set(items.map((i) => i.externalId)).size).toBe(items.length);
    expect(generateDemoLedger()).toEqual(items);
  });

  it('splits a total into parts that respect their minimums', () => {
    const rng = createRng(1);
    const parts = partition(1000, [0, 1, 1, 5], rng);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(parts[1]).toBeGreaterThanOrEqual(1);
    expect(parts[3]).toBeGreaterThanOrEqual(5);
    expect(() => partition(2, [1, 1, 1], rng)).toThrow(RangeError);
  });
});
