/**
 * Every test file that touches PostgreSQL gets a database of its own, copied from a template that
 * tests/run.ts makes once per run (migrated for integration files; migrated and seeded with the
 * demo for e2e files). So a file passes alone and in any order, and no file reads another's rows.
 * Copying a template is a file copy inside PostgreSQL: far cheaper than migrating again.
 */
import { randomBytes } from 'node:crypto';
import { dropDatabase, quoteIdent, withAdminClient, withDatabase } from '../../db/embedded.ts';

/** The templates of a run, named after its prefix (TEST_DB_PREFIX), so two runs can share a server. */
export function templateNames(prefix: string): { integration: string; e2e: string } {
  return { integration: `${prefix}_it_template`, e2e: `${prefix}_e2e_template` };
}

/** Drops the databases a killed earlier run with this prefix left behind (its templates included). */
export async function dropLeftovers(serverUrl: string, prefix: string): Promise<void> {
  const { rows } = await withAdminClient(serverUrl, (client) =>
    client.query<{ datname: string }>(`select datname from pg_database where datname like $1 escape '\\'`, [`${prefix.replaceAll('_', '\\_')}\\_%`]),
  );
  for (const { datname } of rows) await dropDatabase(serverUrl, datname);
}

export interface FileDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh copy of `template` under a name of its own; nobody may be connected to the template. */
export async function copyTemplate(serverUrl: string, template: string, kind: string): Promise<FileDatabase> {
  const prefix = process.env.TEST_DB_PREFIX ?? 'gengdi_test';
  const name = `${prefix}_${kind}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`));
  return { url: withDatabase(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

/** The server tests/run.ts provides, or a clear error for a test file run some other way. */
export function testServerUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run tests through `npm test` (e.g. `npm test -- tests/e2e/report.test.ts`).');
  return url;
}
