import { chinaToday } from '../../src/shared/china-time.ts';
import { describe, expect, it } from 'vitest';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import type { LngLat } from '../../src/config/types.ts';
import { distanceMetres, gcj02ToWgs84, pointInPolygon, wgs84ToGcj02 } from '../../src/domain/places/geo.ts';
import { reportSchema, resolveLocation, type ValidReport } from '../../src/domain/reports/report-schema.ts';
import { asFile, phoneJpeg, tinyPng } from '../support/photos.ts';
import { processPhotoFiles } from '../../src/domain/reports/photos.ts';

const boundary = jurisdiction.map.boundary;

/**
 * A complete, valid submission as the Astro Action hands it to the schema: every field a string,
 * empty fields as null, photos as a File[] (empty when none were chosen).
 */
function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    problem_class: 'house',
    township: 'jifeng',
    village: '姚村',
    place: '姚村东头水泥路南侧',
    lat: null,
    lng: null,
    coord_system: 'wgs84',
    location_source: 'manual',
    seen_on: chinaToday(),
    description: '有人在麦地里打地基，准备盖两层楼房。',
    photos: [],
    name: null,
    phone: null,
    consent: 'yes',
    website: null,
    form_token: 'token',
    ...overrides,
  };
}

async function parse(overrides: Record<string, unknown> = {}) {
  return reportSchema.safeParseAsync(form(overrides));
}

/** Messages per top-level field, as the error summary shows them. */
async function errorsOf(overrides: Record<string, unknown> = {}): Promise<Record<string, string[]>> {
  const result = await parse(overrides);
  const errors: Record<string, string[]> = {};
  for (const issue of result.error?.issues ?? []) {
    const field = String(issue.path[0] ?? '');
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

async function valid(overrides: Record<string, unknown> = {}): Promise<ValidReport> {
  const result = await parse(overrides);
  if (!result.success) throw new Error(`expected a valid report, got ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

function shiftDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A point on the boundary edge from vertex a to vertex b, at fraction t. */
function onEdge(a: LngLat, b: LngLat, t: number): LngLat {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

const coords = ([lng, lat]: LngLat) => ({ lng: lng.toFixed(7), lat: lat.toFixed(7) });

describe('the report schema on an empty form', () => {
  it('names every required question in Chinese and nothing else', async () => {
    const empty = Object.fromEntries(Object.keys(form()).map((k) => [k, k === 'photos' ? [] : null]));
    const errors = await errorsOf({ ...empty, form_token: 'token' });
    expect(Object.keys(errors).sort()).toEqual(['consent', 'description', 'place', 'problem_class', 'seen_on', 'township'].sort());
    expect(errors.problem_class).toEqual(['请选择发生了什么']);
    expect(errors.township).toEqual(['请选择乡镇']);
    expect(errors.place).toEqual(['请填写具体地点']);
    expect(errors.seen_on).toEqual(['请填写发现日期']);
    expect(errors.description).toEqual(['请填写情况描述']);
    expect(errors.consent![0]).toContain('我已阅读并同意');
  });

  it('treats a description of only spaces and line breaks as empty', async () => {
    expect((await errorsOf({ description: '   \r\n  \n ' })).description).toEqual(['请填写情况描述']);
  });

  it('accepts a submission with every optional field left empty', async () => {
    const report = await valid({ village: null, name: null, phone: null });
    expect(report.village).toBe('');
    expect(report.name).toBe('');
    expect(report.phone).toBe('');
    expect(report.lat).toBe('');
    expect(report.photos).toEqual([]);
    expect(report.coord_system).toBe('wgs84');
  });

  it('refuses a problem class that citizens cannot choose', async () => {
    expect((await errorsOf({ problem_class: 'inspection' })).problem_class).toEqual(['请选择发生了什么']);
  });

  it('refuses a submission without its form token', async () => {
    expect((await errorsOf({ form_token: null })).form_token).toEqual(['表单已失效，请重新提交']);
  });
});

describe('the description', () => {
  it('accepts exactly 10 and exactly 2000 characters', async () => {
    expect((await valid({ description: '一二三四五六七八九十' })).description).toHaveLength(10);
    expect((await valid({ description: '田'.repeat(2000) })).description).toHaveLength(2000);
  });

  it('refuses 9 and 2001 characters, saying what the limit is', async () => {
    expect((await errorsOf({ description: '一二三四五六七八九' })).description).toEqual(['情况描述至少需要 10 个字']);
    expect((await errorsOf({ description: '田'.repeat(2001) })).description).toEqual(['情况描述不能超过 2000 个字']);
  });

  it('counts an emoji as one character, not as two UTF-16 units', async () => {
    expect((await valid({ description: '🌾'.repeat(10) })).description).toBe('🌾'.repeat(10));
    expect((await valid({ description: '🌾'.repeat(2000) })).description).toHaveLength(4000);
    expect((await errorsOf({ description: '🌾'.repeat(9) })).description).toEqual(['情况描述至少需要 10 个字']);
    expect((await errorsOf({ description: '🌾'.repeat(2001) })).description).toEqual(['情况描述不能超过 2000 个字']);
  });

  it('accepts emoji and Chinese punctuation mixed into the text', async () => {
    const text = '村口麦田被挖了一个大坑🚜，还堆了砂石😡！';
    expect((await valid({ description: text })).description).toBe(text);
  });

  it('normalises CRLF and lone CR to LF, so a 2000-character text with Windows line breaks still fits', async () => {
    expect((await valid({ description: '第一行内容很长\r\n第二行\r第三行' })).description).toBe('第一行内容很长\n第二行\n第三行');
    const text = `${'田'.repeat(1000)}\r\n${'田'.repeat(999)}`;
    expect(text.length).toBe(2001);
    expect((await valid({ description: text })).description).toHaveLength(2000);
  });

  it('trims surrounding whitespace before counting', async () => {
    expect((await errorsOf({ description: `   ${'一二三四五六七八九'}   ` })).description).toEqual(['情况描述至少需要 10 个字']);
    expect((await valid({ description: `  ${'田'.repeat(2000)}\n\n` })).description).toHaveLength(2000);
  });

  it('keeps tabs and line breaks but refuses control and bidirectional-override characters', async () => {
    expect((await valid({ description: '第一段\t有人盖房\n第二段还在施工' })).description).toContain('\t');
    for (const bad of ['\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\u202E', '\u2066']) {
      const errors = await errorsOf({ description: `有人在耕地上盖房子${bad}了` });
      expect(errors.description, JSON.stringify(bad)).toEqual(['情况描述里有无法识别的字符，请删除后重新输入']);
    }
  });

  it('applies the same control-character rule to the place and the name', async () => {
    expect((await errorsOf({ place: '村东\u0008头' })).place).toEqual(['具体地点里有无法识别的字符，请删除后重新输入']);
    expect((await errorsOf({ name: '张\u202E三' })).name).toEqual(['姓名里有无法识别的字符，请删除后重新输入']);
  });
});

describe('township and village', () => {
  it('accepts a village of the chosen township', async () => {
    expect((await valid({ township: 'huayu', village: '南位村' })).village).toBe('南位村');
  });

  it('refuses a village that belongs to another township, naming both', async () => {
    const errors = await errorsOf({ township: 'jifeng', village: '化峪村' });
    expect(errors.village).toEqual(['稷峰镇没有“化峪村”，请重新选择村']);
  });

  it('refuses a township code that is not in the county', async () => {
    expect((await errorsOf({ township: 'beijing' })).township).toEqual(['请选择乡镇']);
  });
});

describe('coordinates', () => {
  // The west edge runs from [110.78, 35.64] to [110.8, 35.58]; the county lies east of it.
  const westEdge = onEdge(boundary[0]!, boundary[10]!, 0.5);
  const justInside: LngLat = [westEdge[0] + 0.0005, westEdge[1]];
  const justOutside: LngLat = [westEdge[0] - 0.0005, westEdge[1]];

  it('accepts a point about 45 m inside the county boundary', async () => {
    const report = await valid(coords(justInside));
    expect(Number(report.lng)).toBeCloseTo(justInside[0], 6);
  });

  it('refuses a point about 45 m outside the boundary and sends other places to 12336', async () => {
    const errors = await errorsOf(coords(justOutside));
    expect(errors.lat).toEqual(['这个位置不在稷山县范围内。本平台只受理稷山县境内的举报，其他地方请拨打 12336。']);
  });

  it('refuses a point far away, such as Beijing', async () => {
    expect((await errorsOf({ lng: '116.397', lat: '39.909' })).lat![0]).toContain('不在稷山县范围内');
  });

  it('asks for both latitude and longitude when only one is given', async () => {
    expect(await errorsOf({ lat: '35.6', lng: null })).toEqual({ lng: ['经度和纬度要一起填写，或者都不填'] });
    expect(await errorsOf({ lat: null, lng: '110.979' })).toEqual({ lat: ['经度和纬度要一起填写，或者都不填'] });
  });

  it('refuses NaN, Infinity, exponents and other non-decimal text as a number', async () => {
    for (const bad of ['NaN', 'Infinity', '-Infinity', '1e5', '3.56e1', '0x23', '35,6', '35.6.1', '+35.6', '35.', '.6', '三十五']) {
      const errors = await errorsOf({ lat: bad, lng: '110.979' });
      expect(errors.lat, bad).toEqual(['纬度请填写数字，例如 35.6012']);
    }
    expect((await errorsOf({ lat: '35.6', lng: 'Infinity' })).lng).toEqual(['经度请填写数字，例如 35.6012']);
  });

  it('refuses latitudes beyond ±90 and longitudes beyond ±180 with the valid range', async () => {
    expect((await errorsOf({ lat: '90.5', lng: '110.979' })).lat![0]).toContain('-90 到 90');
    expect((await errorsOf({ lat: '-91', lng: '110.979' })).lat![0]).toContain('-90 到 90');
    expect((await errorsOf({ lat: '35.6', lng: '180.0001' })).lng![0]).toContain('-180 到 180');
    expect((await errorsOf({ lat: '35.6', lng: '999' })).lng![0]).toContain('-180 到 180');
  });

  it('trims spaces around typed coordinates', async () => {
    const report = await valid({ lat: ' 35.6 ', lng: '110.979\t' });
    expect([report.lat, report.lng]).toEqual(['35.6', '110.979']);
  });

  describe('copied from 高德 or WeChat (GCJ-02)', () => {
    // A WGS-84 point 0.002° inside the east edge: its GCJ-02 form lies east of it, outside the county.
    const eastEdge = onEdge(boundary[5]!, boundary[6]!, 0.5);
    const truth: LngLat = [eastEdge[0] - 0.002, eastEdge[1]];
    const gcj = wgs84ToGcj02(truth);

    it('is set up so that the GCJ-02 form lies outside and the true point inside', () => {
      expect(pointInPolygon(truth, boundary)).toBe(true);
      expect(pointInPolygon(gcj, boundary)).toBe(false);
    });

    it('refuses the point typed as WGS-84 and says that choosing GCJ-02 would place it in the county', async () => {
      const errors = await errorsOf({ ...coords(gcj), coord_system: 'wgs84' });
      expect(errors.lat).toHaveLength(1);
      expect(errors.lat![0]).toContain('GCJ-02');
      expect(errors.lat![0]).toContain('坐标来源');
    });

    it('accepts the same point once its source is GCJ-02', async () => {
      const report = await valid({ ...coords(gcj), coord_system: 'gcj02' });
      expect(report.coord_system).toBe('gcj02');
    });

    it('does not suggest GCJ-02 for a point that is outside either way', async () => {
      expect((await errorsOf({ lng: '116.397', lat: '39.909' })).lat![0]).not.toContain('GCJ-02');
    });

    it('refuses a GCJ-02 point whose corrected position is outside the county', async () => {
      const errors = await errorsOf({ ...coords(justOutside), coord_system: 'gcj02' });
      expect(errors.lat![0]).toContain('不在稷山县范围内');
    });
  });

  it('falls back to WGS-84 for an unknown coordinate source', async () => {
    expect((await valid({ coord_system: 'bd09' })).coord_system).toBe('wgs84');
    expect((await valid({ coord_system: null })).coord_system).toBe('wgs84');
  });
});

describe('problems in several fields at once', () => {
  // GOV.UK pattern: one round trip shows every problem, not one after another.
  it('reports an out-of-county point and a wrong village together with a missing description', async () => {
    const errors = await errorsOf({ description: null, township: 'jifeng', village: '化峪村', lng: '116.397', lat: '39.909' });
    expect(Object.keys(errors).sort()).toEqual(['description', 'lat', 'village']);
  });

  it('still reports a lone latitude while the consent box is unticked', async () => {
    const errors = await errorsOf({ consent: null, lat: '35.6', lng: null });
    expect(Object.keys(errors).sort()).toEqual(['consent', 'lng']);
  });
});

describe('the date seen', () => {
  it('accepts today (China time) and an earlier day', async () => {
    expect((await valid({ seen_on: chinaToday() })).seen_on).toBe(chinaToday());
    expect((await valid({ seen_on: '2024-02-29' })).seen_on).toBe('2024-02-29');
  });

  it('refuses tomorrow', async () => {
    expect((await errorsOf({ seen_on: shiftDays(chinaToday(), 1) })).seen_on).toEqual(['发现日期不能晚于今天']);
  });

  it('refuses dates that do not exist, such as 30 February or 29 February of a common year', async () => {
    for (const bad of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10']) {
      expect((await errorsOf({ seen_on: bad })).seen_on, bad).toEqual(['发现日期格式不对，请按“年-月-日”填写，例如 2026-11-20']);
    }
  });

  it('refuses other date formats with an example of the right one', async () => {
    for (const bad of ['2024/05/01', '01-05-2024', '2024-5-1', '昨天', '2024-05-01T00:00']) {
      expect((await errorsOf({ seen_on: bad })).seen_on![0], bad).toContain('年-月-日');
    }
  });

  it('refuses dates before 2000', async () => {
    expect((await errorsOf({ seen_on: '1999-12-31' })).seen_on).toEqual(['发现日期不能早于 2000 年']);
  });
});

describe('contact details', () => {
  it('accepts mobile numbers with spaces or dashes and keeps only the digits', async () => {
    expect((await valid({ phone: '13812345678' })).phone).toBe('13812345678');
    expect((await valid({ phone: '138 1234 5678' })).phone).toBe('13812345678');
    expect((await valid({ phone: '138-1234-5678' })).phone).toBe('13812345678');
  });

  it('accepts landlines with an area code', async () => {
    expect((await valid({ phone: '0359-1234567' })).phone).toBe('03591234567');
    expect((await valid({ phone: '0359 12345678' })).phone).toBe('035912345678');
  });

  it('accepts the +86 country code and brackets around the area code, as phones and business cards write them', async () => {
    expect((await valid({ phone: '+86 138 1234 5678' })).phone).toBe('13812345678');
    expect((await valid({ phone: '+86-13812345678' })).phone).toBe('13812345678');
    expect((await valid({ phone: '(0359)1234567' })).phone).toBe('03591234567');
    expect((await valid({ phone: '（0359）1234567' })).phone).toBe('03591234567');
  });

  it('refuses numbers that are neither a mobile nor a landline, with an example', async () => {
    for (const bad of ['12812345678', '1381234567', '138123456789', '1234567', 'abc', '138****5678', '0359-12345']) {
      expect((await errorsOf({ phone: bad })).phone, bad).toEqual(['请填写 11 位手机号，或带区号的固定电话，例如 0359-1234567']);
    }
  });

  it('limits the name to 50 characters', async () => {
    expect((await valid({ name: '张'.repeat(50) })).name).toHaveLength(50);
    expect((await errorsOf({ name: '张'.repeat(51) })).name).toEqual(['姓名不能超过 50 个字']);
  });
});

describe('consent', () => {
  it('is required', async () => {
    expect((await errorsOf({ consent: null })).consent).toEqual(['请勾选“我已阅读并同意”，才能提交举报']);
    expect((await errorsOf({ consent: 'no' })).consent).toEqual(['请勾选“我已阅读并同意”，才能提交举报']);
  });
});

describe('photos', () => {
  it('ignores the empty file a browser sends when no photo was chosen', async () => {
    expect((await valid({ photos: [new File([], '', { type: 'application/octet-stream' })] })).photos).toEqual([]);
  });

  it('accepts five photos as they came, leaving the decoding to intake', async () => {
    const files = await Promise.all([0, 1, 2, 3, 4].map(async (i) => asFile(await tinyPng(i), `p${i}.png`, 'image/png')));
    const report = await valid({ photos: files });
    expect(report.photos).toEqual(files);
  });

  it('passes a photo whose header looks right but whose picture is broken: only decoding can tell', async () => {
    const broken = asFile(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]), 'IMG_0009.jpg', 'image/jpeg');
    expect((await valid({ photos: [broken] })).photos).toHaveLength(1);
  });

  it('names every problem the files show at once: empty, too large, not a photo', async () => {
    const files = [asFile(Buffer.alloc(0), 'a.jpg', 'image/jpeg'), asFile(Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), 'b.jpg', 'image/jpeg'), asFile(Buffer.from('GIF89a....'), 'c.gif', 'image/gif')];
    const errors = (await errorsOf({ photos: files })).photos!;
    expect(errors).toHaveLength(3);
    expect(errors.join(' ')).toMatch(/a\.jpg.*空文件.*b\.jpg.*超过 10 MB.*c\.gif.*不是支持的图片格式/);
  });

  it('refuses six photos with one clear message', async () => {
    const files = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => asFile(await tinyPng(i), `p${i}.png`, 'image/png')));
    expect((await errorsOf({ photos: files })).photos).toEqual(['最多上传 5 张照片']);
  });

  it('refuses a file that is not a photo, whatever its name says, naming the file', async () => {
    const errors = await errorsOf({ photos: [asFile(Buffer.from('<html></html>'), 'IMG_0001.jpg', 'image/jpeg')] });
    expect(errors.photos).toHaveLength(1);
    expect(errors.photos![0]).toContain('IMG_0001.jpg');
  });

  it('refuses a file over 10 MB before reading it', async () => {
    const big = asFile(Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), 'big.jpg', 'image/jpeg');
    expect((await errorsOf({ photos: [big] })).photos![0]).toContain('超过 10 MB');
  });
});

/** A valid report with its photos decoded, as intake hands it on. */
async function located(overrides: Record<string, unknown> = {}) {
  const report = await valid(overrides);
  const { photos, problems } = await processPhotoFiles(report.photos);
  if (problems.length) throw new Error(problems.join('; '));
  return { ...report, photos };
}

describe('resolving where the report is', () => {
  const seat: LngLat = [110.979, 35.6];

  it('keeps typed WGS-84 coordinates as they are, remembering whether the pin came from the map', async () => {
    expect(resolveLocation(await located({ lng: '110.979', lat: '35.6', location_source: 'map' }))).toEqual({ lngLat: [110.979, 35.6], source: 'map' });
    expect(resolveLocation(await located({ lng: '110.979', lat: '35.6', location_source: 'manual' }))).toEqual({ lngLat: [110.979, 35.6], source: 'manual' });
    expect(resolveLocation(await located({ lng: '110.979', lat: '35.6', location_source: 'satellite' })).source).toBe('manual');
  });

  it('converts GCJ-02 coordinates to WGS-84 within a few centimetres', async () => {
    const gcj = wgs84ToGcj02(seat);
    const { lngLat, source } = resolveLocation(await located({ ...coords(gcj), coord_system: 'gcj02' }));
    expect(source).toBe('manual-gcj02');
    expect(distanceMetres(lngLat!, seat)).toBeLessThan(0.05);
    expect(distanceMetres(lngLat!, gcj02ToWgs84([Number(gcj[0].toFixed(7)), Number(gcj[1].toFixed(7))]))).toBeLessThan(0.001);
  });

  it('uses the GPS of a photo taken in the county when no pin was placed', async () => {
    const photo = asFile(await phoneJpeg({ lng: 111.05, lat: 35.62 }), 'IMG_0002.jpg', 'image/jpeg');
    const { lngLat, source } = resolveLocation(await located({ photos: [photo] }));
    expect(source).toBe('photo');
    expect(lngLat![0]).toBeCloseTo(111.05, 5);
    expect(lngLat![1]).toBeCloseTo(35.62, 5);
  });

  it('ignores the GPS of a photo taken outside the county', async () => {
    const photo = asFile(await phoneJpeg({ lng: 116.397, lat: 39.909 }), 'IMG_0003.jpg', 'image/jpeg');
    expect(resolveLocation(await located({ photos: [photo] }))).toEqual({ lngLat: null, source: 'none' });
  });

  it('prefers a typed point over the photo GPS', async () => {
    const photo = asFile(await phoneJpeg({ lng: 111.05, lat: 35.62 }), 'IMG_0004.jpg', 'image/jpeg');
    expect(resolveLocation(await located({ photos: [photo], lng: '110.979', lat: '35.6' }))).toEqual({ lngLat: [110.979, 35.6], source: 'manual' });
  });

  it('has no location when neither a point nor a photo GPS is given', async () => {
    expect(resolveLocation(await located())).toEqual({ lngLat: null, source: 'none' });
  });
});
