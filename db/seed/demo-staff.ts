/**
 * One demo account per role, for trying the staff workspace. Passwords are random unless
 * DEMO_STAFF_PASSWORD is set (tests set it); they are printed once, in development only.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/database.ts';
import { createStaffUser } from '../../src/domain/accounts/staff-users.ts';

export const DEMO_STAFF = [
  { login: 'admin', displayName: '演示管理员', role: 'admin', township: null },
  { login: 'moderator', displayName: '演示审核员', role: 'moderator', township: null },
  { login: 'township-xishe', displayName: '演示西社镇核查员', role: 'township', township: 'xishe' },
  { login: 'township-jifeng', displayName: '演示稷峰镇核查员', role: 'township', township: 'jifeng' },
  { login: 'publicity', displayName: '演示宣传组', role: 'publicity', township: null },
  { login: 'publicity2', displayName: '演示宣传组（复核）', role: 'publicity', township: null },
  { login: 'custodian', displayName: '演示保密员', role: 'custodian', township: null },
  { login: 'ledger', displayName: '演示台账管理员', role: 'ledger', township: null },
] as const;

export async function seedDemoStaff(db: Kysely<Database>, fixedPassword?: string): Promise<Array<{ login: string; password: string }> | null> {
  const any = await db.selectFrom('staff_user').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const created: Array<{ login: string; password: string }> = [];
  for (const u of DEMO_STAFF) {
    const password = fixedPassword ?? `Demo-${randomBytes(6).toString('base64url')}`;
    await createStaffUser(db, null, { ...u, password }, { demo: true });
    created.push({ login: u.login, password });
  }
  return created;
}
