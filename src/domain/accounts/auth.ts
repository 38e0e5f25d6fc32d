/**
 * Staff sign-in, following Lucia's session design (lucia-auth.com, "Basic session API"):
 * a random token goes to the browser; the database keeps only its SHA-256 as the session id;
 * sessions slide forward while used and end after SESSION_HOURS of inactivity.
 * Passwords are argon2id (@node-rs/argon2, OWASP's recommended parameters).
 */
import { hash, verify } from '@node-rs/argon2';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { AstroCookies } from 'astro';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffRole } from '../../shared/permissions.ts';

export const SESSION_COOKIE = 'gd_session';
const SESSION_HOURS = 12;
const SESSION_MS = SESSION_HOURS * 3600_000;

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

export interface StaffUser {
  id: string;
  login: string;
  displayName: string;
  role: StaffRole;
  /** Township code, for township officers only. */
  township: string | null;
}

export type SessionValidationResult = { session: Session; user: StaffUser; refreshed: boolean } | { session: null; user: null; refreshed: false };

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: Kysely<Database>, token: string, userId: string, now = new Date()): Promise<Session> {
  const session: Session = { id: sessionIdFromToken(token), userId, expiresAt: new Date(now.getTime() + SESSION_MS) };
  await db.insertInto('staff_session').values({ id: session.id, user_id: userId, expires_at: session.expiresAt }).execute();
  return session;
}

/** Checks a token; extends the session when less than half its lifetime is left. */
export async function validateSessionToken(db: Kysely<Database>, token: string, now = new Date()): Promise<SessionValidationResult> {
  const none = { session: null, user: null, refreshed: false } as const;
  if (!/^[a-z2-7]{32}$/.test(token)) return none;
  const id = sessionIdFromToken(token);
  const row = await db
    .selectFrom('staff_session')
    .innerJoin('staff_user', 'staff_user.id', 'staff_session.user_id')
    .select(['staff_session.id', 'staff_session.user_id', 'staff_session.expires_at', 'staff_user.login', 'staff_user.display_name', 'staff_user.role', 'staff_user.township', 'staff_user.active'])
    .where('staff_session.id', '=', id)
    .executeTakeFirst();
  if (!row) return none;
  const expiresAt = new Date(row.expires_at);
  if (now >= expiresAt || !row.active) {
    await db.deleteFrom('staff_session').where('id', '=', id).execute();
    return none;
  }
  const session: Session = { id, userId: row.user_id, expiresAt };
  let refreshed = false;
  if (expiresAt.getTime() - now.getTime() < SESSION_MS / 2) {
    session.expiresAt = new Date(now.getTime() + SESSION_MS);
    await db.updateTable('staff_session').set({ expires_at: session.expiresAt }).where('id', '=', id).execute();
    refreshed = true;
  }
  const user: StaffUser = { id: row.user_id, login: row.login, displayName: row.display_name, role: row.role as StaffRole, township: row.township };
  return { session, user, refreshed };
}

export async function invalidateSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('staff_session').where('id', '=', sessionId).execute();
}

/** Ends every session of a user, or every one but `keep` (after a password change). */
export async function invalidateUserSessions(db: Kysely<Database>, userId: string, keep?: string): Promise<number> {
  let q = db.deleteFrom('staff_session').where('user_id', '=', userId);
  if (keep) q = q.where('id', '!=', keep);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function setSessionTokenCookie(cookies: AstroCookies, token: string, expiresAt: Date, secure: boolean): void {
  cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function deleteSessionTokenCookie(cookies: AstroCookies, secure: boolean): void {
  cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
}

const ARGON2 = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Same cost as a real check, so an unknown login takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-0000');
  await verifyPassword(await dummyHash, password);
}

export async function findUserByLogin(db: Kysely<Database>, login: string) {
  return db.selectFrom('staff_user').selectAll().where('login', '=', login.trim().toLowerCase()).executeTakeFirst();
}
