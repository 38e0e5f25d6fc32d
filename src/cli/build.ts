/**
 * Builds the Astro app when the sources changed since the last build, so `npm start` on a fresh
 * clone (or after a pull) serves what is in the tree, and a plain restart does not rebuild.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

const lockDir = path.join(projectRoot, '.data', 'build.lock');
/** A build normally takes under a minute; a lock older than this was left by a killed build. */
const STALE_LOCK_MS = 10 * 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * One build at a time per checkout: `npm start` and `npm test` started together would otherwise
 * both rewrite dist/ at once and leave a mixture. mkdir is atomic, so it is the lock.
 */
function withBuildLock<T>(work: () => T, log: (m: string) => void): T {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      else {
        if (waited === 0) log('另一个构建正在进行，等它完成…');
        sleepSync(1000);
      }
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export function buildIfNeeded(log: (m: string) => void = console.log): void {
  const entry = path.join(projectRoot, 'dist', 'server', 'entry.mjs');
  const builtFrom = (fingerprint: string) => existsSync(entry) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint;
  if (builtFrom(sourceFingerprint())) return;
  withBuildLock(() => {
    // The build we waited for may have been of these very sources.
    const fingerprint = sourceFingerprint();
    if (builtFrom(fingerprint)) return;
    log('正在构建站点（源代码有变化或首次启动）…');
    const astro = path.join(projectRoot, 'node_modules', 'astro', 'bin', 'astro.mjs');
    const result = spawnSync(process.execPath, [astro, 'build'], { cwd: projectRoot, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`构建失败（astro build 退出码 ${result.status}）`);
    writeFileSync(stampFile, fingerprint);
  }, log);
}

/**
 * Builds if needed, then copies dist/ to a directory of the caller's own (served with DIST_DIR),
 * so a later rebuild of dist/ (a developer's `npm start` after an edit, another test run) cannot
 * replace the code under an app that is running, or that a test restarts. The copy is taken
 * under the build lock, so it is never of a half-written build.
 */
export function snapshotBuild(target: string, log: (m: string) => void = console.log): void {
  buildIfNeeded(log);
  withBuildLock(() => {
    rmSync(target, { recursive: true, force: true });
    cpSync(path.join(projectRoot, 'dist'), target, { recursive: true });
  }, log);
  if (!existsSync(path.join(target, 'server', 'entry.mjs'))) throw new Error(`构建副本不完整：${target}`);
}

if (import.meta.main) buildIfNeeded();
