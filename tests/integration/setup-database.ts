/**
 * Runs before each integration file (vitest setupFiles): the file gets its own copy of the run's
 * migrated template as TEST_DATABASE_URL, dropped when the file is done.
 */
import { afterAll } from 'vitest';
import { copyTemplate, testServerUrl } from '../support/test-databases.ts';

const database = await copyTemplate(testServerUrl(), process.env.TEST_INTEGRATION_TEMPLATE!, 'it');
process.env.TEST_DATABASE_URL = database.url;
// Registered before the file's own hooks, so it runs after them (their pools are closed by then).
afterAll(() => database.drop());
