/**
 * Four eyes on the one role that reveals reporters (身份保管员). An admin who could make a custodian
 * account, or set a custodian's password, could sign in as it and read every reporter's name and
 * phone. So:
 * - making an account a custodian (new, or an existing one) and giving a custodian a new password
 *   is asked for by one admin and confirmed by a different one, each act audited;
 * - the password is chosen by the custodian, never by an admin: the asking admin gets one half of
 *   a setup code, the confirming admin the other, and only both halves together (handed over in
 *   person) open /staff/setup/. Until then the account has no usable password and no sessions.
 * - `npm run user:create` on the server (actor null) creates a custodian directly: whoever runs
 *   it already holds the database.
 * Taking rights away (deactivating, another role, ending sessions) needs one admin: it only ever
 * closes doors.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { findUserByLogin, hashPassword, invalidateUserSessions, type StaffUser } from './auth.ts';
import { recordAudit } from './audit.ts';
import { passwordProblem } from './password-strength.ts';
import { hitRateLimit, RATE_RULES, refundRateLimit } from '../../server/rate-limit.ts';
import { InputError } from '../../shared/errors.ts';
import { accountNameProblems } from './staff-users.ts';
import { requirePermission } from './staff-access.ts';

/** How long a confirmed setup code stays usable. */
export const SETUP_HOURS = 72;
/** Readable without ambiguity (no 0/O, 1/I/L) when read out or copied from paper. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export type CustodianRequestKind = 'create' | 'grant' | 'reset';

export const CUSTODIAN_REQUEST_LABELS: Readonly<Record<CustodianRequestKind, string>> = {
  create: '新建身份保管员账号',
  grant: '把已有账号改为身份保管员',
  reset: '重设身份保管员的密码',
};

/** Ten characters from a 31-letter alphabet (about 50 bits), shown as two groups of five. */
function newCodeHalf(): string {
  const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

function hashCode(code: string): string {
  return createHash('sha256').update(`gengdi-setup:${normaliseCode(code)}`).digest('hex');
}

function sameHash(a: string, b: string | null): boolean {
  return !!b && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** A password nobody knows: the account cannot be signed into until its setup is done. */
async function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}

export type CustodianRequestInput =
  | { kind: 'create'; login: string; displayName: string }
  | { kind: 'grant' | 'reset'; userId: string };

/**
 * The first admin's half. Returns the half of the setup code to hand to the custodian; it is shown
 * once and stored only hashed.
 */
export async function requestCustodianChange(db: Kysely<Database>, admin: StaffUser, input: CustodianRequestInput): Promise<{ requestId: string; halfA: string; login: string }> {
  requirePermission(admin, 'user.manage');
  const halfA = newCodeHalf();
  return db.transaction().execute(async (trx) => {
    let values: { kind: CustodianRequestKind; target_user_id: string | null; login: string | null; display_name: string | null };
    let login: string;
    if (input.kind === 'create') {
      login = input.login.trim().toLowerCase();
      const problems = accountNameProblems(input.login, input.displayName);
      if (problems.length) throw new InputError(problems);
      if (await findUserByLogin(trx, login)) throw new InputError([`登录名“${login}”已被使用`]);
      values = { kind: 'create', target_user_id: null, login, display_name: input.displayName.trim() };
    } else {
      const target = await trx.selectFrom('staff_user').select(['id', 'role', 'login']).where('id', '=', input.userId).executeTakeFirst();
      if (!target) throw new InputError(['账号不存在']);
      if (target.id === admin.id) throw new InputError(['不能为自己的账号申请身份保管员权限']);
      if (input.kind === 'grant' && target.role === 'custodian') throw new InputError(['这个账号已经是身份保管员']);
      if (input.kind === 'reset' && target.role !== 'custodian') throw new InputError(['只有身份保管员的密码需要两位管理员重设']);
      values = { kind: input.kind, target_user_id: target.id, login: null, display_name: null };
      login = target.login;
    }
    const pending = await trx
      .selectFrom('custodian_request')
      .select('id')
      .where('status', '=', 'pending')
      .where((eb) => (values.target_user_id ? eb('target_user_id', '=', values.target_user_id) : eb('login', '=', values.login)))
      .executeTakeFirst();
    if (pending) throw new InputError(['这个账号已有一项待确认的申请，请先确认或撤销它']);
    const { id } = await trx
      .insertInto('custodian_request')
      .values({ ...values, setup_hash_a: hashCode(halfA), requested_by: admin.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, admin, {
      action: 'custodian.requested',
      target: values.target_user_id ? `user:${values.target_user_id}` : `login:${values.login}`,
      after: { request: id, kind: values.kind },
    });
    return { requestId: id, halfA, login };
  });
}

/**
 * The second admin's act. Carries the change out with the account locked until its setup: no
 * usable password, no sessions. Returns the other half of the setup code, shown once.
 */
export async function confirmCustodianChange(db: Kysely<Database>, admin: StaffUser, requestId: string): Promise<{ login: string; halfB: string }> {
  requirePermission(admin, 'user.manage');
  const halfB = newCodeHalf();
  const locked = await unusablePasswordHash();
  return db.transaction().execute(async (trx) => {
    const request = await trx.selectFrom('custodian_request').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (!request || request.status !== 'pending') throw new InputError(['这项申请不存在或已办理']);
    if (request.requested_by === admin.id) throw new InputError(['不能确认自己提出的申请，请由另一位系统管理员确认']);
    const setup = { setup_hash_a: request.setup_hash_a, setup_hash_b: hashCode(halfB), setup_expires_at: new Date(Date.now() + SETUP_HOURS * 3600_000), password_hash: locked, password_changed_at: new Date() };
    let userId: string;
    let login: string;
    if (request.kind === 'create') {
      if (await findUserByLogin(trx, request.login!)) throw new InputError([`登录名“${request.login}”已被使用，请撤销这项申请`]);
      ({ id: userId } = await trx
        .insertInto('staff_user')
        .values({ login: request.login!, display_name: request.display_name!, role: 'custodian', township: null, ...setup })
        .returning('id')
        .executeTakeFirstOrThrow());
      login = request.login!;
    } else {
      const target = await trx.selectFrom('staff_user').select(['id', 'login', 'role']).where('id', '=', request.target_user_id!).forUpdate().executeTakeFirstOrThrow();
      if (target.id === admin.id) throw new InputError(['不能确认与自己账号有关的申请']);
      await trx.updateTable('staff_user').set({ role: 'custodian', township: null, active: true, ...setup }).where('id', '=', target.id).execute();
      await invalidateUserSessions(trx, target.id);
      userId = target.id;
      login = target.login;
    }
    await trx.updateTable('custodian_request').set({ status: 'confirmed', decided_by: admin.id, decided_at: new Date(), target_user_id: userId }).where('id', '=', requestId).execute();
    await recordAudit(trx, admin, { action: 'custodian.confirmed', target: `user:${userId}`, after: { request: requestId, kind: request.kind, requested_by: request.requested_by } });
    return { login, halfB };
  });
}

/** Either admin may withdraw a request that has not been confirmed. */
export async function cancelCustodianChange(db: Kysely<Database>, admin: StaffUser, requestId: string): Promise<void> {
  requirePermission(admin, 'user.manage');
  await db.transaction().execute(async (trx) => {
    const request = await trx.selectFrom('custodian_request').select(['id', 'status', 'target_user_id', 'login']).where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (!request || request.status !== 'pending') throw new InputError(['这项申请不存在或已办理']);
    await trx.updateTable('custodian_request').set({ status: 'cancelled', decided_by: admin.id, decided_at: new Date() }).where('id', '=', requestId).execute();
    await recordAudit(trx, admin, { action: 'custodian.cancelled', target: request.target_user_id ? `user:${request.target_user_id}` : `login:${request.login}`, after: { request: requestId } });
  });
}

/** Whether saving `role` for an account would make it a custodian: a request for a second admin, not an update. */
export async function grantsCustodian(db: Kysely<Database>, userId: string, role: string): Promise<boolean> {
  if (role !== 'custodian') return false;
  const account = await db.selectFrom('staff_user').select('role').where('id', '=', userId).executeTakeFirst();
  return !!account && account.role !== 'custodian';
}

export async function listPendingCustodianRequests(db: Kysely<Database>) {
  return db
    .selectFrom('custodian_request')
    .leftJoin('staff_user as t', 't.id', 'custodian_request.target_user_id')
    .innerJoin('staff_user as r', 'r.id', 'custodian_request.requested_by')
    .select(['custodian_request.id', 'custodian_request.kind', 'custodian_request.requested_at', 'custodian_request.requested_by', 'r.display_name as requester'])
    .select((eb) => [eb.fn.coalesce('t.login', 'custodian_request.login').as('login'), eb.fn.coalesce('t.display_name', 'custodian_request.display_name').as('display_name')])
    .where('custodian_request.status', '=', 'pending')
    .orderBy('custodian_request.requested_at')
    .execute();
}

const SETUP_REFUSED = '登录名或设置码不正确，或设置码已过期。请核对两位管理员分别交给您的两段设置码。';

/**
 * The custodian sets their own password with both halves of the setup code. Throttled like
 * sign-in: the halves are long, but guesses still cost an attacker their client. Returns the
 * refusal when the client is over its limit, null when the password is set.
 */
export async function completeCustodianSetup(
  db: Kysely<Database>,
  input: { login: string; halfA: string; halfB: string; password: string },
  clientKey: string,
): Promise<{ message: string; retryAfterSeconds: number } | null> {
  const login = input.login.trim().toLowerCase().slice(0, 64);
  const limits = await Promise.all([hitRateLimit(db, RATE_RULES.loginPair, `setup:${login}|${clientKey}`), hitRateLimit(db, RATE_RULES.loginClient, clientKey)]);
  const blocked = limits.find((l) => !l.allowed);
  if (blocked) return { message: `尝试次数太多，请 ${Math.max(1, Math.ceil(blocked.retryAfterSeconds / 60))} 分钟后再试。`, retryAfterSeconds: blocked.retryAfterSeconds };
  const row = await findUserByLogin(db, login);
  const valid =
    !!row && row.active && row.role === 'custodian' && !!row.setup_expires_at && new Date(row.setup_expires_at) > new Date() &&
    sameHash(hashCode(input.halfA), row.setup_hash_a) && sameHash(hashCode(input.halfB), row.setup_hash_b);
  if (!row || !valid) {
    await recordAudit(db, null, { action: 'custodian.setup_failed', target: `login:${login}` });
    throw new InputError([SETUP_REFUSED]);
  }
  const problem = passwordProblem(input.password, [row.login, row.display_name]);
  if (problem) throw new InputError([problem]);
  const hash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff_user').set({ password_hash: hash, password_changed_at: new Date(), setup_hash_a: null, setup_hash_b: null, setup_expires_at: null }).where('id', '=', row.id).execute();
    await invalidateUserSessions(trx, row.id);
    await recordAudit(trx, { id: row.id, login: row.login, role: 'custodian' }, { action: 'custodian.setup_completed', target: `user:${row.id}` });
  });
  await Promise.all([refundRateLimit(db, RATE_RULES.loginPair, `setup:${login}|${clientKey}`), refundRateLimit(db, RATE_RULES.loginClient, clientKey)]);
  return null;
}
