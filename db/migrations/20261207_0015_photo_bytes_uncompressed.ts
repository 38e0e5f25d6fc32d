import { type Kysely, sql } from 'kysely';

/**
 * Photo bytes are JPEG, PNG, HEIC or WebP: compressed already. PostgreSQL still tried to compress
 * each one (pglz over the whole file) before storing it out of line, and threw the result away:
 * a 2 MB camera photo took about 45 ms to insert instead of 14 ms (measured on this project's
 * 2-core machine, PostgreSQL 15). EXTERNAL keeps the out-of-line storage without the attempt.
 * Rows stored before keep their storage; only new values are affected.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table photo_blob alter column bytes set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table photo_blob alter column bytes set storage extended`.execute(db);
}
