/**
 * A million citizen reports in one INSERT … SELECT generate_series: three years of intake, denser
 * lately; reports older than half a year closed or refused (a few still being rectified), recent
 * ones spread over the open states; townships and problem classes weighted; 92 % with a map
 * point around the township seat (±0.1° by ±0.08°, denser near the seat: the township's area);
 * 0–5 photos.
 *
 * Loaded the way one loads a table: on one connection with triggers off (session_replication_role
 * = replica), the secondary indexes and unique constraints dropped and rebuilt afterwards from
 * their own definitions, then the trigger-kept counts rebuilt and the table vacuumed and analyzed.
 */
import { sql, type Kysely } from 'kysely';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { REPORTABLE_CLASSES } from '../../src/shared/taxonomy.ts';
import type { Database } from '../../src/server/database.ts';

/** Lower bounds of the buckets for width_bucket: 0 and every cumulative weight but the last. */
const lowerBounds = (cum: number[]) => [0, ...cum.slice(0, -1)];
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const arr = (xs: readonly (string | number)[]) => `array[${xs.map((x) => (typeof x === 'number' ? String(x) : lit(x))).join(',')}]`;

export async function generateReports(db: Kysely<Database>, rows: number): Promise<void> {
  await db.connection().execute(async (conn) => {
    const { rows: indexes } = await sql<{ name: string; def: string; constraint: string | null }>`
      select i.indexname as name, i.indexdef as def,
             (select pg_get_constraintdef(c.oid) from pg_constraint c where c.conrelid = 'report'::regclass and c.conname = i.indexname and c.contype = 'u') as constraint
      from pg_indexes i
      where i.schemaname = 'public' and i.tablename = 'report' and i.indexname <> 'report_pkey'`.execute(conn);
    await sql`set session_replication_role = replica`.execute(conn);
    for (const ix of indexes) {
      await sql.raw(ix.constraint ? `alter table report drop constraint "${ix.name}"` : `drop index "${ix.name}"`).execute(conn);
    }
    await insertReports(conn, rows);
    await sql`set maintenance_work_mem = '512MB'`.execute(conn);
    for (const ix of indexes) {
      await sql.raw(ix.constraint ? `alter table report add constraint "${ix.name}" ${ix.constraint}` : ix.def).execute(conn);
    }
    await sql`set session_replication_role = origin`.execute(conn);
    const { rows: fn } = await sql<{ ok: boolean }>`select to_regproc('report_count_rebuild') is not null as ok`.execute(conn);
    if (fn[0]?.ok) await sql`select report_count_rebuild()`.execute(conn);
  });
  await sql`vacuum analyze report`.execute(db);
  await sql`analyze`.execute(db);
}

async function insertReports(db: Kysely<Database>, rows: number): Promise<void> {
  const t = jurisdiction.townships;
  const codes = t.map((x) => x.code);
  const lngs = t.map((x) => x.lngLat[0]);
  const lats = t.map((x) => x.lngLat[1]);
  const villages = t.map((x) => x.villages[0]!.name);
  // Cumulative weights: the seat township and the plains see more reports than the hills.
  const townshipCum = [0.24, 0.38, 0.5, 0.66, 0.8, 0.9, 1.0].slice(0, t.length);
  townshipCum[townshipCum.length - 1] = 1;
  const classes = [...REPORTABLE_CLASSES];
  const classCum = classes.map((_, i) => [0.35, 0.42, 0.5, 0.53, 0.54, 0.62, 0.78, 0.92, 1.0][i] ?? 1);
  classCum[classCum.length - 1] = 1;

  await sql
    .raw(
      `
with g as (
  select i,
         random() as r_t, random() as r_c, random() as r_s, random() as r_p, random() as r_loc,
         (random() + random() + random() - 1.5) / 1.5 as dx, (random() + random() + random() - 1.5) / 1.5 as dy,
         -- three years, denser lately
         now() - (power(random(), 1.6) * interval '1095 days') as at
  from generate_series(1, ${rows}) as i
), p as (
  select g.*,
         width_bucket(g.r_t, ${arr(lowerBounds(townshipCum))}::float8[]) as ti,
         width_bucket(g.r_c, ${arr(lowerBounds(classCum))}::float8[]) as ci,
         extract(epoch from now() - g.at) / 86400 as age_days
  from g
), s as (
  select p.*,
         case
           when age_days > 180 then case when r_s < 0.88 then 'closed' when r_s < 0.97 then 'refused' else 'rectifying' end
           when age_days > 60 then case when r_s < 0.70 then 'closed' when r_s < 0.79 then 'refused' when r_s < 0.91 then 'rectifying' when r_s < 0.95 then 'substantiated' when r_s < 0.98 then 'unsubstantiated' else 'verifying' end
           when age_days > 20 then case when r_s < 0.35 then 'closed' when r_s < 0.45 then 'refused' when r_s < 0.55 then 'unsubstantiated' when r_s < 0.75 then 'rectifying' when r_s < 0.85 then 'substantiated' else 'verifying' end
           else case when r_s < 0.30 then 'submitted' when r_s < 0.50 then 'accepted' when r_s < 0.58 then 'refused' when r_s < 0.85 then 'verifying' when r_s < 0.92 then 'substantiated' else 'rectifying' end
         end as st
  from p
)
insert into report (receipt_hash, idempotency_key, submission_hash, status, problem_class, township, village,
                    place_description, lng, lat, location_source, seen_on, description, photo_count, channel,
                    submitted_at, updated_at, assigned_township, stage_deadline, closed_at, verification_found)
select 'bench-' || i,
       md5('bench-key-' || i)::uuid,
       md5('bench-sub-' || i),
       st,
       (${arr(classes)})[ci],
       (${arr(codes)})[ti],
       case when r_loc < 0.7 then (${arr(villages)})[ti] end,
       (${arr(villages)})[ti] || '附近第' || (i % 97) || '号地块（压测数据）',
       case when r_loc < 0.92 then (${arr(lngs)}::float8[])[ti] + dx * 0.1 end,
       case when r_loc < 0.92 then (${arr(lats)}::float8[])[ti] + dy * 0.08 end,
       case when r_loc < 0.92 then 'map' else 'none' end,
       (at - interval '2 days')::date,
       '压测数据：村里有人在耕地上施工，挖掘机和货车进出，已经硬化了一片地。',
       case when r_p < 0.4 then 0 else 1 + floor((r_p - 0.4) / 0.6 * 5)::int end,
       'web',
       at,
       at,
       case when st in ('verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed') then (${arr(codes)})[ti] end,
       case when st not in ('closed', 'refused') then (at + (5 + floor(r_s * 25)::int) * interval '1 day')::date end,
       case when st = 'closed' then at + interval '25 days' end,
       case when st in ('substantiated', 'rectifying', 'closed') then true when st = 'unsubstantiated' then false end
from s`,
    )
    .execute(db);
}
