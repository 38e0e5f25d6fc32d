import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCurrentLink, PUBLIC_NAV, STAFF_NAV } from '../../src/shared/navigation.ts';
import { STAFF_ROUTES } from '../../src/shared/permissions.ts';

const pages = path.resolve(import.meta.dirname, '../../src/pages');

describe('the navigations', () => {
  it('link the public header to pages that exist, home first', () => {
    expect(PUBLIC_NAV.map((l) => l.label)).toEqual(['首页', '政策文件', '法律法规', '典型案例', '整改进度', '查询举报']);
    for (const { href } of PUBLIC_NAV) expect(existsSync(path.join(pages, href, 'index.astro')), href).toBe(true);
  });

  it('link the staff header to staff routes only, the queue first', () => {
    expect(STAFF_NAV[0]).toEqual({ href: '/staff/', label: '举报队列' });
    for (const { href } of STAFF_NAV) expect(Object.hasOwn(STAFF_ROUTES, href), href).toBe(true);
  });

  const currentOn = (links: typeof PUBLIC_NAV, at: string) => links.filter((l) => isCurrentLink(links, l, at)).map((l) => l.href);

  it('mark the home link current on the home page only, and a section on every page below it', () => {
    expect(currentOn(PUBLIC_NAV, '/')).toEqual(['/']);
    expect(currentOn(PUBLIC_NAV, '/cases/')).toEqual(['/cases/']);
    expect(currentOn(PUBLIC_NAV, '/cases/2024-001/')).toEqual(['/cases/']);
    expect(currentOn(PUBLIC_NAV, '/report/')).toEqual([]);
    expect(currentOn(STAFF_NAV, '/staff/')).toEqual(['/staff/']);
    expect(currentOn(STAFF_NAV, '/staff/ledger/items/7/')).toEqual(['/staff/ledger/']);
    expect(currentOn(STAFF_NAV, '/staff/reports/12/')).toEqual([]);
  });
});
