/**
 * `npm run user:create -- --role admin --name 张三 [--login zhangsan] [--township xishe]`
 * Creates a staff account (the first admin, typically) and asks for the password without echo.
 * With stdin not a terminal, the password is read from the first line of stdin.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { migrateToLatest } from '../../db/migrate.ts';
import { createDb } from '../server/db.ts';
import { createStaffUser } from '../domain/accounts/staff-users.ts';
import { InputError } from '../shared/errors.ts';
import { provideDatabase } from './database.ts';

const { values } = parseArgs({
  options: { role: { type: 'string' }, name: { type: 'string' }, login: { type: 'string' }, township: { type: 'string' } },
});
if (!values.role || !values.name) {
  console.error('用法：npm run user:create -- --role admin --name 张三 [--login zhangsan] [--township xishe]');
  process.exit(2);
}

async function askPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Mute the echo of typed characters.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(prompt)) process.stdout.write(prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

const password = await askPassword('密码：');
if (process.stdin.isTTY && (await askPassword('再次输入密码：')) !== password) {
  console.error('两次输入的密码不一致。');
  process.exit(1);
}

const database = await provideDatabase({ name: 'gengdi', dataDir: '.data/postgres', port: Number(process.env.EMBEDDED_PG_PORT ?? 54329), quiet: true });
const db = createDb(database.url, { max: 1 });
let code = 0;
try {
  await migrateToLatest(db);
  const login = values.login ?? (values.role === 'admin' ? 'admin' : '');
  const id = await createStaffUser(db, null, { login, displayName: values.name, role: values.role, township: values.township ?? null, password });
  console.log(`已创建账号 ${login}（编号 ${id}，角色 ${values.role}）。`);
} catch (err) {
  console.error(err instanceof InputError ? `没有创建：${err.message}` : err);
  code = 1;
} finally {
  await db.destroy();
  await database.stop();
}
process.exit(code);
