/** One published demo bulletin, so /progress/bulletins/ shows the format on a fresh install. */
import { chinaToday } from '../../src/shared/china-time.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/database.ts';
import { buildProgressReport } from '../../src/domain/ledger/progress-report.ts';
import { snapshotOf } from '../../src/domain/bulletins/bulletins.ts';

export async function seedDemoBulletin(db: Kysely<Database>): Promise<boolean> {
  if (await db.selectFrom('bulletin').select('id').limit(1).executeTakeFirst()) return false;
  const keeper = await db.selectFrom('staff_user').select('id').where('login', '=', 'ledger').executeTakeFirst();
  const approver = await db.selectFrom('staff_user').select('id').where('login', '=', 'moderator').executeTakeFirst();
  if (!keeper || !approver) return false;
  const today = chinaToday();
  const report = await buildProgressReport(db, today);
  const [y, m] = today.split('-');
  await db
    .insertInto('bulletin')
    .values({
      as_of: today, title: `${y}年${Number(m)}月整改进度调度通报（演示）`, snapshot: JSON.stringify(snapshotOf(report)), status: 'published',
      is_demo: true, created_by: keeper.id, approved_by: approver.id, published_at: new Date(),
    })
    .execute();
  return true;
}
