/**
 * The build prints no warning: a warning nobody reads hides the one that matters. The build goes
 * to a directory of its own, so the app other tests run from dist/ is never touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('building the site', () => {
  it('prints no warning', { timeout: 300_000 }, () => {
    // Inside the project, so that the prerendering step finds node_modules.
    mkdirSync(path.join(root, '.data'), { recursive: true });
    const out = mkdtempSync(path.join(root, '.data', 'build-check-'));
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', out], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 280_000,
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output.slice(-2000)).toBe(0);
      const warnings = output.split('\n').filter((line) => /\[WARN\]|\bwarning\b/i.test(line));
      expect(warnings).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
