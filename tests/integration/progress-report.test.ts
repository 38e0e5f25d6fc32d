import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../../db/seed/demo.ts';
import { formatMu } from '../../src/domain/ledger/mu.ts';
import { buildProgressReport } from '../../src/domain/ledger/progress-report.ts';
import { useTestDatabase } from './helpers.ts';

const db = useTestDatabase();

describe('progress report from the database', () => {
  it('reproduces the county figures of 稷政办函〔2023〕18号 exactly', async () => {
    expect(await seedDemoData(db)).toBe(true);
    const report = await buildProgressReport(db, '2026-11-23');
    const [old, recent] = report.batches;
    expect([old!.total.items, formatMu(old!.total.totalMu), old!.total.farmlandItems, formatMu(old!.total.farmlandMu)]).toEqual([118, '661.51', 23, '43.17']);
    expect([recent!.total.items, formatMu(recent!.total.totalMu), recent!.total.farmlandItems, formatMu(recent!.total.farmlandMu)]).toEqual([71, '297.85', 8, '25.67']);
    const xishe = old!.rows.find((r) => r.township === 'xishe')!;
    expect([xishe.counts.items, formatMu(xishe.counts.totalMu), xishe.counts.farmlandItems, formatMu(xishe.counts.farmlandMu)]).toEqual([34, '339.43', 3, '0.99']);
    expect(report.hasDemo).toBe(true);
  });

  it('seeds only once', async () => {
    expect(await seedDemoData(db)).toBe(true);
    expect(await seedDemoData(db)).toBe(false);
    const { n } = await db.selectFrom('ledger_item').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(189);
  });

  it('ranks townships by farmland area across batches, as the county plan does', async () => {
    await seedDemoData(db);
    const report = await buildProgressReport(db, '2026-11-23');
    expect(report.ranking.map((r) => r.township)).toEqual(['jifeng', 'huayu', 'xishe', 'taiyang', 'zhaidian', 'qinghe', 'caicun']);
    expect(report.ranking.map((r) => formatMu(r.counts.farmlandMu))).toEqual(['29.88', '19.11', '13.17', '3.97', '1.55', '1.16', '0.00']);
  });

  it('counts claimed and verified rectification separately and flags townships behind target', async () => {
    await seedDemoData(db);
    const { id } = await db.selectFrom('batch').select('id').where('code', '=', 'wp-2022').executeTakeFirstOrThrow();
    await db.updateTable('ledger_item').set({ claimed_rectified_on: null, verified_rectified_on: null }).where('batch_id', '=', id).execute();
    await db
      .updateTable('ledger_item')
      .set({ claimed_rectified_on: '2023-10-01' })
      .where('batch_id', '=', id)
      .where('township', '=', 'qinghe')
      .execute();
    const report = await buildProgressReport(db, '2026-11-23');
    const qinghe = report.batches[1]!.rows.find((r) => r.township === 'qinghe')!;
    expect(qinghe.counts).toMatchObject({ items: 1, claimed: 1, verified: 0 });
    expect(qinghe.target.behind).toBe(true);
    expect(report.batches[1]!.total).toMatchObject({ claimed: 1, verified: 0 });
  });

  it('lists every configured township even with no items', async () => {
    const report = await buildProgressReport(db, '2026-11-23');
    expect(report.batches).toEqual([]);
    expect(report.ranking).toHaveLength(7);
    expect(report.updatedAt).toBeNull();
  });
});
