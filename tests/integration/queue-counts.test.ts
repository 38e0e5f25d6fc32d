import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { countByStatus } from '../../src/lib/server/queue.ts';
import type { StaffUser } from '../../src/lib/server/auth.ts';
import { useTestDatabase } from './helpers.ts';
import { insertReport, insertUser } from './staff-fixtures.ts';

const db = useTestDatabase();

/** What the counts must be: counted from the rows themselves, as before report_count existed. */
async function counted(where = sql`true`): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; n: string }>`select status, count(*) as n from report where ${where} group by status`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('the queue counts kept by triggers (report_count)', () => {
  it('follow inserts, status changes, reassignment, photos and deletes, and ignore rolled-back work', async () => {
    const moderator = await insertUser(db, 'moderator');
    const xishe = await insertUser(db, 'township', { township: 'xishe' });
    const a = await insertReport(db, { status: 'submitted', township: 'xishe' });
    const b = await insertReport(db, { status: 'submitted', township: 'jifeng' });
    const c = await insertReport(db, { status: 'verifying', township: 'xishe' });
    expect(await countByStatus(db, moderator, {})).toEqual(await counted());
    expect(await countByStatus(db, moderator, {})).toEqual({ submitted: 2, verifying: 1 });

    await db.updateTable('report').set({ status: 'accepted' }).where('id', '=', a).execute();
    await db.updateTable('report').set({ status: 'verifying', assigned_township: 'jifeng' }).where('id', '=', b).execute();
    await db.updateTable('report').set({ photo_count: 2 }).where('id', '=', c).execute();
    await db.updateTable('report').set({ description: '只改了描述，计数不变。' }).where('id', '=', c).execute();
    expect(await countByStatus(db, moderator, {})).toEqual({ accepted: 1, verifying: 2 });
    expect(await countByStatus(db, moderator, { township: 'xishe' })).toEqual({ accepted: 1, verifying: 1 });
    expect(await countByStatus(db, moderator, { hasPhotos: true })).toEqual({ verifying: 1 });
    expect(await countByStatus(db, moderator, { problemClass: 'lake' })).toEqual({});
    expect(await countByStatus(db, xishe, {})).toEqual({ verifying: 1 });

    await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('report').set({ status: 'closed' }).where('id', '=', c).execute();
        await trx.deleteFrom('report_event').where('report_id', '=', a).execute();
        await trx.deleteFrom('report').where('id', '=', a).execute();
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await countByStatus(db, moderator, {})).toEqual({ accepted: 1, verifying: 2 });

    await db.deleteFrom('report_event').where('report_id', '=', a).execute();
    await db.deleteFrom('report').where('id', '=', a).execute();
    expect(await countByStatus(db, moderator, {})).toEqual({ verifying: 2 });
    expect(await countByStatus(db, moderator, {})).toEqual(await counted());
  });

  it('agree with counting the rows for every filter they serve, and the date filters still count rows', async () => {
    const moderator = await insertUser(db, 'moderator');
    const statuses = ['submitted', 'accepted', 'verifying', 'rectifying', 'closed', 'refused'] as const;
    const townships = ['xishe', 'jifeng', 'huayu'];
    for (let i = 0; i < 24; i++) {
      const id = await insertReport(db, { status: statuses[i % statuses.length], township: townships[i % townships.length], submittedAt: new Date(Date.UTC(2026, 9, 1 + i)) });
      if (i % 4 === 0) await db.updateTable('report').set({ photo_count: 1, problem_class: 'soil' }).where('id', '=', id).execute();
    }
    expect(await countByStatus(db, moderator, {})).toEqual(await counted());
    expect(await countByStatus(db, moderator, { township: 'jifeng' })).toEqual(await counted(sql`township = 'jifeng'`));
    expect(await countByStatus(db, moderator, { problemClass: 'soil', hasPhotos: true })).toEqual(await counted(sql`problem_class = 'soil' and photo_count > 0`));
    const publicity: StaffUser = { ...moderator, role: 'publicity' };
    expect(await countByStatus(db, publicity, {})).toEqual(await counted(sql`status = 'closed'`));
    expect(await countByStatus(db, moderator, { from: '2026-10-05', to: '2026-10-10' })).toEqual(
      await counted(sql`submitted_at >= '2026-10-05T00:00:00+08:00' and submitted_at < '2026-10-11T00:00:00+08:00'`),
    );
  });

  it('are emptied with the table and can be rebuilt from it', async () => {
    const moderator = await insertUser(db, 'moderator');
    await insertReport(db, { status: 'submitted' });
    await sql`truncate report cascade`.execute(db);
    expect(await countByStatus(db, moderator, {})).toEqual({});
    await insertReport(db, { status: 'closed' });
    await sql`delete from report_count`.execute(db);
    await sql`select report_count_rebuild()`.execute(db);
    expect(await countByStatus(db, moderator, {})).toEqual({ closed: 1 });
  });
});
