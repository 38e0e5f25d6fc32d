/**
 * Public figures of the hotline per township: reports received, closed and overdue. A township
 * with fewer than MIN_REPORTS reports shows no figures, so small numbers cannot point at anyone.
 */
import { sql, type Kysely } from 'kysely';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { Database } from '../../server/database.ts';

export const MIN_REPORTS = 5;

export interface TownshipHotline {
  township: string;
  townshipName: string;
  /** null when below MIN_REPORTS. */
  figures: { received: number; closed: number; overdue: number } | null;
}

export async function hotlineStatsByTownship(db: Kysely<Database>, today: string): Promise<{ rows: TownshipHotline[]; hasDemo: boolean }> {
  const rows = await db
    .selectFrom('report')
    .select((eb) => [
      sql<string>`coalesce(assigned_township, township)`.as('t'),
      eb.fn.countAll<number>().as('received'),
      sql<number>`count(*) filter (where status = 'closed')`.as('closed'),
      sql<number>`count(*) filter (where stage_deadline < ${today} and status not in ('closed', 'refused'))`.as('overdue'),
      sql<boolean>`bool_or(is_demo)`.as('demo'),
    ])
    .groupBy(sql`coalesce(assigned_township, township)`)
    .execute();
  return {
    hasDemo: rows.some((r) => r.demo),
    rows: jurisdiction.townships.map((t) => {
      const r = rows.find((x) => x.t === t.code);
      const received = Number(r?.received ?? 0);
      return {
        township: t.code,
        townshipName: t.name,
        figures: received >= MIN_REPORTS ? { received, closed: Number(r!.closed), overdue: Number(r!.overdue) } : null,
      };
    }),
  };
}
