/**
 * Rectification progress (整改进度): rates, targets and the township ranking, computed on exact
 * integers (areas in hundredths of a 亩, rates as rationals) so the published figures match the
 * county's documents to the last digit.
 */
import { parseMu } from './mu.ts';

export interface CellCounts {
  items: number;
  /** hundredths of a 亩 */
  totalMu: number;
  farmlandItems: number;
  farmlandMu: number;
  claimed: number;
  verified: number;
}

export interface Target {
  /** YYYY-MM-DD */
  dueDate: string;
  /** percent, e.g. 70 or 66.5 */
  ratePercent: number;
}

export interface TargetStatus {
  /** The latest target whose date has come: the one the rate is judged against now. */
  current: Target | null;
  /** The next target still ahead, if any. */
  next: Target | null;
  behind: boolean;
}

export const EMPTY_COUNTS: CellCounts = { items: 0, totalMu: 0, farmlandItems: 0, farmlandMu: 0, claimed: 0, verified: 0 };

export function addCounts(a: CellCounts, b: CellCounts): CellCounts {
  return {
    items: a.items + b.items,
    totalMu: a.totalMu + b.totalMu,
    farmlandItems: a.farmlandItems + b.farmlandItems,
    farmlandMu: a.farmlandMu + b.farmlandMu,
    claimed: a.claimed + b.claimed,
    verified: a.verified + b.verified,
  };
}

export function sumCounts(rows: readonly CellCounts[]): CellCounts {
  return rows.reduce(addCounts, EMPTY_COUNTS);
}

/** True when done/items ≥ percent/100, decided on integers (percent has at most two decimals). */
export function meetsRate(done: number, items: number, percent: number): boolean {
  if (items === 0) return true;
  const percentHundredths = parseMu(percent);
  return done * 10000 >= percentHundredths * items;
}

/** '77.1%'; '—' for a batch with no items. One decimal, rounded half up. */
/** A percentage as pages and files show rates: one decimal (100 → '100.0%', 66.66 → '66.7%'). */
export function formatPercent(percent: number): string {
  const tenths = Math.round(percent * 10);
  return `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}%`;
}

export function formatRate(done: number, items: number): string {
  if (items === 0) return '—';
  const tenths = Math.floor((done * 2000 + items) / (2 * items)); // round(done*1000/items)
  return `${Math.trunc(tenths / 10)}.${tenths % 10}%`;
}

/** Judges the verified rate against the target in force on `today` (YYYY-MM-DD). */
export function judgeTarget(targets: readonly Target[], today: string, verified: number, items: number): TargetStatus {
  const sorted = [...targets].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const current = sorted.filter((t) => t.dueDate < today).at(-1) ?? null;
  const next = sorted.find((t) => t.dueDate >= today) ?? null;
  return { current, next, behind: current !== null && !meetsRate(verified, items, current.ratePercent) };
}

export interface RankedTownship<T> {
  rank: number;
  row: T;
}

/** Ranks by farmland area taken, largest first, as the county plan lists them; ties by total area, then code. */
export function rankByFarmland<T extends { township: string; counts: CellCounts }>(rows: readonly T[]): RankedTownship<T>[] {
  const sorted = [...rows].sort(
    (a, b) =>
      b.counts.farmlandMu - a.counts.farmlandMu ||
      b.counts.totalMu - a.counts.totalMu ||
      a.township.localeCompare(b.township),
  );
  return sorted.map((row, i) => ({ rank: i + 1, row }));
}
