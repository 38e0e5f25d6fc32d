/**
 * Freezing and publishing monthly bulletins. A ledger keeper freezes today's figures as a draft;
 * a second person (another ledger keeper or a moderator) publishes it; once published the
 * database refuses any change to it (trigger bulletin_frozen).
 */
import { chinaToday } from '../../shared/china-time.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { buildProgressReport } from '../ledger/progress-report.ts';
import { NotFoundError, InputError } from '../../shared/errors.ts';
import type { BulletinSnapshot } from './bulletin-snapshot.ts';
import { isBigintId } from '../../shared/ids.ts';
import { requirePermission } from '../accounts/staff-access.ts';

export function snapshotOf(report: Awaited<ReturnType<typeof buildProgressReport>>): BulletinSnapshot {
  return {
    asOf: report.today,
    batches: report.batches.map((b) => ({
      code: b.batch.code,
      name: b.batch.name,
      targets: b.batch.targets,
      rows: b.rows.map((r) => ({ township: r.township, townshipName: r.townshipName, counts: r.counts, behind: r.target.behind, currentTarget: r.target.current })),
      total: { counts: b.total, behind: b.totalTarget.behind },
    })),
    ranking: report.ranking.map((r) => ({ rank: r.rank, township: r.township, townshipName: r.townshipName, counts: r.counts })),
  };
}

export async function freezeBulletin(db: Kysely<Database>, user: StaffUser, asOf = chinaToday()): Promise<string> {
  requirePermission(user, 'bulletin.generate');
  const report = await buildProgressReport(db, asOf);
  const [y, m] = asOf.split('-');
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('bulletin')
      .values({ as_of: asOf, title: `${y}年${Number(m)}月整改进度调度通报`, snapshot: JSON.stringify(snapshotOf(report)), created_by: user.id, is_demo: report.hasDemo })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, user, { action: 'bulletin.frozen', target: `bulletin:${id}`, after: { as_of: asOf } });
    return id;
  });
}

export async function publishBulletin(db: Kysely<Database>, user: StaffUser, id: string): Promise<void> {
  requirePermission(user, 'bulletin.publish');
  await db.transaction().execute(async (trx) => {
    const b = await trx.selectFrom('bulletin').select(['id', 'status', 'created_by']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!b) throw new NotFoundError('bulletin');
    if (b.status !== 'draft') throw new InputError(['这期通报已经发布']);
    if (b.created_by === user.id) throw new InputError(['不能审核发布自己生成的通报，请由另一位台账管理员或审核员发布']);
    await trx.updateTable('bulletin').set({ status: 'published', approved_by: user.id, published_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(trx, user, { action: 'bulletin.published', target: `bulletin:${id}` });
  });
}

export async function listBulletins(db: Kysely<Database>, onlyPublished: boolean) {
  let q = db.selectFrom('bulletin').leftJoin('staff_user', 'staff_user.id', 'bulletin.created_by').select(['bulletin.id', 'as_of', 'title', 'status', 'published_at', 'bulletin.is_demo', 'created_by', 'staff_user.display_name as creator']);
  if (onlyPublished) q = q.where('status', '=', 'published');
  return q.orderBy('as_of', 'desc').orderBy('bulletin.id', 'desc').execute();
}

/** A published bulletin and the published one before it (for the change since then). */
export async function loadPublishedBulletin(db: Kysely<Database>, id: string) {
  if (!isBigintId(id)) return null;
  const b = await db.selectFrom('bulletin').selectAll().where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
  if (!b) return null;
  const previous = await db
    .selectFrom('bulletin')
    .select(['id', 'as_of', 'snapshot'])
    .where('status', '=', 'published')
    .where((eb) => eb.or([eb('as_of', '<', b.as_of), eb.and([eb('as_of', '=', b.as_of), eb('id', '<', b.id)])]))
    .orderBy('as_of', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    bulletin: { id: b.id, asOf: b.as_of, title: b.title, publishedAt: new Date(b.published_at!), isDemo: b.is_demo, snapshot: b.snapshot as BulletinSnapshot },
    previous: previous ? { id: previous.id, asOf: previous.as_of, snapshot: previous.snapshot as BulletinSnapshot } : null,
  };
}
