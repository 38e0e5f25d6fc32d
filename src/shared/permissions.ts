/**
 * Who may do what, in one table (./permissions.json, checked below). Every Action, page guard,
 * staff route and list query asks `can(user, permission, subject)` (or `reachOf` for which rows a
 * list may hold); no other module names a role. Pure: no I/O, safe in tests and in pages.
 *
 * A grant says how far a role reaches over the rows it acts on (REACHES): a township officer
 * handles the reports handed to their own township, the publicity group reads closed reports to
 * write case notices from, and so on. Rules that are not about roles (four eyes on notices, two
 * admins for a custodian, the workflow's states) stay with the code that owns them.
 */
import type { WorkflowAction } from '../domain/reports/workflow.ts';
import { STAFF_NAV } from './navigation.ts';
import permissionTable from './permissions.json' with { type: 'json' };
import vocabularies from './vocabularies.json' with { type: 'json' };

export const STAFF_ROLES = ['admin', 'moderator', 'township', 'publicity', 'custodian', 'ledger'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

/** What each role is called where people read it (./vocabularies.json). */
export const STAFF_ROLE_LABELS: Readonly<Record<StaffRole, string>> = vocabularies.staffRoles;

/** True for a stored role code; staff_user.role is checked by the database too. */
export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/**
 * How far a grant reaches over the rows it applies to:
 *  - all: every row;
 *  - assigned: reports handed to the user's own township;
 *  - area: reports of the user's township — handed to it, or handed to no one yet and placed in it
 *    by the citizen (so that a second tip on the same field is not missed in the nearby list);
 *  - closed: closed reports only;
 *  - own-township: ledger items of the user's own township.
 */
export const REACHES = ['all', 'assigned', 'area', 'closed', 'own-township'] as const;

export type Reach = (typeof REACHES)[number];

/** The row a permission is asked about (a report, a ledger item); only the fields reaches read. */
export interface Subject {
  status?: string;
  assigned_township?: string | null;
  /** A report: the township the citizen chose. A ledger item: its township. */
  township?: string | null;
}

/** Who asks: a signed-in staff member, or nobody (null) for an anonymous visitor. */
export interface Asker {
  role: StaffRole;
  township: string | null;
}

interface Rule {
  /** Completes "只有……可以" in refusals and names the cell in the generated tests. */
  readonly label: string;
  readonly grants: Readonly<Partial<Record<StaffRole, Reach>>>;
}

/** A row as ./permissions.json writes it, before its roles and reaches are checked. */
type RawRule = { readonly label: string; readonly grants: Readonly<Record<string, string>> };

function isReach(value: unknown): value is Reach {
  return typeof value === 'string' && (REACHES as readonly string[]).includes(value);
}

/**
 * The table as the code reads it, once every row is checked: a label, and only roles and reaches
 * this module knows. Throws on the first faulty row, naming it, so a typo in the file stops the
 * start (and every test) instead of silently granting nothing.
 */
export function checkPermissionTable<P extends string>(raw: Readonly<Record<P, RawRule>>): Readonly<Record<P, Rule>> {
  for (const [name, rule] of Object.entries<RawRule>(raw)) {
    if (typeof rule.label !== 'string' || rule.label.trim() === '') throw new Error(`权限表 permissions.json 的 ${name} 缺少名称（label）`);
    for (const [role, reach] of Object.entries(rule.grants)) {
      if (!isStaffRole(role)) throw new Error(`权限表 permissions.json 的 ${name} 授予了不存在的角色 ${role}`);
      if (!isReach(reach)) throw new Error(`权限表 permissions.json 的 ${name} 给 ${role} 的范围 ${reach} 不存在（可用：${REACHES.join('、')}）`);
    }
  }
  return raw as Readonly<Record<P, Rule>>;
}

/**
 * The whole table, as data in ./permissions.json: one row a permission, with its label and the
 * roles granted it, each with its reach, in the order refusals name them. The rows run by subject:
 *  - reports: the queue, then `report.*`. The workflow's nine acts are `report.<action>` (their
 *    states are in workflow.ts TRANSITIONS): the county moderator judges, assigns, closes and
 *    reopens; the township officer verifies and handles what is handed to their township, and may
 *    close it with the reply;
 *  - case notices (案例通报): drafted by the publicity group, approved by a second person;
 *  - the problem ledger (问题台账) and progress bulletins (调度通报);
 *  - administration, and each staff member's own account.
 */
export const PERMISSIONS = checkPermissionTable(permissionTable);

export type Permission = keyof typeof permissionTable;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

// Every workflow act has its row (checked by the compiler: a missing one fails this line).
type WorkflowPermission = `report.${WorkflowAction}`;
const _everyWorkflowActHasARow: Record<WorkflowPermission, Rule> = PERMISSIONS;
void _everyWorkflowActHasARow;

/** The reach `user` has for `permission`, or null when their role has none (or nobody is signed in). */
export function reachOf(user: Asker | null | undefined, permission: Permission): Reach | null {
  if (!user || !Object.hasOwn(PERMISSIONS, permission)) return null;
  const grants: Partial<Record<StaffRole, Reach>> = PERMISSIONS[permission].grants;
  return Object.hasOwn(grants, user.role) ? (grants[user.role] ?? null) : null;
}

/** Whether `reach`, held by `user`, covers the row `subject`. */
export function reaches(user: Asker, reach: Reach, subject: Subject): boolean {
  switch (reach) {
    case 'all':
      return true;
    case 'assigned':
      return user.township !== null && subject.assigned_township === user.township;
    case 'area':
      return user.township !== null && (subject.assigned_township ?? subject.township ?? null) === user.township;
    case 'closed':
      return subject.status === 'closed';
    case 'own-township':
      return user.township !== null && subject.township === user.township;
  }
}

/**
 * Whether `user` may do `permission` — on `subject` when given (its reach must cover the row),
 * otherwise on some row at all (what a page guard or a button asks). Never throws.
 */
export function can(user: Asker | null | undefined, permission: Permission, subject?: Subject): boolean {
  const reach = reachOf(user, permission);
  if (!reach || !user) return false;
  return subject === undefined || reaches(user, reach, subject);
}

/** The roles granted `permission`, in the order the table names them (the order refusals say them in). */
export function rolesFor(permission: Permission): StaffRole[] {
  return Object.keys(PERMISSIONS[permission].grants).filter(isStaffRole);
}

/** The refusal a user reads: who may do it, in words ("只有审核员可以受理举报"). */
export function refusalFor(permission: Permission): string {
  const roles = rolesFor(permission).map((r) => STAFF_ROLE_LABELS[r]);
  return `只有${roles.join('或')}可以${PERMISSIONS[permission].label}`;
}

/**
 * Every route under /staff/ and the permission it needs, or 'open' for the pages anyone may reach
 * (signing in, setting up a custodian account, the page saying access is denied).
 * Dynamic segments are written as in src/pages ([id]); a test walks every file there against this.
 */
export const STAFF_ROUTES = {
  '/staff/': 'queue.view',
  '/staff/queue-points.json': 'queue.view',
  '/staff/reports/[id]/': 'report.view',
  '/staff/photos/[id]': 'report.view',
  '/staff/notices/': 'notice.list',
  '/staff/notices/new/': 'notice.draft',
  '/staff/notices/[id]/': 'notice.list',
  '/staff/notice-photos/[id]': 'notice.list',
  '/staff/ledger/': 'ledger.view',
  '/staff/ledger/items/[id]/': 'ledger.view',
  '/staff/ledger/imports/[id]/': 'ledger.import',
  '/staff/ledger/template.csv': 'ledger.import',
  '/staff/bulletins/': 'bulletin.list',
  '/staff/users/': 'user.manage',
  '/staff/audit/': 'audit.view',
  '/staff/settings/': 'settings.view',
  '/staff/account/': 'account.manage',
  '/staff/login/': 'open',
  '/staff/setup/': 'open',
  '/staff/forbidden/': 'open',
} as const satisfies Record<string, Permission | 'open'>;

export type StaffRoute = keyof typeof STAFF_ROUTES;

/** Whether `user` may open `route` (an 'open' route: anyone). */
export function canOpen(user: Asker | null | undefined, route: StaffRoute): boolean {
  const needs: Permission | 'open' = STAFF_ROUTES[route];
  return needs === 'open' || can(user, needs);
}

/** Where `user` starts: the first page of the navigation they may open (/staff/ sends them there). */
export function staffHome(user: Asker): StaffRoute {
  return STAFF_NAV.find((l) => canOpen(user, l.href))?.href ?? '/staff/account/';
}
