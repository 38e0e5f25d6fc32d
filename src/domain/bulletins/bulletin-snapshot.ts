/**
 * Monthly bulletins (月调度通报): a frozen copy of the progress figures at a date, and how they
 * moved since the previous bulletin. Pure: the snapshot is plain JSON stored with the bulletin.
 */
import { formatRate, type CellCounts, type Target } from '../ledger/progress.ts';

export interface BulletinSnapshot {
  asOf: string;
  batches: Array<{
    code: string;
    name: string;
    targets: Target[];
    rows: Array<{ township: string; townshipName: string; counts: CellCounts; behind: boolean; currentTarget: Target | null }>;
    total: { counts: CellCounts; behind: boolean };
  }>;
  ranking: Array<{ rank: number; township: string; townshipName: string; counts: CellCounts }>;
}

export interface TownshipChange {
  township: string;
  townshipName: string;
  verifiedBefore: number | null;
  verifiedAfter: number;
  verifiedDelta: number | null;
  claimedDelta: number | null;
  rateBefore: string | null;
  rateAfter: string;
  behind: boolean;
}

export interface BulletinDiff {
  batches: Array<{ code: string; name: string; changes: TownshipChange[] }>;
  ranking: Array<{ township: string; townshipName: string; rank: number; rankBefore: number | null; move: number | null }>;
  behind: Array<{ batch: string; townshipName: string; rate: string; target: Target }>;
}

/** Changes per batch and township since `previous` (null for the first bulletin). */
export function diffBulletins(current: BulletinSnapshot, previous: BulletinSnapshot | null): BulletinDiff {
  const batches = current.batches.map((b) => {
    const before = previous?.batches.find((p) => p.code === b.code);
    return {
      code: b.code,
      name: b.name,
      changes: b.rows.map((r) => {
        const old = before?.rows.find((x) => x.township === r.township);
        return {
          township: r.township,
          townshipName: r.townshipName,
          verifiedBefore: old ? old.counts.verified : null,
          verifiedAfter: r.counts.verified,
          verifiedDelta: old ? r.counts.verified - old.counts.verified : null,
          claimedDelta: old ? r.counts.claimed - old.counts.claimed : null,
          rateBefore: old ? formatRate(old.counts.verified, old.counts.items) : null,
          rateAfter: formatRate(r.counts.verified, r.counts.items),
          behind: r.behind,
        };
      }),
    };
  });
  const ranking = current.ranking.map((r) => {
    const old = previous?.ranking.find((x) => x.township === r.township);
    return { township: r.township, townshipName: r.townshipName, rank: r.rank, rankBefore: old?.rank ?? null, move: old ? old.rank - r.rank : null };
  });
  const behind = current.batches.flatMap((b) =>
    b.rows.filter((r) => r.behind && r.currentTarget).map((r) => ({ batch: b.name, townshipName: r.townshipName, rate: formatRate(r.counts.verified, r.counts.items), target: r.currentTarget! })),
  );
  return { batches, ranking, behind };
}
