import { describe, expect, it } from 'vitest';
import type { StaffUser } from '../../src/domain/accounts/auth.ts';
import { confirmImport, findConfirmedTwin, loadImport, uploadLedgerFile } from '../../src/domain/ledger/ledger-imports.ts';
import { createStaffUser } from '../../src/domain/accounts/staff-users.ts';
import { importSummaryText } from '../../src/domain/ledger/import-plan.ts';
import { useTestDatabase } from './helpers.ts';

const db = useTestDatabase();

const HEADER = '图斑编号,批次,乡镇,村,总面积（亩）,耕地面积（亩）,永久基本农田,问题类型,整改措施,整改期限';
const rows = [
  'LI-001,卫片执法 2022年度,西社镇,马跑泉村,12.18,3.5,否,乱占耕地建房,拆除复垦,2023-11-30',
  'LI-002,卫片执法 2022年度,稷峰镇,姚村,0.6,0,是,挖湖造景,恢复耕种,2023-08-31',
  'LI-003,卫片执法 2022年度,西社镇,,1.2,1.2,否,乱占耕地建房,,',
];

async function keeper(): Promise<StaffUser> {
  const id = await createStaffUser(db, null, { login: 'keeper', displayName: '台账员', role: 'ledger', township: null, password: 'Test-password-1' });
  return { id, login: 'keeper', displayName: '台账员', role: 'ledger', township: null };
}

const csv = (lines: string[]) => new File([`${HEADER}\n${lines.join('\n')}\n`], '台账.csv', { type: 'text/csv' });

describe('the ledger import summary', () => {
  it('counts every row read once, as added, changed, unchanged or in error, before and after confirming and on a re-import', async () => {
    await db.insertInto('batch').values({ code: 'wp-2022', name: '卫片执法 2022年度', source: '测试' }).execute();
    const user = await keeper();
    const first = await uploadLedgerFile(db, user, csv(rows), 'items');
    const preview = (await loadImport(db, user, first))!.preview;
    expect(preview.kind === 'items' && preview.counts).toEqual({ read: 3, added: 3, changed: 0, unchanged: 0, errors: 0 });
    const done = await confirmImport(db, user, first);
    expect(done).toEqual({ read: 3, added: 3, changed: 0, unchanged: 0, errors: 0 });
    expect((await loadImport(db, user, first))!.summary).toEqual(done);

    // The same file again: every row unchanged, and the page can say which import it repeats.
    const again = await uploadLedgerFile(db, user, csv(rows), 'items');
    const repeat = (await loadImport(db, user, again))!;
    expect(repeat.preview.kind === 'items' && repeat.preview.counts).toEqual({ read: 3, added: 0, changed: 0, unchanged: 3, errors: 0 });
    expect((await findConfirmedTwin(db, again, repeat.file_sha256))?.id).toBe(first);
    expect(await confirmImport(db, user, again)).toEqual({ read: 3, added: 0, changed: 0, unchanged: 3, errors: 0 });

    // One changed, one new, two rows in error (one of them with two problems): still one count per row.
    const mixed = [rows[0]!.replace('12.18', '12.50'), rows[1]!, 'LI-004,卫片执法 2022年度,西社镇,,2,1,否,乱占耕地建房,,', 'LI-005,没有的批次,没有的乡镇,,1,1,否,乱占耕地建房,,', 'LI-006,卫片执法 2022年度,西社镇,,abc,1,否,乱占耕地建房,,'];
    const third = (await loadImport(db, user, await uploadLedgerFile(db, user, csv(mixed), 'items')))!.preview;
    const counts = third.kind === 'items' ? third.counts : null;
    expect(counts).toEqual({ read: 5, added: 1, changed: 1, unchanged: 1, errors: 2 });
    expect(counts!.added + counts!.changed + counts!.unchanged + counts!.errors).toBe(counts!.read);
    expect(importSummaryText(counts!)).toBe('读取 5 行：新增 1，更新 1，不变 1，错误 2');
  });

  it('counts patch outlines the same way: changed, unchanged on a re-import, and an unknown number as an error', async () => {
    await db.insertInto('batch').values({ code: 'wp-2022', name: '卫片执法 2022年度', source: '测试' }).execute();
    const user = await keeper();
    await confirmImport(db, user, await uploadLedgerFile(db, user, csv(rows.slice(0, 1)), 'items'));
    const ring = [[110.85, 35.55], [110.851, 35.55], [110.851, 35.551], [110.85, 35.551], [110.85, 35.55]];
    const feature = (id: string) => ({ type: 'Feature', properties: { 图斑编号: id }, geometry: { type: 'Polygon', coordinates: [ring] } });
    const geojson = () => new File([JSON.stringify({ type: 'FeatureCollection', features: [feature('LI-001'), feature('LI-999')] })], '图斑.geojson', { type: 'application/geo+json' });
    const first = await uploadLedgerFile(db, user, geojson(), 'geometry');
    const preview = (await loadImport(db, user, first))!.preview;
    expect(preview.kind === 'geometry' && preview.counts).toEqual({ read: 2, added: 0, changed: 1, unchanged: 0, errors: 1 });
    expect(await confirmImport(db, user, first)).toEqual({ read: 2, added: 0, changed: 1, unchanged: 0, errors: 1 });
    const again = (await loadImport(db, user, await uploadLedgerFile(db, user, geojson(), 'geometry')))!.preview;
    expect(again.kind === 'geometry' && again.counts).toEqual({ read: 2, added: 0, changed: 0, unchanged: 1, errors: 1 });
  });
});
