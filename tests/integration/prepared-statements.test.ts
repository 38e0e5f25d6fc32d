import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, executePrepared } from '../../src/server/db.ts';
import type { Database } from '../../src/server/database.ts';
import { acceptReport } from '../../src/domain/reports/intake.ts';
import { reportSchema } from '../../src/domain/reports/report-schema.ts';
import { chinaToday } from '../../src/shared/china-time.ts';
import { clearTables } from './helpers.ts';

const url = process.env.TEST_DATABASE_URL!;
const opened: Array<Kysely<Database>> = [];
/** One connection, so what it has prepared can be asked of it. */
function oneConnection(): Kysely<Database> {
  const db = createDb(url, { max: 1 });
  opened.push(db);
  return db;
}
afterAll(async () => {
  for (const db of opened) await db.destroy();
});

type PreparedRow = { name: string; statement: string; executions: number };
const preparedOn = async (db: Kysely<Database>): Promise<PreparedRow[]> =>
  (await sql<PreparedRow>`select name, statement, (generic_plans + custom_plans)::int as executions from pg_prepared_statements order by name`.execute(db)).rows;

const lookup = (db: Kysely<Database>, id: string) => db.selectFrom('report').select('id').where('idempotency_key', '=', id);

describe('prepared statements', () => {
  it('prepare a marked statement once per connection and reuse it, whatever its values', async () => {
    const db = oneConnection();
    for (let i = 0; i < 3; i++) expect((await executePrepared(db, lookup(db, randomUUID()))).rows).toEqual([]);
    const prepared = await preparedOn(db);
    expect(prepared).toHaveLength(1);
    expect(prepared[0]).toMatchObject({ name: 'gd_prepared_1', executions: 3 });
    expect(prepared[0]!.statement).toMatch(/^\/\* prepared \*\/ select "id" from "report"/);
  });

  it('leave every other statement unprepared', async () => {
    const db = oneConnection();
    await lookup(db, randomUUID()).execute();
    await db.selectFrom('report').select('id').where('id', '=', '1').execute();
    expect(await preparedOn(db)).toEqual([]);
  });

  it('run a citizen’s report without photos (one statement) prepared, and store it all the same', async () => {
    const db = oneConnection();
    await clearTables(db);
    const parsed = await reportSchema.safeParseAsync({
      problem_class: 'house', township: 'jifeng', village: '姚村', place: '姚村东头水泥路南侧', lat: '35.6', lng: '110.979',
      seen_on: chinaToday(), description: '有人在麦地里打地基，准备盖两层楼房。', photos: [], consent: 'yes', website: '', form_token: 't',
    });
    const keys = { appSecret: randomBytes(32), reporterKey: randomBytes(32) };
    for (let i = 0; i < 2; i++) {
      const outcome = await acceptReport(db, parsed.data!, { idempotencyKey: randomUUID(), client: `c-${i}`, ...keys });
      expect(outcome.kind).toBe('accepted');
    }
    expect((await db.selectFrom('report').select('lat').execute()).map((r) => Number(r.lat))).toEqual([35.6, 35.6]);
    expect((await preparedOn(db)).map((p) => p.executions)).toEqual([2]);
  });

  it('are not made at all with PG_PREPARED_STATEMENTS=off (for a pooler that cannot keep them)', async () => {
    process.env.PG_PREPARED_STATEMENTS = 'off';
    try {
      const db = oneConnection();
      await executePrepared(db, lookup(db, randomUUID()));
      expect(await preparedOn(db)).toEqual([]);
    } finally {
      delete process.env.PG_PREPARED_STATEMENTS;
    }
  });
});
