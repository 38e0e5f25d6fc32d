/**
 * The permission table (../permissions.ts) on the server: refusals as errors, and reaches as SQL
 * so that a list query holds only the rows its reader may see, before any limit. Identity is a
 * separate matter: only a custodian may reveal it (report.revealIdentity; revealIdentity in
 * staff-reports.ts logs every view before anything is decrypted).
 */
import { sql, type RawBuilder } from 'kysely';
import { can, reachOf, refusalFor, type Asker, type Permission, type Reach, type Subject } from '../../shared/permissions.ts';
import { ForbiddenError } from '../../shared/errors.ts';

/** Said when the role may do it but not to this row (another township's report, an open report for publicity). */
export const OUT_OF_REACH = '您无权处理这件举报';

/** Throws ForbiddenError unless `user` may do `permission` (on `subject`, when given). */
export function requirePermission(user: Asker, permission: Permission, subject?: Subject): void {
  if (!reachOf(user, permission)) throw new ForbiddenError(refusalFor(permission));
  if (subject && !can(user, permission, subject)) throw new ForbiddenError(OUT_OF_REACH);
}

/** Each reach as a condition on a row of report (or its counter tables) or ledger_item. */
function reachCondition(user: Asker, reach: Exclude<Reach, 'all'>): RawBuilder<boolean> {
  // A user without a township (a misconfigured officer) matches no row: '-' is no township's code.
  const township = user.township ?? '-';
  switch (reach) {
    case 'assigned':
      return sql<boolean>`assigned_township = ${township}`;
    case 'area':
      return sql<boolean>`coalesce(assigned_township, township) = ${township}`;
    case 'closed':
      return sql<boolean>`status = 'closed'`;
    case 'own-township':
      return sql<boolean>`township = ${township}`;
  }
}

/**
 * The condition a list query adds so it holds only rows `user` may see under `permission`:
 * null when they may see every row, a condition that is never true when they may see none.
 */
export function reachFilter(user: Asker, permission: Permission): RawBuilder<boolean> | null {
  const reach = reachOf(user, permission);
  if (reach === null) return sql<boolean>`false`;
  return reach === 'all' ? null : reachCondition(user, reach);
}

/** What the nearby list says about its reach, beside its radius and days. */
export const NEARBY_REACH_NOTES: Readonly<Partial<Record<Reach, string>>> = {
  area: '只列本乡镇的举报，包括群众选了本乡镇、尚未交办的。',
  closed: '只列已办结的举报。',
};
