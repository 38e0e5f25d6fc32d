/** `npm run db:migrate [-- down]`: migrate the configured database without starting the site. */
import { migrateDownToZero, migrateToLatest } from '../../db/migrate.ts';
import { createDb } from '../server/db.ts';
import { provideDatabase } from './database.ts';

const database = await provideDatabase({ name: 'gengdi', dataDir: '.data/postgres', port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) });
const db = createDb(database.url, { max: 1 });
try {
  if (process.argv[2] === 'down') {
    await migrateDownToZero(db);
    console.log('已回滚全部迁移。');
  } else {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `已执行：${applied.join(', ')}` : '数据库已是最新。');
  }
} finally {
  await db.destroy();
  await database.stop();
}
