/**
 * How a citizen report is handled, as an explicit state machine.
 *
 * It follows the 12336 flow used by county natural-resources bureaus — 接收 → 判定 → 核查 → 处理 →
 * 反馈 — mapped onto our roles: the county moderator receives and judges (accept / refuse /
 * duplicate), assigns to a township, the township verifies on site and handles, and the
 * moderator closes with a public reply. Every allowed move is listed in TRANSITIONS; anything not
 * listed is refused. There are no implicit transitions, no "admin can do anything": admins
 * manage users and settings, and handling a report is a job with its own accountability.
 *
 * Pure: no database, no framework. The server stores `ReportState` codes in report.status and
 * asks this module what may happen next.
 */
import vocabularies from '../../shared/vocabularies.json' with { type: 'json' };
import { REFUSAL_REASONS } from './refusal-reasons.ts';
import { MEASURES, OUTCOMES } from '../../shared/taxonomy.ts';
import { rolesFor, type StaffRole } from '../../shared/permissions.ts';

// ---------------------------------------------------------------------------------------------
// States

/** Every state, in the order a report normally passes through them. */
export const REPORT_STATES = [
  'submitted',
  'accepted',
  'refused',
  'verifying',
  'substantiated',
  'unsubstantiated',
  'rectifying',
  'closed',
] as const;

export type ReportState = (typeof REPORT_STATES)[number];

/** Public labels, shown to citizens on the tracking page and to staff in lists (../../shared/vocabularies.json). */
export const STATE_LABELS: Readonly<Record<ReportState, string>> = vocabularies.reportStates;

/** True for a known state code; report.status is plain text, so check before trusting it. */
export function isReportState(value: unknown): value is ReportState {
  return typeof value === 'string' && (REPORT_STATES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Actions and transitions

export const WORKFLOW_ACTIONS = [
  'accept',
  'refuse',
  'markDuplicate',
  'assign',
  'recordVerification',
  'startHandling',
  'recordHandling',
  'close',
  'reopen',
] as const;

export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

export interface Transition {
  /** States the action may start from. */
  readonly from: readonly ReportState[];
  /** Possible results; more than one only for recordVerification, chosen by `found`. */
  readonly to: readonly ReportState[];
  /** Chinese verb for buttons, the audit log and error messages. */
  readonly label: string;
}

/**
 * The whole workflow: which states each act starts from and lands on. Who may perform each act
 * is the permission `report.<action>` in permissions.ts.
 */
export const TRANSITIONS: Readonly<Record<WorkflowAction, Transition>> = {
  // 判定: the report is within scope and will be handled.
  accept: { from: ['submitted'], to: ['accepted'], label: '受理' },
  // 判定: outside what the hotline handles; needs a REFUSAL_REASONS code telling where to go.
  refuse: { from: ['submitted'], to: ['refused'], label: '不予受理' },
  // The same place and problem is already being handled: close this one, pointing at the original.
  markDuplicate: {
    from: ['submitted', 'accepted'],
    to: ['closed'],
    label: '按重复举报办结',
  },
  // 交办: to the township where it happened. Allowed again while verifying because the first
  // assignment is sometimes to the wrong township (reports near a boundary).
  assign: { from: ['accepted', 'verifying'], to: ['verifying'], label: '交办乡镇' },
  // 核查: the township says whether the problem is real; needs found + notes.
  recordVerification: {
    from: ['verifying'],
    to: ['substantiated', 'unsubstantiated'],
    label: '登记核查结果',
  },
  // 处理: measure and first outcome.
  startHandling: { from: ['substantiated'], to: ['rectifying'], label: '开始整改' },
  // Progress while rectifying (e.g. 正在整改中 → 已复耕); the state does not change.
  recordHandling: { from: ['rectifying'], to: ['rectifying'], label: '更新整改情况' },
  // 反馈: closing always gives the citizen a public reply. From `substantiated` too, for a problem
  // already put right by the time it was verified, or handed to another authority.
  // The township officer who handled it may close it too (the loop: verify, then close),
  // always with the public reply — usually the moderator's, prefilled on the form.
  close: {
    from: ['unsubstantiated', 'rectifying', 'substantiated'],
    to: ['closed'],
    label: '办结',
  },
  // A refused or closed report comes back (new facts, a wrong judgement, a failed review):
  // it restarts at accepted, so it is assigned again explicitly.
  reopen: { from: ['closed', 'refused'], to: ['accepted'], label: '重新受理' },
};

/** A disallowed move. The message is Chinese and names the state and the action. */
export class TransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransitionError';
  }
}

function requireKnown(state: ReportState, action: WorkflowAction): Transition {
  if (!isReportState(state)) throw new TransitionError(`未知的办理状态：${String(state)}`);
  const transition = (TRANSITIONS as Record<string, Transition | undefined>)[action];
  if (!transition || !Object.hasOwn(TRANSITIONS, action)) {
    throw new TransitionError(`未知的办理操作：${String(action)}`);
  }
  return transition;
}

/**
 * The state after `action` from `state`, regardless of who acts (see canPerform for that).
 * recordVerification needs `input.found`: true → substantiated, false → unsubstantiated.
 * Throws TransitionError, e.g. '当前状态“已办结”不能执行“受理”'.
 */
export function nextState(state: ReportState, action: WorkflowAction, input?: { found?: boolean }): ReportState {
  const transition = requireKnown(state, action);
  if (!transition.from.includes(state)) {
    throw new TransitionError(`当前状态“${STATE_LABELS[state]}”不能执行“${transition.label}”`);
  }
  if (action === 'recordVerification') {
    if (typeof input?.found !== 'boolean') {
      throw new TransitionError(`执行“${transition.label}”须说明问题是否查实`);
    }
    return input.found ? 'substantiated' : 'unsubstantiated';
  }
  return transition.to[0]!;
}

/** Whether the permission table grants `role` the act at all (on some report). */
function roleMay(role: StaffRole, action: WorkflowAction): boolean {
  return rolesFor(`report.${action}`).includes(role);
}

/** Whether `role` may perform `action` on a report in `state`. Never throws. */
export function canPerform(role: StaffRole, state: ReportState, action: WorkflowAction): boolean {
  if (!isReportState(state) || !Object.hasOwn(TRANSITIONS, action)) return false;
  const transition = TRANSITIONS[action];
  return roleMay(role, action) && transition.from.includes(state);
}

/** The actions `role` may perform on a report in `state`, in WORKFLOW_ACTIONS order (for buttons). */
export function allowedActions(role: StaffRole, state: ReportState): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((action) => canPerform(role, state, action));
}

/**
 * nextState with the role checked too: what a request handler calls. Throws TransitionError
 * naming the action when the role may not perform it at all, or the state when it may not now.
 */
export function applyAction(
  role: StaffRole,
  state: ReportState,
  action: WorkflowAction,
  input?: { found?: boolean },
): ReportState {
  const transition = requireKnown(state, action);
  if (!roleMay(role, action)) {
    throw new TransitionError(`角色“${String(role)}”无权执行“${transition.label}”`);
  }
  return nextState(state, action, input);
}

// ---------------------------------------------------------------------------------------------
// What each action must carry

/** Details an action records. Which are required depends on the action (see checkActionInput). */
export interface ActionInput {
  /** refuse: a REFUSAL_REASONS code. */
  readonly refusalReason?: string;
  /** markDuplicate: id of the report this one repeats. */
  readonly originalReportId?: string;
  /** assign: township code from the county configuration. */
  readonly township?: string;
  /** recordVerification: whether the problem is real. */
  readonly found?: boolean;
  /** recordVerification: what was seen on site. */
  readonly notes?: string;
  /** startHandling: a MEASURES code. */
  readonly measure?: string;
  /** startHandling, recordHandling: an OUTCOMES code. */
  readonly outcome?: string;
  /** close: the reply published on the tracking page. */
  readonly publicReply?: string;
  /** reopen: why the report comes back. */
  readonly reason?: string;
}

const filled = (s: string | undefined): boolean => typeof s === 'string' && s.trim() !== '';

/**
 * What is missing or wrong in `input` for `action`, as Chinese sentences for the staff form;
 * empty when complete. Whether the township or the original report exists is for the server to
 * check against its data.
 */
export function checkActionInput(action: WorkflowAction, input: ActionInput): string[] {
  const problems: string[] = [];
  switch (action) {
    case 'accept':
      break;
    case 'refuse':
      if (!REFUSAL_REASONS.some((r) => r.code === input.refusalReason)) problems.push('请选择不予受理的理由');
      break;
    case 'markDuplicate':
      if (!/^[1-9]\d*$/.test(input.originalReportId ?? '')) problems.push('请填写所重复的原举报编号');
      break;
    case 'assign':
      if (!filled(input.township)) problems.push('请选择交办的乡镇');
      break;
    case 'recordVerification':
      if (typeof input.found !== 'boolean') problems.push('请说明问题是否查实');
      if (!filled(input.notes)) problems.push('请填写核查情况');
      break;
    case 'startHandling':
      if (!MEASURES.some((m) => m.code === input.measure)) problems.push('请选择整改措施');
      if (!OUTCOMES.some((o) => o.code === input.outcome)) problems.push('请选择处理结果');
      break;
    case 'recordHandling':
      if (!OUTCOMES.some((o) => o.code === input.outcome)) problems.push('请选择处理结果');
      break;
    case 'close':
      if (!filled(input.publicReply)) problems.push('请填写公开答复');
      break;
    case 'reopen':
      if (!filled(input.reason)) problems.push('请填写重新受理的原因');
      break;
    default: {
      const unknown: never = action;
      problems.push(`未知的办理操作：${String(unknown)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Citizen-facing timeline

/**
 * The tracking page's timeline as steps; a step with two states means "one or the other":
 * 已提交 → 已受理/不予受理 → 核查中 → 查实/未查实 → 整改中 → 已办结.
 * A report shows the steps up to its current one, with the state it actually took at a fork.
 * Not every report passes every step: refused stops at step 2 (until reopened), unsubstantiated
 * goes straight to 已办结, and a duplicate goes from 已提交 or 已受理 to 已办结.
 */
export const PUBLIC_TIMELINE_STEPS: readonly (readonly ReportState[])[] = [
  ['submitted'],
  ['accepted', 'refused'],
  ['verifying'],
  ['substantiated', 'unsubstantiated'],
  ['rectifying'],
  ['closed'],
];

/**
 * The same order flattened: every state exactly once, alternatives of one step side by side
 * (accepted before refused, substantiated before unsubstantiated). Use it to sort a report's
 * history events for display; use PUBLIC_TIMELINE_STEPS to draw the steps.
 */
export const PUBLIC_TIMELINE: readonly ReportState[] = PUBLIC_TIMELINE_STEPS.flat();

/** Index (0-based) of the step `state` belongs to in PUBLIC_TIMELINE_STEPS. */
export function timelineStep(state: ReportState): number {
  return PUBLIC_TIMELINE_STEPS.findIndex((step) => step.includes(state));
}
