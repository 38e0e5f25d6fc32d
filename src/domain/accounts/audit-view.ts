/**
 * The audit log as people read it: every action with a Chinese label in a group, every recorded
 * field with a Chinese name and its values in words (旧值 → 新值), free text masked where it may
 * carry a person's numbers, and every target as a named link. Tables, like workflow.ts: a new
 * action or field without an entry here fails tests/unit/audit-view.test.ts.
 */
import { findTownship } from '../../config/jurisdiction.ts';
import { maskContacts } from '../notices/contact-masking.ts';
import { formatDate, formatDateTime } from '../../shared/format.ts';
import { STAFF_ROLE_LABELS, type StaffRole } from '../../shared/permissions.ts';
import { labelOf, MEASURES, OUTCOMES, PROBLEM_CLASSES, WITHDRAW_REASONS } from '../../shared/taxonomy.ts';
import { STATE_LABELS, TRANSITIONS, isReportState, type WorkflowAction } from '../reports/workflow.ts';

export type AuditGroup = '账号与登录' | '举报办理' | '举报人身份' | '案例通报' | '台账' | '月报' | '身份保管员';

/** Actions written by code other than the report workflow (whose actions come from TRANSITIONS). */
const OTHER_ACTIONS = {
  'auth.login': ['登录', '账号与登录'],
  'auth.login_failed': ['登录失败', '账号与登录'],
  'auth.logout': ['退出登录', '账号与登录'],
  'auth.password_changed': ['修改密码', '账号与登录'],
  'user.created': ['创建账号', '账号与登录'],
  'user.updated': ['修改账号', '账号与登录'],
  'user.sessions_ended': ['强制下线', '账号与登录'],
  'report.reply': ['填写公开答复', '举报办理'],
  'report.correct': ['修正举报内容', '举报办理'],
  'report.note': ['添加内部备注', '举报办理'],
  'report.link_ledger': ['关联台账', '举报办理'],
  'report.photo_added': ['上传核查照片', '举报办理'],
  'identity.reveal': ['查看举报人身份', '举报人身份'],
  'notice.drafted': ['起草案例通报', '案例通报'],
  'notice.draft_updated': ['修改通报草稿', '案例通报'],
  'notice.published': ['审核发布通报', '案例通报'],
  'notice.withdrawn': ['撤回通报', '案例通报'],
  'ledger.import': ['导入台账', '台账'],
  'ledger.import_geometry': ['导入图斑范围', '台账'],
  'ledger.item_edited': ['修改台账图斑', '台账'],
  'ledger.claimed': ['乡镇申报整改完成', '台账'],
  'ledger.verified': ['县级核验整改完成', '台账'],
  'bulletin.frozen': ['冻结月报数据', '月报'],
  'bulletin.published': ['发布月报', '月报'],
  'custodian.requested': ['申请身份保管员账号变更', '身份保管员'],
  'custodian.confirmed': ['确认身份保管员账号变更', '身份保管员'],
  'custodian.cancelled': ['撤销身份保管员账号申请', '身份保管员'],
  'custodian.setup_completed': ['身份保管员设置密码', '身份保管员'],
  'custodian.setup_failed': ['身份保管员设置密码失败', '身份保管员'],
} as const satisfies Record<string, readonly [string, AuditGroup]>;

export type AuditAction = keyof typeof OTHER_ACTIONS | `report.${WorkflowAction}`;

/** Every audit action: its label and group, in the order the filter offers them. */
export const AUDIT_ACTIONS: Readonly<Record<AuditAction, { label: string; group: AuditGroup }>> = {
  ...(Object.fromEntries(Object.entries(TRANSITIONS).map(([k, t]) => [`report.${k}`, { label: t.label, group: '举报办理' }])) as Record<`report.${WorkflowAction}`, { label: string; group: AuditGroup }>),
  ...(Object.fromEntries(Object.entries(OTHER_ACTIONS).map(([k, [label, group]]) => [k, { label, group }])) as Record<keyof typeof OTHER_ACTIONS, { label: string; group: AuditGroup }>),
};

export const AUDIT_GROUPS: readonly AuditGroup[] = ['账号与登录', '举报办理', '举报人身份', '案例通报', '台账', '月报', '身份保管员'];

export function auditLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, { label: string }>)[action]?.label ?? '其他操作';
}

type Format = 'text' | 'personal' | 'status' | 'township' | 'role' | 'bool' | 'date' | 'class' | 'outcome' | 'measure' | 'withdraw' | 'mu' | 'count' | 'list' | 'fields' | 'ref';

/** Every field an audit row records, with its name and how its values read. */
export const AUDIT_FIELDS: Readonly<Record<string, { label: string; format: Format }>> = {
  status: { label: '状态', format: 'status' },
  assigned_township: { label: '交办乡镇', format: 'township' },
  stage_deadline: { label: '本阶段期限', format: 'date' },
  refusal_reason: { label: '不予受理理由', format: 'text' },
  verification_found: { label: '核查结果', format: 'bool' },
  measure: { label: '整改措施', format: 'measure' },
  outcome: { label: '处理结果', format: 'outcome' },
  public_reply: { label: '公开答复', format: 'personal' },
  closed_at: { label: '办结时间', format: 'date' },
  duplicate_of: { label: '重复于举报', format: 'ref' },
  corrected_problem_class: { label: '修正后的问题类型', format: 'class' },
  corrected_place: { label: '修正后的地点', format: 'personal' },
  corrected_description: { label: '修正后的情况说明', format: 'personal' },
  ledger_item_id: { label: '台账图斑（内部编号）', format: 'ref' },
  external_id: { label: '图斑编号', format: 'text' },
  count: { label: '照片张数', format: 'count' },
  sha256: { label: '照片指纹', format: 'list' },
  role: { label: '角色', format: 'role' },
  township: { label: '所属乡镇', format: 'township' },
  active: { label: '账号可用', format: 'bool' },
  login: { label: '登录名', format: 'text' },
  other_sessions_ended: { label: '结束的其他会话', format: 'count' },
  sessions_ended: { label: '结束的会话', format: 'count' },
  title: { label: '标题（公开）', format: 'text' },
  source_report_id: { label: '来源举报', format: 'ref' },
  changed: { label: '改动的内容', format: 'fields' },
  drafters: { label: '起草或修改人', format: 'list' },
  approver: { label: '审核人', format: 'text' },
  category: { label: '撤回原因类别', format: 'withdraw' },
  file: { label: '文件', format: 'text' },
  read: { label: '读取行数', format: 'count' },
  added: { label: '新增', format: 'count' },
  unchanged: { label: '不变', format: 'count' },
  errors: { label: '错误', format: 'count' },
  village: { label: '村', format: 'text' },
  total_area_mu: { label: '总面积（亩）', format: 'mu' },
  farmland_area_mu: { label: '耕地面积（亩）', format: 'mu' },
  permanent_basic: { label: '永久基本农田', format: 'bool' },
  problem_class: { label: '问题类型', format: 'class' },
  deadline: { label: '整改期限', format: 'date' },
  claimed_rectified_on: { label: '乡镇申报整改完成日期', format: 'date' },
  verified_rectified_on: { label: '县级核验整改完成日期', format: 'date' },
  as_of: { label: '数据截至', format: 'date' },
  request: { label: '申请编号', format: 'ref' },
  kind: { label: '申请类型', format: 'text' },
  requested_by: { label: '申请人（账号编号）', format: 'ref' },
};
// `changed` of a ledger import is a count, of a notice save a list of fields: one name, two shapes.
const COUNT_OR_FIELDS = new Set(['changed']);

/** The notice fields a save may change (notice-drafts.ts DRAFT_FIELDS, and the photos). */
export const NOTICE_FIELD_LABELS: Readonly<Record<string, string>> = {
  created: '新建',
  title_raw: '标题',
  township: '乡镇',
  village: '村',
  problem_class: '问题类型',
  party_raw: '当事人',
  party_kind: '当事人类型',
  total_area_mu: '总面积',
  farmland_area_mu: '耕地面积',
  steps_raw: '查处步骤',
  outcome: '处理结果',
  accountability_raw: '责任追究',
  body_raw: '正文',
  source_report_id: '来源举报',
  before_photos: '整改前照片',
  after_photos: '整改后照片',
};

/** States of notices and bulletins, which share the field name `status` with reports. */
const OTHER_STATES: Readonly<Record<string, string>> = { draft: '草稿', published: '已发布', withdrawn: '已撤回', frozen: '已冻结' };

const EMPTY = '（空）';
const MAX_SHOWN = 200;

function clip(text: string): string {
  const chars = [...text];
  return chars.length > MAX_SHOWN ? `${chars.slice(0, MAX_SHOWN).join('')}…（共 ${chars.length} 字）` : text;
}

/** One value in words. */
export function auditValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  const format = AUDIT_FIELDS[field]?.format ?? 'text';
  if (COUNT_OR_FIELDS.has(field) && typeof value === 'number') return String(value);
  switch (format) {
    case 'status':
      return isReportState(value) ? STATE_LABELS[value] : (OTHER_STATES[String(value)] ?? String(value));
    case 'township':
      return findTownship(String(value))?.name ?? String(value);
    case 'role':
      return STAFF_ROLE_LABELS[value as StaffRole] ?? String(value);
    case 'bool':
      return value === true || value === 'true' ? '是' : value === false || value === 'false' ? '否' : String(value);
    case 'date':
      if (/^\d{4}-\d{2}-\d{2}T/.test(String(value))) return formatDateTime(String(value));
      return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? formatDate(String(value)) : String(value);
    case 'class':
      return labelOf(PROBLEM_CLASSES, String(value));
    case 'outcome':
      return labelOf(OUTCOMES, String(value));
    case 'measure':
      return labelOf(MEASURES, String(value));
    case 'withdraw':
      return labelOf(WITHDRAW_REASONS, String(value));
    case 'mu':
      return Number.isFinite(Number(value)) ? Number(value).toFixed(2) : String(value);
    case 'count':
      return String(value);
    case 'ref':
      return `#${String(value)}`;
    case 'list':
      return Array.isArray(value) ? (field === 'sha256' ? `${value.length} 个` : value.map(String).join('、')) : String(value);
    case 'fields':
      return Array.isArray(value) ? value.map((f) => NOTICE_FIELD_LABELS[String(f)] ?? String(f)).join('、') : String(value);
    case 'personal':
      return clip(maskContacts(String(value)));
    default:
      return clip(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}

export interface AuditChange {
  field: string;
  label: string;
  /** Undefined when the row records only the new value. */
  from?: string;
  to: string;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Field by field: what the act changed, or (with no "before") what it recorded. Unchanged fields are left out. */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const hasBefore = before !== null && before !== undefined;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const out: AuditChange[] = [];
  for (const field of fields) {
    const label = AUDIT_FIELDS[field]?.label ?? field;
    const to = auditValue(field, a[field]);
    if (!hasBefore || !(field in b)) {
      if (field in a) out.push({ field, label, to });
      continue;
    }
    const from = auditValue(field, b[field]);
    if (from !== to) out.push({ field, label, from, to: field in a ? to : EMPTY });
  }
  return out;
}

/** What `target` names (user:3, notice:12, …), in words; a report is linked (the audit page is an admin's, who may open reports only). */
export function auditTarget(target: string | null, reportId: string | null): { text: string; href?: string } {
  if (reportId) return { text: `举报 #${reportId}`, href: `/staff/reports/${reportId}/` };
  if (!target) return { text: '—' };
  const [kind, ...rest] = target.split(':');
  const id = rest.join(':');
  switch (kind) {
    case 'notice':
      return { text: `案例通报 #${id}` };
    case 'ledger':
      return { text: `台账图斑 #${id}` };
    case 'import':
      return { text: `台账导入 #${id}` };
    case 'bulletin':
      return { text: `月报 #${id}` };
    case 'user':
      return { text: `账号 #${id}` };
    case 'login':
      return { text: `登录名 ${id}` };
    default:
      return { text: target };
  }
}

/** The labels an audit row needs that the tables lack (empty when every one is there). */
export function missingAuditLabels(entry: { action: string; before?: unknown; after?: unknown }): string[] {
  const missing: string[] = [];
  if (!Object.hasOwn(AUDIT_ACTIONS, entry.action)) missing.push(`action ${entry.action}`);
  for (const field of [...Object.keys(asRecord(entry.before)), ...Object.keys(asRecord(entry.after))]) {
    if (!Object.hasOwn(AUDIT_FIELDS, field)) missing.push(`field ${field}`);
  }
  return missing;
}
