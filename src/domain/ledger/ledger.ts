import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { parseMu } from './mu.ts';
import { type CellCounts, type Target } from './progress.ts';

export interface BatchSummary {
  id: number;
  code: string;
  name: string;
  targets: Target[];
}

export interface TownshipCell {
  batchId: number;
  township: string;
  counts: CellCounts;
}

export async function listBatches(db: Kysely<Database>): Promise<BatchSummary[]> {
  const batches = await db.selectFrom('batch').select(['id', 'code', 'name']).orderBy('sort_order').orderBy('id').execute();
  const targets = await db.selectFrom('batch_target').select(['batch_id', 'due_date', 'rate_percent']).orderBy('due_date').execute();
  return batches.map((b) => ({
    ...b,
    targets: targets
      .filter((t) => t.batch_id === b.id)
      .map((t) => ({ dueDate: t.due_date, ratePercent: Number(t.rate_percent) })),
  }));
}

/** Per batch × township counts, summed exactly by PostgreSQL (numeric → text). */
export async function aggregateLedger(db: Kysely<Database>): Promise<TownshipCell[]> {
  const rows = await db
    .selectFrom('ledger_item')
    .select((eb) => [
      'batch_id',
      'township',
      eb.fn.countAll<number>().as('items'),
      sql<string>`coalesce(sum(total_area_mu), 0)::text`.as('total_mu'),
      sql<number>`count(*) filter (where farmland_area_mu > 0)`.as('farmland_items'),
      sql<string>`coalesce(sum(farmland_area_mu), 0)::text`.as('farmland_mu'),
      sql<number>`count(*) filter (where claimed_rectified_on is not null)`.as('claimed'),
      sql<number>`count(*) filter (where verified_rectified_on is not null)`.as('verified'),
    ])
    .groupBy(['batch_id', 'township'])
    .execute();
  return rows.map((r) => ({
    batchId: r.batch_id,
    township: r.township,
    counts: {
      items: Number(r.items),
      totalMu: parseMu(r.total_mu),
      farmlandItems: Number(r.farmland_items),
      farmlandMu: parseMu(r.farmland_mu),
      claimed: Number(r.claimed),
      verified: Number(r.verified),
    },
  }));
}

export interface LedgerFreshness {
  updatedAt: Date | null;
  hasDemo: boolean;
}

export async function describeLedger(db: Kysely<Database>): Promise<LedgerFreshness> {
  const row = await db
    .selectFrom('ledger_item')
    .select((eb) => [eb.fn.max('updated_at').as('updated_at'), sql<boolean>`coalesce(bool_or(is_demo), false)`.as('has_demo')])
    .executeTakeFirst();
  return { updatedAt: row?.updated_at ? new Date(row.updated_at as Date) : null, hasDemo: Boolean(row?.has_demo) };
}
