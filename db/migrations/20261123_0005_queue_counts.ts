import { type Kysely, sql } from 'kysely';

/**
 * Per-status counts of the staff queue without counting the table. The queue page shows how many
 * reports each status holds for the current filter; with a million reports, `count(*) … group by
 * status` reads the whole table on every page view. `report_count` keeps those numbers per
 * (status, township, problem class, assigned township, has photos), maintained by triggers on
 * `report`, so the page sums a few hundred rows instead (src/domain/reports/queue.ts countByStatus).
 *
 * - The trigger is DEFERRABLE INITIALLY DEFERRED: it runs at commit, so a report's transaction
 *   (photos and all) does not hold a counter row's lock while it works, and a rolled-back
 *   transaction never touches the counts.
 * - Each change goes to one of 8 `slot`s picked at random, so simultaneous submissions with the
 *   same township and class rarely wait for each other; readers sum the slots. A report that
 *   changes key updates both counter rows in key order (no crosswise locks, no deadlock).
 * - TRUNCATE of report empties the counts too; `report_count_rebuild()` recomputes them from
 *   scratch (after a bulk load with triggers off, for instance).
 *
 * Two indexes of migration 0003 are replaced by covering ones, so that the queries that must
 * still visit rows read the index alone:
 * - the nearby search (queue.ts findNearbyReports) filters on (lat, lng, submitted_at) and reads
 *   id, status, class, duplicate and assignment: all in report_nearby_idx;
 * - counts under the "overdue" filter read the open reports by deadline with the columns the
 *   queue filters on: report_open_deadline_idx (same key and predicate as report_deadline_idx).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // No report may be written between the trigger's creation and the first count.
  await sql`lock table report in share row exclusive mode`.execute(db);
  await sql`
    create table report_count (
      status text not null,
      township text not null,
      problem_class text not null,
      -- '' for a report not assigned to a township, so that it can be part of the key
      assigned_township text not null,
      has_photos boolean not null,
      slot smallint not null,
      n bigint not null,
      primary key (status, township, problem_class, assigned_township, has_photos, slot)
    )`.execute(db);

  await sql`
    create function report_count_add(k text[], slot smallint, delta bigint) returns void language sql as $$
      insert into report_count as c (status, township, problem_class, assigned_township, has_photos, slot, n)
      values (k[1], k[2], k[3], k[4], k[5]::boolean, slot, delta)
      on conflict (status, township, problem_class, assigned_township, has_photos, slot) do update set n = c.n + excluded.n;
    $$`.execute(db);
  // One slot per call, and a report moving between two keys updates them in key order, so two
  // transactions moving reports in opposite directions cannot lock the same rows crosswise.
  await sql`
    create function report_count_apply() returns trigger language plpgsql as $$
    declare
      slot smallint := floor(random() * 8)::smallint;
      old_key text[];
      new_key text[];
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        old_key := array[old.status, old.township, old.problem_class, coalesce(old.assigned_township, ''), (old.photo_count > 0)::text];
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        new_key := array[new.status, new.township, new.problem_class, coalesce(new.assigned_township, ''), (new.photo_count > 0)::text];
      end if;
      if old_key = new_key then
        return null;
      end if;
      if old_key is not null and (new_key is null or old_key < new_key) then
        perform report_count_add(old_key, slot, -1);
        if new_key is not null then perform report_count_add(new_key, slot, 1); end if;
      else
        perform report_count_add(new_key, slot, 1);
        if old_key is not null then perform report_count_add(old_key, slot, -1); end if;
      end if;
      return null;
    end $$`.execute(db);

  await sql`
    create constraint trigger report_count_rows
    after insert or delete or update of status, township, problem_class, assigned_township, photo_count on report
    deferrable initially deferred
    for each row execute function report_count_apply()`.execute(db);

  await sql`
    create function report_count_reset() returns trigger language plpgsql as $$
    begin
      delete from report_count;
      return null;
    end $$`.execute(db);
  await sql`create trigger report_count_truncate after truncate on report for each statement execute function report_count_reset()`.execute(db);

  await sql`
    create function report_count_rebuild() returns void language sql as $$
      delete from report_count;
      insert into report_count (status, township, problem_class, assigned_township, has_photos, slot, n)
      select status, township, problem_class, coalesce(assigned_township, ''), photo_count > 0, 0, count(*)
      from report group by 1, 2, 3, 4, 5;
    $$`.execute(db);
  await sql`select report_count_rebuild()`.execute(db);

  await sql`
    create index report_nearby_idx on report (lat, lng, submitted_at)
    include (id, status, problem_class, duplicate_of, assigned_township) where lat is not null`.execute(db);
  await sql`drop index report_lat_lng_idx`.execute(db);
  await sql`
    create index report_open_deadline_idx on report (stage_deadline)
    include (status, photo_count, township, problem_class, assigned_township, submitted_at)
    where status not in ('closed', 'refused')`.execute(db);
  await sql`drop index report_deadline_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index report_deadline_idx on report (stage_deadline) where status not in ('closed', 'refused')`.execute(db);
  await sql`drop index report_open_deadline_idx`.execute(db);
  await sql`create index report_lat_lng_idx on report (lat, lng)`.execute(db);
  await sql`drop index report_nearby_idx`.execute(db);
  await sql`drop trigger report_count_truncate on report`.execute(db);
  await sql`drop trigger report_count_rows on report`.execute(db);
  await sql`drop function report_count_rebuild()`.execute(db);
  await sql`drop function report_count_reset()`.execute(db);
  await sql`drop function report_count_apply()`.execute(db);
  await sql`drop function if exists report_count_add(text[], smallint, bigint)`.execute(db);
  await sql`drop table report_count`.execute(db);
}
