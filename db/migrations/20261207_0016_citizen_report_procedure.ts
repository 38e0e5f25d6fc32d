import { type Kysely, sql } from 'kysely';

/**
 * A citizen's report without photos in one round trip (src/domain/reports/intake.ts): the client's
 * limits are counted and the form's stored submission is looked for, then, unless one of them
 * refuses it, the report is stored with its first timeline entry.
 *
 * A procedure, not one statement, for its COMMIT between the two: the counters' rows (one per
 * client and window, so one hot row for every citizen behind the same address) are unlocked as
 * soon as they are counted, before the report's own commit waits for the WAL to reach the disk.
 * In one statement the counter row stayed locked through that wait, and every client of one
 * address queued on it (the reason for migration 0014). The count commits without waiting:
 * rate_limit is unlogged.
 *
 * The same rule as the application's decideRateLimits: a window's hits, this one counted, over
 * its limit refuses. A report stored under the same key meanwhile (a second submit of one form
 * running alongside) makes the insert do nothing; the caller then reads what the key holds.
 * The parameters after the four of the limits are the columns intake.ts stores, in that order
 * (reports.ts REPORT_INTAKE_COLUMNS); tests/integration/intake.test.ts compares the two lists.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create procedure take_citizen_report(
      client_key text, buckets text[], windows timestamptz[], limits bigint[],
      p_receipt_hash text, p_idempotency_key uuid, p_submission_hash text, p_problem_class text, p_township text,
      p_village text, p_place_description text, p_lng double precision, p_lat double precision, p_location_source text,
      p_seen_on date, p_description text, p_reporter_name_enc bytea, p_reporter_phone_enc bytea, p_photo_count integer,
      inout o_stored text default null, inout o_hits json default null, inout o_refused boolean default null,
      inout o_report_id bigint default null)
    language plpgsql as $$
    begin
      -- Rows are locked in the rules' order, as countHits locks them: no two callers cross.
      with counted as (
        insert into rate_limit (bucket, key, window_start, hits)
        select b, client_key, w, 1 from unnest(buckets, windows) with ordinality as u(b, w, n) order by n
        on conflict (bucket, key, window_start) do update set hits = rate_limit.hits + 1
        returning rate_limit.bucket, rate_limit.hits
      )
      select json_agg(json_build_object('bucket', c.bucket, 'hits', c.hits)), coalesce(bool_or(c.hits > l.lim), false)
        into o_hits, o_refused
        from counted c join unnest(buckets, limits) as l(b, lim) on l.b = c.bucket;
      select r.submission_hash into o_stored from report r where r.idempotency_key = p_idempotency_key;
      commit;
      if o_stored is not null or o_refused then
        return;
      end if;
      with inserted as (
        insert into report (receipt_hash, idempotency_key, submission_hash, problem_class, township, village,
          place_description, lng, lat, location_source, seen_on, description, reporter_name_enc, reporter_phone_enc, photo_count)
        values (p_receipt_hash, p_idempotency_key, p_submission_hash, p_problem_class, p_township, p_village,
          p_place_description, p_lng, p_lat, p_location_source, p_seen_on, p_description, p_reporter_name_enc,
          p_reporter_phone_enc, p_photo_count)
        -- Every unique index an arbiter, as in reports.ts submitReport.
        on conflict do nothing
        returning id
      )
      insert into report_event (report_id, state) select id, 'submitted' from inserted
        returning report_event.report_id into o_report_id;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop procedure take_citizen_report`.execute(db);
}
