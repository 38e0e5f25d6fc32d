import { type Kysely, sql } from 'kysely';

/**
 * No single admin reaches a reporter's identity. Only a custodian (身份保管员) can reveal one, so
 * making someone a custodian, or giving a custodian account a new password, takes two admins:
 * one asks (custodian_request), a different one confirms. Neither learns the password: each
 * gets one half of a setup code (staff_user.setup_hash_a / setup_hash_b, stored hashed), and the
 * custodian, given both halves in person, chooses the password at /staff/setup/.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('custodian_request')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('create', 'grant', 'reset')`))
    .addColumn('target_user_id', 'bigint', (c) => c.references('staff_user.id'))
    .addColumn('login', 'text')
    .addColumn('display_name', 'text')
    .addColumn('setup_hash_a', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'bigint', (c) => c.notNull().references('staff_user.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'confirmed', 'cancelled')`))
    .addColumn('decided_by', 'bigint', (c) => c.references('staff_user.id'))
    .addColumn('decided_at', 'timestamptz')
    // A new account is asked for by login and name (its id is filled in on confirmation); the others name an account.
    .addCheckConstraint('custodian_request_target', sql`case when kind = 'create' then login is not null and display_name is not null else target_user_id is not null end`)
    // The database, too, refuses a request confirmed by the admin who made it.
    .addCheckConstraint('custodian_request_four_eyes', sql`status <> 'confirmed' or decided_by <> requested_by`)
    .execute();
  await db.schema
    .alterTable('staff_user')
    .addColumn('setup_hash_a', 'text')
    .addColumn('setup_hash_b', 'text')
    .addColumn('setup_expires_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_user').dropColumn('setup_hash_a').dropColumn('setup_hash_b').dropColumn('setup_expires_at').execute();
  await db.schema.dropTable('custodian_request').execute();
}
