import { type Kysely, sql } from 'kysely';

/**
 * Publishing and ledger management: drafts of case notices keep the unmasked originals beside
 * the masked public text, with four-eyes approval; ledger imports keep their file and its hash;
 * patch polygons; claimed vs verified rectification by different people; frozen bulletins.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('case_notice')
    .addColumn('title_raw', 'text')
    .addColumn('body_raw', 'text')
    .addColumn('party_raw', 'text')
    .addColumn('party_kind', 'text')
    .addColumn('source_report_id', 'bigint', (c) => c.references('report.id'))
    .addColumn('drafted_by', 'bigint', (c) => c.references('staff_user.id'))
    .addColumn('approved_by', 'bigint', (c) => c.references('staff_user.id'))
    .addColumn('approved_at', 'timestamptz')
    .execute();
  await sql`alter table case_notice add constraint case_notice_four_eyes check (approved_by is null or drafted_by is null or approved_by <> drafted_by)`.execute(db);

  await db.schema
    .createTable('case_notice_photo')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('notice_id', 'bigint', (c) => c.notNull().references('case_notice.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('before', 'after')`))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('ledger_item')
    .addColumn('geometry', 'jsonb')
    .addColumn('min_lng', 'double precision')
    .addColumn('min_lat', 'double precision')
    .addColumn('max_lng', 'double precision')
    .addColumn('max_lat', 'double precision')
    .addColumn('claimed_by', 'bigint', (c) => c.references('staff_user.id'))
    .addColumn('verified_by', 'bigint', (c) => c.references('staff_user.id'))
    .execute();
  await sql`alter table ledger_item add constraint ledger_item_claim_verify_by_two check (verified_by is null or claimed_by is null or verified_by <> claimed_by)`.execute(db);
  await db.schema.createIndex('ledger_item_bbox_idx').on('ledger_item').columns(['min_lat', 'max_lat', 'min_lng', 'max_lng']).execute();

  await db.schema
    .createTable('ledger_import')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('items', 'geometry')`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('file_bytes', 'bytea', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('preview').check(sql`status in ('preview', 'confirmed', 'discarded')`))
    .addColumn('uploaded_by', 'bigint', (c) => c.notNull().references('staff_user.id'))
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('summary', 'jsonb')
    .execute();

  await db.schema
    .createTable('bulletin')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'published')`))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'bigint', (c) => c.notNull().references('staff_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('approved_by', 'bigint', (c) => c.references('staff_user.id'))
    .addColumn('published_at', 'timestamptz')
    .addCheckConstraint('bulletin_four_eyes', sql`approved_by is null or approved_by <> created_by`)
    .execute();
  // A published bulletin's numbers never change, whatever the application does.
  await sql`
    create function bulletin_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'bulletin % is published and cannot change', old.id;
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`create trigger bulletin_no_change before update or delete on bulletin for each row execute function bulletin_frozen()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bulletin').execute();
  await sql`drop function bulletin_frozen()`.execute(db);
  await db.schema.dropTable('ledger_import').execute();
  await sql`alter table ledger_item drop constraint ledger_item_claim_verify_by_two`.execute(db);
  await db.schema.dropIndex('ledger_item_bbox_idx').execute();
  await db.schema
    .alterTable('ledger_item')
    .dropColumn('geometry').dropColumn('min_lng').dropColumn('min_lat').dropColumn('max_lng').dropColumn('max_lat')
    .dropColumn('claimed_by').dropColumn('verified_by')
    .execute();
  await db.schema.dropTable('case_notice_photo').execute();
  await sql`alter table case_notice drop constraint case_notice_four_eyes`.execute(db);
  await db.schema
    .alterTable('case_notice')
    .dropColumn('title_raw').dropColumn('body_raw').dropColumn('party_raw').dropColumn('party_kind')
    .dropColumn('source_report_id').dropColumn('drafted_by').dropColumn('approved_by').dropColumn('approved_at')
    .execute();
}
