/**
 * The county's own file, ./county.json: what a county edits to deploy the portal (its names,
 * townships and villages, map outline, contact lines and hotline deadlines). It is data, not
 * code, so a county's staff can edit it without touching TypeScript; this module checks it when
 * the portal starts and says in Chinese what is wrong, so a typo stops the start rather than
 * putting a township in the sea.
 */
import { z } from 'astro/zod';
import type { Jurisdiction } from './types.ts';

/** The message for a value of the wrong kind, or for one left out (the commoner slip). */
function expecting(what: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? '缺少这一项' : what);
}

/** WGS-84 [lng, lat] inside China's extent: a swapped pair or a stray digit is refused. */
const lngLat = z.tuple([
  z.number({ error: '经度应为数字' }).min(73, { error: '经度应在 73 到 136 之间（中国境内）' }).max(136, { error: '经度应在 73 到 136 之间（中国境内）' }),
  z.number({ error: '纬度应为数字' }).min(3, { error: '纬度应在 3 到 54 之间（中国境内）' }).max(54, { error: '纬度应在 3 到 54 之间（中国境内）' }),
], { error: expecting('坐标应写成 [经度, 纬度]') });

/**
 * A group of fields (`{ … }`) that refuses a field it does not know: a misspelt name would
 * otherwise be dropped without a word and its value silently missing.
 */
function fields<Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `不认识的字段 ${issue.keys.join('、')}，是否拼错了？` : `应写成${what}`),
  });
}

const text = z.string({ error: expecting('应为文字') }).trim().min(1, { error: '不能为空' });

/** Working days a stage may take: a whole number from 1 to 90. */
const days = z.number({ error: expecting('应为天数') }).int({ error: '应为整天数' }).min(1, { error: '至少 1 个工作日' }).max(90, { error: '不超过 90 个工作日' });

const township = fields({
  /** Stored in the database: lowercase ASCII, never changed once reports name it. */
  code: z.string({ error: expecting('应为文字') }).regex(/^[a-z][a-z0-9-]{1,31}$/, { error: '乡镇代码只用小写英文字母、数字和连字符，以字母开头' }),
  name: text,
  lngLat,
  boundary: z.array(lngLat).min(3, { error: '边界至少要有 3 个点' }).optional(),
  villages: z.array(fields({ name: text, lngLat: lngLat.optional() }, '一个村：名称和可选的位置')),
}, '一个乡镇：代码、名称、位置和村庄');

const countyFileSchema = fields({
  countyName: text,
  countyFullName: text,
  campaignName: text,
  /** The leading group's office that publishes the portal. */
  publisher: text,
  townships: z.array(township).min(1, { error: '至少要有一个乡镇' })
    .refine((list) => new Set(list.map((t) => t.code)).size === list.length, { error: '乡镇代码不能重复' })
    .refine((list) => new Set(list.map((t) => t.name)).size === list.length, { error: '乡镇名称不能重复' }),
  map: fields({
    center: lngLat,
    zoom: z.number({ error: expecting('应为数字') }).int({ error: '应为整数' }).min(5, { error: '缩放级别在 5 到 18 之间' }).max(18, { error: '缩放级别在 5 到 18 之间' }),
    boundary: z.array(lngLat).min(3, { error: '县界至少要有 3 个点' }),
    /** True while the outline and seats are hand-drawn: every map then says so. */
    approximate: z.boolean({ error: expecting('应为 true 或 false') }),
  }, '地图：中心、缩放级别、县界和是否示意'),
  contacts: z.array(fields({ label: text, number: text, hours: text }, '一条联系电话：名称、号码和受理时间')).min(1, { error: '至少要有一条联系电话' }),
  deadlines: fields({ decide: days, verify: days, handle: days, reply: days }, '四个办理时限：decide、verify、handle、reply'),
}, '一组县域配置');

/**
 * What ./county.json holds once checked: the county as pages read it (types.ts), less what
 * jurisdiction.ts adds from the environment (the map tiles, the demo flag).
 */
export type CountyFile = Omit<Jurisdiction, 'map' | 'demo'> & { readonly map: Omit<Jurisdiction['map'], 'tiles'> };

/**
 * Checks a county file; throws one error naming every faulty field by its path in the file
 * (e.g. `townships.2.lngLat.0`), so whoever edited it can find the line.
 */
export function parseCountyFile(raw: unknown, fileName = 'src/config/county.json'): CountyFile {
  const result = countyFileSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '（整个文件）'}：${issue.message}`);
  throw new Error(`县域配置 ${fileName} 有误，请改正后再启动：\n${problems.join('\n')}`);
}
