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

/** Roles that see the queue at /staff/ (a township officer sees their own township's part). */
export const QUEUE_ROLES: readonly StaffRole[] = ['moderator', 'admin', 'custodian', 'township', 'publicity'];
