/**
 * Staff accounts: sign-in with throttling, password changes, and the admin's user management.
 * Every act is audited.
 */
import type { Kysely } from 'kysely';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { Database } from '../../server/database.ts';
import {
  burnPasswordCheck, createSession, findUserByLogin, generateSessionToken, hashPassword, invalidateUserSessions,
  verifyPassword, type Session, type StaffUser,
} from './auth.ts';
import { PASSWORD_MAX_LENGTH, passwordProblem } from './password-strength.ts';
import { recordAudit } from './audit.ts';
import { hitRateLimit, RATE_RULES, refundRateLimit } from '../../server/rate-limit.ts';
import { isStaffRole, type StaffRole } from '../../shared/permissions.ts';
import { requirePermission } from './staff-access.ts';
import { InputError } from '../../shared/errors.ts';

export type SignInResult =
  | { ok: true; token: string; session: Session; user: StaffUser }
  | { ok: false; status: 401; message: string }
  | { ok: false; status: 429; message: string; retryAfterSeconds: number };

const WRONG = '账号或密码不正确';
export const CUSTODIAN_NEEDS_TWO = '授予身份保管员角色需要另一位系统管理员确认：提交后由另一位管理员在“用户管理”页确认。';

/** How long an attempt on an account waits once the account's failures pass the ceiling. */
export function accountSlowdownMs(failures: number, ceiling: number = RATE_RULES.loginAccount.limit): number {
  // One more second per failure past the ceiling, at most five: a guesser spread over many
  // clients gets a handful of tries a minute, the owner still gets in.
  return Math.min(Math.max(failures - ceiling, 0) * 1000, 5000);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Failed attempts are limited per (account, client) pair (5 per 15 minutes) and per client across
 * accounts (20 per 15 minutes): past either, that client is refused. Failures on an account from
 * all clients together only slow further attempts on it past a ceiling (10 per 15 minutes), so
 * a guesser can neither lock the owner out nor try many passwords. Every attempt is counted
 * atomically before the password is checked, so a burst of parallel guesses cannot slip past
 * the limits; a successful sign-in then takes its counts back.
 */
export async function signIn(db: Kysely<Database>, login: string, password: string, clientKey: string, wait: (ms: number) => Promise<void> = sleep): Promise<SignInResult> {
  const account = login.trim().toLowerCase().slice(0, 64);
  const perClient = [[RATE_RULES.loginPair, `${account}|${clientKey}`], [RATE_RULES.loginClient, clientKey]] as const;
  const blocked = (await Promise.all(perClient.map(([rule, key]) => hitRateLimit(db, rule, key)))).find((l) => !l.allowed);
  if (blocked) {
    return { ok: false, status: 429, message: `这台设备登录失败次数太多，请 ${Math.max(1, Math.ceil(blocked.retryAfterSeconds / 60))} 分钟后再试。`, retryAfterSeconds: blocked.retryAfterSeconds };
  }
  // Only attempts whose password is checked count on the account: refused ones cost the owner nothing.
  const accountWide = await hitRateLimit(db, RATE_RULES.loginAccount, account);
  const slowdown = accountSlowdownMs(accountWide.hits);
  if (slowdown > 0) await wait(slowdown);
  const rules = [...perClient, [RATE_RULES.loginAccount, account] as const];
  const row = await findUserByLogin(db, account);
  // The password is checked even for a deactivated account, so its answer takes as long as any other.
  const valid = row ? (await verifyPassword(row.password_hash, password)) && row.active : (await burnPasswordCheck(password), false);
  if (!row || !valid) {
    await recordAudit(db, null, { action: 'auth.login_failed', target: `login:${account}` });
    return { ok: false, status: 401, message: WRONG };
  }
  await Promise.all(rules.map(([rule, key]) => refundRateLimit(db, rule, key)));
  const user: StaffUser = { id: row.id, login: row.login, displayName: row.display_name, role: row.role as StaffRole, township: row.township };
  const token = generateSessionToken();
  const session = await createSession(db, token, user.id);
  await recordAudit(db, user, { action: 'auth.login', target: `user:${user.id}` });
  return { ok: true, token, session, user };
}

export async function changePassword(db: Kysely<Database>, user: StaffUser, sessionId: string, current: string, next: string): Promise<void> {
  const problem = passwordProblem(next, [user.login, user.displayName]);
  if (problem) throw new InputError([problem]);
  const row = await db.selectFrom('staff_user').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, current))) throw new InputError(['当前密码不正确']);
  const hash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff_user').set({ password_hash: hash, password_changed_at: new Date() }).where('id', '=', user.id).execute();
    const ended = await invalidateUserSessions(trx, user.id, sessionId);
    await recordAudit(trx, user, { action: 'auth.password_changed', target: `user:${user.id}`, after: { other_sessions_ended: ended } });
  });
}

export interface NewStaffUser {
  login: string;
  displayName: string;
  role: string;
  township?: string | null;
  password: string;
}

/** What is wrong with a new account's login and name, in Chinese (also for a custodian request). */
export function accountNameProblems(login: string, displayName: string): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9._-]{2,31}$/.test(login.trim().toLowerCase())) problems.push('登录名需为 3–32 位小写字母、数字、点、横线或下划线');
  if (!displayName.trim() || [...displayName].length > 40) problems.push('请填写姓名（不超过 40 字）');
  return problems;
}

/**
 * What is wrong with a new account, in Chinese. A demo account in demo mode may keep a weak
 * password (DEMO_STAFF_PASSWORD, for a training session); every real account is scored.
 */
export function checkNewUser(u: NewStaffUser, options: { demo?: boolean } = {}): string[] {
  const problems = accountNameProblems(u.login, u.displayName);
  if (!isStaffRole(u.role)) problems.push('请选择角色');
  if (u.role === 'township' && !jurisdiction.townships.some((t) => t.code === u.township)) problems.push('乡镇核查员必须选择所属乡镇');
  const pw = options.demo && jurisdiction.demo
    ? (u.password.length === 0 || [...u.password].length > PASSWORD_MAX_LENGTH ? '请设置密码' : null)
    : passwordProblem(u.password, [u.login, u.displayName]);
  if (pw) problems.push(pw);
  return problems;
}

/** Creates an account; `actor` is null when created from the command line. */
export async function createStaffUser(db: Kysely<Database>, actor: StaffUser | null, u: NewStaffUser, options: { demo?: boolean } = {}): Promise<string> {
  if (actor) requirePermission(actor, 'user.manage');
  // One admin alone never makes a custodian: that takes a second admin (custodian-access.ts).
  if (actor && u.role === 'custodian') throw new InputError([CUSTODIAN_NEEDS_TWO]);
  const problems = checkNewUser(u, options);
  if (problems.length) throw new InputError(problems);
  const login = u.login.trim().toLowerCase();
  if (await findUserByLogin(db, login)) throw new InputError([`登录名“${login}”已被使用`]);
  const hash = await hashPassword(u.password);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('staff_user')
      .values({ login, display_name: u.displayName.trim(), role: u.role, township: u.role === 'township' ? u.township! : null, password_hash: hash, is_demo: options.demo ?? false })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'user.created', target: `user:${id}`, after: { login, role: u.role, township: u.role === 'township' ? u.township : null } });
    return id;
  });
}

export async function updateStaffUser(
  db: Kysely<Database>,
  admin: StaffUser,
  userId: string,
  change: { role: string; township: string | null; active: boolean },
): Promise<void> {
  requirePermission(admin, 'user.manage');
  if (!isStaffRole(change.role)) throw new InputError(['请选择角色']);
  if (change.role === 'township' && !jurisdiction.townships.some((t) => t.code === change.township)) throw new InputError(['乡镇核查员必须选择所属乡镇']);
  if (userId === admin.id && (!change.active || change.role !== 'admin')) throw new InputError(['不能停用或降级自己的管理员账号']);
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('staff_user').select(['role', 'township', 'active']).where('id', '=', userId).forUpdate().executeTakeFirst();
    if (!before) throw new InputError(['账号不存在']);
    if (change.role === 'custodian' && before.role !== 'custodian') throw new InputError([CUSTODIAN_NEEDS_TWO]);
    const after = { role: change.role, township: change.role === 'township' ? change.township : null, active: change.active };
    await trx.updateTable('staff_user').set(after).where('id', '=', userId).execute();
    // A changed role or a deactivated account must not keep old sessions with old rights.
    if (before.role !== after.role || before.township !== after.township || !after.active) await invalidateUserSessions(trx, userId);
    await recordAudit(trx, admin, { action: 'user.updated', target: `user:${userId}`, before, after });
  });
}

export async function endUserSessions(db: Kysely<Database>, admin: StaffUser, userId: string): Promise<number> {
  requirePermission(admin, 'user.manage');
  return db.transaction().execute(async (trx) => {
    const ended = await invalidateUserSessions(trx, userId);
    await recordAudit(trx, admin, { action: 'user.sessions_ended', target: `user:${userId}`, after: { sessions_ended: ended } });
    return ended;
  });
}

export async function listStaffUsers(db: Kysely<Database>) {
  return db.selectFrom('staff_user').select(['id', 'login', 'display_name', 'role', 'township', 'active', 'is_demo', 'created_at']).orderBy('role').orderBy('login').execute();
}
