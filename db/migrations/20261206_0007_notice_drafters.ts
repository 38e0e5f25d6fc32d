import { type Kysely, sql } from 'kysely';

/**
 * Four eyes on every word of a notice. `case_notice.drafted_by` named only the member who created
 * a draft, so a second member could rewrite a submitted draft and then approve their own text.
 * Everyone who created or changed any field of the draft (text, steps, photos, township, outcome)
 * is now a drafter of it, and the database refuses an approval by any of them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_notice_drafter')
    .addColumn('notice_id', 'bigint', (c) => c.notNull().references('case_notice.id').onDelete('cascade'))
    .addColumn('staff_user_id', 'bigint', (c) => c.notNull().references('staff_user.id'))
    .addColumn('first_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('case_notice_drafter_pk', ['notice_id', 'staff_user_id'])
    .execute();
  // Drafts written before this migration: their creator is the only drafter known.
  await sql`
    insert into case_notice_drafter (notice_id, staff_user_id, first_changed_at, last_changed_at)
    select id, drafted_by, created_at, updated_at from case_notice where drafted_by is not null`.execute(db);
  await sql`
    create function case_notice_approver_not_drafter() returns trigger language plpgsql as $$
    begin
      if new.approved_by is not null and exists (
        select 1 from case_notice_drafter where notice_id = new.id and staff_user_id = new.approved_by
      ) then
        raise exception 'case_notice_four_eyes: staff % changed notice % and cannot approve it', new.approved_by, new.id;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger case_notice_approver_not_drafter before update of approved_by on case_notice
    for each row execute function case_notice_approver_not_drafter()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger case_notice_approver_not_drafter on case_notice`.execute(db);
  await sql`drop function case_notice_approver_not_drafter()`.execute(db);
  await db.schema.dropTable('case_notice_drafter').execute();
}
