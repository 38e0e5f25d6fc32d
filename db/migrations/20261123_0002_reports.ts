import { type Kysely, sql } from 'kysely';

/**
 * Citizen reports (举报), their photos and timeline, and rate-limit counters.
 * Reporter name and phone are AES-256-GCM ciphertexts; the receipt code is stored only as a hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('receipt_hash', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'uuid', (c) => c.notNull().unique())
    // Hash of the submitted content: a retry with the same key must carry the same report.
    .addColumn('submission_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('submitted'))
    .addColumn('problem_class', 'text', (c) => c.notNull())
    .addColumn('township', 'text', (c) => c.notNull())
    .addColumn('village', 'text')
    .addColumn('place_description', 'text', (c) => c.notNull())
    .addColumn('lng', 'double precision')
    .addColumn('lat', 'double precision')
    // map | manual | manual-gcj02 | photo | none
    .addColumn('location_source', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('seen_on', 'date', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('reporter_name_enc', 'bytea')
    .addColumn('reporter_phone_enc', 'bytea')
    .addColumn('photo_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('web'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('report_location_pair', sql`(lng is null) = (lat is null)`)
    .addCheckConstraint('report_location_range', sql`lng is null or (lng between -180 and 180 and lat between -90 and 90)`)
    .execute();
  // The staff queue reads oldest first, by status; keyset pagination on (submitted_at, id).
  await db.schema.createIndex('report_queue_idx').on('report').columns(['status', 'submitted_at', 'id']).execute();
  await db.schema.createIndex('report_submitted_idx').on('report').columns(['submitted_at', 'id']).execute();

  // Bytes of photos, behind the PhotoStore interface; another store may replace this table.
  await db.schema
    .createTable('photo_blob')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('report_photo')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('report.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    // citizen | staff:<user id>
    .addColumn('added_by', 'text', (c) => c.notNull().defaultTo('citizen'))
    .addColumn('original_key', 'text', (c) => c.notNull())
    .addColumn('original_sha256', 'text', (c) => c.notNull())
    .addColumn('original_mime', 'text', (c) => c.notNull())
    .addColumn('original_size', 'integer', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('public_width', 'integer', (c) => c.notNull())
    .addColumn('public_height', 'integer', (c) => c.notNull())
    .addColumn('exif_taken_at', 'timestamptz')
    .addColumn('exif_lng', 'double precision')
    .addColumn('exif_lat', 'double precision')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('report_photo_position_uq', ['report_id', 'added_by', 'position'])
    .execute();

  // What the citizen's tracking page shows, oldest first. Internal notes live elsewhere.
  await db.schema
    .createTable('report_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('report.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('public_note', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('report_event_report_idx').on('report_event').columns(['report_id', 'at']).execute();

  // Fixed-window counters shared by every app instance. Keys are keyed hashes, never raw IPs.
  await db.schema
    .createTable('rate_limit')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('rate_limit_pk', ['bucket', 'key', 'window_start'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit').execute();
  await db.schema.dropTable('report_event').execute();
  await db.schema.dropTable('report_photo').execute();
  await db.schema.dropTable('photo_blob').execute();
  await db.schema.dropTable('report').execute();
}
