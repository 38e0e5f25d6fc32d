import { type Kysely, sql } from 'kysely';

/**
 * Every free text people type has a length limit in its form's schema; the database holds the same
 * limit, so no path around the forms (a script, an import, a bug) stores a megabyte in a field a
 * page prints. Limits are exactly the schemas' (characters, as char_length counts them). Masked
 * public copies are left free: masking can lengthen a short name (“恒通” → “某公司”); their
 * originals carry the limit.
 */
export const TEXT_LIMITS: ReadonlyArray<readonly [table: string, column: string, max: number]> = [
  ['report', 'place_description', 200],
  ['report', 'description', 2000],
  ['report', 'corrected_place', 200],
  ['report', 'corrected_description', 2000],
  ['report', 'public_reply', 2000],
  ['report_note', 'body', 4000],
  ['case_notice', 'title_raw', 100],
  ['case_notice', 'body_raw', 5000],
  ['case_notice', 'accountability_raw', 1000],
  ['case_notice', 'party_raw', 60],
  ['case_notice', 'village', 40],
  ['case_notice', 'withdraw_reason', 500],
  ['staff_user', 'display_name', 40],
  ['staff_user', 'login', 64],
];

const constraintOf = (table: string, column: string) => `${table}_${column}_length`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column, max] of TEXT_LIMITS) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(constraintOf(table, column))} check (char_length(${sql.ref(column)}) <= ${sql.lit(max)})`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of TEXT_LIMITS) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(constraintOf(table, column))}`.execute(db);
  }
}
