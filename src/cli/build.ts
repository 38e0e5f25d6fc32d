/**
 * Builds the Astro app when the sources changed since the last build, so `npm start` on a fresh
 * clone (or after a pull) serves what is in the tree, and a plain restart does not rebuild.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const stampFile = path.join(projectRoot, 'dist', '.build-stamp');
const inputs = ['src', 'public', 'astro.config.mjs', 'package-lock.json', 'tsconfig.json'];

function* walk(p: string): Generator<string> {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) {
    yield `${path.relative(projectRoot, p)}:${st.size}:${st.mtimeMs}`;
    return;
  }
  for (const name of readdirSync(p).sort()) yield* walk(path.join(p, name));
}

export function sourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const input of inputs) for (const line of walk(path.join(projectRoot, input))) hash.update(line + '\n');
  return hash.digest('hex');
}

export function buildIfNeeded(log: (m: string) => void = console.log): void {
  const fingerprint = sourceFingerprint();
  const entry = path.join(projectRoot, 'dist', 'server', 'entry.mjs');
  if (existsSync(entry) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint) return;
  log('正在构建站点（源代码有变化或首次启动）…');
  const astro = path.join(projectRoot, 'node_modules', 'astro', 'bin', 'astro.mjs');
  const result = spawnSync(process.execPath, [astro, 'build'], { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`构建失败（astro build 退出码 ${result.status}）`);
  writeFileSync(stampFile, fingerprint);
}

if (import.meta.main) buildIfNeeded();
