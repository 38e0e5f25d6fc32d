/**
 * Performs one workflow act on a report: checks who may do it, applies the state machine
 * (src/domain/reports/workflow.ts), records what the citizen will read on /track/, and audits it — all in
 * one transaction, with the report row locked so two staff cannot act on it at once.
 */
import { chinaToday } from '../../shared/china-time.ts';
import type { Kysely, Updateable } from 'kysely';
import { jurisdiction } from '../../config/jurisdiction.ts';
import type { Database, ReportTable } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { recordAudit } from '../accounts/audit.ts';
import { requirePermission } from '../accounts/staff-access.ts';
import { deadlineFor } from './deadlines.ts';
import { formatDate } from '../../shared/format.ts';
import { labelOf, MEASURES } from '../../shared/taxonomy.ts';
import {
  applyAction, checkActionInput, isReportState, TRANSITIONS, TransitionError,
  type ActionInput, type ReportState, type WorkflowAction,
} from './workflow.ts';
import { REFUSAL_REASONS } from './refusal-reasons.ts';
import { isBigintId } from '../../shared/ids.ts';
import { InputError, NotFoundError } from '../../shared/errors.ts';

type Patch = Updateable<ReportTable>;

function publicNoteFor(action: WorkflowAction, to: ReportState, input: ActionInput, deadline: string | null): string | null {
  switch (action) {
    case 'accept':
      return '您的举报已受理，将交由所在乡镇现场核查。';
    case 'refuse': {
      const r = REFUSAL_REASONS.find((x) => x.code === input.refusalReason)!;
      return `不予受理的原因：${r.label}。建议您：${r.goInstead}。`;
    }
    case 'assign': {
      const t = jurisdiction.townships.find((x) => x.code === input.township);
      return `已交由${t?.name ?? '乡镇'}现场核查${deadline ? `，计划于${formatDate(deadline)}前完成` : ''}。`;
    }
    case 'recordVerification':
      return to === 'substantiated' ? '经现场核查，您反映的问题属实，将依法处理。' : '经现场核查，未发现您反映的违法占用耕地问题。';
    case 'startHandling':
      return `正在依法处理，整改措施：${labelOf(MEASURES, input.measure)}。`;
    case 'recordHandling':
      return null;
    case 'close':
      return input.publicReply!.trim();
    case 'reopen':
      return '您的举报已重新受理。';
    case 'markDuplicate':
      return '您反映的问题已有其他群众举报，已合并办理，办理结果会在这里同步告知。';
  }
}

export interface ActResult {
  reportId: string;
  from: ReportState;
  to: ReportState;
}

export async function performWorkflowAction(
  db: Kysely<Database>,
  user: StaffUser,
  reportId: string,
  action: WorkflowAction,
  input: ActionInput,
  /** More work that must commit with the act or not at all (a verification's photos). */
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>,
): Promise<ActResult> {
  if (!isBigintId(reportId)) throw new NotFoundError('report');
  const problems = checkActionInput(action, input);
  if (action === 'assign' && input.township && !jurisdiction.townships.some((t) => t.code === input.township)) problems.push('请选择本县的乡镇');
  if (problems.length) throw new InputError(problems);

  return db.transaction().execute(async (trx) => {
    const report = await trx.selectFrom('report').selectAll().where('id', '=', reportId).forUpdate().executeTakeFirst();
    if (!report) throw new NotFoundError('report');
    requirePermission(user, `report.${action}`, report);
    if (!isReportState(report.status)) throw new TransitionError(`未知状态：${report.status}`);
    const from = report.status;
    const to = applyAction(user.role, from, action, { found: input.found });
    const today = chinaToday();

    const patch: Patch = { status: to, updated_at: new Date() };
    let deadline: string | null = report.stage_deadline;
    let closedOriginalReply: string | null = null;
    switch (action) {
      case 'accept':
      case 'reopen':
        deadline = deadlineFor('decide', today);
        patch.closed_at = null;
        // A reopened duplicate is handled on its own: the original's reply is no longer its reply.
        if (action === 'reopen') patch.duplicate_of = null;
        break;
      case 'refuse':
        patch.refusal_reason = input.refusalReason!;
        deadline = null;
        break;
      case 'assign':
        patch.assigned_township = input.township!;
        deadline = deadlineFor('verify', today);
        break;
      case 'recordVerification':
        patch.verification_found = input.found!;
        deadline = deadlineFor(input.found ? 'handle' : 'reply', today);
        break;
      case 'startHandling':
        patch.measure = input.measure!;
        patch.outcome = input.outcome!;
        break;
      case 'recordHandling':
        patch.outcome = input.outcome!;
        break;
      case 'close':
        patch.public_reply = input.publicReply!.trim();
        patch.closed_at = new Date();
        deadline = null;
        break;
      case 'markDuplicate': {
        const named = await trx.selectFrom('report').select(['id', 'duplicate_of']).where('id', '=', input.originalReportId!).executeTakeFirst();
        // A duplicate of a duplicate joins the first report, which is the one that will be closed
        // with a reply. Links stay one step deep: an original is never itself a duplicate, because
        // its own duplicates move along when it becomes one (below).
        const originalId = named?.duplicate_of ?? named?.id;
        const original = originalId ? await trx.selectFrom('report').select(['id', 'status', 'public_reply']).where('id', '=', originalId).executeTakeFirst() : undefined;
        if (!original || original.id === report.id) throw new InputError(['原举报编号不存在']);
        await trx.updateTable('report').set({ duplicate_of: original.id }).where('duplicate_of', '=', report.id).execute();
        patch.duplicate_of = original.id;
        // Already closed: its public reply is this report's reply too, now (closing will not come again).
        if (original.status === 'closed' && original.public_reply) closedOriginalReply = original.public_reply;
        patch.closed_at = new Date();
        deadline = null;
        break;
      }
    }
    patch.stage_deadline = deadline;
    await trx.updateTable('report').set(patch).where('id', '=', reportId).execute();

    const note = publicNoteFor(action, to, input, deadline);
    if (from !== to || note) await trx.insertInto('report_event').values({ report_id: reportId, state: to, public_note: note }).execute();
    if (closedOriginalReply) await trx.insertInto('report_event').values({ report_id: reportId, state: 'closed', public_note: closedOriginalReply }).execute();
    const internal = action === 'recordVerification' ? input.notes : action === 'reopen' ? input.reason : action === 'recordHandling' ? input.notes : undefined;
    if (internal?.trim()) {
      await trx.insertInto('report_note').values({ report_id: reportId, author_id: user.id, kind: action, body: internal.trim() }).execute();
    }
    // A reply to the original report is also the reply to every duplicate of it.
    if (action === 'close') {
      const duplicates = await trx.selectFrom('report').select('id').where('duplicate_of', '=', reportId).execute();
      if (duplicates.length) {
        await trx.insertInto('report_event').values(duplicates.map((d) => ({ report_id: d.id, state: 'closed', public_note: note }))).execute();
      }
    }
    await recordAudit(trx, user, {
      action: `report.${action}`,
      reportId,
      before: { status: from, assigned_township: report.assigned_township, stage_deadline: report.stage_deadline },
      after: { status: to, ...Object.fromEntries(Object.entries(patch).filter(([k]) => k !== 'updated_at')) },
      reason: input.reason ?? input.refusalReason ?? null,
    });
    if (alsoInTransaction) await alsoInTransaction(trx);
    return { reportId, from, to };
  });
}

export const ACTION_LABELS: Record<WorkflowAction, string> = Object.fromEntries(
  Object.entries(TRANSITIONS).map(([k, t]) => [k, t.label]),
) as Record<WorkflowAction, string>;
