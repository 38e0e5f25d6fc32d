/** Inputs of the staff Actions on a report: workflow acts, notes, corrections, reveals, ledger links. Authorisation is checked in each handler, not here. */
import { z } from 'astro/zod';
import { WORKFLOW_ACTIONS, type ActionInput } from './workflow.ts';
import { plainText as text } from '../../shared/text-safety.ts';
import { isBigintId, bigintIdField } from '../../shared/ids.ts';

const id = bigintIdField('缺少举报编号', '举报编号无效');

export const workflowSchema = z.object({
  reportId: id,
  action: z.enum(WORKFLOW_ACTIONS, { error: '未知的办理操作' }),
  refusalReason: text(64),
  // A bigint: twenty digits would reach PostgreSQL as an out-of-range value (a 500).
  originalReportId: text(20).refine((s) => s === '' || isBigintId(s), { error: '原举报编号无效' }),
  township: text(32),
  /** 'yes' | 'no' for recordVerification. */
  found: z.enum(['yes', 'no'], { error: '请选择现场核查是否属实' }).nullish(),
  notes: text(4000),
  measure: text(32),
  outcome: text(32),
  publicReply: text(2000),
  reason: text(1000),
  /** Verification photos from the township officer. */
  photos: z.array(z.instanceof(File, { error: '照片上传格式不对，请重新选择照片' })).transform((files) => files.filter((f) => f.size > 0)),
})
  // The act's details as the workflow reads them: an empty field is no value, found is yes/no.
  .transform(({ reportId, action, photos, found, ...fields }) => {
    const details: ActionInput = {
      refusalReason: fields.refusalReason || undefined,
      originalReportId: fields.originalReportId || undefined,
      township: fields.township || undefined,
      found: found === 'yes' ? true : found === 'no' ? false : undefined,
      notes: fields.notes || undefined,
      measure: fields.measure || undefined,
      outcome: fields.outcome || undefined,
      publicReply: fields.publicReply || undefined,
      reason: fields.reason || undefined,
    };
    return { reportId, action, photos, details };
  });

/** A form about one report: its id, then the form's own fields. */
const aboutReport = <T extends z.ZodRawShape>(fields: T) => z.object({ reportId: id, ...fields });

export const reportTextSchema = aboutReport({ text: text(4000) });

export const correctionSchema = aboutReport({ problemClass: text(32), place: text(200), description: text(2000), reason: text(500) });

export const revealSchema = aboutReport({ reason: text(500) });

export const linkLedgerSchema = aboutReport({ externalId: text(64) });
