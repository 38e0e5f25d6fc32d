/**
 * The audit trail: one append-only row per staff act (who, what, which report, before/after,
 * reason, when). Written on the same handle as the act, so both commit or neither does.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from './auth.ts';
import { missingAuditLabels, type AuditAction } from './audit-view.ts';

export interface AuditEntry {
  /** One of AUDIT_ACTIONS (audit-view.ts), so the audit page can name it. */
  action: AuditAction;
  reportId?: string | null;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export async function recordAudit(db: Kysely<Database>, actor: Pick<StaffUser, 'id' | 'login' | 'role'> | null, entry: AuditEntry): Promise<void> {
  // An act the audit page cannot name (a new action or field without its label in audit-view.ts)
  // fails the test that performs it; in production the act still counts and the page says 其他.
  if (process.env.VITEST) {
    const missing = missingAuditLabels(entry);
    if (missing.length) throw new Error(`audit-view.ts has no label for ${missing.join(', ')}`);
  }
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
