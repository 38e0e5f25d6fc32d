import { type Kysely, sql } from 'kysely';

/**
 * The state columns that were plain text get the CHECKs the others have, so that no path around
 * the application (a script, a hand-written fix) can store a state the code does not know. The
 * lists are written out here, frozen with the migration; tests/integration/migrations.test.ts
 * compares them with the code's own (REPORT_STATES). staff_user.role has had its CHECK since 0003.
 */
export const STATE_CHECKS = {
  report_status: { table: 'report', column: 'status', values: ['submitted', 'accepted', 'refused', 'verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed'] },
  report_event_state: { table: 'report_event', column: 'state', values: ['submitted', 'accepted', 'refused', 'verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed'] },
  report_location_source: { table: 'report', column: 'location_source', values: ['map', 'manual', 'manual-gcj02', 'photo', 'none'] },
} as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, { table, column, values }] of Object.entries(STATE_CHECKS)) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${name}_chk`)} check (${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))}))`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, { table }] of Object.entries(STATE_CHECKS)) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${name}_chk`)}`.execute(db);
  }
}
