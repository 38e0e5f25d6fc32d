import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  can, canOpen, checkPermissionTable, PERMISSION_NAMES, PERMISSIONS, reachOf, refusalFor, rolesFor, STAFF_ROLES, STAFF_ROUTES, staffHome,
  type Asker, type Permission, type StaffRole, type Subject,
} from '../../src/shared/permissions.ts';
import { WORKFLOW_ACTIONS } from '../../src/domain/reports/workflow.ts';
import { STAFF_NAV } from '../../src/shared/navigation.ts';

// ---------------------------------------------------------------------------------------------
// Who may do what, written out by hand from the issues and the workflow (NOT derived from
// PERMISSIONS): one line per permission, the roles granted it and how far each reaches
// (a = all, t = reports handed to their township, area = their township's reports handed or not,
// c = closed reports, own = their township's ledger items). Every role not listed may not.

const EXPECTED = `
  queue.view                  moderator:a admin:a custodian:a township:t publicity:c
  report.view                 moderator:a admin:a custodian:a township:t publicity:c
  report.nearby               moderator:a admin:a custodian:a township:area publicity:c
  report.accept               moderator:a
  report.refuse               moderator:a
  report.markDuplicate        moderator:a
  report.assign               moderator:a
  report.recordVerification   township:t
  report.startHandling        township:t
  report.recordHandling       township:t
  report.close                moderator:a township:t
  report.reopen               moderator:a
  report.reply                moderator:a
  report.correct              moderator:a
  report.note                 moderator:a township:t
  report.linkLedger           moderator:a township:t
  report.addPhotos            township:t
  report.revealIdentity       custodian:a
  notice.list                 publicity:a moderator:a
  notice.draft                publicity:a
  notice.review               publicity:a moderator:a
  notice.withdraw             publicity:a moderator:a
  ledger.view                 ledger:a moderator:a admin:a township:own
  ledger.import               ledger:a
  ledger.edit                 ledger:a
  ledger.claim                township:own
  ledger.verify               ledger:a
  bulletin.list               ledger:a moderator:a
  bulletin.generate           ledger:a
  bulletin.publish            ledger:a moderator:a
  user.manage                 admin:a
  audit.view                  admin:a
  settings.view               admin:a
  account.manage              admin:a moderator:a township:a publicity:a custodian:a ledger:a
`;

const REACH_CODES = { a: 'all', t: 'assigned', area: 'area', c: 'closed', own: 'own-township' } as const;
const expected = new Map<string, Map<string, string>>();
for (const line of EXPECTED.trim().split('\n')) {
  const [permission, ...grants] = line.trim().split(/\s+/) as [string, ...string[]];
  expected.set(permission, new Map(grants.map((g) => {
    const [role, code] = g.split(':') as [string, keyof typeof REACH_CODES];
    return [role, REACH_CODES[code]];
  })));
}

const OWN = 'huayu';
const userOf = (role: StaffRole): Asker => ({ role, township: role === 'township' ? OWN : null });

/** Rows every reach is tried against: reports in three states, handed to no one, to their township or another; ledger items of either township. */
const SUBJECTS: Subject[] = ['submitted', 'verifying', 'closed'].flatMap((status) =>
  [null, OWN, 'xishe'].flatMap((assigned) => [OWN, 'xishe', null].map((township) => ({ status, assigned_township: assigned, township }))),
);

/** What a reach covers, said once more by hand for the cases below. */
function covers(reach: string, s: Subject): boolean {
  if (reach === 'all') return true;
  if (reach === 'assigned') return s.assigned_township === OWN;
  if (reach === 'area') return (s.assigned_township ?? s.township) === OWN;
  if (reach === 'closed') return s.status === 'closed';
  return s.township === OWN;
}

describe('the permission table', () => {
  it('has exactly the permissions written out here, and a row for each of the nine workflow acts', () => {
    expect([...PERMISSION_NAMES].sort()).toEqual([...expected.keys()].sort());
    for (const action of WORKFLOW_ACTIONS) expect(PERMISSION_NAMES).toContain(`report.${action}`);
  });

  for (const permission of [...expected.keys()] as Permission[]) {
    for (const role of STAFF_ROLES) {
      const reach = expected.get(permission)!.get(role);
      it(`${role} ${reach ? `may ${permission} (${reach})` : `may not ${permission}`}`, () => {
        const user = userOf(role);
        expect(reachOf(user, permission)).toBe(reach ?? null);
        expect(can(user, permission)).toBe(reach !== undefined);
        for (const s of SUBJECTS) expect(can(user, permission, s), JSON.stringify(s)).toBe(reach !== undefined && covers(reach, s));
      });
    }
    it(`nobody signed in may not ${permission}`, () => {
      expect(can(null, permission)).toBe(false);
      expect(can(undefined, permission, SUBJECTS[0])).toBe(false);
    });
  }

  it('refuses a township officer without a township everything their township would reach', () => {
    const lost: Asker = { role: 'township', township: null };
    for (const s of SUBJECTS) expect(can(lost, 'report.view', s)).toBe(false);
    expect(can(lost, 'ledger.claim', { township: OWN })).toBe(false);
  });

  it('never throws on a permission that is not in the table', () => {
    expect(can(userOf('admin'), 'toString' as Permission)).toBe(false);
    expect(can(userOf('admin'), 'report.destroy' as Permission)).toBe(false);
  });

  it('lists in the nearby reports everything each role may open', () => {
    for (const role of STAFF_ROLES) {
      for (const s of SUBJECTS) if (can(userOf(role), 'report.view', s)) expect(can(userOf(role), 'report.nearby', s), `${role} ${JSON.stringify(s)}`).toBe(true);
    }
  });

  it('says in a refusal who may do it', () => {
    expect(refusalFor('report.accept')).toBe('只有审核员可以受理举报');
    expect(refusalFor('notice.review')).toBe('只有宣传组或审核员可以审核案例通报');
    for (const p of PERMISSION_NAMES) expect(refusalFor(p)).toMatch(/^只有[\u4e00-\u9fff或]+可以[\u4e00-\u9fff]+$/);
    expect(rolesFor('ledger.view')).toEqual(['ledger', 'moderator', 'admin', 'township']);
  });
});

describe('the staff routes', () => {
  const root = path.resolve(import.meta.dirname, '../../src/pages/staff');
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  const routeOf = (rel: string) => {
    const route = rel.replace(/\.(astro|ts)$/, '').replace(/(^|\/)index$/, '$1');
    return `/staff/${route}${rel.endsWith('.astro') && route && !route.endsWith('/') ? '/' : ''}`;
  };

  it('name every file under src/pages/staff/ and no other', () => {
    const routes = files.map((f) => routeOf(path.relative(root, path.join(f.parentPath, f.name)).split(path.sep).join('/')));
    expect(routes.sort()).toEqual(Object.keys(STAFF_ROUTES).sort());
  });

  it('guard each page and endpoint with the permission the table gives its route', () => {
    for (const f of files) {
      const rel = path.relative(root, path.join(f.parentPath, f.name)).split(path.sep).join('/');
      const needs = STAFF_ROUTES[routeOf(rel) as keyof typeof STAFF_ROUTES];
      const source = readFileSync(path.join(f.parentPath, f.name), 'utf8');
      const guard = rel.endsWith('.astro') ? `guardStaffPage(Astro, '${needs}')` : `guardStaffEndpoint(locals.user, '${needs}'`;
      if (needs === 'open') expect(source, rel).not.toMatch(/guardStaff(Page|Endpoint)\(/);
      else expect(source, rel).toContain(guard);
    }
  });

  it('show each role the navigation entries it may open, and start it on the first', () => {
    for (const role of STAFF_ROLES) {
      const user = userOf(role);
      const shown = STAFF_NAV.filter((l) => canOpen(user, l.href)).map((l) => l.href);
      expect(shown.length, role).toBeGreaterThan(1);
      expect(staffHome(user)).toBe(shown[0]);
    }
    expect(staffHome(userOf('ledger'))).toBe('/staff/ledger/');
    expect(canOpen(null, '/staff/login/')).toBe(true);
    expect(canOpen(null, '/staff/account/')).toBe(false);
  });
});

describe('the table file', () => {
  it('is read as it is written, when every role and reach in it is known', () => {
    const table = { 'x.view': { label: '查看', grants: { moderator: 'all', township: 'assigned' } } };
    expect(checkPermissionTable(table)).toBe(table);
  });

  it('stops the start on a role, a reach or a label it does not know, naming the row', () => {
    expect(() => checkPermissionTable({ 'x.view': { label: '查看', grants: { moderater: 'all' } } })).toThrow('权限表 permissions.json 的 x.view 授予了不存在的角色 moderater');
    expect(() => checkPermissionTable({ 'x.view': { label: '查看', grants: { township: 'assgned' } } })).toThrow('x.view 给 township 的范围 assgned 不存在（可用：all、assigned、area、closed、own-township）');
    expect(() => checkPermissionTable({ 'x.view': { label: ' ', grants: {} } })).toThrow('x.view 缺少名称（label）');
  });
});

describe('roles outside the table', () => {
  /** Source files that may name roles: the table itself, and where account data is about a role (a township officer needs a township). */
  const ALLOWED = new Set(['src/shared/permissions.ts', 'src/domain/accounts/staff-users.ts', 'src/domain/accounts/custodian-access.ts', 'src/cli/user-create.ts', 'src/actions/staff.ts', 'src/pages/staff/users/index.astro']);

  it('are never compared with a signed-in user: who may do what is asked of can()', () => {
    const src = path.resolve(import.meta.dirname, '../../src');
    const offenders: string[] = [];
    for (const f of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!f.isFile() || !/\.(ts|astro)$/.test(f.name)) continue;
      const file = path.relative(path.resolve(src, '..'), path.join(f.parentPath, f.name)).split(path.sep).join('/');
      if (ALLOWED.has(file) || file.includes('/migrations/')) continue;
      const text = readFileSync(path.join(f.parentPath, f.name), 'utf8');
      if (/\brole\s*[!=]==\s*'|'\s*[!=]==\s*\w+\.role\b|\.includes\([\w?.]*\.role\b|\[\s*'(admin|moderator|township|publicity|custodian|ledger)'\s*,\s*'(admin|moderator|township|publicity|custodian|ledger)'/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

void PERMISSIONS;
