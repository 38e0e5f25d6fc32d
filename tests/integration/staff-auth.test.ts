import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSession, generateSessionToken, invalidateSession, invalidateUserSessions, sessionIdFromToken, validateSessionToken,
} from '../../src/domain/accounts/auth.ts';
import { RATE_RULES } from '../../src/server/rate-limit.ts';
import { InputError } from '../../src/shared/errors.ts';
import { accountSlowdownMs, changePassword, createStaffUser, signIn, updateStaffUser } from '../../src/domain/accounts/staff-users.ts';
import { useTestDatabase } from './helpers.ts';
import { auditRows, insertUser } from './staff-fixtures.ts';

const db = useTestDatabase();
const HOUR = 3600_000;
const PASSWORD = 'Field-check-2026';

async function staff(login = 'zhang.wei', role = 'moderator', township: string | null = null) {
  const id = await createStaffUser(db, null, { login, displayName: '张伟', role, township, password: PASSWORD });
  return { id, login, displayName: '张伟', role: role as 'moderator', township };
}

const sessionRows = () => db.selectFrom('staff_session').selectAll().execute();

describe('staff sessions', () => {
  it('a new session stores only the SHA-256 of the token, and the token validates to its user', async () => {
    const user = await staff();
    const token = generateSessionToken();
    const now = new Date('2026-11-23T08:00:00Z');
    const session = await createSession(db, token, user.id, now);

    const rows = await sessionRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(createHash('sha256').update(token).digest('hex'));
    expect(session.id).toBe(rows[0]!.id);
    expect(new Date(rows[0]!.expires_at).getTime()).toBe(now.getTime() + 12 * HOUR);
    expect(JSON.stringify(rows)).not.toContain(token);

    const result = await validateSessionToken(db, token, new Date(now.getTime() + HOUR));
    expect(result.user).toEqual({ id: user.id, login: 'zhang.wei', displayName: '张伟', role: 'moderator', township: null });
    expect(result.session?.id).toBe(session.id);
    expect(result.refreshed).toBe(false);
  });

  it('tokens are 32 base32 characters from 160 random bits, never repeated', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateSessionToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{32}$/);
  });

  it('malformed tokens are refused before any lookup, even when their hash is a stored session id', async () => {
    const user = await staff();
    const token = generateSessionToken();
    await createSession(db, token, user.id);
    for (const bad of ['', token.toUpperCase(), token.slice(0, 31), `${token}a`, `${token.slice(0, 31)}1`, `${token.slice(0, 31)}=`, ' '.repeat(32), sessionIdFromToken(token)]) {
      expect((await validateSessionToken(db, bad)).session, JSON.stringify(bad)).toBeNull();
    }
    // A row keyed by the hash of a malformed string still cannot be reached with that string.
    await db.insertInto('staff_session').values({ id: sessionIdFromToken('NOT-A-TOKEN'), user_id: user.id, expires_at: new Date(Date.now() + HOUR) }).execute();
    expect((await validateSessionToken(db, 'NOT-A-TOKEN')).user).toBeNull();
    // A well-formed token that was never issued is simply unknown.
    expect((await validateSessionToken(db, generateSessionToken())).user).toBeNull();
    expect((await validateSessionToken(db, token)).user?.id).toBe(user.id);
  });

  it('a session slides forward to 12 hours once less than half of it is left, and not before', async () => {
    const user = await staff();
    const token = generateSessionToken();
    const t0 = new Date('2026-11-23T08:00:00Z');
    await createSession(db, token, user.id, t0);

    const at5h = new Date(t0.getTime() + 5 * HOUR);
    const early = await validateSessionToken(db, token, at5h);
    expect(early.refreshed).toBe(false);
    expect(early.session!.expiresAt.getTime()).toBe(t0.getTime() + 12 * HOUR);

    const at7h = new Date(t0.getTime() + 7 * HOUR);
    const late = await validateSessionToken(db, token, at7h);
    expect(late.refreshed).toBe(true);
    expect(late.session!.expiresAt.getTime()).toBe(at7h.getTime() + 12 * HOUR);
    const [row] = await sessionRows();
    expect(new Date(row!.expires_at).getTime()).toBe(at7h.getTime() + 12 * HOUR);

    // Used again 11 hours later it is still alive, because it slid.
    const at18h = new Date(t0.getTime() + 18 * HOUR);
    expect((await validateSessionToken(db, token, at18h)).user?.id).toBe(user.id);
  });

  it('an expired session is refused and its row deleted', async () => {
    const user = await staff();
    const token = generateSessionToken();
    const t0 = new Date('2026-11-23T08:00:00Z');
    await createSession(db, token, user.id, t0);
    const result = await validateSessionToken(db, token, new Date(t0.getTime() + 12 * HOUR));
    expect(result).toEqual({ session: null, user: null, refreshed: false });
    expect(await sessionRows()).toHaveLength(0);
  });

  it('signing out ends that session only', async () => {
    const user = await staff();
    const [a, b] = [generateSessionToken(), generateSessionToken()];
    const sa = await createSession(db, a, user.id);
    await createSession(db, b, user.id);
    await invalidateSession(db, sa.id);
    expect((await validateSessionToken(db, a)).user).toBeNull();
    expect((await validateSessionToken(db, b)).user?.id).toBe(user.id);
  });

  it("ending a user's sessions can keep one, and never touches other users' sessions", async () => {
    const user = await staff();
    const other = await staff('li.na');
    const tokens = [generateSessionToken(), generateSessionToken(), generateSessionToken()];
    const sessions = [];
    for (const t of tokens) sessions.push(await createSession(db, t, user.id));
    const otherToken = generateSessionToken();
    await createSession(db, otherToken, other.id);

    expect(await invalidateUserSessions(db, user.id, sessions[1]!.id)).toBe(2);
    expect((await validateSessionToken(db, tokens[0]!)).user).toBeNull();
    expect((await validateSessionToken(db, tokens[1]!)).user?.id).toBe(user.id);
    expect((await validateSessionToken(db, tokens[2]!)).user).toBeNull();
    expect(await invalidateUserSessions(db, user.id)).toBe(1);
    expect((await validateSessionToken(db, tokens[1]!)).user).toBeNull();
    expect((await validateSessionToken(db, otherToken)).user?.id).toBe(other.id);
  });

  it("a deactivated user's sessions are invalid at once, even if a row is left behind", async () => {
    const admin = await insertUser(db, 'admin');
    const user = await staff();
    const token = generateSessionToken();
    await createSession(db, token, user.id);

    // Deactivated behind the app's back: the check at validation still refuses and cleans up.
    await db.updateTable('staff_user').set({ active: false }).where('id', '=', user.id).execute();
    expect((await validateSessionToken(db, token)).user).toBeNull();
    expect(await sessionRows()).toHaveLength(0);

    // Deactivated by the admin: the sessions are ended in the same transaction.
    await db.updateTable('staff_user').set({ active: true }).where('id', '=', user.id).execute();
    const again = generateSessionToken();
    await createSession(db, again, user.id);
    await updateStaffUser(db, admin, user.id, { role: 'moderator', township: null, active: false });
    expect(await sessionRows()).toHaveLength(0);
    expect((await validateSessionToken(db, again)).user).toBeNull();
    expect((await signIn(db, user.login, PASSWORD, 'client-a')).ok).toBe(false);
  });

  it('a role change ends the old sessions, so old rights do not linger', async () => {
    const admin = await insertUser(db, 'admin');
    const user = await staff();
    const token = generateSessionToken();
    await createSession(db, token, user.id);
    await updateStaffUser(db, admin, user.id, { role: 'township', township: 'xishe', active: true });
    expect((await validateSessionToken(db, token)).user).toBeNull();
    const signedIn = await signIn(db, user.login, PASSWORD, 'client-a');
    expect(signedIn.ok && signedIn.user).toMatchObject({ role: 'township', township: 'xishe' });
  });
});

/** Rate-limit windows are fixed 15-minute slots; keep a burst of attempts inside one slot. */
async function awayFromWindowEdge(): Promise<void> {
  const windowMs = RATE_RULES.loginAccount.windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < 20_000) await new Promise((r) => setTimeout(r, left + 100));
}

describe('signing in', () => {
  it('the right password opens a session; the wrong one and an unknown login get the same answer', async () => {
    const user = await staff();
    const ok = await signIn(db, '  Zhang.Wei ', PASSWORD, 'client-a');
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.user.id).toBe(user.id);
    expect((await validateSessionToken(db, ok.token)).user?.id).toBe(user.id);

    const wrong = await signIn(db, 'zhang.wei', 'Field-check-2027', 'client-a');
    const unknown = await signIn(db, 'nobody', PASSWORD, 'client-a');
    expect(wrong).toEqual({ ok: false, status: 401, message: '账号或密码不正确' });
    expect(unknown).toEqual(wrong);
  });

  it('after 5 failed attempts on one account from one client, that client is refused with 429, even with the right password', async () => {
    await awayFromWindowEdge();
    await staff();
    for (let i = 0; i < 5; i++) {
      const r = await signIn(db, 'zhang.wei', `Wrong-pass-${i}x`, 'client-a');
      expect(r).toMatchObject({ ok: false, status: 401 });
    }
    const blocked = await signIn(db, 'zhang.wei', PASSWORD, 'client-a');
    expect(blocked.ok).toBe(false);
    expect(blocked).toMatchObject({ status: 429, message: expect.stringMatching(/^这台设备登录失败次数太多，请 \d+ 分钟后再试。$/) });
    expect(await sessionRows()).toHaveLength(0);
  });

  it('a guesser cannot lock the owner out: the owner signs in from their own client at once', async () => {
    await awayFromWindowEdge();
    await staff();
    for (let i = 0; i < 6; i++) await signIn(db, 'zhang.wei', `Wrong-pass-${i}x`, 'attacker');
    expect(await signIn(db, 'zhang.wei', 'Wrong-pass-9x', 'attacker')).toMatchObject({ status: 429 });
    const waits: number[] = [];
    const owner = await signIn(db, 'zhang.wei', PASSWORD, 'owner', async (ms) => void waits.push(ms));
    expect(owner.ok).toBe(true);
    expect(waits).toEqual([]);
  });

  it('failures from many clients past the account ceiling slow every attempt on it, but never refuse the owner', async () => {
    await awayFromWindowEdge();
    await staff();
    const waits: number[] = [];
    const record = async (ms: number) => void waits.push(ms);
    // Four wrong passwords each from four clients: under every per-client limit, 16 on the account.
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < 4; i++) expect(await signIn(db, 'zhang.wei', `Wrong-pass-${i}x`, `botnet-${c}`, record)).toMatchObject({ status: 401 });
    }
    // Attempts 11 to 16 waited 1 s, 2 s, … 5 s at most.
    expect(waits).toEqual([1000, 2000, 3000, 4000, 5000, 5000]);
    waits.length = 0;
    const owner = await signIn(db, 'zhang.wei', PASSWORD, 'owner', record);
    expect(owner.ok).toBe(true);
    expect(waits).toEqual([5000]);
  });

  it('slows by one second per failure past the ceiling, at most five', () => {
    const ceiling = RATE_RULES.loginAccount.limit;
    const table: Array<[number, number]> = [[0, 0], [ceiling, 0], [ceiling + 1, 1000], [ceiling + 3, 3000], [ceiling + 5, 5000], [ceiling + 50, 5000]];
    for (const [failures, ms] of table) expect(accountSlowdownMs(failures), `${failures}`).toBe(ms);
  });

  it('one client failing across many accounts is stopped after 20 failures; other clients are not', async () => {
    await awayFromWindowEdge();
    await staff();
    // Four failures per account stay under the per-account limit; 20 in all reach the client limit.
    for (let i = 0; i < 20; i++) {
      const r = await signIn(db, `guess-${i % 5}`, 'Wrong-pass-0x', 'client-a');
      expect(r, `attempt ${i + 1}`).toMatchObject({ ok: false, status: 401 });
    }
    expect(await signIn(db, 'zhang.wei', PASSWORD, 'client-a')).toMatchObject({ ok: false, status: 429 });
    expect((await signIn(db, 'zhang.wei', PASSWORD, 'client-b')).ok).toBe(true);
  });

  it('successful sign-ins neither count towards the limit nor reset it', async () => {
    await awayFromWindowEdge();
    await staff();
    for (let i = 0; i < 8; i++) expect((await signIn(db, 'zhang.wei', PASSWORD, 'client-a')).ok).toBe(true);
    for (let i = 0; i < 4; i++) expect((await signIn(db, 'zhang.wei', 'Wrong-pass-0x', 'client-a')).ok).toBe(false);
    expect((await signIn(db, 'zhang.wei', PASSWORD, 'client-a')).ok).toBe(true);
    expect(await signIn(db, 'zhang.wei', 'Wrong-pass-0x', 'client-a')).toMatchObject({ status: 401 });
    expect(await signIn(db, 'zhang.wei', PASSWORD, 'client-a')).toMatchObject({ ok: false, status: 429 });
  });

  it('every failed attempt is audited as auth.login_failed without an actor; a success as auth.login', async () => {
    const user = await staff();
    await signIn(db, 'zhang.wei', 'Wrong-pass-0x', 'client-a');
    await signIn(db, 'Ghost', 'Wrong-pass-0x', 'client-a');
    await signIn(db, 'zhang.wei', PASSWORD, 'client-a');
    const rows = (await auditRows(db)).filter((r) => r.action.startsWith('auth.'));
    expect(rows.map((r) => [r.action, r.target, r.actor_id, r.actor_login])).toEqual([
      ['auth.login_failed', 'login:zhang.wei', null, null],
      ['auth.login_failed', 'login:ghost', null, null],
      ['auth.login', `user:${user.id}`, user.id, 'zhang.wei'],
    ]);
    // Passwords never reach the audit trail.
    expect(JSON.stringify(rows)).not.toMatch(/Wrong-pass|Field-check/);
  });
});

describe('the password rule', () => {
  it('scores every real account’s password and says why one is refused; demo accounts are exempt in demo mode only', async () => {
    await expect(createStaffUser(db, null, { login: 'li.na', displayName: '李娜', role: 'moderator', password: 'Password12345' })).rejects.toThrow(/密码太容易被猜到/);
    await expect(createStaffUser(db, null, { login: 'zhang.lina', displayName: '张丽娜', role: 'moderator', password: 'zhang.lina2026' })).rejects.toThrow(/登录名/);
    expect(await createStaffUser(db, null, { login: 'li.na', displayName: '李娜', role: 'moderator', password: 'Field-check-2027' })).toMatch(/^\d+$/);
    // The test app runs in demo mode (DEMO_MODE is not off): a trainer may give demo accounts an easy password.
    expect(await createStaffUser(db, null, { login: 'demo.trainee', displayName: '培训账号', role: 'moderator', password: 'demo1234' }, { demo: true })).toMatch(/^\d+$/);
  });
});

describe('changing one’s password', () => {
  it('ends every other session of the user but keeps the current one', async () => {
    const user = await staff();
    const current = await signIn(db, 'zhang.wei', PASSWORD, 'client-a');
    const phone = await signIn(db, 'zhang.wei', PASSWORD, 'client-b');
    const laptop = await signIn(db, 'zhang.wei', PASSWORD, 'client-c');
    if (!current.ok || !phone.ok || !laptop.ok) throw new Error('sign-in failed');

    await changePassword(db, current.user, current.session.id, PASSWORD, 'New-secret-2027');
    expect((await validateSessionToken(db, current.token)).user?.id).toBe(user.id);
    expect((await validateSessionToken(db, phone.token)).user).toBeNull();
    expect((await validateSessionToken(db, laptop.token)).user).toBeNull();

    expect((await signIn(db, 'zhang.wei', PASSWORD, 'client-a')).ok).toBe(false);
    expect((await signIn(db, 'zhang.wei', 'New-secret-2027', 'client-a')).ok).toBe(true);
    const audit = (await auditRows(db)).find((r) => r.action === 'auth.password_changed');
    expect(audit).toMatchObject({ actor_id: user.id, target: `user:${user.id}`, after: { other_sessions_ended: 2 } });
  });

  it('refuses a weak new password or a wrong current one and changes nothing', async () => {
    await staff();
    const current = await signIn(db, 'zhang.wei', PASSWORD, 'client-a');
    const other = await signIn(db, 'zhang.wei', PASSWORD, 'client-b');
    if (!current.ok || !other.ok) throw new Error('sign-in failed');
    for (const weak of ['short-1A', 'Password12345', '1234567890123', 'zhang.wei.2026', 'x'.repeat(201) + 'A']) {
      await expect(changePassword(db, current.user, current.session.id, PASSWORD, weak), weak).rejects.toBeInstanceOf(InputError);
    }
    await expect(changePassword(db, current.user, current.session.id, 'Not-my-password-1', 'New-secret-2027')).rejects.toThrow('当前密码不正确');
    expect((await validateSessionToken(db, other.token)).user).not.toBeNull();
    expect((await signIn(db, 'zhang.wei', PASSWORD, 'client-a')).ok).toBe(true);
    expect((await auditRows(db)).some((r) => r.action === 'auth.password_changed')).toBe(false);
  });
});
