import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateDownToZero, migrateToLatest } from '../../db/migrate.ts';
import { useTestDatabase } from './helpers.ts';
import { TEXT_LIMITS } from '../../db/migrations/20261206_0012_text_limits.ts';
import { STATE_CHECKS } from '../../db/migrations/20261206_0013_state_checks.ts';
import { REPORT_STATES } from '../../src/domain/reports/workflow.ts';
import { insertReport, insertUser } from './staff-fixtures.ts';

const db = useTestDatabase();

async function tableNames(): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public' order by 1`.execute(db);
  return rows.map((r) => r.tablename).filter((t) => !t.startsWith('kysely_'));
}

describe('migrations', () => {
  it('roll all the way down and back up again', async () => {
    expect(await tableNames()).toEqual(expect.arrayContaining(['batch', 'batch_target', 'case_notice', 'ledger_item']));
    await migrateDownToZero(db);
    expect(await tableNames()).toEqual([]);
    await migrateToLatest(db);
    expect(await tableNames()).toEqual(expect.arrayContaining(['batch', 'batch_target', 'case_notice', 'ledger_item']));
  });

  it('store photo bytes out of line without trying to compress them, and rate-limit counters without the WAL', async () => {
    const { rows } = await sql<{ relname: string; attname: string | null; attstorage: string | null; relpersistence: string }>`
      select c.relname, a.attname, a.attstorage, c.relpersistence from pg_class c
      left join pg_attribute a on a.attrelid = c.oid and a.attname = 'bytes'
      where c.relname in ('photo_blob', 'rate_limit') and c.relkind = 'r' order by c.relname`.execute(db);
    expect(rows).toEqual([
      { relname: 'photo_blob', attname: 'bytes', attstorage: 'e', relpersistence: 'p' },
      { relname: 'rate_limit', attname: null, attstorage: null, relpersistence: 'u' },
    ]);
  });

  it('store areas as exact numerics that refuse more farmland than area', async () => {
    const { id } = await db.insertInto('batch').values({ code: 'b', name: 'B', source: 'satellite' }).returning('id').executeTakeFirstOrThrow();
    const base = { batch_id: id, township: 'jifeng', problem_class: 'house' };
    await db.insertInto('ledger_item').values({ ...base, external_id: 'x1', total_area_mu: '0.10', farmland_area_mu: '0.10' }).execute();
    await expect(
      db.insertInto('ledger_item').values({ ...base, external_id: 'x2', total_area_mu: '1.00', farmland_area_mu: '1.01' }).execute(),
    ).rejects.toThrow(/ledger_item_farmland_le_total/);
    await expect(
      db.insertInto('ledger_item').values({ ...base, external_id: 'x3', total_area_mu: '-1' }).execute(),
    ).rejects.toThrow();
    await expect(
      db.insertInto('ledger_item').values({ ...base, external_id: 'x4', total_area_mu: '1', verified_rectified_on: '2023-01-01' }).execute(),
    ).rejects.toThrow(/verified_needs_claim/);
    // A patch larger than the county is a typo or a wrong unit, whatever path it came by.
    await expect(
      db.insertInto('ledger_item').values({ ...base, external_id: 'x5', total_area_mu: '1000000.01', farmland_area_mu: '0' }).execute(),
    ).rejects.toThrow(/ledger_item_area_ceiling/);
    await db.insertInto('ledger_item').values({ ...base, external_id: 'x6', total_area_mu: '1000000', farmland_area_mu: '0' }).execute();
    const row = await db.selectFrom('ledger_item').select('total_area_mu').where('external_id', '=', 'x1').executeTakeFirstOrThrow();
    expect(row.total_area_mu).toBe('0.10');
  });

  it('hold every typed text to its form’s length limit, one character past it refused', async () => {
    // Each limited column has its CHECK, with the form's limit.
    for (const [table, column, max] of TEXT_LIMITS) {
      const { rows } = await sql<{ ok: boolean }>`
        select pg_get_constraintdef(oid) like ${`%char_length(${column}) <= ${max}%`} as ok
        from pg_constraint where conname = ${`${table}_${column}_length`}`.execute(db);
      expect(rows, `${table}.${column}`).toEqual([{ ok: true }]);
    }
    // And it holds for SQL that bypasses every form.
    const { id } = await db.insertInto('staff_user').values({ login: 'len.check', display_name: '长'.repeat(40), role: 'moderator', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
    await expect(db.updateTable('staff_user').set({ display_name: '长'.repeat(41) }).where('id', '=', id).execute()).rejects.toThrow(/staff_user_display_name_length/);
  });

  it('know exactly the states and roles the code knows, and refuse any other', async () => {
    expect(STATE_CHECKS.report_status.values).toEqual([...REPORT_STATES]);
    expect(STATE_CHECKS.report_event_state.values).toEqual([...REPORT_STATES]);
    const id = await insertReport(db, { status: 'verifying' });
    const user = await insertUser(db, 'moderator');
    const refused = async (statement: Promise<unknown>) => expect(statement).rejects.toMatchObject({ code: '23514' });
    await refused(db.updateTable('report').set({ status: 'verified' }).where('id', '=', id).execute());
    await refused(db.updateTable('report').set({ location_source: 'gps' }).where('id', '=', id).execute());
    await refused(db.insertInto('report_event').values({ report_id: id, state: 'archived' }).execute());
    await refused(db.updateTable('staff_user').set({ role: 'superuser' }).where('id', '=', user.id).execute());
    await db.updateTable('report').set({ status: 'closed', location_source: 'manual-gcj02' }).where('id', '=', id).execute();
  });
});
