import { type Kysely, sql } from 'kysely';

/**
 * Staff accounts and sessions (Lucia's design: only the SHA-256 of the token is stored), the
 * append-only audit log, and the workflow state of reports. Citizens' original text is never
 * overwritten: staff corrections live in their own columns beside it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_user')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('township', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('staff_user_role_chk', sql`role in ('admin','moderator','township','publicity','custodian','ledger')`)
    .addCheckConstraint('staff_user_township_chk', sql`(role = 'township') = (township is not null)`)
    .execute();

  await db.schema
    .createTable('staff_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('staff_user.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('staff_session_user_idx').on('staff_session').column('user_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'bigint')
    .addColumn('actor_login', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('report_id', 'bigint')
    .addColumn('target', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at desc', 'id desc']).execute();
  await db.schema.createIndex('audit_log_report_idx').on('audit_log').columns(['report_id', 'at']).execute();
  // Append-only even for a buggy or compromised app: the database itself refuses changes.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);

  await db.schema
    .alterTable('report')
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('assigned_township', 'text')
    .addColumn('stage_deadline', 'date')
    .addColumn('duplicate_of', 'bigint', (c) => c.references('report.id'))
    .addColumn('refusal_reason', 'text')
    .addColumn('verification_found', 'boolean')
    .addColumn('measure', 'text')
    .addColumn('outcome', 'text')
    .addColumn('public_reply', 'text')
    .addColumn('ledger_item_id', 'bigint', (c) => c.references('ledger_item.id'))
    .addColumn('corrected_problem_class', 'text')
    .addColumn('corrected_place', 'text')
    .addColumn('corrected_description', 'text')
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('report_township_queue_idx').on('report').columns(['assigned_township', 'status', 'submitted_at', 'id']).execute();
  await db.schema.createIndex('report_deadline_idx').on('report').columns(['stage_deadline']).where(sql.ref('status'), 'not in', sql`('closed','refused')`).execute();
  await db.schema.createIndex('report_lat_lng_idx').on('report').columns(['lat', 'lng']).execute();

  await db.schema
    .createTable('report_note')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('report.id').onDelete('cascade'))
    .addColumn('author_id', 'bigint', (c) => c.notNull().references('staff_user.id'))
    // verification | handling | internal | reopen
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('report_note_report_idx').on('report_note').columns(['report_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_note').execute();
  await db.schema.dropIndex('report_lat_lng_idx').execute();
  await db.schema.dropIndex('report_deadline_idx').execute();
  await db.schema.dropIndex('report_township_queue_idx').execute();
  await db.schema
    .alterTable('report')
    .dropColumn('is_demo').dropColumn('assigned_township').dropColumn('stage_deadline').dropColumn('duplicate_of')
    .dropColumn('refusal_reason').dropColumn('verification_found').dropColumn('measure').dropColumn('outcome')
    .dropColumn('public_reply').dropColumn('ledger_item_id').dropColumn('corrected_problem_class')
    .dropColumn('corrected_place').dropColumn('corrected_description').dropColumn('closed_at')
    .execute();
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function audit_log_append_only()`.execute(db);
  await db.schema.dropTable('staff_session').execute();
  await db.schema.dropTable('staff_user').execute();
}
