/** Inputs of the accounts' staff Actions (sign-in, passwords, users, the custodian). Authorisation is checked in each handler, not here. */
import { z } from 'astro/zod';
import { hasControlChars, plainText as text } from '../../shared/text-safety.ts';
import { bigintIdField } from '../../shared/ids.ts';
import { safeLocalPath } from '../../shared/safe-path.ts';

export const loginSchema = z.object({
  login: z.string({ error: '请填写登录名' }).trim().min(1, { error: '请填写登录名' }).max(64, { error: '登录名最多 64 个字符' }).refine((s) => !hasControlChars(s), { error: '登录名里有无法识别的字符' }),
  password: z.string({ error: '请填写密码' }).min(1, { error: '请填写密码' }).max(200, { error: '密码最多 200 个字符' }),
  /** Where to go after signing in; only staff paths are honoured. */
  next: text(200),
});

export const changePasswordSchema = z.object({
  current: z.string({ error: '请填写当前密码' }).min(1, { error: '请填写当前密码' }).max(200, { error: '密码最多 200 个字符' }),
  next: z.string({ error: '请填写新密码' }).min(1, { error: '请填写新密码' }).max(200, { error: '密码最多 200 个字符' }),
  confirm: z.string({ error: '请再次填写新密码' }).max(200, { error: '密码最多 200 个字符' }),
}).refine((v) => v.next === v.confirm, { path: ['confirm'], error: '两次填写的新密码不一致' });

export const createUserSchema = z.object({
  login: z.string({ error: '请填写登录名' }).max(64, { error: '登录名最多 64 个字符' }).refine((s) => !hasControlChars(s), { error: '登录名里有无法识别的字符' }),
  displayName: z.string({ error: '请填写姓名' }).max(40, { error: '姓名最多 40 个字符' }).refine((s) => !hasControlChars(s), { error: '姓名里有无法识别的字符' }),
  role: z.string({ error: '请选择角色' }).max(20, { error: '请选择角色' }),
  township: text(32),
  /** Empty for a custodian: they set their own password with the two halves of a setup code. */
  password: z.string().max(200, { error: '密码最多 200 个字符' }).nullish().transform((s) => s ?? ''),
});

const userId = bigintIdField('缺少账号编号', '账号编号无效，请从账号列表重新操作');

export const updateUserSchema = z.object({
  userId,
  role: z.string({ error: '请选择角色' }).max(20, { error: '请选择角色' }),
  township: text(32),
  active: z.enum(['yes', 'no'], { error: '请选择账号是否启用' }),
});

export const userIdSchema = z.object({ userId });

export const custodianRequestIdSchema = z.object({ requestId: bigintIdField('缺少申请编号', '申请编号无效，请从用户管理页重新操作') });

/** The custodian's own first password, opened by both halves of the setup code. */
export const custodianSetupSchema = z.object({
  login: z.string({ error: '请填写登录名' }).min(1, { error: '请填写登录名' }).max(64, { error: '登录名最多 64 个字符' }).refine((s) => !hasControlChars(s), { error: '登录名里有无法识别的字符' }),
  /** The half the admin who asked handed over. */
  halfA: z.string({ error: '请填写第一段设置码' }).min(1, { error: '请填写第一段设置码' }).max(40, { error: '设置码最多 40 个字符' }).refine((s) => !hasControlChars(s), { error: '设置码里有无法识别的字符' }),
  /** The half the admin who confirmed handed over. */
  halfB: z.string({ error: '请填写第二段设置码' }).min(1, { error: '请填写第二段设置码' }).max(40, { error: '设置码最多 40 个字符' }).refine((s) => !hasControlChars(s), { error: '设置码里有无法识别的字符' }),
  password: z.string({ error: '请填写新密码' }).min(1, { error: '请填写新密码' }).max(200, { error: '密码最多 200 个字符' }),
  confirm: z.string({ error: '请再次填写新密码' }).max(200, { error: '密码最多 200 个字符' }),
}).refine((v) => v.password === v.confirm, { path: ['confirm'], error: '两次填写的新密码不一致' });

/** Only staff paths on this site may be a post-login destination (no open redirects). */
export function safeStaffPath(next: string | null | undefined): string {
  return safeLocalPath(next, '/staff/', { under: '/staff/' });
}
