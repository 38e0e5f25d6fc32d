/**
 * sqlmap (tests/hostile/sqlmap.sh) finds nothing injectable in any form or query endpoint. It
 * starts its own app and database (sqlmap needs a fixed port and its own rate limits).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('sqlmap against every form and query endpoint', () => {
  it('finds no injectable parameter', { timeout: 3 * 3600_000 }, async () => {
    expect(spawnSync('sqlmap', ['--version'], { stdio: 'ignore' }).status, 'sqlmap is installed (apt-get install -y sqlmap)').toBe(0);
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [path.join(root, 'tests/hostile/sqlmap.sh')], { cwd: root, stdio: 'inherit' });
      child.on('exit', resolve);
    });
    const summaryFile = path.join(root, '.data/sqlmap/summary.json');
    expect(existsSync(summaryFile), 'the run wrote its summary').toBe(true);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { results: Array<{ target: string; injectable: string[]; exitCode: number | null }> };
    expect(summary.results.length).toBeGreaterThanOrEqual(12);
    expect(summary.results.filter((r) => r.injectable.length > 0)).toEqual([]);
    expect(code).toBe(0);
  });
});
