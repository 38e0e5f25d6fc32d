import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { chinaToday } from '../../src/shared/china-time.ts';
import { reportSchema, type ValidReport } from '../../src/domain/reports/report-schema.ts';
import { acceptReport, type IntakeContext } from '../../src/domain/reports/intake.ts';
import { RATE_RULES } from '../../src/server/rate-limit.ts';
import { REPORT_INTAKE_COLUMNS } from '../../src/domain/reports/reports.ts';
import { sql } from 'kysely';
import { asFile, tinyPng } from '../support/photos.ts';
import { useTestDatabase } from './helpers.ts';

const db = useTestDatabase();
const appSecret = randomBytes(32);
const reporterKey = randomBytes(32);

async function valid(photos: File[] = []): Promise<ValidReport> {
  const parsed = await reportSchema.safeParseAsync({
    problem_class: 'house', township: 'jifeng', village: '姚村', place: '姚村东头水泥路南侧', lat: '', lng: '',
    seen_on: chinaToday(), description: '有人在麦地里打地基，准备盖两层楼房。', photos, consent: 'yes', website: '', form_token: 't',
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return parsed.data;
}

const context = (client = `client-${randomUUID()}`): IntakeContext => ({ idempotencyKey: randomUUID(), client, appSecret, reporterKey });
/** Right header, broken picture: the schema passes it, only decoding finds it out. */
const brokenJpeg = () => asFile(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7)]), 'IMG_0100.jpg', 'image/jpeg');
const count = async (table: 'report' | 'report_photo') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const hits = async (client: string) => Number((await db.selectFrom('rate_limit').select('hits').where('bucket', '=', RATE_RULES.reportPerHour.bucket).where('key', '=', client).executeTakeFirst())?.hits ?? 0);

describe('taking in a report, cheapest step first', () => {
  it('stores a report with its photos decoded and answers with its receipt code', async () => {
    const outcome = await acceptReport(db, await valid([asFile(await tinyPng(1), 'p.png', 'image/png')]), context());
    expect(outcome.kind).toBe('accepted');
    expect(await count('report')).toBe(1);
    expect(await count('report_photo')).toBe(1);
  });

  it('answers a retry of a stored submission with the same receipt, counting no limit and storing nothing new', async () => {
    const ctx = context();
    const report = await valid([asFile(await tinyPng(2), 'p.png', 'image/png')]);
    const first = await acceptReport(db, report, ctx);
    const again = await acceptReport(db, report, ctx);
    expect(again).toEqual(first);
    expect(await hits(ctx.client)).toBe(1);
    expect(await count('report')).toBe(1);
  });

  it('takes in a report without photos in one statement: the limits, the retry look, the report and its first timeline entry', async () => {
    let statements = 0;
    const counting = db.withPlugin({ transformQuery: (args) => args.node, transformResult: async (args) => (statements++, args.result) });
    // The sweep of old windows runs about once in a hundred intakes, as a statement of its own.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      expect((await acceptReport(counting, await valid(), context())).kind).toBe('accepted');
    } finally {
      random.mockRestore();
    }
    expect(statements).toBe(1);
    const stored = await db.selectFrom('report').innerJoin('report_event', 'report_event.report_id', 'report.id').select(['report.status', 'report_event.state', 'report.photo_count']).execute();
    expect(stored).toEqual([{ status: 'submitted', state: 'submitted', photo_count: 0 }]);
  });

  it('calls the procedure with the columns intake stores, in their order', async () => {
    const { rows } = await sql<{ names: string[] }>`select proargnames as names from pg_proc where proname = 'take_citizen_report'`.execute(db);
    expect(rows[0]!.names).toEqual(['client_key', 'buckets', 'windows', 'limits', ...REPORT_INTAKE_COLUMNS.map((c) => `p_${c}`), 'o_stored', 'o_hits', 'o_refused', 'o_report_id']);
  });

  it('stores one report for a form without photos submitted twice at once, and answers both with its receipt', async () => {
    for (let race = 0; race < 20; race++) {
      const ctx = context();
      const report = await valid();
      const outcomes = await Promise.all([acceptReport(db, report, ctx), acceptReport(db, report, ctx)]);
      expect(outcomes[0]).toMatchObject({ kind: 'accepted' });
      expect(outcomes[1]).toEqual(outcomes[0]);
    }
    expect(await count('report')).toBe(20);
  });

  it('answers a retry with its receipt even once the client is over its limit', async () => {
    const client = `client-${randomUUID()}`;
    const ctx = context(client);
    const report = await valid();
    const first = await acceptReport(db, report, ctx);
    for (let i = 1; i < RATE_RULES.reportPerHour.limit; i++) await acceptReport(db, await valid(), context(client));
    expect((await acceptReport(db, await valid(), context(client))).kind).toBe('rate-limited');
    expect(await acceptReport(db, report, ctx)).toEqual(first);
    expect(await count('report')).toBe(RATE_RULES.reportPerHour.limit);
  });

  it('refuses a different submission under the same form key', async () => {
    const ctx = context();
    await acceptReport(db, await valid(), ctx);
    expect(await acceptReport(db, await valid([asFile(await tinyPng(3), 'p.png', 'image/png')]), ctx)).toEqual({ kind: 'conflict' });
  });

  it('names a photo that cannot be decoded, after counting the limit, and stores nothing', async () => {
    const ctx = context();
    const outcome = await acceptReport(db, await valid([brokenJpeg()]), ctx);
    expect(outcome.kind).toBe('bad-photos');
    expect(outcome.kind === 'bad-photos' && outcome.problems).toEqual([expect.stringContaining('IMG_0100.jpg')]);
    expect(await hits(ctx.client)).toBe(1);
    expect(await count('report')).toBe(0);
  });

  it('refuses a client over its limit before decoding any photo', async () => {
    const client = `client-${randomUUID()}`;
    for (let i = 0; i < RATE_RULES.reportPerHour.limit; i++) expect((await acceptReport(db, await valid(), context(client))).kind).toBe('accepted');
    // A broken photo would say 'bad-photos' if it were decoded first.
    const outcome = await acceptReport(db, await valid([brokenJpeg()]), context(client));
    expect(outcome.kind).toBe('rate-limited');
    expect(outcome.kind === 'rate-limited' && outcome.retryAfterSeconds).toBeGreaterThan(0);
  });
});
