/**
 * Generates a demo ledger whose per-township counts and areas add up exactly to the official
 * figures. Deterministic (seeded), so every fresh install shows the same demo.
 */
import { parseMu, formatMu } from '../../src/domain/ledger/mu.ts';
import type { ProblemClass, Measure } from '../../src/shared/taxonomy.ts';
import type { BatchFigures, TownshipFigures } from './jishan-figures.ts';

export interface GeneratedItem {
  externalId: string;
  township: string;
  village: string;
  totalAreaMu: string;
  farmlandAreaMu: string;
  permanentBasic: boolean;
  problemClass: ProblemClass;
  measure: Measure;
  deadline: string;
  claimedRectifiedOn: string | null;
  verifiedRectifiedOn: string | null;
}

export type Rng = () => number;

/** mulberry32: small, fast, good enough for demo data. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits `total` (integer) into parts with the given minimums, summing exactly to `total`.
 * Random weights decide how the surplus above the minimums is shared.
 */
export function partition(total: number, minimums: readonly number[], rng: Rng): number[] {
  const floor = minimums.reduce((a, b) => a + b, 0);
  if (floor > total) throw new RangeError(`cannot split ${total} into parts with minimums summing to ${floor}`);
  if (minimums.length === 0) {
    if (total !== 0) throw new RangeError('cannot split a non-zero total into no parts');
    return [];
  }
  const surplus = total - floor;
  const weights = minimums.map(() => 0.2 + rng() ** 2);
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.floor((surplus * w) / sum));
  let left = surplus - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length, left--) shares[i]! += 1;
  return minimums.map((m, i) => m + shares[i]!);
}

const FARMLAND_CLASSES: ProblemClass[] = ['house', 'greenhouse', 'paving', 'soil', 'house', 'greening', 'lake'];
const OTHER_CLASSES: ProblemClass[] = ['house', 'paving', 'soil', 'other', 'house'];
const MEASURE_FOR: Partial<Record<ProblemClass, Measure>> = {
  house: 'demolish', greenhouse: 'demolish', villa: 'demolish', golf: 'demolish',
  paving: 'restore', soil: 'restore', lake: 'restore', greening: 'restore',
};

function pick<T>(list: readonly T[], rng: Rng): T {
  return list[Math.floor(rng() * list.length)]!;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface DemoProgress {
  /** Share of items the township claims rectified, 0..1. */
  claimed: number;
  /** Share of items verified by the county, 0..1 (≤ claimed). */
  verified: number;
}

export function generateTownshipItems(
  batch: BatchFigures,
  figures: TownshipFigures,
  villages: readonly string[],
  townshipIndex: number,
  progress: DemoProgress,
  rng: Rng,
): GeneratedItem[] {
  const n = figures.cases;
  const k = figures.farmlandCases;
  const farmland = partition(parseMu(figures.farmlandMu), Array(k).fill(1), rng);
  // Every item has some area; farmland items may be wholly farmland (extra 0).
  const extra = partition(
    parseMu(figures.areaMu) - parseMu(figures.farmlandMu),
    Array.from({ length: n }, (_, i) => (i < k ? 0 : 1)),
    rng,
  );
  const claimedCount = Math.round(n * progress.claimed);
  const verifiedCount = Math.min(claimedCount, Math.round(n * progress.verified));
  const prefix = `JS-${batch.code.toUpperCase()}-${String(townshipIndex + 1).padStart(2, '0')}`;
  // Progress must not follow farmland order, nor ids the generation order.
  const claimRank = shuffle(Array.from({ length: n }, (_, i) => i), rng);
  const order = shuffle(Array.from({ length: n }, (_, i) => i), rng);

  const items = Array.from({ length: n }, (_, i) => {
    const farm = i < k ? farmland[i]! : 0;
    const problemClass = pick(farm > 0 ? FARMLAND_CLASSES : OTHER_CLASSES, rng);
    // Spread claims over the campaign's busy months; verification follows within weeks.
    const rank = claimRank[i]!;
    const claimedOn = rank < claimedCount ? addDays('2023-07-10', Math.floor(rng() * 130)) : null;
    const verifiedOn = claimedOn && rank < verifiedCount ? addDays(claimedOn, 7 + Math.floor(rng() * 20)) : null;
    return {
      externalId: `${prefix}-${String(order[i]! + 1).padStart(3, '0')}`,
      township: figures.township,
      village: pick(villages, rng),
      totalAreaMu: formatMu(farm + extra[i]!),
      farmlandAreaMu: formatMu(farm),
      permanentBasic: farm > 0 && rng() < 0.3,
      problemClass,
      measure: MEASURE_FOR[problemClass] ?? 'approve',
      deadline: problemClass === 'house' && batch.code === 'wp-2022' ? '2023-08-31' : batch.itemDeadline,
      claimedRectifiedOn: claimedOn,
      verifiedRectifiedOn: verifiedOn,
    };
  });
  return items.sort((a, b) => a.externalId.localeCompare(b.externalId));
}

function shuffle<T>(list: T[], rng: Rng): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
