/** The case-notice drafting form (宣传材料组). Masking happens on save, server-side. */
import { chinaToday } from '../../shared/china-time.ts';
import { z } from 'astro/zod';
import { jurisdiction } from '../../config/jurisdiction.ts';
import { EARLIEST_PROBLEM_DATE, OUTCOMES, PROBLEM_CLASSES, WITHDRAW_REASONS, type WithdrawReason } from '../../shared/taxonomy.ts';
import { hasControlChars, isRealIsoDate } from '../../shared/text-safety.ts';
import { BIGINT_ID } from '../../shared/ids.ts';
import { areaProblem, MAX_AREA_MU } from '../ledger/mu.ts';

const UNREADABLE = '里有无法识别的字符（如控制字符），请删除后重新输入';
/** A required text; a refusal says the rule and how far the text is from it, in characters. */
const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .superRefine((s, ctx) => {
      const length = [...s].length;
      if (length === 0) ctx.addIssue({ code: 'custom', message: `请填写${label}` });
      else if (length < min) ctx.addIssue({ code: 'custom', message: `${label}至少需要 ${min} 个字，现在 ${length} 个字` });
      else if (length > max) ctx.addIssue({ code: 'custom', message: `${label}不能超过 ${max} 个字，现在 ${length} 个字` });
      if (hasControlChars(s)) ctx.addIssue({ code: 'custom', message: `${label}${UNREADABLE}` });
    });
const optional = (max: number) =>
  z.string().nullish().transform((s) => (s ?? '').trim().slice(0, max)).refine((s) => !hasControlChars(s), { error: `填写的内容${UNREADABLE}` });
const area = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .transform((s) => s.trim())
    .refine((s) => /^\d{1,9}(\.\d{1,2})?$/.test(s), { error: `${label}请填写不小于 0 的数字，最多两位小数` })
    .refine((s) => !/^\d{1,9}(\.\d{1,2})?$/.test(s) || areaProblem(s, label) === null, { error: `${label}不能超过 ${MAX_AREA_MU} 亩，请检查单位是否为亩` });

export const noticeDraftSchema = z
  .object({
    noticeId: z.string().regex(/^\d{0,18}$/).nullish(),
    sourceReportId: z.string().regex(/^\d{0,18}$/).nullish(),
    title: text('标题', 4, 100),
    township: z.enum(jurisdiction.townships.map((t) => t.code) as [string, ...string[]], { error: '请选择乡镇' }),
    village: optional(40),
    problemClass: z.enum(PROBLEM_CLASSES.map((c) => c.code) as [string, ...string[]], { error: '请选择问题类型' }),
    partyKind: z.enum(['person', 'company', 'organisation'], { error: '请选择当事人类型' }),
    partyName: text('当事人', 1, 60),
    totalAreaMu: area('总面积'),
    farmlandAreaMu: area('耕地面积'),
    /** Repeatable enforcement steps: parallel lists of date, action and detail. */
    stepDate: z.array(z.string()),
    stepAction: z.array(z.string()),
    stepDetail: z.array(z.string()),
    outcome: z.enum(OUTCOMES.map((o) => o.code) as [string, ...string[]], { error: '请选择处理结果' }),
    accountability: optional(1000),
    body: text('正文', 20, 5000),
    /** Public copies of the source report's photos, shown as "before". */
    beforePhotoIds: z.array(z.string()),
    afterPhotos: z.array(z.instanceof(File, { error: '照片上传格式不对，请重新选择照片' })).transform((files) => files.filter((f) => f.size > 0)),
  })
  .superRefine((v, ctx) => {
    if (Number(v.farmlandAreaMu) > Number(v.totalAreaMu)) ctx.addIssue({ code: 'custom', path: ['farmlandAreaMu'], message: '耕地面积不能大于总面积' });
    v.stepDate.forEach((d, i) => {
      const action = (v.stepAction[i] ?? '').trim();
      if (!d.trim() && !action) return;
      // A day that exists: the notice pages format it, and 2026-99-99 would break them (a 500).
      if (!isRealIsoDate(d.trim())) ctx.addIssue({ code: 'custom', path: ['stepDate'], message: `第 ${i + 1} 个查处步骤的日期格式不对` });
      // A step is something already done: not in the future, not before the oldest problem in scope.
      else if (d.trim() > chinaToday()) ctx.addIssue({ code: 'custom', path: ['stepDate'], message: `第 ${i + 1} 个查处步骤的日期不能晚于今天` });
      else if (d.trim() < EARLIEST_PROBLEM_DATE) ctx.addIssue({ code: 'custom', path: ['stepDate'], message: `第 ${i + 1} 个查处步骤的日期不能早于 ${EARLIEST_PROBLEM_DATE}` });
      if (!action) ctx.addIssue({ code: 'custom', path: ['stepAction'], message: `第 ${i + 1} 个查处步骤缺少名称` });
      // Steps are stored as jsonb, which cannot hold NUL at all.
      if (hasControlChars(action) || hasControlChars(v.stepDetail[i] ?? '')) ctx.addIssue({ code: 'custom', path: ['stepAction'], message: `第 ${i + 1} 个查处步骤${UNREADABLE}` });
    });
  });

export type NoticeDraftInput = z.output<typeof noticeDraftSchema>;

export const noticeActSchema = z.object({
  noticeId: z.string().regex(BIGINT_ID),
  reason: z.string().nullish().transform((s) => (s ?? '').trim().slice(0, 500)).refine((s) => !hasControlChars(s), { error: `理由${UNREADABLE}` }),
});

/** Withdrawing a published notice: a public category and the staff member's own words. */
export const noticeWithdrawSchema = noticeActSchema.extend({
  /** What the public reads on the notice's 410 page. */
  category: z.enum(WITHDRAW_REASONS.map((r) => r.code) as [WithdrawReason, ...WithdrawReason[]], { error: '请选择撤回原因的类别' }),
});

export type NoticeWithdrawInput = z.output<typeof noticeWithdrawSchema>;
