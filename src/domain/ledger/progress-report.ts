/**
 * The public progress report: every batch × township of the county (zero rows included), county
 * totals, targets and the farmland ranking. One shape feeds the page, the home summary and the
 * CSV/JSON downloads, so they can never disagree.
 */
import { chinaToday } from '../../shared/china-time.ts';
import type { Kysely } from 'kysely';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { Database } from '../../server/database.ts';
import { aggregateLedger, describeLedger, listBatches, type BatchSummary } from './ledger.ts';
import { EMPTY_COUNTS, judgeTarget, rankByFarmland, sumCounts, type CellCounts, type TargetStatus } from './progress.ts';
import type { PublicCache } from '../../server/public-cache.ts';
import { hotlineStatsByTownship, type TownshipHotline } from '../reports/hotline-stats.ts';

export interface TownshipProgress {
  township: string;
  townshipName: string;
  counts: CellCounts;
  target: TargetStatus;
}

export interface BatchProgress {
  batch: BatchSummary;
  rows: TownshipProgress[];
  total: CellCounts;
  totalTarget: TargetStatus;
}

export interface ProgressReport {
  today: string;
  batches: BatchProgress[];
  /** All batches together, ranked by farmland area. */
  ranking: Array<{ rank: number; township: string; townshipName: string; counts: CellCounts }>;
  total: CellCounts;
  updatedAt: string | null;
  generatedAt: string;
  hasDemo: boolean;
  /** Citizens' reports per township (figures hidden below the minimum count). */
  hotline: TownshipHotline[];
  hotlineHasDemo: boolean;
}


export async function buildProgressReport(db: Kysely<Database>, today = chinaToday()): Promise<ProgressReport> {
  const [batches, cells, freshness, hotline] = await Promise.all([listBatches(db), aggregateLedger(db), describeLedger(db), hotlineStatsByTownship(db, today)]);
  const townships = jurisdiction.townships;
  const nameOf = (code: string) => townships.find((t) => t.code === code)?.name ?? code;
  // Townships in the ledger but no longer configured still count, listed after the configured ones.
  const codes = [...townships.map((t) => t.code), ...new Set(cells.map((c) => c.township).filter((c) => !townships.some((t) => t.code === c)))];

  const batchProgress = batches.map((batch) => {
    const rows = codes.map((code) => {
      const counts = cells.find((c) => c.batchId === batch.id && c.township === code)?.counts ?? EMPTY_COUNTS;
      return { township: code, townshipName: nameOf(code), counts, target: judgeTarget(batch.targets, today, counts.verified, counts.items) };
    });
    const total = sumCounts(rows.map((r) => r.counts));
    return { batch, rows, total, totalTarget: judgeTarget(batch.targets, today, total.verified, total.items) };
  });

  const perTownship = codes.map((code) => ({
    township: code,
    townshipName: nameOf(code),
    counts: sumCounts(cells.filter((c) => c.township === code).map((c) => c.counts)),
  }));
  const ranking = rankByFarmland(perTownship).map(({ rank, row }) => ({ rank, ...row }));

  return {
    today,
    batches: batchProgress,
    ranking,
    total: sumCounts(batchProgress.map((b) => b.total)),
    updatedAt: freshness.updatedAt?.toISOString() ?? null,
    generatedAt: new Date().toISOString(),
    hasDemo: freshness.hasDemo,
    hotline: hotline.rows,
    hotlineHasDemo: hotline.hasDemo,
  };
}

export function getPublicProgressReport(db: Kysely<Database>, cache: PublicCache): Promise<ProgressReport> {
  return cache.read('progress-report', () => buildProgressReport(db));
}
