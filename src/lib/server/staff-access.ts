/**
 * Who may see which report. Identity is a separate matter (custodians only, see identity.ts).
 *  - moderator, admin, custodian: every report;
 *  - township officer: only reports assigned to their own township;
 *  - publicity: closed reports, to draft case notices from;
 *  - ledger: none.
 */
import type { StaffUser } from './auth.ts';
import type { StaffRole } from '../workflow.ts';

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  admin: '系统管理员',
  moderator: '审核员',
  township: '乡镇核查员',
  publicity: '宣传组',
  custodian: '保密员',
  ledger: '台账管理员',
};

export interface ReportScope {
  status: string;
  assigned_township: string | null;
}

export function canViewReport(user: StaffUser, report: ReportScope): boolean {
  switch (user.role) {
    case 'moderator':
    case 'admin':
    case 'custodian':
      return true;
    case 'township':
      return report.assigned_township !== null && report.assigned_township === user.township;
    case 'publicity':
      return report.status === 'closed';
    default:
      return false;
  }
}

/**
 * Which reports near the one being read each role is shown, whatever page or accident of ordering
 * is involved (the nearby search applies it in its query, before its limit):
 *  - all: every report;
 *  - own-township: reports of the officer's own township — handed to it, or not yet handed to
 *    anyone and placed in it by the citizen (so a second tip on the same field is not missed);
 *  - closed: closed reports only;
 *  - none.
 * Everything a role may open (canViewReport) is in its scope; what it may not open is listed
 * without a link.
 */
export const NEARBY_SCOPE: Readonly<Record<StaffRole, 'all' | 'own-township' | 'closed' | 'none'>> = {
  moderator: 'all',
  admin: 'all',
  custodian: 'all',
  township: 'own-township',
  publicity: 'closed',
  ledger: 'none',
};

/** What the nearby list says about its scope, beside its radius and days. */
export const NEARBY_SCOPE_NOTES: Readonly<Record<(typeof NEARBY_SCOPE)[StaffRole], string>> = {
  all: '',
  'own-township': '只列本乡镇的举报，包括群众选了本乡镇、尚未交办的。',
  closed: '只列已办结的举报。',
  none: '',
};

export interface NearbyScope extends ReportScope {
  township: string | null;
}

/** NEARBY_SCOPE as a test of one report (the query's filter says the same in SQL). */
export function inNearbyScope(user: StaffUser, report: NearbyScope): boolean {
  switch (NEARBY_SCOPE[user.role]) {
    case 'all':
      return true;
    case 'own-township':
      return user.township !== null && (report.assigned_township ?? report.township) === user.township;
    case 'closed':
      return report.status === 'closed';
    case 'none':
      return false;
  }
}

/** Roles that see the queue at /staff/ (a township officer sees their own township's part). */
export const QUEUE_ROLES: readonly StaffRole[] = ['moderator', 'admin', 'custodian', 'township', 'publicity'];
