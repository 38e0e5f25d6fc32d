/**
 * Staff Actions. Each one checks who is signed in and what their role allows, itself
 * (staffAction): the pages' own guards are not relied upon. Success returns where to go next
 * (POST/redirect/GET).
 */
import { ActionError, defineAction, type ActionAPIContext } from 'astro:actions';
import {
  changePasswordSchema, createUserSchema, loginSchema, safeStaffPath, updateUserSchema, userIdSchema, custodianRequestIdSchema, custodianSetupSchema,
} from '../domain/accounts/account-schema.ts';
import { correctionSchema, linkLedgerSchema, reportTextSchema, revealSchema, workflowSchema } from '../domain/reports/staff-report-schema.ts';
import { cancelCustodianChange, completeCustodianSetup, confirmCustodianChange, grantsCustodian, requestCustodianChange } from '../domain/accounts/custodian-access.ts';
import { getDb } from '../server/db.ts';
import { deleteSessionTokenCookie, invalidateSession, setSessionTokenCookie } from '../domain/accounts/auth.ts';
import { recordAudit } from '../domain/accounts/audit.ts';
import { addInternalNote, correctReport, linkLedgerItem, replyToReport, revealIdentity } from '../domain/reports/staff-reports.ts';
import { performActWithPhotos } from '../domain/reports/staff-photos.ts';
import { changePassword, createStaffUser, endUserSessions, signIn, updateStaffUser } from '../domain/accounts/staff-users.ts';
import { getSecrets } from '../server/secrets.ts';
import { guarded, signedOutAction, staffAction, tooManyAttempts } from './guard.ts';

const reportPage = (id: string) => `/staff/reports/${id}/`;
const secure = (context: ActionAPIContext) => context.url.protocol === 'https:';

export const staff = {
  login: signedOutAction(loginSchema, async ({ db, input, context, client }) => {
    const result = await signIn(db, input.login, input.password, client);
    if (!result.ok) throw result.status === 429 ? tooManyAttempts(context, result.retryAfterSeconds, result.message) : new ActionError({ code: 'UNAUTHORIZED', message: result.message });
    setSessionTokenCookie(context.cookies, result.token, result.session.expiresAt, secure(context));
    return { redirectTo: safeStaffPath(input.next) };
  }),

  logout: defineAction({
    accept: 'form',
    handler: (_input, context) =>
      guarded(async () => {
        // Signing out of a session that has already ended (expired, or ended by an admin) is not an
        // error: the cookie is cleared and the browser lands on the signed-out page all the same.
        const user = context.locals.user;
        if (user) {
          const db = getDb();
          if (context.locals.session) await invalidateSession(db, context.locals.session.id);
          await recordAudit(db, user, { action: 'auth.logout', target: `user:${user.id}` });
        }
        deleteSessionTokenCookie(context.cookies, secure(context));
        return { redirectTo: '/staff/login/?signed_out=1' };
      }),
  }),

  changePassword: staffAction(changePasswordSchema, 'account.manage', async ({ db, user, input, context }) => {
    await changePassword(db, user, context.locals.session!.id, input.current, input.next);
    return { redirectTo: '/staff/account/?changed=1' };
  }),

  workflow: staffAction(workflowSchema, (input) => `report.${input.action}`, async ({ db, user, input }) => {
    await performActWithPhotos(db, user, input.reportId, input.action, input.details, input.photos);
    return { redirectTo: `${reportPage(input.reportId)}?done=${input.action}` };
  }),

  reply: staffAction(reportTextSchema, 'report.reply', async ({ db, user, input }) => {
    await replyToReport(db, user, input.reportId, input.text);
    return { redirectTo: `${reportPage(input.reportId)}?done=reply` };
  }),

  note: staffAction(reportTextSchema, 'report.note', async ({ db, user, input }) => {
    await addInternalNote(db, user, input.reportId, input.text);
    return { redirectTo: `${reportPage(input.reportId)}?done=note` };
  }),

  correct: staffAction(correctionSchema, 'report.correct', async ({ db, user, input }) => {
    await correctReport(db, user, input.reportId, input);
    return { redirectTo: `${reportPage(input.reportId)}?done=correct` };
  }),

  linkLedger: staffAction(linkLedgerSchema, 'report.linkLedger', async ({ db, user, input }) => {
    await linkLedgerItem(db, user, input.reportId, input.externalId);
    return { redirectTo: `${reportPage(input.reportId)}?done=link` };
  }),

  reveal: staffAction(revealSchema, 'report.revealIdentity', async ({ db, user, input }) => {
    const identity = await revealIdentity(db, user, input.reportId, input.reason, getSecrets().reporterKey);
    // Shown on this response only: never redirected, stored or cached.
    return { show: true as const, identity };
  }),

  createUser: staffAction(createUserSchema, 'user.manage', async ({ db, user: admin, input }) => {
    if (input.role === 'custodian') {
      // Shown on this response only: the half of the setup code is never redirected or stored.
      const { halfA, login } = await requestCustodianChange(db, admin, { kind: 'create', login: input.login, displayName: input.displayName });
      return { show: 'requested' as const, halfA, login };
    }
    await createStaffUser(db, admin, input);
    return { redirectTo: '/staff/users/?done=created' };
  }),

  updateUser: staffAction(updateUserSchema, 'user.manage', async ({ db, user: admin, input }) => {
    if (await grantsCustodian(db, input.userId, input.role)) {
      const { halfA, login } = await requestCustodianChange(db, admin, { kind: 'grant', userId: input.userId });
      return { show: 'requested' as const, halfA, login };
    }
    await updateStaffUser(db, admin, input.userId, { role: input.role, township: input.township || null, active: input.active === 'yes' });
    return { redirectTo: '/staff/users/?done=updated' };
  }),

  resetCustodianPassword: staffAction(userIdSchema, 'user.manage', async ({ db, user: admin, input }) => {
    const { halfA, login } = await requestCustodianChange(db, admin, { kind: 'reset', userId: input.userId });
    return { show: 'requested' as const, halfA, login };
  }),

  confirmCustodianRequest: staffAction(custodianRequestIdSchema, 'user.manage', async ({ db, user: admin, input }) => {
    const { login, halfB } = await confirmCustodianChange(db, admin, input.requestId);
    return { show: 'confirmed' as const, halfB, login };
  }),

  cancelCustodianRequest: staffAction(custodianRequestIdSchema, 'user.manage', async ({ db, user: admin, input }) => {
    await cancelCustodianChange(db, admin, input.requestId);
    return { redirectTo: '/staff/users/?done=cancelled' };
  }),

  /** Not signed in: the new custodian, with both halves of the setup code. */
  setupCustodian: signedOutAction(custodianSetupSchema, async ({ db, input, context, client }) => {
    const refused = await completeCustodianSetup(db, input, client);
    if (refused) throw tooManyAttempts(context, refused.retryAfterSeconds, refused.message);
    return { redirectTo: '/staff/login/?setup=done' };
  }),

  endSessions: staffAction(userIdSchema, 'user.manage', async ({ db, user: admin, input }) => {
    await endUserSessions(db, admin, input.userId);
    return { redirectTo: '/staff/users/?done=sessions' };
  }),
};
