import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../../db/seed/demo.ts';
import { createStaffUser } from '../../src/domain/accounts/staff-users.ts';
import type { StaffUser } from '../../src/domain/accounts/auth.ts';
import { approveAndPublishNotice, saveNoticeDraft, withdrawNotice } from '../../src/domain/notices/notice-drafts.ts';
import { findPublicNotice, listPublishedNotices } from '../../src/domain/notices/notices.ts';
import { noticesDataset } from '../../src/domain/bulletins/open-data.ts';
import { freezeBulletin, loadPublishedBulletin, publishBulletin } from '../../src/domain/bulletins/bulletins.ts';
import { claimRectified, findLedgerMatches, verifyRectified } from '../../src/domain/ledger/ledger-admin.ts';
import type { NoticeDraftInput } from '../../src/domain/notices/notice-schema.ts';
import type { StaffRole } from '../../src/shared/permissions.ts';
import { useTestDatabase } from './helpers.ts';

const db = useTestDatabase();

async function staff(login: string, role: StaffRole, township: string | null = null): Promise<StaffUser> {
  const id = await createStaffUser(db, null, { login, displayName: login, role, township, password: 'Test-password-1' });
  return { id, login, displayName: login, role, township };
}

function draft(over: Partial<NoticeDraftInput> = {}): NoticeDraftInput {
  return {
    noticeId: null, sourceReportId: null, title: '西社镇村民王建国违法占用耕地建房案', township: 'xishe', village: '西社村', problemClass: 'house',
    partyKind: 'person', partyName: '王建国', totalAreaMu: '0.80', farmlandAreaMu: '0.60',
    stepDate: ['2023-06-01', '2023-06-05', ''], stepAction: ['立案', '下达责令改正通知书', ''], stepDetail: ['', '', ''],
    outcome: 'demolished', accountability: '', body: '2023年6月，村民王建国在承包地上打地基建房，经查占用耕地0.60亩，已自行拆除。', beforePhotoIds: [], afterPhotos: [],
    ...over,
  };
}

describe('case notices: four eyes', () => {
  it('saves the unmasked originals for staff and only masked text in the public columns', async () => {
    const writer = await staff('writer', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    const row = await db.selectFrom('case_notice').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('draft');
    expect(row.party_raw).toBe('王建国');
    expect(row.party_public).toBe('王某');
    for (const publicText of [row.title, row.body, row.party_public, row.accountability]) expect(publicText).not.toContain('王建国');
    expect(row.steps.map((s) => s.action)).toEqual(['立案', '下达责令改正通知书']);
    expect(await findPublicNotice(db, id)).toBeNull();
  });

  it('refuses self-approval and publishes on a second publicity member’s approval', async () => {
    const writer = await staff('writer', 'publicity');
    const second = await staff('second', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await expect(approveAndPublishNotice(db, writer, id)).rejects.toThrow(/起草或修改过这份通报，不能再审核/);
    await approveAndPublishNotice(db, second, id);
    const { notices } = await listPublishedNotices(db, {}, 1, 10);
    expect(notices.map((n) => n.id)).toEqual([id]);
    expect(notices[0]!.party).toBe('王某');
  });

  it('lets a moderator approve, but no other role draft or approve', async () => {
    const writer = await staff('writer', 'publicity');
    const moderator = await staff('mod', 'moderator');
    for (const [login, role] of [['adm', 'admin'], ['cus', 'custodian'], ['led', 'ledger'], ['twn', 'township']] as const) {
      const u = await staff(login, role, role === 'township' ? 'xishe' : null);
      await expect(saveNoticeDraft(db, u, draft()), role).rejects.toThrow(/只有宣传组/);
      const id = await saveNoticeDraft(db, writer, draft());
      await expect(approveAndPublishNotice(db, u, id), role).rejects.toThrow(/只有宣传组或审核员/);
    }
    await expect(saveNoticeDraft(db, moderator, draft())).rejects.toThrow(/只有宣传组/);
    const id = await saveNoticeDraft(db, writer, draft());
    await approveAndPublishNotice(db, moderator, id);
    expect((await findPublicNotice(db, id))?.status).toBe('published');
  });

  it('refuses approval by a second member who edited the draft, and lets a third member approve', async () => {
    const writer = await staff('writer', 'publicity');
    const editor = await staff('editor', 'publicity');
    const third = await staff('third', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await saveNoticeDraft(db, editor, draft({ noticeId: id, body: '2023年6月，村民王建国在承包地上打地基建房，经查占用耕地0.60亩，现已全部拆除并复耕。' }));
    await expect(approveAndPublishNotice(db, editor, id)).rejects.toThrow(/起草或修改过这份通报，不能再审核/);
    expect((await db.selectFrom('case_notice').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('draft');
    await approveAndPublishNotice(db, third, id);
    const audit = await db.selectFrom('audit_log').select(['action', 'actor_login', 'after']).where('target', '=', `notice:${id}`).orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.actor_login])).toEqual([['notice.drafted', 'writer'], ['notice.draft_updated', 'editor'], ['notice.published', 'third']]);
    expect(audit[1]!.after).toMatchObject({ changed: ['body_raw'] });
    expect(audit[2]!.after).toMatchObject({ drafters: ['writer', 'editor'], approver: 'third' });
  });

  it('counts a change to any field, steps and outcome included, as drafting', async () => {
    const writer = await staff('writer', 'publicity');
    const changes: Partial<NoticeDraftInput>[] = [
      { township: 'huayu' },
      { outcome: 'recultivated' },
      { stepDate: ['2023-06-01', '2023-06-06', ''], stepAction: ['立案', '下达责令改正通知书', ''], stepDetail: ['', '', ''] },
      { farmlandAreaMu: '0.50' },
      { partyName: '王建民' },
    ];
    for (const [i, change] of changes.entries()) {
      const editor = await staff(`editor${i}`, 'publicity');
      const id = await saveNoticeDraft(db, writer, draft());
      await saveNoticeDraft(db, editor, draft({ noticeId: id, ...change }));
      await expect(approveAndPublishNotice(db, editor, id), JSON.stringify(change)).rejects.toThrow(/起草或修改过/);
    }
  });

  it('does not make a reviewer a drafter for saving the form unchanged', async () => {
    const writer = await staff('writer', 'publicity');
    const reviewer = await staff('reviewer', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await saveNoticeDraft(db, reviewer, draft({ noticeId: id, totalAreaMu: '0.8' }));
    await approveAndPublishNotice(db, reviewer, id);
    expect((await findPublicNotice(db, id))?.status).toBe('published');
  });

  it('refuses, in the database, an approval by anyone who changed the draft', async () => {
    const writer = await staff('writer', 'publicity');
    const editor = await staff('editor', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await saveNoticeDraft(db, editor, draft({ noticeId: id, title: '西社镇村民王建国违法占用耕地建房一案' }));
    await expect(db.updateTable('case_notice').set({ approved_by: editor.id }).where('id', '=', id).execute()).rejects.toThrow(/case_notice_four_eyes/);
  });

  it('enforces four eyes in the database too', async () => {
    const writer = await staff('writer', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await expect(db.updateTable('case_notice').set({ approved_by: writer.id }).where('id', '=', id).execute()).rejects.toThrow(/four_eyes/);
  });

  it('withdraws at once from every list and the open data, leaving the public only the date and category', async () => {
    const writer = await staff('writer', 'publicity');
    const second = await staff('second', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await approveAndPublishNotice(db, second, id);
    expect((await noticesDataset(db)).rows.map((r) => r.id)).toEqual([id]);
    await expect(withdrawNotice(db, second, id, 'correction', '')).rejects.toThrow(/撤回原因/);
    await withdrawNotice(db, writer, id, 'privacy', '当事人王建国的电话写进了正文');
    const n = await findPublicNotice(db, id);
    expect(n).toMatchObject({ status: 'withdrawn', withdrawCategory: 'privacy' });
    expect(JSON.stringify(n)).not.toMatch(/王|电话|建房|0\.60/);
    expect((await listPublishedNotices(db, {}, 1, 10)).total).toBe(0);
    expect((await noticesDataset(db)).rows).toEqual([]);
    const audit = await db.selectFrom('audit_log').select(['action', 'after', 'reason']).where('target', '=', `notice:${id}`).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['notice.drafted', 'notice.published', 'notice.withdrawn']);
    expect(audit[2]).toMatchObject({ after: { status: 'withdrawn', category: 'privacy' }, reason: '当事人王建国的电话写进了正文' });
  });
});

describe('case notices: numbers that find a person', () => {
  it('publishes phone, ID, bank-card and plate numbers masked in every field, and keeps the originals for staff', async () => {
    const writer = await staff('writer', 'publicity');
    const second = await staff('second', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft({
      title: '西社镇晋M·12345运输车非法取土案',
      body: '2023年6月，村民王建国（电话13812345678，身份证号140824198001011234）在承包地上打地基建房，占用耕地0.60亩，已自行拆除。',
      accountability: '罚款汇入账户6222021234567890123，举报电话12336。',
      stepDate: ['2023-06-01', '2023-06-05', ''], stepAction: ['立案', '下达责令改正通知书', ''], stepDetail: ['联系当事人0359-5522345', '稷政发〔2023〕12号', ''],
    }));
    const row = await db.selectFrom('case_notice').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.title).toBe('西社镇晋M·*****运输车非法取土案');
    expect(row.body).toContain('电话138****5678，身份证号1408**************');
    expect(row.body).toContain('0.60亩');
    expect(row.accountability).toBe('罚款汇入账户6222***********0123，举报电话12336。');
    expect(row.steps).toEqual([{ date: '2023-06-01', action: '立案', detail: '联系当事人0359-*******' }, { date: '2023-06-05', action: '下达责令改正通知书', detail: '稷政发〔2023〕12号' }]);
    expect(row.body_raw).toContain('13812345678');
    expect(row.accountability_raw).toContain('6222021234567890123');
    expect(row.steps_raw?.[0]?.detail).toBe('联系当事人0359-5522345');

    await approveAndPublishNotice(db, second, id);
    const everyPublicText = JSON.stringify([await findPublicNotice(db, id), await listPublishedNotices(db, {}, 1, 10), await noticesDataset(db)]);
    for (const secret of ['13812345678', '140824198001011234', '6222021234567890123', '5522345', '晋M·12345', '王建国']) expect(everyPublicText).not.toContain(secret);
    expect(everyPublicText).toContain('稷政发〔2023〕12号');
  });

  it('masks numbers at reading time too, for notices saved before number masking', async () => {
    const writer = await staff('writer', 'publicity');
    const second = await staff('second', 'publicity');
    const id = await saveNoticeDraft(db, writer, draft());
    await approveAndPublishNotice(db, second, id);
    await db.updateTable('case_notice').set({ body: '当事人电话13812345678。', steps: JSON.stringify([{ date: '2023-06-01', action: '立案', detail: '晋M·12345' }]) }).where('id', '=', id).execute();
    const notice = await findPublicNotice(db, id);
    expect(notice).toMatchObject({ body: '当事人电话138****5678。', steps: [{ detail: '晋M·*****' }] });
    const open = await noticesDataset(db);
    expect(JSON.stringify(open.rows)).not.toContain('13812345678');
  });
});

describe('monthly bulletins', () => {
  it('freezes the figures, needs a second person to publish, and never changes afterwards', async () => {
    await seedDemoData(db);
    const keeper = await staff('keeper', 'ledger');
    const other = await staff('other', 'ledger');
    const id = await freezeBulletin(db, keeper, '2026-10-31');
    await expect(publishBulletin(db, keeper, id)).rejects.toThrow(/不能审核发布自己/);
    await publishBulletin(db, other, id);
    const loaded = await loadPublishedBulletin(db, id);
    expect(loaded?.bulletin.snapshot.batches[0]!.total.counts.items).toBe(118);
    // New verifications after publishing do not move the published numbers.
    await db.updateTable('ledger_item').set({ claimed_rectified_on: '2023-10-01', verified_rectified_on: '2023-10-02' }).execute();
    expect((await loadPublishedBulletin(db, id))?.bulletin.snapshot).toEqual(loaded?.bulletin.snapshot);
    await expect(db.updateTable('bulletin').set({ title: '改' }).where('id', '=', id).execute()).rejects.toThrow(/published and cannot change/);
    await expect(db.deleteFrom('bulletin').where('id', '=', id).execute()).rejects.toThrow(/published and cannot change/);
  });

  it('compares with the previous published bulletin', async () => {
    await seedDemoData(db);
    const keeper = await staff('keeper', 'ledger');
    const moderator = await staff('mod', 'moderator');
    const first = await freezeBulletin(db, keeper, '2026-09-30');
    await publishBulletin(db, moderator, first);
    await db.updateTable('ledger_item').set({ claimed_rectified_on: '2023-10-01', verified_rectified_on: '2023-10-02' }).where('township', '=', 'caicun').execute();
    const second = await freezeBulletin(db, keeper, '2026-10-31');
    await publishBulletin(db, moderator, second);
    const loaded = await loadPublishedBulletin(db, second);
    expect(loaded?.previous?.id).toBe(first);
  });
});

describe('claimed and verified rectification', () => {
  it('are separate acts by different people: township claims its own items, the ledger keeper verifies', async () => {
    await seedDemoData(db);
    const item = await db.selectFrom('ledger_item').select(['id']).where('township', '=', 'xishe').where('claimed_rectified_on', 'is', null).executeTakeFirstOrThrow();
    const other = await db.selectFrom('ledger_item').select(['id']).where('township', '=', 'huayu').executeTakeFirstOrThrow();
    const officer = await staff('twn', 'township', 'xishe');
    const keeper = await staff('keeper', 'ledger');
    await expect(verifyRectified(db, keeper, item.id, '2023-10-05')).rejects.toThrow(/还没有申报/);
    await expect(claimRectified(db, officer, other.id, '2023-10-01')).rejects.toThrow(/本乡镇/);
    await expect(claimRectified(db, keeper, item.id, '2023-10-01')).rejects.toThrow(/只有乡镇核查员可以申报整改完成/);
    await claimRectified(db, officer, item.id, '2023-10-01');
    await expect(verifyRectified(db, officer, item.id, '2023-10-05')).rejects.toThrow(/台账管理员/);
    await expect(verifyRectified(db, keeper, item.id, '2023-09-01')).rejects.toThrow(/不能早于申报/);
    await verifyRectified(db, keeper, item.id, '2023-10-05');
    const row = await db.selectFrom('ledger_item').select(['claimed_by', 'verified_by', 'verified_rectified_on']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ claimed_by: officer.id, verified_by: keeper.id, verified_rectified_on: '2023-10-05' });
    await expect(db.updateTable('ledger_item').set({ verified_by: officer.id }).where('id', '=', item.id).execute()).rejects.toThrow(/claim_verify_by_two/);
    const audits = await db.selectFrom('audit_log').select('action').where('target', '=', `ledger:${item.id}`).orderBy('id').execute();
    expect(audits.map((a) => a.action)).toEqual(['ledger.claimed', 'ledger.verified']);
  });
});

describe('reports inside or near a ledger patch', () => {
  it('finds the patch that contains a point, and one within the set distance, but not one farther away', async () => {
    await seedDemoData(db);
    const [a, b] = await db.selectFrom('ledger_item').select(['id', 'external_id']).orderBy('external_id').limit(2).execute();
    const square = (lng: number, lat: number, d: number) => ({ type: 'Polygon', coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]] });
    const set = async (id: string, g: ReturnType<typeof square>) =>
      db.updateTable('ledger_item').set({ geometry: JSON.stringify(g), min_lng: g.coordinates[0]![0]![0], min_lat: g.coordinates[0]![0]![1], max_lng: g.coordinates[0]![2]![0], max_lat: g.coordinates[0]![2]![1] }).where('id', '=', id).execute();
    await set(a!.id, square(110.98, 35.6, 0.001));
    await set(b!.id, square(110.9815, 35.6, 0.001)); // about 90 m east of the point
    const inside = await findLedgerMatches(db, [110.9805, 35.6005], 30);
    expect(inside.map((m) => [m.externalId, m.inside])).toEqual([[a!.external_id, true]]);
    const near = await findLedgerMatches(db, [110.9805, 35.6005], 100);
    expect(near.map((m) => m.externalId)).toEqual([a!.external_id, b!.external_id]);
    expect(near[1]!.distanceMetres).toBeGreaterThan(50);
    expect(await findLedgerMatches(db, [110.99, 35.61], 100)).toEqual([]);
    void sql;
  });
});
