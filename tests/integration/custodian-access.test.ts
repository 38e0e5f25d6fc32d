import { describe, expect, it } from 'vitest';
import { validateSessionToken } from '../../src/domain/accounts/auth.ts';
import {
  cancelCustodianChange, completeCustodianSetup, confirmCustodianChange, listPendingCustodianRequests, requestCustodianChange,
} from '../../src/domain/accounts/custodian-access.ts';
import { createStaffUser, signIn, updateStaffUser } from '../../src/domain/accounts/staff-users.ts';
import { useTestDatabase } from './helpers.ts';
import { auditRows, insertUser, PASSWORD } from './staff-fixtures.ts';

const db = useTestDatabase();
const OWN_PASSWORD = 'Quiet-orchard-river-81';

async function setUp(login: string, halfA: string, halfB: string, password = OWN_PASSWORD, client = 'custodian-desk'): Promise<void> {
  await completeCustodianSetup(db, { login, halfA, halfB, password }, client);
}

describe('one admin alone never makes a custodian', () => {
  it('refuses to create a custodian account or turn an account into one with a single admin', async () => {
    const admin = await insertUser(db, 'admin');
    await expect(createStaffUser(db, admin, { login: 'sole.custodian', displayName: '独自', role: 'custodian', password: 'Quiet-orchard-river-81' })).rejects.toThrow(/另一位系统管理员确认/);
    const mine = await insertUser(db, 'moderator');
    await expect(updateStaffUser(db, admin, mine.id, { role: 'custodian', township: null, active: true })).rejects.toThrow(/另一位系统管理员确认/);
    expect(await db.selectFrom('staff_user').select('id').where('role', '=', 'custodian').execute()).toEqual([]);
  });

  it('refuses confirmation by the admin who asked, in the app and in the database', async () => {
    const admin = await insertUser(db, 'admin');
    const { requestId } = await requestCustodianChange(db, admin, { kind: 'create', login: 'wang.custodian', displayName: '王保管' });
    await expect(confirmCustodianChange(db, admin, requestId)).rejects.toThrow(/不能确认自己提出的申请/);
    await expect(
      db.updateTable('custodian_request').set({ status: 'confirmed', decided_by: admin.id }).where('id', '=', requestId).execute(),
    ).rejects.toThrow(/custodian_request_four_eyes/);
    expect(await db.selectFrom('staff_user').select('id').where('login', '=', 'wang.custodian').executeTakeFirst()).toBeUndefined();
  });
});

describe('a custodian made by two admins', () => {
  it('can be signed into by nobody until the custodian sets a password with both halves; every act is audited', async () => {
    const first = await insertUser(db, 'admin', { login: 'admin.a' });
    const second = await insertUser(db, 'admin', { login: 'admin.b' });
    const { requestId, halfA } = await requestCustodianChange(db, first, { kind: 'create', login: 'wang.custodian', displayName: '王保管' });
    expect((await listPendingCustodianRequests(db)).map((r) => [r.kind, r.login, r.requester])).toEqual([['create', 'wang.custodian', '测试admin']]);
    const { login, halfB } = await confirmCustodianChange(db, second, requestId);
    expect(login).toBe('wang.custodian');
    expect(halfA).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    expect(halfB).not.toBe(halfA);
    expect(await listPendingCustodianRequests(db)).toEqual([]);

    // Neither admin knows a password for it; the halves are no password either.
    for (const guess of [PASSWORD, halfA, halfB, `${halfA}${halfB}`]) expect((await signIn(db, 'wang.custodian', guess, 'admin-desk')).ok).toBe(false);
    // One half, the halves swapped or a typo: refused.
    await expect(setUp('wang.custodian', halfA, halfA)).rejects.toThrow(/设置码不正确/);
    await expect(setUp('wang.custodian', halfB, halfA)).rejects.toThrow(/设置码不正确/);
    await expect(setUp('wang.custodian', halfA, 'AAAAA-AAAAA')).rejects.toThrow(/设置码不正确/);
    // A weak password is refused with the reason, and the code stays usable.
    await expect(setUp('wang.custodian', halfA, halfB, 'Password12345')).rejects.toThrow(/密码太容易被猜到/);
    // Typed in lower case and without the dash: the same code.
    await setUp('wang.custodian', halfA.toLowerCase().replace('-', ''), halfB);
    const signedIn = await signIn(db, 'wang.custodian', OWN_PASSWORD, 'custodian-desk');
    expect(signedIn.ok && signedIn.user.role).toBe('custodian');
    // Used once: the same halves cannot set another password.
    await expect(setUp('wang.custodian', halfA, halfB, 'Another-quiet-river-92')).rejects.toThrow(/设置码不正确/);

    const audit = (await auditRows(db)).filter((r) => r.action.startsWith('custodian.'));
    expect(audit.map((r) => [r.action, r.actor_login])).toEqual([
      ['custodian.requested', 'admin.a'],
      ['custodian.confirmed', 'admin.b'],
      ['custodian.setup_failed', null],
      ['custodian.setup_failed', null],
      ['custodian.setup_failed', null],
      ['custodian.setup_completed', 'wang.custodian'],
      ['custodian.setup_failed', null],
    ]);
    expect(JSON.stringify(audit)).not.toContain(halfA);
    expect(JSON.stringify(audit)).not.toContain(halfB);
  });

  it('turns an existing account into a custodian only with its old password and sessions gone', async () => {
    const first = await insertUser(db, 'admin');
    const second = await insertUser(db, 'admin');
    // An account whose password the first admin knows: the route one admin could have used.
    const known = await insertUser(db, 'moderator', { login: 'known.account' });
    const session = await signIn(db, 'known.account', PASSWORD, 'admin-desk');
    if (!session.ok) throw new Error('sign-in failed');
    const { requestId, halfA } = await requestCustodianChange(db, first, { kind: 'grant', userId: known.id });
    expect((await db.selectFrom('staff_user').select('role').where('id', '=', known.id).executeTakeFirstOrThrow()).role).toBe('moderator');
    const { halfB } = await confirmCustodianChange(db, second, requestId);
    expect((await db.selectFrom('staff_user').select('role').where('id', '=', known.id).executeTakeFirstOrThrow()).role).toBe('custodian');
    expect((await validateSessionToken(db, session.token)).user).toBeNull();
    expect((await signIn(db, 'known.account', PASSWORD, 'admin-desk')).ok).toBe(false);
    await setUp('known.account', halfA, halfB);
    expect((await signIn(db, 'known.account', OWN_PASSWORD, 'custodian-desk')).ok).toBe(true);
  });

  it('gives a custodian a new password only the same way, and lets either admin cancel a request', async () => {
    const first = await insertUser(db, 'admin');
    const second = await insertUser(db, 'admin');
    const custodian = await insertUser(db, 'custodian', { login: 'li.custodian' });
    await expect(requestCustodianChange(db, first, { kind: 'reset', userId: (await insertUser(db, 'moderator')).id })).rejects.toThrow(/只有身份保管员/);
    const cancelled = await requestCustodianChange(db, first, { kind: 'reset', userId: custodian.id });
    await expect(requestCustodianChange(db, second, { kind: 'reset', userId: custodian.id })).rejects.toThrow(/待确认的申请/);
    await cancelCustodianChange(db, second, cancelled.requestId);
    await expect(confirmCustodianChange(db, second, cancelled.requestId)).rejects.toThrow(/不存在或已办理/);
    expect((await signIn(db, 'li.custodian', PASSWORD, 'custodian-desk')).ok).toBe(true);

    const { requestId, halfA } = await requestCustodianChange(db, first, { kind: 'reset', userId: custodian.id });
    const { halfB } = await confirmCustodianChange(db, second, requestId);
    expect((await signIn(db, 'li.custodian', PASSWORD, 'custodian-desk')).ok).toBe(false);
    await setUp('li.custodian', halfA, halfB);
    expect((await signIn(db, 'li.custodian', OWN_PASSWORD, 'custodian-desk')).ok).toBe(true);
  });

  it('refuses a setup code after it expires', async () => {
    const first = await insertUser(db, 'admin');
    const second = await insertUser(db, 'admin');
    const { requestId, halfA } = await requestCustodianChange(db, first, { kind: 'create', login: 'late.custodian', displayName: '迟到' });
    const { halfB } = await confirmCustodianChange(db, second, requestId);
    await db.updateTable('staff_user').set({ setup_expires_at: new Date(Date.now() - 1000) }).where('login', '=', 'late.custodian').execute();
    await expect(setUp('late.custodian', halfA, halfB)).rejects.toThrow(/已过期/);
  });
});
