import { type Kysely, sql } from 'kysely';

/**
 * One patch or one notice covers at most a million 亩 (src/domain/ledger/mu.ts MAX_AREA_MU): more than the
 * whole county. The forms say so in words; the database refuses it as well, so no path around
 * the forms (an import, a script) stores a typo a thousand times too large.
 */
const TABLES = ['ledger_item', 'case_notice'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_area_ceiling`)} check (total_area_mu <= 1000000)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_area_ceiling`)}`.execute(db);
  }
}
