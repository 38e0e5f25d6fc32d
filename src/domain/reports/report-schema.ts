/**
 * The citizen report form, validated on the server (Astro Action) and in tests. Messages are
 * plain Chinese and name what to do. Pure: photos are checked here for what their files say
 * (size, format), so those errors reach the same error summary as every other field; they are
 * decoded only once the submission is let in (server/intake.ts).
 */
import { chinaToday } from '../../shared/china-time.ts';
import { z } from 'astro/zod';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { LngLat } from '../../config/types.ts';
import { detectGcj02Offset, gcj02ToWgs84, pointInPolygon } from '../places/geo.ts';
import { REPORTABLE_CLASSES } from '../../shared/taxonomy.ts';
import { PHOTO_LIMITS, PHOTO_SIGNATURE_BYTES, photoFileProblem } from './photo-rules.ts';
import { hasControlChars, isRealIsoDate } from '../../shared/text-safety.ts';


function text(label: string, min: number, max: number) {
  return z
    .string({ error: `请填写${label}` })
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .refine((s) => s.length > 0 || min === 0, { error: `请填写${label}` })
    .refine((s) => [...s].length >= min || s.length === 0, { error: `${label}至少需要 ${min} 个字` })
    .refine((s) => [...s].length <= max, { error: `${label}不能超过 ${max} 个字` })
    .refine((s) => !hasControlChars(s), { error: `${label}里有无法识别的字符，请删除后重新输入` });
}

// Astro hands empty form fields over as null (or undefined), hence nullish() on optional fields.
const optionalText = (label: string, max: number) =>
  z
    .string()
    .nullish()
    .transform((s) => (s ?? '').replace(/\r\n?/g, '\n').trim())
    .refine((s) => [...s].length <= max, { error: `${label}不能超过 ${max} 个字` })
    .refine((s) => !hasControlChars(s), { error: `${label}里有无法识别的字符，请删除后重新输入` });


const coordinate = (label: string) =>
  z
    .string()
    .nullish()
    .transform((s) => (s ?? '').trim())
    .refine((s) => s === '' || /^-?\d{1,3}(\.\d{1,10})?$/.test(s), { error: `${label}请填写数字，例如 35.6012` });

// Not optional(): Astro reads a field as a list (getAll) only when the schema starts with an array.
// A "photos" part without a file name arrives as text, not a File: an empty one is an empty file
// input (some clients send it so), anything else cannot be a photo. Either way the answer is ours,
// in Chinese, not the validator's "expected File, received string".
const photosSchema = z
  .array(z.union([z.instanceof(File), z.string()]))
  .transform((items, ctx) => {
    if (items.some((i) => typeof i === 'string' && i !== '')) {
      ctx.addIssue({ code: 'custom', message: '照片没有作为文件上传，请重新选择照片后再提交。' });
    }
    return items.filter((i): i is File => i instanceof File);
  })
  .transform((files) => files.filter((f) => f.size > 0 || f.name !== ''))
  .refine((files) => files.length <= PHOTO_LIMITS.maxFiles, { error: `最多上传 ${PHOTO_LIMITS.maxFiles} 张照片` })
  // What each file says about itself (empty, too large, not a photo format), in the same round as
  // every other question. Decoding is not the schema's: it costs about 0.45 s of CPU a photo and
  // comes only after the form token and the rate limit have let the submission in (intake.ts).
  .superRefine(async (files, ctx) => {
    if (files.length > PHOTO_LIMITS.maxFiles) return;
    for (const file of files) {
      const head = new Uint8Array(await file.slice(0, PHOTO_SIGNATURE_BYTES).arrayBuffer());
      const problem = photoFileProblem(file.size, head, file.name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
    }
  });

/**
 * Phone numbers as people write them: spaces, dashes and brackets ("(0359) 123-4567", full-width
 * too) are dropped, and so is the +86 / 0086 country code phones add, restoring the area code's
 * leading 0 that the international form leaves out. What is stored is digits only.
 */
function normalizePhone(raw: string): string {
  const digits = raw.normalize('NFKC').replace(/[\s\-\u2010-\u2015()]/g, '');
  const national = /^(?:\+|00)86(\d+)$/.exec(digits)?.[1];
  if (national === undefined) return digits;
  return /^1[3-9]\d{9}$/.test(national) || national.startsWith('0') ? national : `0${national}`;
}

const townshipCodes = jurisdiction.townships.map((t) => t.code) as [string, ...string[]];

export const reportSchema = z
  .object({
    /** What is happening: one of the hotline's problem classes. */
    problem_class: z.enum(REPORTABLE_CLASSES as [string, ...string[]], { error: '请选择发生了什么' }),
    /** Township code. */
    township: z.enum(townshipCodes, { error: '请选择乡镇' }),
    /** Village name from the township's list; may be left empty. */
    village: z.string().nullish().transform((s) => (s ?? '').trim()),
    /** Where exactly, in words: road, landmark, direction. */
    place: text('具体地点', 2, 200),
    /** WGS-84 (or GCJ-02, see coord_system) decimal degrees; both or neither. */
    lat: coordinate('纬度'),
    lng: coordinate('经度'),
    /** Datum of lat/lng as typed: phones and 天地图 give WGS-84, 高德/微信/腾讯 give GCJ-02. */
    coord_system: z.enum(['wgs84', 'gcj02']).optional().default('wgs84').catch('wgs84'),
    /** Set to 'map' by the map script when the pin was placed on the map. */
    location_source: z.enum(['map', 'manual']).optional().default('manual').catch('manual'),
    /** The day it was seen, not in the future. */
    seen_on: z
      .string({ error: '请填写发现日期' })
      .transform((s) => s.trim())
      .refine((s) => s !== '', { error: '请填写发现日期' })
      .refine((s) => isRealIsoDate(s), { error: '发现日期格式不对，请按“年-月-日”填写，例如 2026-11-20' })
      .refine((s) => s <= chinaToday(), { error: '发现日期不能晚于今天' })
      .refine((s) => s >= '2000-01-01', { error: '发现日期不能早于 2000 年' }),
    /** What the citizen saw, 10–2000 characters. */
    description: text('情况描述', 10, 2000),
    photos: photosSchema,
    /** Optional, for follow-up only; encrypted at rest. */
    name: optionalText('姓名', 50),
    /** Optional mobile or landline; encrypted at rest. */
    phone: z
      .string()
      .nullish()
      .transform((s) => normalizePhone(s ?? ''))
      .refine((s) => s === '' || /^1[3-9]\d{9}$/.test(s) || /^0\d{9,11}$/.test(s), {
        error: '请填写 11 位手机号，或带区号的固定电话，例如 0359-1234567',
      }),
    consent: z.literal('yes', { error: '请勾选“我已阅读并同意”，才能提交举报' }),
    /** Honeypot: hidden from people, filled by bots. */
    website: z.string().nullish().transform((s) => s ?? ''),
    form_token: z.string({ error: '表单已失效，请重新提交' }).max(300),
  })
  // Cross-field checks run whenever the fields they read are valid, even if other questions
  // failed (zod skips them by default then): one round trip shows every problem, GOV.UK style.
  .superRefine(
    (data, ctx) => {
      const village = data.village;
      const township = jurisdiction.townships.find((t) => t.code === data.township);
      if (village && township && !township.villages.some((v) => v.name === village)) {
        ctx.addIssue({ code: 'custom', path: ['village'], message: `${township.name}没有“${village}”，请重新选择村` });
      }
    },
    { when: fieldsValid('township', 'village') },
  )
  .superRefine(
    (data, ctx) => {
      if ((data.lat === '') !== (data.lng === '')) {
        ctx.addIssue({ code: 'custom', path: [data.lat === '' ? 'lat' : 'lng'], message: '经度和纬度要一起填写，或者都不填' });
        return;
      }
      if (data.lat === '') return;
      const lat = Number(data.lat);
      const lng = Number(data.lng);
      if (!(lat >= -90 && lat <= 90)) ctx.addIssue({ code: 'custom', path: ['lat'], message: '纬度应在 -90 到 90 之间，稷山县一带约为 35.6' });
      if (!(lng >= -180 && lng <= 180)) ctx.addIssue({ code: 'custom', path: ['lng'], message: '经度应在 -180 到 180 之间，稷山县一带约为 111.0' });
      if (!(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180)) return;
      const typed: LngLat = [lng, lat];
      const wgs = data.coord_system === 'gcj02' ? gcj02ToWgs84(typed) : typed;
      if (pointInPolygon(wgs, jurisdiction.map.boundary)) return;
      const offset = data.coord_system === 'wgs84' ? detectGcj02Offset(typed, jurisdiction.map.boundary) : null;
      ctx.addIssue({
        code: 'custom',
        path: ['lat'],
        message: offset
          ? `这个坐标在${jurisdiction.countyName}范围外，但按高德地图、微信的坐标（GCJ-02）换算后就在县内。如果坐标是从高德或微信复制的，请在“坐标来源”选择“高德地图、微信、腾讯地图”后再提交。`
          : `这个位置不在${jurisdiction.countyName}范围内。本平台只受理${jurisdiction.countyName}境内的举报，其他地方请拨打 12336。`,
      });
    },
    { when: fieldsValid('lat', 'lng', 'coord_system') },
  );

/** A `when` for refinements: run only if none of these fields has an issue so far. */
function fieldsValid(...fields: string[]) {
  return (payload: { issues: ReadonlyArray<{ path?: PropertyKey[] }> }) =>
    !payload.issues.some((issue) => fields.includes(String(issue.path?.[0])));
}

export type ReportFormInput = z.input<typeof reportSchema>;
export type ValidReport = z.output<typeof reportSchema>;

/** What resolveLocation reads of a decoded photo: the GPS position its EXIF gave, if any. */
export interface LocatedPhoto {
  exif: { lngLat: [number, number] | null };
}

/** Where the report is, in WGS-84, and how we know (photos as decoded, for their GPS). */
export function resolveLocation(report: Pick<ValidReport, 'lat' | 'lng' | 'coord_system' | 'location_source'> & { photos: readonly LocatedPhoto[] }): { lngLat: LngLat | null; source: 'map' | 'manual' | 'manual-gcj02' | 'photo' | 'none' } {
  if (report.lat !== '' && report.lng !== '') {
    const typed: LngLat = [Number(report.lng), Number(report.lat)];
    if (report.coord_system === 'gcj02') return { lngLat: gcj02ToWgs84(typed), source: 'manual-gcj02' };
    return { lngLat: typed, source: report.location_source === 'map' ? 'map' : 'manual' };
  }
  // No pin: a photo's own GPS, if it lies in the county, is the best location we have.
  const fromPhoto = report.photos.map((p) => p.exif.lngLat).find((p): p is [number, number] => !!p && pointInPolygon(p, jurisdiction.map.boundary));
  return fromPhoto ? { lngLat: fromPhoto, source: 'photo' } : { lngLat: null, source: 'none' };
}

/** Fields that keep their typed value when the form comes back with errors. */
export const REPORT_TEXT_FIELDS = ['problem_class', 'township', 'village', 'place', 'lat', 'lng', 'coord_system', 'location_source', 'seen_on', 'description', 'name', 'phone', 'consent'] as const;
export type ReportFormValues = Partial<Record<(typeof REPORT_TEXT_FIELDS)[number], string>>;
