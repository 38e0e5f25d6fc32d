import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { siteUrlProblem } from '../../src/cli/site-url-check.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('the public address of a real deployment', () => {
  it('is not needed by the demo', () => {
    expect(siteUrlProblem({})).toBeNull();
    expect(siteUrlProblem({ DEMO_MODE: 'on', PUBLIC_SITE_URL: 'http://localhost:4321' })).toBeNull();
  });

  it('must be set, valid and not this machine when DEMO_MODE=off', () => {
    expect(siteUrlProblem({ DEMO_MODE: 'off' })).toContain('请设置环境变量 PUBLIC_SITE_URL');
    expect(siteUrlProblem({ DEMO_MODE: 'off', PUBLIC_SITE_URL: 'gdbh' })).toContain('不是有效的网址');
    for (const local of ['http://localhost:4321', 'https://127.0.0.1', 'http://[::1]:8080', 'https://app.localhost']) {
      expect(siteUrlProblem({ DEMO_MODE: 'off', PUBLIC_SITE_URL: local }), local).toContain('本机地址');
    }
    expect(siteUrlProblem({ DEMO_MODE: 'off', PUBLIC_SITE_URL: 'https://gdbh.jishan.gov.cn' })).toBeNull();
  });

  it('stops npm start before anything is built or started, saying what to set', () => {
    const env = { ...process.env, DEMO_MODE: 'off', PUBLIC_SITE_URL: '', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const run = spawnSync(process.execPath, [path.join(root, 'src/cli/start.ts')], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('无法启动');
    expect(run.stderr).toContain('PUBLIC_SITE_URL');
    expect(run.stdout).not.toContain('正在构建');
  });
});
