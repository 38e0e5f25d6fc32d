import { sql, type Kysely } from 'kysely';
import { afterAll, beforeEach } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import type { Database } from '../../src/server/database.ts';

/** A database handle for one test file, with every table emptied before each test. */
export function useTestDatabase(): Kysely<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run integration tests through `npm test`.');
  const db = createDb(url, { max: 4 });
  beforeEach(async () => {
    await clearTables(db);
  });
  afterAll(async () => {
    await db.destroy();
  });
  return db;
}

export async function clearTables(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = 'public' and tablename not like 'kysely_%'`.execute(db);
  if (rows.length === 0) return;
  const list = rows.map((r) => `"${r.tablename}"`).join(', ');
  await sql.raw(`truncate ${list} restart identity cascade`).execute(db);
}
