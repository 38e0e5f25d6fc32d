/**
 * Loads the demo county's data on a fresh database: batches with their targets, a generated
 * ledger that adds up exactly to the official 稷山县 figures, and six demo case notices.
 * Everything is flagged is_demo so pages can label it.
 */
import type { Kysely } from 'kysely';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import type { Database } from '../../src/server/database.ts';
import { JISHAN_BATCHES } from './jishan-figures.ts';
import { createRng, generateTownshipItems, type DemoProgress, type GeneratedItem } from './ledger-generator.ts';
import { DEMO_NOTICES } from './demo-notices.ts';

/** Demo rectification progress by batch and township: some ahead, some behind target. */
const DEMO_PROGRESS: Record<string, DemoProgress[]> = {
  'wp-2018-2021': [
    { claimed: 0.86, verified: 0.77 }, { claimed: 0.8, verified: 0.6 }, { claimed: 1, verified: 1 },
    { claimed: 0.82, verified: 0.73 }, { claimed: 0.92, verified: 0.84 }, { claimed: 0.7, verified: 0.53 },
    { claimed: 1, verified: 0.75 },
  ],
  'wp-2022': [
    { claimed: 1, verified: 1 }, { claimed: 0.9, verified: 0.78 }, { claimed: 1, verified: 1 },
    { claimed: 1, verified: 0.9 }, { claimed: 1, verified: 1 }, { claimed: 0.85, verified: 0.7 },
    { claimed: 1, verified: 1 },
  ],
};

export function generateDemoLedger(): Array<GeneratedItem & { batchCode: string }> {
  const rng = createRng(20230706);
  return JISHAN_BATCHES.flatMap((batch) =>
    batch.townships.flatMap((figures) => {
      const index = jurisdiction.townships.findIndex((t) => t.code === figures.township);
      const township = jurisdiction.townships[index];
      if (!township) throw new Error(`demo figures name an unknown township: ${figures.township}`);
      const progress = DEMO_PROGRESS[batch.code]![index]!;
      return generateTownshipItems(batch, figures, township.villages.map((v) => v.name), index, progress, rng).map(
        (item) => ({ ...item, batchCode: batch.code }),
      );
    }),
  );
}

/** Seeds once: returns false when the database already holds batches. */
export async function seedDemoData(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('batch').select('id').limit(1).executeTakeFirst();
    if (existing) return false;

    const batchIds = new Map<string, number>();
    for (const [order, batch] of JISHAN_BATCHES.entries()) {
      const { id } = await trx
        .insertInto('batch')
        .values({ code: batch.code, name: batch.name, source: batch.source, sort_order: order })
        .returning('id')
        .executeTakeFirstOrThrow();
      batchIds.set(batch.code, id);
      await trx
        .insertInto('batch_target')
        .values(batch.targets.map(([due, rate]) => ({ batch_id: id, due_date: due, rate_percent: rate })))
        .execute();
    }

    const items = generateDemoLedger();
    await trx
      .insertInto('ledger_item')
      .values(
        items.map((i) => ({
          external_id: i.externalId,
          batch_id: batchIds.get(i.batchCode)!,
          township: i.township,
          village: i.village,
          total_area_mu: i.totalAreaMu,
          farmland_area_mu: i.farmlandAreaMu,
          permanent_basic: i.permanentBasic,
          problem_class: i.problemClass,
          measure: i.measure,
          deadline: i.deadline,
          claimed_rectified_on: i.claimedRectifiedOn,
          verified_rectified_on: i.verifiedRectifiedOn,
          is_demo: true,
        })),
      )
      .execute();

    await trx
      .insertInto('case_notice')
      .values(
        DEMO_NOTICES.map((n) => ({
          title: n.title,
          township: n.township,
          village: n.village,
          problem_class: n.problemClass,
          party_public: n.partyPublic,
          total_area_mu: n.totalAreaMu,
          farmland_area_mu: n.farmlandAreaMu,
          steps: JSON.stringify(n.steps),
          outcome: n.outcome,
          accountability: n.accountability,
          body: n.body,
          status: 'published' as const,
          published_at: n.publishedAt,
          is_demo: true,
        })),
      )
      .execute();
    return true;
  });
}
