import { chinaToday } from '../../src/shared/china-time.ts';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countByStatus } from '../../src/domain/reports/queue.ts';
import type { StaffUser } from '../../src/domain/accounts/auth.ts';
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

describe('the overdue counts kept by triggers (report_deadline_count)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The China date `days` from now, as the queue's "today" is. */
  const day = (days: number) => chinaToday(new Date(Date.now() + days * 86_400_000));
  const overdueOn = (today: string, where = sql`true`) => sql`stage_deadline < ${today}::date and status not in ('closed', 'refused') and ${where}`;
  const setDeadline = (id: string, days: number | null) =>
    db.updateTable('report').set({ stage_deadline: days === null ? null : day(days) }).where('id', '=', id).execute();
  const pastDayRows = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from report_deadline_count where deadline > '-infinity' and deadline < ${day(0)}::date`.execute(db)).rows[0]!.n);

  it('follow deadlines, status changes, photos, reassignment and deletes, and ignore rolled-back work', async () => {
    const moderator = await insertUser(db, 'moderator');
    const xishe = await insertUser(db, 'township', { township: 'xishe' });
    const publicity: StaffUser = { ...moderator, role: 'publicity' };
    const longAgo = await insertReport(db, { status: 'rectifying', township: 'xishe' });
    const yesterday = await insertReport(db, { status: 'accepted', township: 'jifeng' });
    const dueToday = await insertReport(db, { status: 'verifying', township: 'xishe' });
    const tomorrow = await insertReport(db, { status: 'verifying', township: 'jifeng' });
    const closed = await insertReport(db, { status: 'closed', township: 'xishe' });
    await insertReport(db, { status: 'submitted' });
    await setDeadline(longAgo, -40);
    await setDeadline(yesterday, -1);
    await setDeadline(dueToday, 0);
    await setDeadline(tomorrow, 1);
    await setDeadline(closed, -5);
    const today = day(0);
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ rectifying: 1, accepted: 1 });
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual(await counted(overdueOn(today)));

    await setDeadline(dueToday, -1);
    await db.updateTable('report').set({ photo_count: 3 }).where('id', '=', longAgo).execute();
    await db.updateTable('report').set({ status: 'verifying', assigned_township: 'jifeng' }).where('id', '=', yesterday).execute();
    await db.updateTable('report').set({ status: 'closed', stage_deadline: null }).where('id', '=', tomorrow).execute();
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ rectifying: 1, verifying: 2 });
    expect(await countByStatus(db, moderator, { overdue: true, hasPhotos: true })).toEqual({ rectifying: 1 });
    expect(await countByStatus(db, moderator, { overdue: true, township: 'jifeng' })).toEqual({ verifying: 1 });
    expect(await countByStatus(db, xishe, { overdue: true })).toEqual(await counted(overdueOn(today, sql`assigned_township = 'xishe'`)));
    expect(await countByStatus(db, publicity, { overdue: true })).toEqual({});

    await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('report').set({ status: 'closed', stage_deadline: null }).where('id', '=', longAgo).execute();
        await trx.updateTable('report').set({ stage_deadline: day(-3) }).where('id', '=', tomorrow).execute();
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ rectifying: 1, verifying: 2 });

    await db.deleteFrom('report_event').where('report_id', '=', dueToday).execute();
    await db.deleteFrom('report').where('id', '=', dueToday).execute();
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ rectifying: 1, verifying: 1 });
    for (const f of [{}, { hasPhotos: true }, { township: 'xishe' }, { problemClass: 'house', township: 'jifeng' }]) {
      const where = sql.join([sql`true`, ...('hasPhotos' in f ? [sql`photo_count > 0`] : []), ...('township' in f ? [sql`township = ${f.township}`] : []), ...('problemClass' in f ? [sql`problem_class = ${f.problemClass}`] : [])], sql` and `);
      expect(await countByStatus(db, moderator, { ...f, overdue: true }), JSON.stringify(f)).toEqual(await counted(overdueOn(today, where)));
    }
  });

  it('fold the days before today once a day and stay right for a clock on either side of the fold', async () => {
    const moderator = await insertUser(db, 'moderator');
    const ids: string[] = [];
    for (const [i, days] of [-30, -30, -2, -1, 0, 1, 3].entries()) {
      const id = await insertReport(db, { status: i % 2 ? 'verifying' : 'rectifying', township: i % 3 ? 'xishe' : 'jifeng' });
      await setDeadline(id, days);
      ids.push(id);
    }
    // Fresh from TRUNCATE nothing is folded: every deadline has its day row.
    expect(await db.selectFrom('report_deadline_fold').selectAll().execute()).toEqual([]);
    expect(await pastDayRows()).toBeGreaterThan(0);
    const today = day(0);
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual(await counted(overdueOn(today)));
    // That count folded every day before today.
    expect(await db.selectFrom('report_deadline_fold').select('before').executeTakeFirst()).toEqual({ before: today });
    expect(await pastDayRows()).toBe(0);
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ rectifying: 2, verifying: 2 });

    // Changes to folded deadlines land in the folded rows; new past deadlines too.
    await db.updateTable('report').set({ status: 'closed', stage_deadline: null }).where('id', '=', ids[0]!).execute();
    await db.updateTable('report').set({ photo_count: 1 }).where('id', '=', ids[1]!).execute();
    await setDeadline(ids[6]!, -8);
    expect(await pastDayRows()).toBe(0);
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual(await counted(overdueOn(today)));
    expect(await countByStatus(db, moderator, { overdue: true, hasPhotos: true })).toEqual({ verifying: 1 });

    // A clock behind the fold cannot use the folded rows: it counts the reports.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 2 * 86_400_000));
    const behind = chinaToday();
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual(await counted(overdueOn(behind)));
    // A clock ahead counts the days up to its today but folds no further than the database's date.
    vi.setSystemTime(new Date(Date.now() + 4 * 86_400_000 + 60_000));
    const ahead = chinaToday();
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual(await counted(overdueOn(ahead)));
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ rectifying: 3, verifying: 3 });
    vi.useRealTimers();
    expect(await db.selectFrom('report_deadline_fold').select('before').executeTakeFirst()).toEqual({ before: today });
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual(await counted(overdueOn(today)));
  });

  it('are rebuilt from the table with the other counts', async () => {
    const moderator = await insertUser(db, 'moderator');
    for (const days of [-9, -1, 2]) await setDeadline(await insertReport(db, { status: 'verifying' }), days);
    await sql`delete from report_deadline_count`.execute(db);
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({});
    await sql`select report_count_rebuild()`.execute(db);
    expect(await countByStatus(db, moderator, { overdue: true })).toEqual({ verifying: 2 });
    expect(await db.selectFrom('report_deadline_fold').select('before').executeTakeFirst()).toEqual({ before: day(0) });
    expect(await pastDayRows()).toBe(0);
  });
});
