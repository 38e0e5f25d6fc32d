/**
 * Who may do what: every staff role against every staff act, as a table. Each act is called
 * through the service function its Action calls, on a report in a state where the act is possible,
 * so a refusal can only come from the role or from the report being out of the user's sight.
 */
import { describe, expect, it } from 'vitest';
import { createSession, generateSessionToken, type StaffUser } from '../../src/domain/accounts/auth.ts';
import { countByStatus, listQueue, queuePoints } from '../../src/domain/reports/queue.ts';
import { performWorkflowAction } from '../../src/domain/reports/report-workflow.ts';
import { ForbiddenError, InputError } from '../../src/shared/errors.ts';
import { addStaffPhotos, readPublicPhotoForStaff } from '../../src/domain/reports/staff-photos.ts';
import { addInternalNote, correctReport, linkLedgerItem, loadStaffReport, replyToReport, revealIdentity } from '../../src/domain/reports/staff-reports.ts';
import { changePassword, createStaffUser, endUserSessions, updateStaffUser } from '../../src/domain/accounts/staff-users.ts';
import { TransitionError, type ActionInput, type ReportState, type WorkflowAction } from '../../src/domain/reports/workflow.ts';
import { asFile, tinyPng } from '../support/photos.ts';
import { useTestDatabase } from './helpers.ts';
import { auditRows, insertLedgerItem, insertReport, insertUser, PASSWORD, REPORTER, reporterKey } from './staff-fixtures.ts';

const db = useTestDatabase();

const ROLES = ['admin', 'moderator', 'township', 'township-other', 'publicity', 'custodian', 'ledger'] as const;
type RoleKey = (typeof ROLES)[number];
const WHO: Record<RoleKey, string> = {
  admin: 'an admin',
  moderator: 'a moderator',
  township: 'the officer of the assigned township',
  'township-other': "another township's officer",
  publicity: 'a publicity officer',
  custodian: 'the custodian',
  ledger: 'a ledger keeper',
};

async function usersByRole(): Promise<Record<RoleKey, StaffUser>> {
  return {
    admin: await insertUser(db, 'admin'),
    moderator: await insertUser(db, 'moderator'),
    township: await insertUser(db, 'township', { township: 'xishe' }),
    'township-other': await insertUser(db, 'township', { township: 'jifeng' }),
    publicity: await insertUser(db, 'publicity'),
    custodian: await insertUser(db, 'custodian'),
    ledger: await insertUser(db, 'ledger'),
  };
}

interface Ctx {
  user: StaffUser;
  reportId: string;
  originalId: string;
  /** Another staff member, for the user-management acts. */
  colleague: StaffUser;
}

interface Act {
  /** Completes "… may (not) …". */
  what: string;
  /** State of the report acted on; a report in it is assigned to 西社镇 whenever the state implies assignment. */
  state: ReportState;
  allowed: readonly RoleKey[];
  /** The audit action an allowed act writes. */
  audit: string;
  run(ctx: Ctx): Promise<unknown>;
}

function workflow(action: WorkflowAction, state: ReportState, allowed: RoleKey[], input: (ctx: Ctx) => ActionInput, what: string): Act {
  return { what, state, allowed, audit: `report.${action}`, run: (ctx) => performWorkflowAction(db, ctx.user, ctx.reportId, action, input(ctx)) };
}

const ACTS: Act[] = [
  workflow('accept', 'submitted', ['moderator'], () => ({}), 'accept a submitted report'),
  workflow('refuse', 'submitted', ['moderator'], () => ({ refusalReason: 'pollution' }), 'refuse a submitted report'),
  workflow('markDuplicate', 'submitted', ['moderator'], (c) => ({ originalReportId: c.originalId }), 'mark a submitted report as a duplicate'),
  workflow('assign', 'accepted', ['moderator'], () => ({ township: 'xishe' }), 'assign an accepted report to a township'),
  workflow('assign', 'verifying', ['moderator'], () => ({ township: 'jifeng' }), 're-assign a report being verified'),
  workflow('recordVerification', 'verifying', ['township'], () => ({ found: true, notes: '现场有新打的地基。' }), 'record the verification of a report'),
  workflow('startHandling', 'substantiated', ['township'], () => ({ measure: 'demolish', outcome: 'in_progress' }), 'start handling a substantiated report'),
  workflow('recordHandling', 'rectifying', ['township'], () => ({ outcome: 'demolished', notes: '已拆除。' }), 'record progress on a report being rectified'),
  workflow('close', 'rectifying', ['moderator', 'township'], () => ({ publicReply: '违法建筑已拆除，土地已复耕。' }), 'close a rectified report with a public reply'),
  workflow('close', 'unsubstantiated', ['moderator', 'township'], () => ({ publicReply: '经核查未发现问题。' }), 'close an unsubstantiated report with a public reply'),
  workflow('reopen', 'closed', ['moderator'], () => ({ reason: '群众反映又在施工。' }), 'reopen a closed report'),
  {
    what: 'post a public reply', state: 'verifying', allowed: ['moderator'], audit: 'report.reply',
    run: (c) => replyToReport(db, c.user, c.reportId, '已交乡镇核查，请耐心等待。'),
  },
  {
    what: 'correct what the citizen wrote', state: 'closed', allowed: ['moderator'], audit: 'report.correct',
    run: (c) => correctReport(db, c.user, c.reportId, { place: '西社村东', reason: '地点写错了村' }),
  },
  {
    what: 'add an internal note', state: 'closed', allowed: ['moderator', 'township'], audit: 'report.note',
    run: (c) => addInternalNote(db, c.user, c.reportId, '户主电话已核实。'),
  },
  {
    what: 'link a report to a ledger item', state: 'closed', allowed: ['moderator', 'township'], audit: 'report.link_ledger',
    run: (c) => linkLedgerItem(db, c.user, c.reportId, 'XS-0001'),
  },
  {
    what: "reveal the reporter's identity", state: 'closed', allowed: ['custodian'], audit: 'identity.reveal',
    run: (c) => revealIdentity(db, c.user, c.reportId, '需要回访举报人核实地点', reporterKey),
  },
  {
    what: 'add verification photos', state: 'verifying', allowed: ['township'], audit: 'report.photo_added',
    run: async (c) => addStaffPhotos(db, c.user, c.reportId, [asFile(await tinyPng(3), 'site.png', 'image/png')]),
  },
  {
    what: 'create a staff account', state: 'submitted', allowed: ['admin'], audit: 'user.created',
    run: (c) => createStaffUser(db, c.user, { login: 'new.officer', displayName: '新同事', role: 'moderator', password: 'Start-pass-2026' }),
  },
  {
    what: "change a colleague's role or deactivate them", state: 'submitted', allowed: ['admin'], audit: 'user.updated',
    run: (c) => updateStaffUser(db, c.user, c.colleague.id, { role: 'publicity', township: null, active: false }),
  },
  {
    what: "end a colleague's sessions", state: 'submitted', allowed: ['admin'], audit: 'user.sessions_ended',
    run: (c) => endUserSessions(db, c.user, c.colleague.id),
  },
  {
    what: 'change their own password', state: 'submitted', allowed: ROLES, audit: 'auth.password_changed',
    run: async (c) => {
      const session = await createSession(db, generateSessionToken(), c.user.id);
      return changePassword(db, c.user, session.id, PASSWORD, 'Brand-new-2027');
    },
  },
];

/** A refusal must be about who acts, never about the state or the input. */
function expectRoleRefusal(err: unknown): void {
  const ok =
    err instanceof ForbiddenError ||
    (err instanceof TransitionError && /无权执行/.test(err.message)) ||
    (err instanceof InputError && /只有系统管理员/.test(err.message));
  expect(ok, `not a role refusal: ${String(err)}`).toBe(true);
}

async function snapshot() {
  return {
    reports: await db.selectFrom('report').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('report_event').selectAll().orderBy('id').execute(),
    notes: await db.selectFrom('report_note').selectAll().orderBy('id').execute(),
    photos: await db.selectFrom('report_photo').select(['id']).execute(),
    users: await db.selectFrom('staff_user').select(['id', 'role', 'township', 'active', 'password_hash']).orderBy('id').execute(),
    sessions: await db.selectFrom('staff_session').select(['id']).orderBy('id').execute(),
    audit: await auditRows(db),
  };
}

describe('the role matrix of staff acts', () => {
  for (const act of ACTS) {
    for (const role of ROLES) {
      const allowed = act.allowed.includes(role);
      it(`${WHO[role]} ${allowed ? 'may' : 'may not'} ${act.what}`, async () => {
        const users = await usersByRole();
        const originalId = await insertReport(db, { status: 'accepted' });
        const reportId = await insertReport(db, { status: act.state });
        await insertLedgerItem(db, 'XS-0001');
        const colleague = await insertUser(db, 'moderator', { login: 'colleague' });
        await createSession(db, generateSessionToken(), colleague.id);
        const ctx: Ctx = { user: users[role], reportId, originalId, colleague };
        const before = await snapshot();

        if (allowed) {
          await act.run(ctx);
          const audit = (await auditRows(db)).slice(before.audit.length);
          expect(audit.map((a) => [a.action, a.actor_id])).toEqual([[act.audit, users[role].id]]);
        } else {
          let error: unknown = null;
          await act.run(ctx).catch((e: unknown) => {
            error = e;
          });
          expectRoleRefusal(error);
          // Refused means nothing happened: no change anywhere, not even an audit row.
          expect(await snapshot()).toEqual(before);
        }
      });
    }
  }
});

describe('what a township officer sees', () => {
  it("another township's report is out of reach: not loaded, not listed, not on the map, its photos not served", async () => {
    const jifeng = await insertUser(db, 'township', { township: 'jifeng' });
    const xishe = await insertUser(db, 'township', { township: 'xishe' });
    const theirs = await insertReport(db, { status: 'verifying', township: 'xishe' });
    await addStaffPhotos(db, xishe, theirs, [asFile(await tinyPng(1), 'site.png', 'image/png')]);
    const photo = await db.selectFrom('report_photo').select('id').where('report_id', '=', theirs).executeTakeFirstOrThrow();
    // Chosen by the citizen as 稷峰镇 but not (yet) assigned there: still not visible to 稷峰镇.
    await insertReport(db, { status: 'submitted', township: 'jifeng' });
    const own = await insertReport(db, { status: 'verifying', township: 'jifeng' });

    expect(await loadStaffReport(db, jifeng, theirs)).toBeNull();
    expect((await listQueue(db, jifeng, {}, null)).rows.map((r) => r.id)).toEqual([own]);
    expect(await countByStatus(db, jifeng, {})).toEqual({ verifying: 1 });
    expect((await queuePoints(db, jifeng, {})).map((p) => p.id)).toEqual([own]);
    expect(await readPublicPhotoForStaff(db, jifeng, photo.id)).toBeNull();
    expect(await readPublicPhotoForStaff(db, xishe, photo.id)).not.toBeNull();
    // Naming their township in the filter does not widen the view.
    expect((await listQueue(db, jifeng, { township: 'xishe' }, null)).rows).toEqual([]);
  });

  it("the officer's own report view says whether there is an identity, never what it is", async () => {
    const officer = await insertUser(db, 'township', { township: 'xishe' });
    const id = await insertReport(db, { status: 'verifying', township: 'xishe' });
    const view = await loadStaffReport(db, officer, id);
    expect(view?.hasIdentity).toBe(true);
    const json = JSON.stringify(view);
    for (const secret of [REPORTER.name, REPORTER.phone, REPORTER.phone.slice(-4), 'reporter_', '_enc']) expect(json).not.toContain(secret);
    const row = await db.selectFrom('report').select(['reporter_name_enc', 'reporter_phone_enc']).where('id', '=', id).executeTakeFirstOrThrow();
    for (const sealed of [row.reporter_name_enc!, row.reporter_phone_enc!]) {
      expect(json).not.toContain(sealed.toString('base64'));
      expect(json).not.toContain(sealed.toString('hex'));
    }
  });

  it('no role reads the identity through the report view; the custodian gets it only by revealing', async () => {
    const users = await usersByRole();
    const id = await insertReport(db, { status: 'closed', township: 'xishe' });
    for (const role of ROLES) {
      const json = JSON.stringify(await loadStaffReport(db, users[role], id));
      expect(json, role).not.toContain(REPORTER.name);
      expect(json, role).not.toContain(REPORTER.phone);
    }
    expect(await revealIdentity(db, users.custodian, id, '需要回访举报人', reporterKey)).toEqual(REPORTER);
  });

  it('publicity sees closed reports only, and the ledger keeper sees none', async () => {
    const users = await usersByRole();
    const closed = await insertReport(db, { status: 'closed' });
    const open = await insertReport(db, { status: 'verifying' });
    expect(await loadStaffReport(db, users.publicity, closed)).not.toBeNull();
    expect(await loadStaffReport(db, users.publicity, open)).toBeNull();
    expect((await listQueue(db, users.publicity, {}, null)).rows.map((r) => r.id)).toEqual([closed]);
    expect(await loadStaffReport(db, users.ledger, closed)).toBeNull();
    for (const role of ['admin', 'moderator', 'custodian'] as const) {
      expect((await listQueue(db, users[role], {}, null)).rows.map((r) => r.id), role).toEqual([closed, open]);
    }
  });
});
