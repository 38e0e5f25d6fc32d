import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// Dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// bigint (ids, count(*)) stays a string, as the row types say; counts are converted where read.

export function createDb(connectionString: string, options: { max?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? Number(process.env.PG_POOL_MAX ?? 10),
    // Fail fast while the database is away, so callers can answer 503 instead of hanging.
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    application_name: 'gengdi-shouhu',
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', (err) => console.error('[db] idle client error:', err.message));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

let shared: Kysely<Database> | undefined;

/** The process-wide instance, configured by DATABASE_URL (npm start sets it for the embedded server). */
export function getDb(): Kysely<Database> {
  if (!shared) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start the portal with `npm start`, or set it.');
    shared = createDb(url);
  }
  return shared;
}

/** True when the error means the database is unreachable (not a bug in a query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003', '53300'];
  if (e.code && codes.includes(e.code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|the database system is (starting|shutting) up/i.test(
    e.message ?? '',
  );
}
