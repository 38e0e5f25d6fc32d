/** Reading the audit log (admins only), newest first, keyset-paged on id. */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { isBigintId } from '../../shared/ids.ts';
import type { AuditFilter } from './audit-filter.ts';
import { chinaDayAfter, chinaDayStart } from '../../shared/china-time.ts';


export async function listAudit(db: Kysely<Database>, f: AuditFilter, limit = 50) {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.actor) q = q.where('actor_login', '=', f.actor);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.reportId && isBigintId(f.reportId)) q = q.where('report_id', '=', f.reportId);
  if (f.from) q = q.where('at', '>=', chinaDayStart(f.from));
  if (f.to) q = q.where('at', '<', chinaDayAfter(f.to));
  if (f.before && isBigintId(f.before)) q = q.where('id', '<', f.before);
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  return { rows: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.id : null };
}
