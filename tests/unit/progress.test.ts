import { describe, expect, it } from 'vitest';
import { formatRate, judgeTarget, meetsRate, rankByFarmland, sumCounts, type CellCounts } from '../../src/domain/ledger/progress.ts';

const counts = (over: Partial<CellCounts>): CellCounts => ({
  items: 0, totalMu: 0, farmlandItems: 0, farmlandMu: 0, claimed: 0, verified: 0, ...over,
});

describe('rectification rate', () => {
  it('rounds to one decimal, half up', () => {
    expect(formatRate(82, 118)).toBe('69.5%');
    expect(formatRate(1, 3)).toBe('33.3%');
    expect(formatRate(2, 3)).toBe('66.7%');
    expect(formatRate(1, 8)).toBe('12.5%');
    expect(formatRate(7, 7)).toBe('100.0%');
  });

  it('shows a dash for a batch with no items instead of dividing by zero', () => {
    expect(formatRate(0, 0)).toBe('—');
  });

  it('decides targets on integers, so 7 of 10 meets 70 % exactly', () => {
    expect(meetsRate(7, 10, 70)).toBe(true);
    expect(meetsRate(69, 100, 70)).toBe(false);
    expect(meetsRate(2, 3, 66.67)).toBe(false);
    expect(meetsRate(2, 3, 66.66)).toBe(true);
    expect(meetsRate(0, 0, 100)).toBe(true);
  });
});

describe('targets by date', () => {
  const targets = [
    { dueDate: '2023-11-30', ratePercent: 70 },
    { dueDate: '2023-09-30', ratePercent: 50 },
  ];

  it('has no target in force before the first deadline, and names the next one', () => {
    const s = judgeTarget(targets, '2023-08-01', 0, 10);
    expect(s.current).toBeNull();
    expect(s.next?.dueDate).toBe('2023-09-30');
    expect(s.behind).toBe(false);
  });

  it('judges against the latest passed deadline once it has gone by', () => {
    const s = judgeTarget(targets, '2023-10-15', 4, 10);
    expect(s.current?.ratePercent).toBe(50);
    expect(s.next?.ratePercent).toBe(70);
    expect(s.behind).toBe(true);
  });

  it('treats the deadline day itself as still open', () => {
    expect(judgeTarget(targets, '2023-09-30', 0, 10).current).toBeNull();
  });

  it('keeps the final target in force after every deadline has passed', () => {
    const s = judgeTarget(targets, '2026-11-23', 7, 10);
    expect(s.current?.ratePercent).toBe(70);
    expect(s.next).toBeNull();
    expect(s.behind).toBe(false);
  });
});

describe('township ranking', () => {
  it('ranks by farmland area taken, largest first, ties by total area', () => {
    const rows = [
      { township: 'a', counts: counts({ farmlandMu: 100, totalMu: 500 }) },
      { township: 'b', counts: counts({ farmlandMu: 2988, totalMu: 14131 }) },
      { township: 'c', counts: counts({ farmlandMu: 100, totalMu: 900 }) },
      { township: 'd', counts: counts({ farmlandMu: 0, totalMu: 1557 }) },
    ];
    expect(rankByFarmland(rows).map((r) => `${r.rank}${r.row.township}`)).toEqual(['1b', '2c', '3a', '4d']);
  });

  it('sums counts exactly', () => {
    const total = sumCounts([counts({ items: 35, totalMu: 14131 }), counts({ items: 15, totalMu: 9593 })]);
    expect(total).toMatchObject({ items: 50, totalMu: 23724 });
  });
});
