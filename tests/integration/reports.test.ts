import { chinaToday } from '../../src/shared/china-time.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db.ts';
import { decryptField } from '../../src/server/field-crypto.ts';
import { postgresPhotoStore, type PhotoStore } from '../../src/domain/reports/photo-store.ts';
import { dailyClientKey, hitRateLimit, hitRateLimits, RATE_RULES, type RateRule } from '../../src/server/rate-limit.ts';
import { deriveReceiptCode, hashReceiptCode } from '../../src/domain/reports/receipt-code.ts';
import { findReportForTracking, submitReport, type IntakeKeys, type IntakeReport } from '../../src/domain/reports/reports.ts';
import { processPhotoFiles } from '../../src/domain/reports/photos.ts';
import { reportSchema } from '../../src/domain/reports/report-schema.ts';
import { asFile, phoneJpeg, tinyPng } from '../support/photos.ts';
import { useTestDatabase } from './helpers.ts';

const db = useTestDatabase();
const reporterKey = randomBytes(32);
const appSecret = randomBytes(32);

/** A report as the form's schema passes it, with its photos decoded as intake does. */
async function report(overrides: Record<string, unknown> = {}): Promise<IntakeReport> {
  const result = await reportSchema.safeParseAsync({
    problem_class: 'house',
    township: 'jifeng',
    village: '姚村',
    place: '姚村东头水泥路南侧',
    lat: '35.6',
    lng: '110.979',
    coord_system: 'wgs84',
    location_source: 'map',
    seen_on: chinaToday(),
    description: '有人在麦地里打地基，准备盖两层楼房。',
    photos: [],
    name: '张三',
    phone: '13812345678',
    consent: 'yes',
    website: null,
    form_token: 'token',
    ...overrides,
  });
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  const { photos, problems } = await processPhotoFiles(result.data.photos);
  if (problems.length) throw new Error(problems.join('; '));
  return { ...result.data, photos };
}

function keys(idempotencyKey = randomUUID()): IntakeKeys {
  return { idempotencyKey, receiptHash: hashReceiptCode(deriveReceiptCode(idempotencyKey, appSecret)), reporterKey };
}

async function withPhotos(n: number): Promise<IntakeReport> {
  const files = [asFile(await phoneJpeg({ lng: 110.98, lat: 35.601, takenAt: '2026:11:01 09:15:00' }), 'IMG_0001.jpg', 'image/jpeg')];
  for (let i = 1; i < n; i++) files.push(asFile(await tinyPng(i), `p${i}.png`, 'image/png'));
  return report({ photos: files });
}

const count = async (table: 'report' | 'report_photo' | 'photo_blob' | 'report_event') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('taking in a report', () => {
  it('stores the report, each photo as a sealed original and a public copy, and a “submitted” timeline entry', async () => {
    const k = keys();
    const result = await submitReport(db, await withPhotos(2), k);
    expect(result.status).toBe('created');
    const id = (result as { reportId: string }).reportId;

    const row = await db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      receipt_hash: k.receiptHash, idempotency_key: k.idempotencyKey, status: 'submitted', problem_class: 'house',
      township: 'jifeng', village: '姚村', place_description: '姚村东头水泥路南侧', lng: 110.979, lat: 35.6,
      location_source: 'map', seen_on: chinaToday(), photo_count: 2, channel: 'web',
    });

    const photos = await db.selectFrom('report_photo').selectAll().where('report_id', '=', id).orderBy('position').execute();
    expect(photos.map((p) => p.position)).toEqual([0, 1]);
    expect(photos[0]).toMatchObject({ added_by: 'citizen', original_mime: 'image/jpeg', exif_lng: expect.closeTo(110.98, 5), exif_lat: expect.closeTo(35.601, 5) });
    expect(new Date(photos[0]!.exif_taken_at!).toISOString()).toBe('2026-11-01T01:15:00.000Z');
    expect(photos[1]).toMatchObject({ original_mime: 'image/png', exif_lng: null, exif_lat: null, exif_taken_at: null });

    for (const p of photos) {
      const original = await postgresPhotoStore.get(db, p.original_key);
      const publicCopy = await postgresPhotoStore.get(db, p.public_key);
      expect(original!.mime).toBe(p.original_mime);
      expect(original!.bytes.length).toBe(p.original_size);
      expect(createHash('sha256').update(original!.bytes).digest('hex')).toBe(p.original_sha256);
      expect(publicCopy!.mime).toBe('image/jpeg');
      expect(publicCopy!.bytes.equals(original!.bytes)).toBe(false);
    }
    expect(await count('photo_blob')).toBe(4);

    const events = await db.selectFrom('report_event').selectAll().where('report_id', '=', id).execute();
    expect(events.map((e) => [e.state, e.public_note])).toEqual([['submitted', null]]);
  });

  it('leaves nothing of the report behind when storing its second photo object fails', async () => {
    let puts = 0;
    const failingStore: PhotoStore = {
      async put(trx, object) {
        puts++;
        if (puts === 2) throw new Error('object store unavailable');
        return postgresPhotoStore.put(trx, object);
      },
      get: postgresPhotoStore.get,
    };
    const k = keys();
    await expect(submitReport(db, await withPhotos(2), k, failingStore)).rejects.toThrow('object store unavailable');
    expect(puts).toBe(2);
    expect(await count('report')).toBe(0);
    expect(await count('report_photo')).toBe(0);
    expect(await count('photo_blob')).toBe(0);
    expect(await count('report_event')).toBe(0);
    // …and the same form can then be submitted for real.
    expect((await submitReport(db, await withPhotos(2), k)).status).toBe('created');
    expect(await count('photo_blob')).toBe(4);
  });

  it('stores no coordinates and location source “none” when neither a point nor a photo GPS is given', async () => {
    const { reportId } = (await submitReport(db, await report({ lat: null, lng: null }), keys())) as { reportId: string };
    const row = await db.selectFrom('report').select(['lng', 'lat', 'location_source']).where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(row).toEqual({ lng: null, lat: null, location_source: 'none' });
  });

  it('stores GCJ-02 coordinates converted to WGS-84', async () => {
    const { reportId } = (await submitReport(db, await report({ lng: '110.9847405', lat: '35.5996955', coord_system: 'gcj02' }), keys())) as { reportId: string };
    const row = await db.selectFrom('report').select(['lng', 'lat', 'location_source']).where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(row.location_source).toBe('manual-gcj02');
    expect(row.lng).toBeCloseTo(110.979, 5);
    expect(row.lat).toBeCloseTo(35.6, 5);
  });
});

describe('idempotent submission', () => {
  it('answers a retry of the same content with the same key as “repeated” and stores it once', async () => {
    const k = keys();
    const first = await submitReport(db, await withPhotos(1), k);
    const again = await submitReport(db, await withPhotos(1), k);
    expect(first.status).toBe('created');
    expect(again).toEqual({ status: 'repeated', reportId: (first as { reportId: string }).reportId });
    expect(await count('report')).toBe(1);
    expect(await count('report_photo')).toBe(1);
    expect(await count('photo_blob')).toBe(2);
    expect(await count('report_event')).toBe(1);
  });

  it('refuses different content under a used key as a conflict and keeps the first report', async () => {
    const k = keys();
    await submitReport(db, await report(), k);
    expect(await submitReport(db, await report({ description: '另一份完全不同的举报内容。' }), k)).toEqual({ status: 'conflict' });
    expect(await submitReport(db, await withPhotos(1), k)).toEqual({ status: 'conflict' });
    expect(await submitReport(db, await report({ phone: '13900000000' }), k)).toEqual({ status: 'conflict' });
    expect(await count('report')).toBe(1);
    const row = await db.selectFrom('report').select('description').executeTakeFirstOrThrow();
    expect(row.description).toBe('有人在麦地里打地基，准备盖两层楼房。');
  });

  it('treats the same numbers under another coordinate system as different content', async () => {
    const k = keys();
    await submitReport(db, await report({ lng: '110.979', lat: '35.6', coord_system: 'wgs84' }), k);
    expect(await submitReport(db, await report({ lng: '110.979', lat: '35.6', coord_system: 'gcj02' }), k)).toEqual({ status: 'conflict' });
  });

  it('stores exactly one report, photos included, when the same form arrives twice at the same moment', async () => {
    const second = createDb(process.env.TEST_DATABASE_URL!, { max: 2 });
    try {
      for (let round = 0; round < 10; round++) {
        const k = keys();
        const content = await withPhotos(1);
        const results = await Promise.all([submitReport(db, content, k), submitReport(second, content, k)]);
        expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual(['created', 'repeated']);
        expect(new Set(results.map((r) => (r as { reportId: string }).reportId)).size).toBe(1);
      }
      expect(await count('report')).toBe(10);
      expect(await count('report_photo')).toBe(10);
      expect(await count('photo_blob')).toBe(20);
      expect(await count('report_event')).toBe(10);
    } finally {
      await second.destroy();
    }
  });

  it('never fails either of two simultaneous submits of one form, over many races', async () => {
    // Two app instances, one connection each, racing on the same idempotency key (and so the same receipt hash).
    const a = createDb(process.env.TEST_DATABASE_URL!, { max: 1 });
    const b = createDb(process.env.TEST_DATABASE_URL!, { max: 1 });
    try {
      const content = await report({ name: null, phone: null });
      const failures: string[] = [];
      const rounds = 300;
      for (let round = 0; round < rounds; round++) {
        const k = keys();
        const results = await Promise.allSettled([submitReport(a, content, k), submitReport(b, content, k)]);
        for (const r of results) if (r.status === 'rejected') failures.push(String(r.reason));
      }
      expect(failures, failures[0]).toEqual([]);
      expect(await count('report')).toBe(rounds);
      expect(await count('report_event')).toBe(rounds);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  }, 60_000);
});

describe('the reporter’s identity at rest', () => {
  it('is stored as AES-GCM ciphertext that decrypts back to the name and phone with the key', async () => {
    const { reportId } = (await submitReport(db, await report({ name: '王小明', phone: '138 1234 5678' }), keys())) as { reportId: string };
    const row = await db.selectFrom('report').select(['reporter_name_enc', 'reporter_phone_enc']).where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(Buffer.isBuffer(row.reporter_name_enc)).toBe(true);
    expect(row.reporter_name_enc!.includes(Buffer.from('王小明'))).toBe(false);
    expect(row.reporter_phone_enc!.includes(Buffer.from('13812345678'))).toBe(false);
    expect(decryptField(row.reporter_name_enc!, 'reporter_name', reporterKey)).toBe('王小明');
    expect(decryptField(row.reporter_phone_enc!, 'reporter_phone', reporterKey)).toBe('13812345678');
    expect(() => decryptField(row.reporter_phone_enc!, 'reporter_name', reporterKey)).toThrow();
  });

  it('is stored as NULL when the reporter left it out', async () => {
    const { reportId } = (await submitReport(db, await report({ name: null, phone: null }), keys())) as { reportId: string };
    const row = await db.selectFrom('report').select(['reporter_name_enc', 'reporter_phone_enc']).where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(row).toEqual({ reporter_name_enc: null, reporter_phone_enc: null });
  });

  it('appears nowhere in plain text in the whole database', async () => {
    await submitReport(db, await report({ name: '独特的名字甲乙', phone: '13987654321' }), keys());
    const { rows } = await sql<{ dump: string }>`select row_to_json(r)::text as dump from report r`.execute(db);
    for (const { dump } of rows) {
      expect(dump).not.toContain('独特的名字甲乙');
      expect(dump).not.toContain('13987654321');
    }
  });
});

describe('the citizen’s tracking view', () => {
  it('shows class, township, date, status and public notes, and no identity, place, coordinates or photos', async () => {
    const k = keys();
    const { reportId } = (await submitReport(db, await withPhotos(1), k)) as { reportId: string };
    await db.insertInto('report_event').values({ report_id: reportId, state: 'accepted', public_note: '已转稷峰镇核查。', at: new Date(Date.now() + 1000).toISOString() }).execute();
    await db.updateTable('report').set({ status: 'accepted' }).where('id', '=', reportId).execute();

    const view = await findReportForTracking(db, k.receiptHash);
    expect(view).not.toBeNull();
    expect(Object.keys(view!).sort()).toEqual(['events', 'problemClass', 'status', 'submittedOn', 'township']);
    expect(view!.events.map((e) => Object.keys(e).sort())).toEqual([['at', 'publicNote', 'state'], ['at', 'publicNote', 'state']]);
    expect(view).toMatchObject({ problemClass: 'house', township: 'jifeng', status: 'accepted' });
    expect(view!.events.map((e) => [e.state, e.publicNote])).toEqual([['submitted', null], ['accepted', '已转稷峰镇核查。']]);
    // Without the times: a timestamp such as 09:05:35.612Z holds a coordinate's digits by chance.
    const text = JSON.stringify(view, (key, value) => (key === 'at' || key === 'submittedOn' ? undefined : value));
    for (const secret of ['张三', '13812345678', '姚村', '水泥路', '110.9', '35.6', 'IMG_0001', k.idempotencyKey, k.receiptHash]) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('finds nothing for an unknown receipt hash', async () => {
    await submitReport(db, await report(), keys());
    expect(await findReportForTracking(db, hashReceiptCode(deriveReceiptCode(randomUUID(), appSecret)))).toBeNull();
  });
});

describe('rate limits in PostgreSQL', () => {
  const rule: RateRule = { bucket: 'test', limit: 3, windowSeconds: 600 };
  // 12:03:20 UTC: 200 s into a 10-minute window.
  const at = new Date('2026-11-23T12:03:20Z');

  it('allows up to the limit in one window and refuses the next hit, saying when the window ends', async () => {
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await hitRateLimit(db, rule, 'client-a', at));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]!.retryAfterSeconds).toBe(400);
    const row = await db.selectFrom('rate_limit').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ bucket: 'test', key: 'client-a', hits: 4 });
    expect(new Date(row.window_start).toISOString()).toBe('2026-11-23T12:00:00.000Z');
  });

  it('starts counting afresh in the next window', async () => {
    for (let i = 0; i < 4; i++) await hitRateLimit(db, rule, 'client-a', at);
    const next = await hitRateLimit(db, rule, 'client-a', new Date('2026-11-23T12:10:00Z'));
    expect(next).toEqual({ allowed: true, retryAfterSeconds: 600, hits: 1 });
  });

  it('counts separate clients and separate buckets independently', async () => {
    for (let i = 0; i < 4; i++) await hitRateLimit(db, rule, 'client-a', at);
    expect((await hitRateLimit(db, rule, 'client-b', at)).allowed).toBe(true);
    expect((await hitRateLimit(db, { ...rule, bucket: 'other' }, 'client-a', at)).allowed).toBe(true);
  });

  it('refuses when any of several rules is exceeded and reports the longest wait', async () => {
    const tight: RateRule = { bucket: 'tight', limit: 1, windowSeconds: 60 };
    const loose: RateRule = { bucket: 'loose', limit: 1, windowSeconds: 3600 };
    expect(await hitRateLimits(db, [tight, loose], 'c')).toEqual({ allowed: true, retryAfterSeconds: 0, hits: 1 });
    const second = await hitRateLimits(db, [tight, loose], 'c');
    expect(second.allowed).toBe(false);
    // The hour window may be nearly over (last minute of the hour): only bound it, never below 1 s.
    expect(second.retryAfterSeconds).toBeGreaterThan(0);
    expect(second.retryAfterSeconds).toBeLessThanOrEqual(3600);
  });

  it('is shared by two app instances with their own connection pools, even when they hit at once', async () => {
    const other = createDb(process.env.TEST_DATABASE_URL!, { max: 4 });
    try {
      const track = RATE_RULES.track;
      const now = new Date();
      const hits = await Promise.all(Array.from({ length: 30 }, (_, i) => hitRateLimit(i % 2 ? other : db, track, 'shared-client', now)));
      expect(hits.filter((h) => h.allowed)).toHaveLength(track.limit);
      const fromOther = await hitRateLimit(other, track, 'shared-client', now);
      expect(fromOther.allowed).toBe(false);
      const row = await db.selectFrom('rate_limit').select('hits').where('key', '=', 'shared-client').executeTakeFirstOrThrow();
      expect(row.hits).toBe(31);
    } finally {
      await other.destroy();
    }
  });

  it('keys clients by a daily keyed hash that changes at midnight China time and never contains the IP', () => {
    const secret = randomBytes(32);
    const ip = '203.0.113.45';
    const lateEvening = dailyClientKey(ip, secret, new Date('2026-11-23T15:59:59Z')); // 23:59:59 in China
    const earlier = dailyClientKey(ip, secret, new Date('2026-11-22T16:00:00Z')); // 00:00 the same China day
    const afterMidnight = dailyClientKey(ip, secret, new Date('2026-11-23T16:00:00Z')); // 00:00 the next China day
    expect(lateEvening).toBe(earlier);
    expect(afterMidnight).not.toBe(lateEvening);
    expect(dailyClientKey('203.0.113.46', secret, new Date('2026-11-23T12:00:00Z'))).not.toBe(lateEvening);
    expect(dailyClientKey(ip, randomBytes(32), new Date('2026-11-23T12:00:00Z'))).not.toBe(lateEvening);
    for (const k of [lateEvening, afterMidnight, dailyClientKey('::1', secret), dailyClientKey('127.0.0.1', secret)]) {
      expect(k).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(k).not.toContain('203');
      expect(k).not.toContain('127.0.0.1');
    }
  });

  it('stores only keyed hashes, never the client address, in the table', async () => {
    const secret = randomBytes(32);
    await hitRateLimit(db, rule, dailyClientKey('198.51.100.7', secret), at);
    const { rows } = await sql<{ dump: string }>`select row_to_json(r)::text as dump from rate_limit r`.execute(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dump).not.toContain('198.51.100.7');
  });
});
