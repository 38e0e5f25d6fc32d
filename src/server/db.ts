import { Kysely, PostgresDialect, type Compilable, type CompiledQuery, type QueryResult } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// Dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// bigint (ids, count(*)) stays a string, as the row types say; counts are converted where read.

/** Starts the text of a statement to prepare once per connection (executePrepared). */
const PREPARED_MARK = '/* prepared */ ';
/** Statements are marked in code, so few; the bound keeps a mistake from growing a connection. */
const MAX_PREPARED_PER_CONNECTION = 32;

/**
 * PG_PREPARED_STATEMENTS=off turns preparing off, for a pooler in front of PostgreSQL that does
 * not keep a server connection per client connection (PgBouncer in transaction mode before 1.21).
 */
function preparingEnabled(): boolean {
  return process.env.PG_PREPARED_STATEMENTS !== 'off';
}

/**
 * Runs a hot statement (a citizen's report: its count, its insert) as a named prepared statement:
 * each connection parses and plans it once instead of for every report, which took a tenth of the
 * machine's CPU per report under load. Marked by a comment at the start of its text, which the
 * connection recognises (createDb); the same statement runs unprepared where preparing is off.
 */
export function executePrepared<O>(db: Kysely<Database>, query: Compilable<O> | CompiledQuery<O>): Promise<QueryResult<O>> {
  const compiled = 'compile' in query ? query.compile() : query;
  return db.executeQuery<O>({ ...compiled, sql: PREPARED_MARK + compiled.sql });
}

type QueryCall = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/** Gives each marked statement text a name of its own on this connection, so pg prepares it once. */
function prepareMarkedStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as QueryCall;
  const prepared: QueryCall = (text, values, callback) => {
    if (typeof text === 'string' && text.startsWith(PREPARED_MARK)) {
      let name = names.get(text);
      if (!name && names.size < MAX_PREPARED_PER_CONNECTION) {
        name = `gd_prepared_${names.size + 1}`;
        names.set(text, name);
      }
      if (name) return query({ name, text, values }, callback);
    }
    return query(text, values, callback);
  };
  (client as unknown as { query: QueryCall }).query = prepared;
}

export function createDb(connectionString: string, options: { max?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? Number(process.env.PG_POOL_MAX ?? 10),
    // Fail fast while the database is away, so callers can answer 503 instead of hanging.
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    application_name: 'gengdi-shouhu',
  });
  // A connection losing its server (restart, failover, admin shutdown) must not crash the
  // process. pg emits 'error' on the Client itself; the pool listens only while the client is idle,
  // so an error arriving while a request holds the client (between two queries of a transaction,
  // or as PostgreSQL's "terminating connection" notice) was an unhandled 'error' event that killed
  // the app. Each client gets a listener of its own for its whole life: the query in flight, if
  // any, still fails with the error, and the broken client is dropped when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => console.error('[db] connection lost:', err.message));
    if (preparingEnabled()) prepareMarkedStatements(client);
  });
  // Idle clients' errors reach the pool too; the client's own listener has logged them already.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the portal with `npm start`, or set it.');
  return url;
}

let shared: Kysely<Database> | undefined;

/** The process-wide instance, configured by DATABASE_URL (npm start sets it for the embedded server). */
export function getDb(): Kysely<Database> {
  if (!shared) {
    shared = createDb(databaseUrl());
  }
  return shared;
}

let probe: Kysely<Database> | undefined;

/**
 * A one-connection pool for /api/health only. Through the shared pool, a health check waits in
 * line behind the requests of a busy minute and times out, and a load balancer reading that
 * "database down" would take a healthy but busy instance out of service. Its own connection
 * answers the question asked: does the database answer this instance?
 */
export function getProbeDb(): Kysely<Database> {
  if (!probe) {
    probe = createDb(databaseUrl(), { max: 1 });
  }
  return probe;
}
