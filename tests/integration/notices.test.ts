import { describe, expect, it } from 'vitest';
import { findPublicNotice, listPublishedNotices } from '../../src/domain/notices/notices.ts';
import type { NewCaseNotice } from '../../src/server/database.ts';
import { useTestDatabase } from './helpers.ts';

const db = useTestDatabase();

function notice(over: Partial<NewCaseNotice>): NewCaseNotice {
  return {
    title: '案例', township: 'xishe', village: '西社村', problem_class: 'house', party_public: '王某',
    total_area_mu: '1.00', farmland_area_mu: '0.50', steps: JSON.stringify([{ date: '2023-07-01', action: '立案' }]),
    outcome: 'demolished', body: '正文', status: 'published', published_at: '2023-09-01T00:00:00Z', ...over,
  };
}

describe('public case notices', () => {
  it('lists only published notices, newest first, with a total for paging', async () => {
    await db.insertInto('case_notice').values([
      notice({ title: '旧', published_at: '2023-01-01T00:00:00Z' }),
      notice({ title: '新', published_at: '2023-12-01T00:00:00Z' }),
      notice({ title: '草稿', status: 'draft', published_at: null }),
      notice({ title: '已撤回', status: 'withdrawn', withdrawn_at: '2024-01-01T00:00:00Z', withdraw_reason: '信息有误' }),
    ]).execute();
    const { notices, total } = await listPublishedNotices(db, {}, 1, 10);
    expect(notices.map((n) => n.title)).toEqual(['新', '旧']);
    expect(total).toBe(2);
  });

  it('filters by township and problem class and pages through results', async () => {
    await db.insertInto('case_notice').values([
      notice({ title: 'a', township: 'huayu' }),
      notice({ title: 'b', township: 'huayu', problem_class: 'lake' }),
      ...Array.from({ length: 12 }, (_, i) => notice({ title: `x${i}`, published_at: `2023-05-${String(i + 1).padStart(2, '0')}T00:00:00Z` })),
    ]).execute();
    expect((await listPublishedNotices(db, { township: 'huayu' }, 1, 10)).total).toBe(2);
    expect((await listPublishedNotices(db, { township: 'huayu', problemClass: 'lake' }, 1, 10)).notices.map((n) => n.title)).toEqual(['b']);
    const page2 = await listPublishedNotices(db, { township: 'xishe' }, 2, 10);
    expect(page2.total).toBe(12);
    expect(page2.notices).toHaveLength(2);
  });

  it('gives only the date and reason category of a withdrawn notice, and hides drafts', async () => {
    const [withdrawn, draft, older] = await db.insertInto('case_notice').values([
      notice({ status: 'withdrawn', withdrawn_at: '2024-01-01T00:00:00Z', withdraw_reason: '当事人王建国信息有误', withdraw_category: 'correction' }),
      notice({ status: 'draft', published_at: null }),
      notice({ status: 'withdrawn', withdrawn_at: '2023-05-01T00:00:00Z', withdraw_reason: '信息有误' }),
    ]).returning('id').execute();
    const w = await findPublicNotice(db, String(withdrawn!.id));
    expect(w).toEqual({ id: String(withdrawn!.id), status: 'withdrawn', withdrawnAt: new Date('2024-01-01T00:00:00Z'), withdrawCategory: 'correction', isDemo: false });
    expect(await findPublicNotice(db, String(older!.id))).toMatchObject({ status: 'withdrawn', withdrawCategory: 'other' });
    expect(await findPublicNotice(db, String(draft!.id))).toBeNull();
    expect(await findPublicNotice(db, '1 or 1=1')).toBeNull();
  });
});
