import type { Kysely } from 'kysely';

/**
 * Step texts and the accountability paragraph are published masked too (phone, ID and plate
 * numbers, names); like title, body and party, their originals stay beside them for the drafter's
 * next edit and for the approver's list of what was masked.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_notice').addColumn('steps_raw', 'jsonb').addColumn('accountability_raw', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_notice').dropColumn('steps_raw').dropColumn('accountability_raw').execute();
}
