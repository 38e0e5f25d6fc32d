/**
 * `npm start`: build if needed, bring up the database (embedded unless DATABASE_URL is set),
 * migrate, seed the demo on first run, then serve with @astrojs/node (HOST/PORT as usual).
 */
import { migrateToLatest } from '../../db/migrate.ts';
import { seedDemoData } from '../../db/seed/demo.ts';
import { seedDemoStaff } from '../../db/seed/demo-staff.ts';
import { seedDemoReports } from '../../db/seed/demo-reports.ts';
import { seedDemoBulletin } from '../../db/seed/demo-bulletin.ts';
import { getSecrets } from '../server/secrets.ts';
import { createDb } from '../server/db.ts';
import { buildIfNeeded } from './build.ts';
import { ensureLocalSecrets } from './local-secrets.ts';
import { servePortal } from './serve.ts';
import { provideDatabase } from './database.ts';
import { siteUrlProblem } from './site-url-check.ts';

// Checked first, before anything is built or started: a production site must know its address.
const siteProblem = siteUrlProblem();
if (siteProblem) {
  console.error(`无法启动：${siteProblem}`);
  process.exit(1);
}

// SKIP_BUILD=1 serves the build as it is: a supervisor (or the fault tests) that restarts the app
// must not have a restart wait for, or be broken by, a build of sources edited in the meantime.
// DIST_DIR (a build kept elsewhere, see serve.ts) implies it.
if (process.env.SKIP_BUILD !== '1' && !process.env.DIST_DIR) buildIfNeeded();
ensureLocalSecrets();

const database = await provideDatabase({
  name: 'gengdi',
  dataDir: process.env.EMBEDDED_PG_DIR ?? '.data/postgres',
  port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
});
process.env.DATABASE_URL = database.url;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n收到 ${signal}，正在停止…`);
  await database.stop().catch((err) => console.error('数据库停止出错：', err));
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const db = createDb(database.url, { max: 2 });
try {
  const applied = await migrateToLatest(db);
  if (applied.length) console.log(`已执行数据库迁移：${applied.join(', ')}`);
  if (process.env.SEED_DEMO !== 'off') {
    if (await seedDemoData(db)) console.log('首次启动：已载入演示数据（稷山县）。');
    const sample = await seedDemoReports(db, getSecrets());
    const accounts = await seedDemoStaff(db, process.env.DEMO_STAFF_PASSWORD);
    // Demo passwords are shown once, on a development machine only.
    if (accounts && process.env.NODE_ENV !== 'production') {
      console.log('演示账号（仅用于开发演示，请勿在正式环境使用）：');
      for (const a of accounts) console.log(`  ${a.login.padEnd(16)} ${a.password}`);
      console.log('  登录地址：/staff/login/');
    }
    if (sample) console.log(`演示查询码（一件已办结的演示举报）：${sample}`);
    await seedDemoBulletin(db);
  }
} finally {
  await db.destroy();
}

await servePortal();
console.log(`耕地守护已启动：http://${process.env.HOST ?? 'localhost'}:${process.env.PORT ?? 4321}`);
