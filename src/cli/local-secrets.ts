/**
 * Zero-config start: when REPORTER_DATA_KEY / APP_SECRET are not in the environment, use keys
 * generated once into .data/secrets.json (mode 0600), and say loudly that they are development keys.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './build.ts';

export function ensureLocalSecrets(): void {
  if (process.env.REPORTER_DATA_KEY && process.env.APP_SECRET) return;
  const dir = path.join(projectRoot, '.data');
  const file = path.join(dir, 'secrets.json');
  let stored: { REPORTER_DATA_KEY: string; APP_SECRET: string };
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    stored = { REPORTER_DATA_KEY: randomBytes(32).toString('base64'), APP_SECRET: randomBytes(48).toString('base64') };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  process.env.REPORTER_DATA_KEY ??= stored.REPORTER_DATA_KEY;
  process.env.APP_SECRET ??= stored.APP_SECRET;
  console.warn(
    '⚠ 正在使用开发用密钥（.data/secrets.json）。正式部署请设置环境变量 REPORTER_DATA_KEY 和 APP_SECRET，并妥善备份：' +
      '丢失 REPORTER_DATA_KEY 将无法解密举报人信息。',
  );
}
