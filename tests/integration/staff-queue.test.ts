import { chinaToday } from '../../src/shared/china-time.ts';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { countByStatus, decodeCursor, encodeCursor, listQueue, type Cursor } from '../../src/domain/reports/queue.ts';
import type { StaffUser } from '../../src/domain/accounts/auth.ts';
import { useTestDatabase } from './helpers.ts';
import { insertReport, insertUser } from './staff-fixtures.ts';

const db = useTestDatabase();

/** Walks the queue page by page through the cursor, as the “下一页” links do (via their URL form). */
async function walk(user: StaffUser, filter: Parameters<typeof listQueue>[2], pageSize: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: Cursor | null = null;
  for (let i = 0; i < 100; i++) {
    const { rows, next } = await listQueue(db, user, filter, after, pageSize);
    pages.push(rows.map((r) => r.id));
    if (!next) break;
    after = decodeCursor(encodeCursor(next));
    expect(after).not.toBeNull();
  }
  return pages;
}

describe('the staff queue', () => {
  it('pages through every report exactly once, oldest first, when reports share a submission time', async () => {
    const moderator = await insertUser(db, 'moderator');
    const t = new Date('2026-11-20T01:00:00Z');
    const ids: string[] = [];
    // Groups of three with the same timestamp: the id breaks the tie.
    for (let i = 0; i < 12; i++) ids.push(await insertReport(db, { submittedAt: new Date(t.getTime() + Math.floor(i / 3) * 60_000) }));
    const pages = await walk(moderator, {}, 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(ids);
  });

  it('pages through reports stamped by the database to the microsecond without repeating or skipping any', async () => {
    const moderator = await insertUser(db, 'moderator');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = await insertReport(db);
      // As intake stores them: the database's own clock, with microseconds.
      await sql`update report set submitted_at = now() - make_interval(secs => ${7 - i}) + make_interval(secs => ${(i * 137 + 1) / 1e6}) where id = ${id}`.execute(db);
      ids.push(id);
    }
    const micros = await sql<{ us: number }>`select extract(microseconds from submitted_at)::bigint % 1000 as us from report`.execute(db);
    expect(micros.rows.some((r) => Number(r.us) !== 0)).toBe(true);
    const pages = await walk(moderator, {}, 2);
    expect(pages.flat()).toEqual(ids);
  });

  it('filters by status and township and counts per status for the same filter', async () => {
    const moderator = await insertUser(db, 'moderator');
    const a = await insertReport(db, { status: 'submitted', township: 'xishe' });
    await insertReport(db, { status: 'submitted', township: 'jifeng' });
    const c = await insertReport(db, { status: 'verifying', township: 'xishe' });
    expect((await listQueue(db, moderator, { township: 'xishe' }, null)).rows.map((r) => r.id)).toEqual([a, c]);
    expect((await listQueue(db, moderator, { status: 'verifying' }, null)).rows.map((r) => r.id)).toEqual([c]);
    expect(await countByStatus(db, moderator, { township: 'xishe' })).toEqual({ submitted: 1, verifying: 1 });
  });

  it('pages through the overdue reports under the other filters, oldest first, as selecting them from the table does', async () => {
    const moderator = await insertUser(db, 'moderator');
    const xishe = await insertUser(db, 'township', { township: 'xishe' });
    const t = new Date('2026-10-01T01:00:00Z');
    const day = (days: number) => chinaToday(new Date(Date.now() + days * 86_400_000));
    const statuses = ['submitted', 'accepted', 'verifying', 'rectifying', 'closed', 'refused'] as const;
    for (let i = 0; i < 30; i++) {
      const id = await insertReport(db, { status: statuses[i % statuses.length], township: i % 3 ? 'xishe' : 'jifeng', submittedAt: new Date(t.getTime() + (i % 7) * 3600_000) });
      await db.updateTable('report').set({ stage_deadline: day((i % 5) - 3), photo_count: i % 4 ? 1 : 0 }).where('id', '=', id).execute();
    }
    const expected = async (where: ReturnType<typeof sql>) =>
      (await sql<{ id: string }>`select id from report where stage_deadline < ${day(0)}::date and status not in ('closed', 'refused') and ${where} order by submitted_at, id`.execute(db)).rows.map((r) => r.id);
    const overdue = await expected(sql`true`);
    expect(overdue.length).toBeGreaterThan(5);
    expect((await walk(moderator, { overdue: true }, 2)).flat()).toEqual(overdue);
    expect((await walk(moderator, { overdue: true, hasPhotos: true, township: 'xishe' }, 3)).flat()).toEqual(await expected(sql`photo_count > 0 and township = 'xishe'`));
    expect((await walk(moderator, { overdue: true, status: 'verifying' }, 2)).flat()).toEqual(await expected(sql`status = 'verifying'`));
    expect((await walk(xishe, { overdue: true }, 4)).flat()).toEqual(await expected(sql`assigned_township = 'xishe'`));
    const first = await listQueue(db, moderator, { overdue: true }, null, 3);
    expect(first.rows.every((r) => r.overdue)).toBe(true);
  });

  it('a tampered cursor is ignored rather than trusted', () => {
    for (const bad of ['', 'x'.repeat(101), Buffer.from('not-a-date|5').toString('base64url'), Buffer.from('2026-11-20T01:00:00Z|1 or 1=1').toString('base64url')]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
  });
});
