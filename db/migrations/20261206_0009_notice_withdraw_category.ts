import type { Kysely } from 'kysely';

/**
 * A withdrawn notice leaves the public with a short page that says when and, as a category, why
 * (src/shared/taxonomy.ts WITHDRAW_REASONS). The free-text reason stays for staff and the audit log.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_notice').addColumn('withdraw_category', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_notice').dropColumn('withdraw_category').execute();
}
