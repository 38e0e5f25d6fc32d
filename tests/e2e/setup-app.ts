/**
 * Runs before each e2e and hostile file (vitest setupFiles): the file gets its own copy of the
 * run's demo database (E2E_DATABASE_URL) and its own app serving it (E2E_BASE_URL), so what one
 * file publishes, imports or rate-limits no other file sees. Both go when the file is done.
 */
import { afterAll } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { copyTemplate, testServerUrl } from '../support/test-databases.ts';

const database = await copyTemplate(testServerUrl(), process.env.TEST_E2E_TEMPLATE!, 'e2e');
const app = await startTestApp(database.url).catch(async (err) => {
  await database.drop();
  throw err;
});
process.env.E2E_DATABASE_URL = database.url;
process.env.E2E_BASE_URL = app.url;
// Registered before the file's own hooks, so it runs after them (their pools are closed by then).
afterAll(async () => {
  await app.stop();
  await database.drop();
});
