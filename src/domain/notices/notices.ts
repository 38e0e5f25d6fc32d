import type { Kysely } from 'kysely';
import type { CaseNoticeRow, Database, EnforcementStep } from '../../server/database.ts';
import { isBigintId } from '../../shared/ids.ts';
import { maskContacts } from './contact-masking.ts';

/** What the public may read of a notice. The unmasked party never exists on this side. */
export interface PublicNotice {
  id: string;
  title: string;
  township: string;
  village: string | null;
  problemClass: string;
  party: string;
  totalAreaMu: string;
  farmlandAreaMu: string;
  steps: EnforcementStep[];
  outcome: string;
  accountability: string;
  body: string;
  status: 'published';
  publishedAt: Date;
  isDemo: boolean;
  /** Public copies of before/after photos. */
  photos: Array<{ id: string; kind: 'before' | 'after'; width: number; height: number }>;
}

/** All the public learns of a withdrawn notice: when, and why as a category. No content at all. */
export interface WithdrawnNotice {
  id: string;
  status: 'withdrawn';
  withdrawnAt: Date;
  /** A WITHDRAW_REASONS code; `other` for notices withdrawn before categories existed. */
  withdrawCategory: string;
  isDemo: boolean;
}

export interface NoticeFilter {
  township?: string;
  problemClass?: string;
}

const PUBLIC_STATUSES = ['published', 'withdrawn'] as const;

/**
 * The public form of a notice row. Its text columns were masked when saved; numbers are masked
 * again here because notices published before number masking existed were saved without it.
 */
export function toPublicNotice(row: CaseNoticeRow): PublicNotice {
  return {
    id: String(row.id),
    title: maskContacts(row.title),
    township: row.township,
    village: row.village,
    problemClass: row.problem_class,
    party: maskContacts(row.party_public),
    totalAreaMu: row.total_area_mu,
    farmlandAreaMu: row.farmland_area_mu,
    steps: [...(row.steps ?? [])]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((s) => ({ date: s.date, action: maskContacts(s.action), ...(s.detail ? { detail: maskContacts(s.detail) } : {}) })),
    outcome: row.outcome,
    accountability: maskContacts(row.accountability),
    body: maskContacts(row.body),
    status: 'published',
    publishedAt: new Date(row.published_at as Date),
    isDemo: row.is_demo,
    photos: [],
  };
}

/** Published notices, newest first; a withdrawn one leaves every list at once. */
export async function listPublishedNotices(
  db: Kysely<Database>,
  filter: NoticeFilter,
  page: number,
  pageSize: number,
): Promise<{ notices: PublicNotice[]; total: number }> {
  let query = db.selectFrom('case_notice').where('status', '=', 'published');
  if (filter.township) query = query.where('township', '=', filter.township);
  if (filter.problemClass) query = query.where('problem_class', '=', filter.problemClass);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { notices: rows.map(toPublicNotice), total: Number(count.n) };
}

/** A published notice, the stub of a withdrawn one (its address answers 410), or null. */
export async function findPublicNotice(db: Kysely<Database>, id: string): Promise<PublicNotice | WithdrawnNotice | null> {
  if (!isBigintId(id)) return null;
  const row = await db
    .selectFrom('case_notice')
    .selectAll()
    .where('id', '=', id)
    .where('status', 'in', PUBLIC_STATUSES)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status === 'withdrawn') {
    return { id: String(row.id), status: 'withdrawn', withdrawnAt: new Date((row.withdrawn_at ?? row.updated_at) as Date), withdrawCategory: row.withdraw_category ?? 'other', isDemo: row.is_demo };
  }
  const notice = toPublicNotice(row);
  notice.photos = await db.selectFrom('case_notice_photo').select(['id', 'kind', 'width', 'height']).where('notice_id', '=', id).orderBy('kind', 'desc').orderBy('position').execute();
  return notice;
}
