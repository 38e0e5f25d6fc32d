/**
 * The audit trail: one append-only row per staff act (who, what, which report, before/after,
 * reason, when). Written on the same handle as the act, so both commit or neither does.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { StaffUser } from './auth.ts';

export interface AuditEntry {
  action: string;
  reportId?: string | null;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export async function recordAudit(db: Kysely<Database>, actor: Pick<StaffUser, 'id' | 'login' | 'role'> | null, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: actor?.id ?? null,
      actor_login: actor?.login ?? null,
      actor_role: actor?.role ?? null,
      action: entry.action,
      report_id: entry.reportId ?? null,
      target: entry.target ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      reason: entry.reason ?? null,
    })
    .execute();
}

/** Human labels of audit actions, for the admin's audit page. */
export const AUDIT_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.logout': '退出登录',
  'auth.password_changed': '修改密码',
  'user.created': '创建账号',
  'user.updated': '修改账号',
  'user.sessions_ended': '强制下线',
  'report.accept': '受理',
  'report.refuse': '不予受理',
  'report.assign': '交办乡镇',
  'report.recordVerification': '记录核查结果',
  'report.startHandling': '开始处理',
  'report.recordHandling': '更新处理情况',
  'report.close': '办结',
  'report.reopen': '重新办理',
  'report.markDuplicate': '合并为重复举报',
  'report.reply': '填写公开答复',
  'report.correct': '修正举报内容',
  'report.note': '添加内部备注',
  'report.link_ledger': '关联台账',
  'report.photo_added': '上传核查照片',
  'identity.reveal': '查看举报人身份',
  'notice.drafted': '起草案例通报',
  'notice.draft_updated': '修改通报草稿',
  'notice.published': '审核发布通报',
  'notice.withdrawn': '撤回通报',
  'custodian.requested': '申请身份保管员账号变更',
  'custodian.confirmed': '确认身份保管员账号变更',
  'custodian.cancelled': '撤销身份保管员账号申请',
  'custodian.setup_completed': '身份保管员设置密码',
  'custodian.setup_failed': '身份保管员设置密码失败',
};
