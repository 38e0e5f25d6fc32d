import { type Kysely, sql } from 'kysely';

/**
 * The queue at a million reports: overdue counts without reading the overdue reports, and a
 * nearby search that reads only the neighbourhood.
 *
 * Overdue counts. "Overdue" is `stage_deadline < today` for an open report, so it changes with the
 * date and cannot be a column of report_count (0005). With the "overdue" filter the queue counted
 * every open report past its deadline (108 000 of a million in the bench: 21–136 ms per count).
 * `report_deadline_count` keeps the same numbers as report_count, for open reports with a
 * deadline only, per deadline day; the queue sums the rows of the days before today.
 * - A report past its deadline stays overdue until its status or deadline changes, so the rows of
 *   past days can be folded together once a day: report_deadline_count_fold() moves every day
 *   before its date into the `-infinity` rows and records the date in report_deadline_fold. The
 *   queue then sums a few hundred rows instead of one per (day, key): 51 000 in the bench, 750
 *   folded. Every folded deadline is before that date, so the sum is right for any today not
 *   earlier; a reader whose clock is behind it counts the rows (src/domain/reports/queue.ts).
 * - The trigger writes a deadline that is already folded into the `-infinity` rows; a change that
 *   races the fold writes its day row, which the next fold moves. Either way the sum is right.
 * - Like report_count: DEFERRABLE INITIALLY DEFERRED, 8 random slots, two keys locked in key
 *   order, emptied by TRUNCATE; report_count_rebuild() now rebuilds both tables.
 *
 * Indexes.
 * - report_open_queue_idx replaces report_open_deadline_idx: the open reports oldest first, so
 *   the overdue list reads overdue rows instead of walking past closed ones (1 591 blocks for a
 *   page of 25 before, 45 after), and still carries the filter columns for the counts that must
 *   count rows (overdue with a date range).
 * - report_nearby_grid_idx replaces report_nearby_idx: a range on (lat, lng) uses only lat, so
 *   the nearby search read the whole band of latitude across the county (every report within
 *   ±500 m north–south of the point, at any longitude and any time). Keyed by grid cell of
 *   1/400° (≈ 280 m × 225 m here) and then submission time, it reads the few cells around the
 *   point and, in each, the time window only.
 *   GRID_CELLS_PER_DEGREE in src/domain/reports/queue.ts must stay 400 with it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // No report may be written between the trigger's creation and the first count.
  await sql`lock table report in share row exclusive mode`.execute(db);
  await sql`
    create table report_deadline_count (
      -- the stage deadline, or '-infinity' for the folded rows (deadlines before report_deadline_fold.before)
      deadline date not null,
      status text not null,
      township text not null,
      problem_class text not null,
      assigned_township text not null,
      has_photos boolean not null,
      slot smallint not null,
      n bigint not null,
      primary key (deadline, status, township, problem_class, assigned_township, has_photos, slot)
    )`.execute(db);
  await sql`
    create table report_deadline_fold (
      singleton boolean primary key default true check (singleton),
      -- every '-infinity' row of report_deadline_count holds deadlines before this date only
      before date not null
    )`.execute(db);

  await sql`
    create function report_deadline_count_add(k text[], slot smallint, delta bigint) returns void language sql as $$
      insert into report_deadline_count as c (deadline, status, township, problem_class, assigned_township, has_photos, slot, n)
      values (k[1]::date, k[2], k[3], k[4], k[5], k[6]::boolean, slot, delta)
      on conflict (deadline, status, township, problem_class, assigned_township, has_photos, slot) do update set n = c.n + excluded.n;
    $$`.execute(db);
  // As report_count_apply: one slot per call, and the two rows of a move in key order.
  await sql`
    create function report_deadline_count_apply() returns trigger language plpgsql as $$
    declare
      slot smallint := floor(random() * 8)::smallint;
      folded date := (select before from report_deadline_fold);
      old_key text[];
      new_key text[];
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.stage_deadline is not null and old.status not in ('closed', 'refused') then
        old_key := array[(case when old.stage_deadline < folded then '-infinity' else old.stage_deadline end)::text,
                         old.status, old.township, old.problem_class, coalesce(old.assigned_township, ''), (old.photo_count > 0)::text];
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.stage_deadline is not null and new.status not in ('closed', 'refused') then
        new_key := array[(case when new.stage_deadline < folded then '-infinity' else new.stage_deadline end)::text,
                         new.status, new.township, new.problem_class, coalesce(new.assigned_township, ''), (new.photo_count > 0)::text];
      end if;
      if old_key is not distinct from new_key then
        return null;
      end if;
      if old_key is not null and (new_key is null or old_key < new_key) then
        perform report_deadline_count_add(old_key, slot, -1);
        if new_key is not null then perform report_deadline_count_add(new_key, slot, 1); end if;
      else
        perform report_deadline_count_add(new_key, slot, 1);
        if old_key is not null then perform report_deadline_count_add(old_key, slot, -1); end if;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger report_deadline_count_rows
    after insert or delete or update of status, township, problem_class, assigned_township, photo_count, stage_deadline on report
    deferrable initially deferred
    for each row execute function report_deadline_count_apply()`.execute(db);

  await sql`
    create function report_deadline_count_reset() returns trigger language plpgsql as $$
    begin
      delete from report_deadline_count;
      return null;
    end $$`.execute(db);
  await sql`create trigger report_deadline_count_truncate after truncate on report for each statement execute function report_deadline_count_reset()`.execute(db);

  // Moves the days before 'upto' into the '-infinity' rows. Never past the database's own China
  // date: an app clock running ahead must not fold deadlines that other clocks still see as due.
  await sql`
    create function report_deadline_count_fold(upto date) returns void language plpgsql as $$
    declare
      target date := least(upto, ((now() at time zone 'UTC') + interval '8 hours')::date);
    begin
      insert into report_deadline_fold as f (before) values (target)
      on conflict (singleton) do update set before = excluded.before where f.before < excluded.before;
      if not found then
        return;
      end if;
      with moved as (
        delete from report_deadline_count
        where deadline > '-infinity' and deadline < target
        returning status, township, problem_class, assigned_township, has_photos, slot, n
      )
      insert into report_deadline_count as c (deadline, status, township, problem_class, assigned_township, has_photos, slot, n)
      select '-infinity', status, township, problem_class, assigned_township, has_photos, slot, sum(n)
      from moved
      group by status, township, problem_class, assigned_township, has_photos, slot
      on conflict (deadline, status, township, problem_class, assigned_township, has_photos, slot) do update set n = c.n + excluded.n;
    end $$`.execute(db);

  // From scratch, already folded up to the database's date. The share lock waits for writers in
  // progress and holds new ones back, so no trigger adds to what is being recounted.
  await sql`
    create function report_deadline_count_rebuild() returns void language sql as $$
      lock table report in share mode;
      delete from report_deadline_count;
      delete from report_deadline_fold;
      insert into report_deadline_fold (before) values (((now() at time zone 'UTC') + interval '8 hours')::date);
      insert into report_deadline_count (deadline, status, township, problem_class, assigned_township, has_photos, slot, n)
      select case when r.stage_deadline < f.before then '-infinity' else r.stage_deadline end,
             r.status, r.township, r.problem_class, coalesce(r.assigned_township, ''), r.photo_count > 0, 0, count(*)
      from report r cross join report_deadline_fold f
      where r.stage_deadline is not null and r.status not in ('closed', 'refused')
      group by 1, 2, 3, 4, 5, 6;
    $$`.execute(db);
  // The one call that rebuilds the trigger-kept counts after a bulk load (bench/lib/queue-data.ts)
  // now rebuilds both tables, under the same lock.
  await sql`
    create or replace function report_count_rebuild() returns void language sql as $$
      lock table report in share mode;
      delete from report_count;
      insert into report_count (status, township, problem_class, assigned_township, has_photos, slot, n)
      select status, township, problem_class, coalesce(assigned_township, ''), photo_count > 0, 0, count(*)
      from report group by 1, 2, 3, 4, 5;
      select report_deadline_count_rebuild();
    $$`.execute(db);
  await sql`select report_deadline_count_rebuild()`.execute(db);
  // Statistics now, so that the first counts range-scan the past days rather than read every row.
  await sql`analyze report_deadline_count`.execute(db);

  await sql`
    create index report_open_queue_idx on report (submitted_at, id)
    include (stage_deadline, status, photo_count, township, problem_class, assigned_township)
    where status not in ('closed', 'refused')`.execute(db);
  await sql`drop index report_open_deadline_idx`.execute(db);
  await sql`
    create index report_nearby_grid_idx on report ((floor(lat * 400)::int), (floor(lng * 400)::int), submitted_at)
    include (id, lat, lng, status, problem_class, duplicate_of, assigned_township) where lat is not null`.execute(db);
  await sql`drop index report_nearby_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create index report_nearby_idx on report (lat, lng, submitted_at)
    include (id, status, problem_class, duplicate_of, assigned_township) where lat is not null`.execute(db);
  await sql`drop index report_nearby_grid_idx`.execute(db);
  await sql`
    create index report_open_deadline_idx on report (stage_deadline)
    include (status, photo_count, township, problem_class, assigned_township, submitted_at)
    where status not in ('closed', 'refused')`.execute(db);
  await sql`drop index report_open_queue_idx`.execute(db);
  // report_count_rebuild() as migration 0005 made it.
  await sql`
    create or replace function report_count_rebuild() returns void language sql as $$
      delete from report_count;
      insert into report_count (status, township, problem_class, assigned_township, has_photos, slot, n)
      select status, township, problem_class, coalesce(assigned_township, ''), photo_count > 0, 0, count(*)
      from report group by 1, 2, 3, 4, 5;
    $$`.execute(db);
  await sql`drop function report_deadline_count_rebuild()`.execute(db);
  await sql`drop function report_deadline_count_fold(date)`.execute(db);
  await sql`drop trigger report_deadline_count_truncate on report`.execute(db);
  await sql`drop function report_deadline_count_reset()`.execute(db);
  await sql`drop trigger report_deadline_count_rows on report`.execute(db);
  await sql`drop function report_deadline_count_apply()`.execute(db);
  await sql`drop function report_deadline_count_add(text[], smallint, bigint)`.execute(db);
  await sql`drop table report_deadline_fold`.execute(db);
  await sql`drop table report_deadline_count`.execute(db);
}
