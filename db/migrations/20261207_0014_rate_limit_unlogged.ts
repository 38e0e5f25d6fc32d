import { type Kysely, sql } from 'kysely';

/**
 * Rate-limit counters are written on every report, sign-in and lookup, and each write was a commit
 * waiting for the WAL to reach the disk while it held the counter's row locked: under load every
 * client of one address queued on that row. The counters need no durability: after a crash
 * PostgreSQL empties an unlogged table, which forgets at most a day's counts, and a standby does
 * not get them (each server counts its own). Nothing else is unlogged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limit set unlogged`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limit set logged`.execute(db);
}
