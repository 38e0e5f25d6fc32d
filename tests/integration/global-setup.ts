import { migrateToLatest } from '../../db/migrate.ts';
import { createDb } from '../../src/lib/server/db.ts';

/** Brings the integration database (fresh from tests/run.ts) to the latest schema once per run. */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run integration tests through `npm test`.');
  const db = createDb(url, { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
