/**
 * The staff workflow against real PostgreSQL: the audit trail (and the database refusing to let
 * it change), duplicates sharing the original's reply, working-day deadlines and the nearby search.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadlineFor } from '../../src/domain/reports/deadlines.ts';
import { isProvisionalDeadline } from '../../src/shared/calendar-status.ts';
import { findNearbyReports } from '../../src/domain/reports/queue.ts';
import { findReportForTracking } from '../../src/domain/reports/reports.ts';
import { performWorkflowAction } from '../../src/domain/reports/report-workflow.ts';
import { InputError } from '../../src/shared/errors.ts';
import { addStaffPhotos, insertStaffPhotos, performActWithPhotos, prepareStaffPhotos } from '../../src/domain/reports/staff-photos.ts';
import type { PhotoStore } from '../../src/domain/reports/photo-store.ts';
import { addInternalNote, correctReport, linkLedgerItem, replyToReport, revealIdentity } from '../../src/domain/reports/staff-reports.ts';
import { endUserSessions, updateStaffUser } from '../../src/domain/accounts/staff-users.ts';
import type { StaffUser } from '../../src/domain/accounts/auth.ts';
import type { ReportState } from '../../src/domain/reports/workflow.ts';
import { asFile, tinyPng } from '../support/photos.ts';
import { useTestDatabase } from './helpers.ts';
import { auditRows, insertLedgerItem, insertReport, insertUser, reporterKey } from './staff-fixtures.ts';

const db = useTestDatabase();

afterEach(() => {
  vi.useRealTimers();
});

const report = (id: string) => db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const events = (id: string) =>
  db.selectFrom('report_event').select(['state', 'public_note']).where('report_id', '=', id).orderBy('at').orderBy('id').execute();

describe('the audit trail', () => {
  interface Case {
    act: string;
    by: 'moderator' | 'township' | 'custodian' | 'admin';
    state: ReportState;
    run(u: StaffUser, id: string, ctx: { ledgerId: string; originalId: string; colleague: StaffUser }): Promise<unknown>;
    expected(ctx: { id: string; ledgerId: string; originalId: string; colleague: StaffUser }): Record<string, unknown>;
  }
  const CASES: Case[] = [
    {
      act: 'accept', by: 'moderator', state: 'submitted',
      run: (u, id) => performWorkflowAction(db, u, id, 'accept', {}),
      expected: ({ id }) => ({ action: 'report.accept', report_id: id, reason: null, before: { status: 'submitted', assigned_township: null, stage_deadline: null }, after: { status: 'accepted', stage_deadline: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) } }),
    },
    {
      act: 'refuse', by: 'moderator', state: 'submitted',
      run: (u, id) => performWorkflowAction(db, u, id, 'refuse', { refusalReason: 'ownership_dispute' }),
      expected: ({ id }) => ({ action: 'report.refuse', report_id: id, reason: 'ownership_dispute', before: { status: 'submitted' }, after: { status: 'refused', refusal_reason: 'ownership_dispute', stage_deadline: null } }),
    },
    {
      act: 'markDuplicate', by: 'moderator', state: 'submitted',
      run: (u, id, c) => performWorkflowAction(db, u, id, 'markDuplicate', { originalReportId: c.originalId }),
      expected: ({ id, originalId }) => ({ action: 'report.markDuplicate', report_id: id, before: { status: 'submitted' }, after: { status: 'closed', duplicate_of: originalId } }),
    },
    {
      act: 'assign', by: 'moderator', state: 'accepted',
      run: (u, id) => performWorkflowAction(db, u, id, 'assign', { township: 'xishe' }),
      expected: ({ id }) => ({ action: 'report.assign', report_id: id, before: { status: 'accepted', assigned_township: null }, after: { status: 'verifying', assigned_township: 'xishe', stage_deadline: expect.any(String) } }),
    },
    {
      act: 'recordVerification', by: 'township', state: 'verifying',
      run: (u, id) => performWorkflowAction(db, u, id, 'recordVerification', { found: false, notes: '现场是合法的晾晒场。' }),
      expected: ({ id }) => ({ action: 'report.recordVerification', report_id: id, before: { status: 'verifying', assigned_township: 'xishe' }, after: { status: 'unsubstantiated', verification_found: false } }),
    },
    {
      act: 'startHandling', by: 'township', state: 'substantiated',
      run: (u, id) => performWorkflowAction(db, u, id, 'startHandling', { measure: 'restore', outcome: 'in_progress' }),
      expected: ({ id }) => ({ action: 'report.startHandling', report_id: id, before: { status: 'substantiated' }, after: { status: 'rectifying', measure: 'restore', outcome: 'in_progress' } }),
    },
    {
      act: 'recordHandling', by: 'township', state: 'rectifying',
      run: (u, id) => performWorkflowAction(db, u, id, 'recordHandling', { outcome: 'recultivated' }),
      expected: ({ id }) => ({ action: 'report.recordHandling', report_id: id, before: { status: 'rectifying' }, after: { status: 'rectifying', outcome: 'recultivated' } }),
    },
    {
      act: 'close', by: 'township', state: 'rectifying',
      run: (u, id) => performWorkflowAction(db, u, id, 'close', { publicReply: '已复耕，感谢监督。' }),
      expected: ({ id }) => ({ action: 'report.close', report_id: id, before: { status: 'rectifying' }, after: { status: 'closed', public_reply: '已复耕，感谢监督。', stage_deadline: null } }),
    },
    {
      act: 'reopen', by: 'moderator', state: 'closed',
      run: (u, id) => performWorkflowAction(db, u, id, 'reopen', { reason: '群众反映又在施工' }),
      expected: ({ id }) => ({ action: 'report.reopen', report_id: id, reason: '群众反映又在施工', before: { status: 'closed' }, after: { status: 'accepted', closed_at: null } }),
    },
    {
      act: 'reply', by: 'moderator', state: 'verifying',
      run: (u, id) => replyToReport(db, u, id, '已交乡镇核查。'),
      expected: ({ id }) => ({ action: 'report.reply', report_id: id, before: { public_reply: null }, after: { public_reply: '已交乡镇核查。' } }),
    },
    {
      act: 'correct', by: 'moderator', state: 'accepted',
      run: (u, id) => correctReport(db, u, id, { problemClass: 'soil', place: '西社村北', reason: '群众选错了类型' }),
      expected: ({ id }) => ({
        action: 'report.correct', report_id: id, reason: '群众选错了类型',
        before: { corrected_problem_class: null, corrected_place: null, corrected_description: null },
        after: { corrected_problem_class: 'soil', corrected_place: '西社村北', corrected_description: null },
      }),
    },
    {
      act: 'note', by: 'township', state: 'verifying',
      run: (u, id) => addInternalNote(db, u, id, '约了村委会明天一起去现场。'),
      expected: ({ id }) => ({ action: 'report.note', report_id: id }),
    },
    {
      act: 'link_ledger', by: 'moderator', state: 'verifying',
      run: (u, id) => linkLedgerItem(db, u, id, 'XS-0042'),
      expected: ({ id, ledgerId }) => ({ action: 'report.link_ledger', report_id: id, before: { ledger_item_id: null }, after: { ledger_item_id: ledgerId, external_id: 'XS-0042' } }),
    },
    {
      act: 'reveal', by: 'custodian', state: 'verifying',
      run: (u, id) => revealIdentity(db, u, id, '核查需要联系举报人', reporterKey),
      expected: ({ id }) => ({ action: 'identity.reveal', report_id: id, reason: '核查需要联系举报人', before: null, after: null }),
    },
    {
      act: 'photo', by: 'township', state: 'verifying',
      run: async (u, id) => addStaffPhotos(db, u, id, [asFile(await tinyPng(2), 'a.png', 'image/png')]),
      expected: ({ id }) => ({ action: 'report.photo_added', report_id: id, after: { count: 1, sha256: [expect.stringMatching(/^[0-9a-f]{64}$/)] } }),
    },
    {
      act: 'user update', by: 'admin', state: 'submitted',
      run: (u, _id, c) => updateStaffUser(db, u, c.colleague.id, { role: 'township', township: 'jifeng', active: true }),
      expected: ({ colleague }) => ({ action: 'user.updated', report_id: null, target: `user:${colleague.id}`, before: { role: 'moderator', township: null, active: true }, after: { role: 'township', township: 'jifeng', active: true } }),
    },
    {
      act: 'ending sessions', by: 'admin', state: 'submitted',
      run: (u, _id, c) => endUserSessions(db, u, c.colleague.id),
      expected: ({ colleague }) => ({ action: 'user.sessions_ended', target: `user:${colleague.id}`, after: { sessions_ended: 0 } }),
    },
  ];

  for (const c of CASES) {
    it(`${c.act} by the ${c.by} writes exactly one audit row naming the actor, the act, the report, before/after and reason`, async () => {
      const actor = await insertUser(db, c.by);
      const colleague = await insertUser(db, 'moderator');
      const originalId = await insertReport(db, { status: 'accepted' });
      const id = await insertReport(db, { status: c.state });
      const ledgerId = await insertLedgerItem(db, 'XS-0042');
      const before = (await auditRows(db)).length;
      await c.run(actor, id, { ledgerId, originalId, colleague });
      const rows = (await auditRows(db)).slice(before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor_id: actor.id, actor_login: actor.login, actor_role: c.by, ...c.expected({ id, ledgerId, originalId, colleague }) });
      expect(Date.now() - new Date(rows[0]!.at).getTime()).toBeLessThan(60_000);
    });
  }

  it('an act that fails leaves no audit row', async () => {
    const moderator = await insertUser(db, 'moderator');
    const id = await insertReport(db, { status: 'closed' });
    await expect(performWorkflowAction(db, moderator, id, 'accept', {})).rejects.toThrow('不能执行');
    await expect(performWorkflowAction(db, moderator, id, 'reopen', { reason: '' })).rejects.toBeInstanceOf(InputError);
    expect(await auditRows(db)).toEqual([]);
  });

  it('work joined to an act commits with it or not at all: photos that cannot be stored undo the verification', async () => {
    const officer = await insertUser(db, 'township', { township: 'xishe' });
    const id = await insertReport(db, { status: 'verifying' });
    const photos = await prepareStaffPhotos(officer, [asFile(await tinyPng(4), 'site.png', 'image/png')]);
    const failingStore = { put: async () => { throw new Error('disk full'); }, get: async () => null } as unknown as PhotoStore;
    await expect(
      performWorkflowAction(db, officer, id, 'recordVerification', { found: true, notes: '属实' }, (trx) => insertStaffPhotos(trx, officer, id, photos, failingStore)),
    ).rejects.toThrow('disk full');
    expect(await report(id)).toMatchObject({ status: 'verifying', verification_found: null });
    expect(await auditRows(db)).toEqual([]);
    expect(await db.selectFrom('report_note').select('id').execute()).toEqual([]);

    await performWorkflowAction(db, officer, id, 'recordVerification', { found: true, notes: '属实' }, (trx) => insertStaffPhotos(trx, officer, id, photos));
    expect((await auditRows(db)).map((a) => a.action)).toEqual(['report.recordVerification', 'report.photo_added']);
    expect(await db.selectFrom('report_photo').select('added_by').where('report_id', '=', id).execute()).toEqual([{ added_by: `staff:${officer.id}` }]);
  });

  it('unreadable verification photos are refused before anything is stored', async () => {
    const officer = await insertUser(db, 'township', { township: 'xishe' });
    await expect(prepareStaffPhotos(officer, [asFile(Buffer.from('not an image'), 'broken.jpg', 'image/jpeg')])).rejects.toBeInstanceOf(InputError);
  });

  it('photos go with a verification only, and a verification with an unreadable photo is not recorded', async () => {
    const officer = await insertUser(db, 'township', { township: 'xishe' });
    const id = await insertReport(db, { status: 'verifying' });
    const good = asFile(await tinyPng(5), 'site.png', 'image/png');
    await expect(performActWithPhotos(db, officer, id, 'close', { publicReply: '已核查。' }, [good])).rejects.toThrow('只有登记核查结果时可以上传照片');
    await expect(performActWithPhotos(db, officer, id, 'recordVerification', { found: true, notes: '属实' }, [good, asFile(Buffer.from('not an image'), 'broken.jpg', 'image/jpeg')])).rejects.toBeInstanceOf(InputError);
    expect(await report(id)).toMatchObject({ status: 'verifying', verification_found: null });
    expect(await auditRows(db)).toEqual([]);

    await performActWithPhotos(db, officer, id, 'recordVerification', { found: true, notes: '属实' }, [good]);
    expect(await report(id)).toMatchObject({ status: 'substantiated', verification_found: true });
    expect((await auditRows(db)).map((a) => a.action)).toEqual(['report.recordVerification', 'report.photo_added']);
  });

  it('the database refuses to update or delete audit rows, whoever asks', async () => {
    const moderator = await insertUser(db, 'moderator');
    const id = await insertReport(db);
    await performWorkflowAction(db, moderator, id, 'accept', {});
    const rows = await auditRows(db);
    expect(rows).toHaveLength(1);
    await expect(db.updateTable('audit_log').set({ reason: '改过了' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.updateTable('audit_log').set({ actor_login: 'someone-else' }).where('id', '=', rows[0]!.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').where('id', '=', rows[0]!.id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect(await auditRows(db)).toEqual(rows);
  });
});

describe('duplicate reports', () => {
  it("marking a duplicate links it to the original, and closing the original puts the reply on the duplicate's timeline", async () => {
    const moderator = await insertUser(db, 'moderator');
    const officer = await insertUser(db, 'township', { township: 'xishe' });
    const original = await insertReport(db);
    const duplicate = await insertReport(db);

    await performWorkflowAction(db, moderator, original, 'accept', {});
    await performWorkflowAction(db, moderator, duplicate, 'markDuplicate', { originalReportId: original });
    expect(await report(duplicate)).toMatchObject({ status: 'closed', duplicate_of: original, stage_deadline: null, closed_at: expect.any(Date) });
    expect((await events(duplicate)).at(-1)).toEqual({ state: 'closed', public_note: expect.stringContaining('已合并办理') });

    await performWorkflowAction(db, moderator, original, 'assign', { township: 'xishe' });
    await performWorkflowAction(db, officer, original, 'recordVerification', { found: true, notes: '属实' });
    await performWorkflowAction(db, officer, original, 'startHandling', { measure: 'demolish', outcome: 'demolished' });
    const reply = '违法建筑已于11月20日拆除，土地正在复垦。感谢您的监督。';
    await performWorkflowAction(db, officer, original, 'close', { publicReply: reply });

    expect((await events(original)).at(-1)).toEqual({ state: 'closed', public_note: reply });
    expect((await events(duplicate)).at(-1)).toEqual({ state: 'closed', public_note: reply });
    const tracked = await findReportForTracking(db, (await report(duplicate)).receipt_hash);
    expect(tracked?.events.at(-1)?.publicNote).toBe(reply);
    // The duplicate itself stays as it was: closed, pointing at the original.
    expect(await report(duplicate)).toMatchObject({ status: 'closed', duplicate_of: original });
  });

  it('a duplicate of an already closed report gets its public reply at once', async () => {
    const moderator = await insertUser(db, 'moderator');
    const reply = '经核查，反映的问题已整改完毕。';
    const original = await insertReport(db, { status: 'closed', publicReply: reply });
    const duplicate = await insertReport(db);
    await performWorkflowAction(db, moderator, duplicate, 'markDuplicate', { originalReportId: original });
    const notes = (await events(duplicate)).map((e) => e.public_note);
    expect(notes).toContain(reply);
    expect(notes.at(-1)).toBe(reply);
  });

  it('duplicates always point at the report that will be closed, so its one reply reaches every duplicate', async () => {
    const moderator = await insertUser(db, 'moderator');
    const original = await insertReport(db, { status: 'rectifying' });
    const first = await insertReport(db);
    const second = await insertReport(db);
    await performWorkflowAction(db, moderator, first, 'markDuplicate', { originalReportId: original });
    await performWorkflowAction(db, moderator, second, 'markDuplicate', { originalReportId: first });
    expect((await report(second)).duplicate_of).toBe(original);
    // And when an original with duplicates turns out to repeat another report, its duplicates follow it.
    const earlier = await insertReport(db, { status: 'rectifying' });
    const accepted = await insertReport(db, { status: 'accepted' });
    const third = await insertReport(db);
    await performWorkflowAction(db, moderator, third, 'markDuplicate', { originalReportId: accepted });
    await performWorkflowAction(db, moderator, accepted, 'markDuplicate', { originalReportId: earlier });
    expect((await report(third)).duplicate_of).toBe(earlier);
    await performWorkflowAction(db, moderator, earlier, 'close', { publicReply: '已恢复耕种。' });
    for (const id of [accepted, third]) expect((await events(id)).at(-1), id).toEqual({ state: 'closed', public_note: '已恢复耕种。' });

    await performWorkflowAction(db, moderator, original, 'close', { publicReply: '已拆除复耕。' });
    for (const id of [first, second]) expect((await events(id)).at(-1), id).toEqual({ state: 'closed', public_note: '已拆除复耕。' });
  });

  it('reopening a duplicate makes it a report of its own again', async () => {
    const moderator = await insertUser(db, 'moderator');
    const original = await insertReport(db, { status: 'rectifying' });
    const duplicate = await insertReport(db);
    await performWorkflowAction(db, moderator, duplicate, 'markDuplicate', { originalReportId: original });
    await performWorkflowAction(db, moderator, duplicate, 'reopen', { reason: '核实后是另一块地' });
    expect(await report(duplicate)).toMatchObject({ status: 'accepted', duplicate_of: null, closed_at: null });
    // The original's reply is no longer this report's reply.
    await performWorkflowAction(db, moderator, original, 'close', { publicReply: '已拆除复耕。' });
    expect((await events(duplicate)).map((e) => e.public_note)).not.toContain('已拆除复耕。');
  });

  it('a report cannot be a duplicate of itself or of a report that does not exist', async () => {
    const moderator = await insertUser(db, 'moderator');
    const id = await insertReport(db);
    for (const originalReportId of [id, '999999', '0', 'abc']) {
      await expect(performWorkflowAction(db, moderator, id, 'markDuplicate', { originalReportId }), originalReportId).rejects.toBeInstanceOf(InputError);
    }
    expect(await report(id)).toMatchObject({ status: 'submitted', duplicate_of: null });
  });
});

describe('stage deadlines in working days', () => {
  /** 10:00 in China on `date`. */
  const setToday = (date: string) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(`${date}T10:00:00+08:00`));
  };

  it('accepting and assigning count working days across the National Day break and its make-up Saturday', async () => {
    const moderator = await insertUser(db, 'moderator');
    const id = await insertReport(db);
    setToday('2026-09-29');
    await performWorkflowAction(db, moderator, id, 'accept', {});
    // 3 working days: 9-30, 10-08, 10-09 (10-01…10-07 off).
    expect((await report(id)).stage_deadline).toBe('2026-10-09');
    await performWorkflowAction(db, moderator, id, 'assign', { township: 'xishe' });
    // 10 working days: 9-30, 10-08, 10-09, 10-10 (Saturday worked), 10-12 … 10-16, 10-19.
    expect((await report(id)).stage_deadline).toBe('2026-10-19');
  });

  it('verification sets the handling or the reply deadline, and closing clears it', async () => {
    const officer = await insertUser(db, 'township', { township: 'xishe' });
    const found = await insertReport(db, { status: 'verifying' });
    const notFound = await insertReport(db, { status: 'verifying' });
    setToday('2026-06-01');
    await performWorkflowAction(db, officer, found, 'recordVerification', { found: true, notes: '属实' });
    await performWorkflowAction(db, officer, notFound, 'recordVerification', { found: false, notes: '不属实' });
    // 30 working days from Monday 1 June, with 端午 (Friday 19 June) off: 14 July.
    expect((await report(found)).stage_deadline).toBe('2026-07-14');
    // 5 working days for the reply.
    expect((await report(notFound)).stage_deadline).toBe('2026-06-08');
    await performWorkflowAction(db, officer, notFound, 'close', { publicReply: '经核查未发现问题。' });
    expect((await report(notFound)).stage_deadline).toBeNull();
  });

  it('a year without an official holiday calendar falls back to weekdays, which the pages mark as provisional', async () => {
    expect(deadlineFor('verify', '2027-03-01')).toBe('2027-03-15');
    expect(isProvisionalDeadline('2027-03-15')).toBe(true);
    expect(isProvisionalDeadline('2026-10-19')).toBe(false);
    // Spanning into the unknown year: weekdays throughout (1 January counted, as it is a Friday).
    expect(deadlineFor('verify', '2026-12-28')).toBe('2027-01-11');
    expect(deadlineFor('verify', '2026-09-29')).toBe('2026-10-19');

    const moderator = await insertUser(db, 'moderator');
    const id = await insertReport(db, { status: 'accepted' });
    setToday('2027-03-01');
    await performWorkflowAction(db, moderator, id, 'assign', { township: 'xishe' });
    expect((await report(id)).stage_deadline).toBe('2027-03-15');
  });
});

describe('nearby reports', () => {
  const R = 6_371_008.8;
  /** A viewer whose reach is every report (report.nearby). */
  const EVERYONE: StaffUser = { id: '0', login: 'm', displayName: 'm', role: 'moderator', township: null };
  /** The point `metres` from `from` on `bearing` degrees (great circle on the same sphere as the search). */
  function offset(from: { lng: number; lat: number }, metres: number, bearing: number) {
    const δ = metres / R;
    const θ = (bearing * Math.PI) / 180;
    const φ1 = (from.lat * Math.PI) / 180;
    const λ1 = (from.lng * Math.PI) / 180;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
    return { lat: (φ2 * 180) / Math.PI, lng: (λ2 * 180) / Math.PI };
  }

  it('finds reports within the radius and the time window, nearest first, never the report itself', async () => {
    const center = { lng: 110.85, lat: 35.55 };
    const t = new Date('2026-10-01T02:00:00Z');
    const day = 86_400_000;
    const at = (metres: number, bearing: number, days: number, status: ReportState = 'submitted') =>
      insertReport(db, { ...offset(center, metres, bearing), submittedAt: new Date(t.getTime() + days * day), status });

    const self = await insertReport(db, { ...center, submittedAt: t });
    const inside = {
      south30Old: await at(30, 180, -179),
      north50: await at(50, 0, -1),
      east200: await at(200, 90, 2, 'closed'),
      southwest450: await at(450, 225, -10),
      north499: await at(499.5, 0, 0),
      west498: await at(498, 270, 0),
    };
    // Outside: too far, or too long before/after.
    await at(510, 90, 0);
    await at(2000, 0, 0);
    await at(50, 180, -181);
    await at(50, 270, 181);
    await insertReport(db, { lng: null, lat: null, submittedAt: t });

    const found = await findNearbyReports(db, EVERYONE, { id: self, ...center, submittedAt: t }, 500, 180);
    expect(found.map((f) => f.id)).toEqual([inside.south30Old, inside.north50, inside.east200, inside.southwest450, inside.west498, inside.north499]);
    const expected = [30, 50, 200, 450, 498, 500];
    found.forEach((f, i) => expect(Math.abs(f.distanceMetres - expected[i]!), f.id).toBeLessThanOrEqual(1));
    expect(found.find((f) => f.id === inside.east200)).toMatchObject({ status: 'closed', problemClass: 'house', assignedTownship: 'xishe', duplicateOf: null });
  });

  it('finds what measuring every report finds, across grid cells and for a radius too wide for them', async () => {
    const center = { lng: 110.85, lat: 35.55 };
    const t = new Date('2026-10-01T02:00:00Z');
    const day = 86_400_000;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const self = await insertReport(db, { ...center, submittedAt: t });
    const reports: Array<{ id: string; lng: number; lat: number; at: Date }> = [];
    // Most within about a kilometre (many grid cells of 1/400°, some on their edges), some far.
    for (let i = 0; i < 160; i++) {
      const spread = i < 130 ? 0.01 : 0.2;
      const p = { lng: center.lng + (random() - 0.5) * 2 * spread, lat: center.lat + (random() - 0.5) * 2 * spread * 0.8 };
      if (i % 20 === 0) p.lat = Math.floor(p.lat * 400) / 400;
      const at = new Date(t.getTime() + Math.round((random() - 0.5) * 400) * day);
      reports.push({ id: await insertReport(db, { ...p, submittedAt: at }), ...p, at });
    }
    const rad = (d: number) => (d * Math.PI) / 180;
    const distance = (p: { lng: number; lat: number }) =>
      2 * R * Math.asin(Math.sqrt(Math.sin(rad(p.lat - center.lat) / 2) ** 2 + Math.cos(rad(center.lat)) * Math.cos(rad(p.lat)) * Math.sin(rad(p.lng - center.lng) / 2) ** 2));
    for (const radius of [300, 500, 900, 15_000]) {
      const expected = reports
        .filter((r) => Math.abs(r.at.getTime() - t.getTime()) <= 180 * day)
        .map((r) => ({ id: r.id, d: distance(r) }))
        .filter((r) => r.d <= radius)
        .sort((a, b) => a.d - b.d)
        .slice(0, 50);
      const found = await findNearbyReports(db, EVERYONE, { id: self, ...center, submittedAt: t }, radius, 180);
      expect(expected.length, `radius ${radius}`).toBeGreaterThan(2);
      expect(found.map((f) => f.id), `radius ${radius}`).toEqual(expected.map((e) => e.id));
    }
  });

  it('shows each role the nearby reports of its scope, applied before the limit, and says which it may open', async () => {
    const center = { lng: 110.91, lat: 35.61 };
    const t = new Date('2026-10-01T02:00:00Z');
    const self = await insertReport(db, { ...center, submittedAt: t, status: 'verifying', township: 'huayu' });
    // Sixty reports of another township nearer than any of the officer's own: a limit applied
    // before the scope would leave the officer with none.
    for (let i = 0; i < 60; i++) await insertReport(db, { ...offset(center, 10 + i, 90), submittedAt: t, status: 'verifying', township: 'xishe' });
    const assignedHere = await insertReport(db, { ...offset(center, 300, 0), submittedAt: t, status: 'verifying', township: 'huayu' });
    const notYetHanded = await insertReport(db, { ...offset(center, 492, 180), submittedAt: t, status: 'submitted', township: 'huayu' });
    const handedElsewhere = await insertReport(db, { ...offset(center, 200, 270), submittedAt: t, status: 'verifying', township: 'huayu', assignedTownship: 'xishe' });
    const closedHere = await insertReport(db, { ...offset(center, 400, 0), submittedAt: t, status: 'closed', township: 'huayu' });

    const officer: StaffUser = { id: '1', login: 'o', displayName: 'o', role: 'township', township: 'huayu' };
    const found = await findNearbyReports(db, officer, { id: self, ...center, submittedAt: t }, 500, 180);
    expect(found.map((f) => [f.id, f.canOpen])).toEqual([[assignedHere, true], [closedHere, true], [notYetHanded, false]]);
    expect(found.map((f) => f.id)).not.toContain(handedElsewhere);
    expect(found.find((f) => f.id === notYetHanded)!.distanceMetres).toBe(492);

    const publicity: StaffUser = { id: '2', login: 'p', displayName: 'p', role: 'publicity', township: null };
    expect((await findNearbyReports(db, publicity, { id: self, ...center, submittedAt: t }, 500, 180)).map((f) => f.id)).toEqual([closedHere]);
    const ledger: StaffUser = { id: '3', login: 'l', displayName: 'l', role: 'ledger', township: null };
    expect(await findNearbyReports(db, ledger, { id: self, ...center, submittedAt: t }, 500, 180)).toEqual([]);
  });
});
