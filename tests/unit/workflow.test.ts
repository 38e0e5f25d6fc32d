import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  applyAction,
  canPerform,
  checkActionInput,
  isReportState,
  nextState,
  PUBLIC_TIMELINE,
  PUBLIC_TIMELINE_STEPS,
  REPORT_STATES,
  type ReportState,
  STATE_LABELS,
  timelineStep,
  TransitionError,
  TRANSITIONS,
  WORKFLOW_ACTIONS,
  type WorkflowAction,
} from '../../src/domain/reports/workflow.ts';
import { REFUSAL_REASONS } from '../../src/domain/reports/refusal-reasons.ts';
import { STAFF_ROLES } from '../../src/shared/permissions.ts';

// ---------------------------------------------------------------------------------------------
// The expected workflow, written out by hand from the specification and NOT derived from
// TRANSITIONS: one line per allowed (state, action), with the only role that may do it and the
// resulting state ('a|b' = a when found, b when not found). Everything not listed is refused.

const STATES = ['submitted', 'accepted', 'refused', 'verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed'] as const;
const ACTIONS = ['accept', 'refuse', 'markDuplicate', 'assign', 'recordVerification', 'startHandling', 'recordHandling', 'close', 'reopen'] as const;
const ROLES = ['admin', 'moderator', 'township', 'publicity', 'custodian', 'ledger'] as const;

const ALLOWED = `
  submitted        accept              moderator  accepted
  submitted        refuse              moderator  refused
  submitted        markDuplicate       moderator  closed
  accepted         markDuplicate       moderator  closed
  accepted         assign              moderator  verifying
  verifying        assign              moderator  verifying
  verifying        recordVerification  township   substantiated|unsubstantiated
  substantiated    startHandling       township   rectifying
  rectifying       recordHandling      township   rectifying
  unsubstantiated  close               moderator,township  closed
  rectifying       close               moderator,township  closed
  substantiated    close               moderator,township  closed
  closed           reopen              moderator  accepted
  refused          reopen              moderator  accepted
`;

const LABELS: Record<string, string> = {
  submitted: '已提交',
  accepted: '已受理',
  refused: '不予受理',
  verifying: '核查中',
  substantiated: '查实',
  unsubstantiated: '未查实',
  rectifying: '整改中',
  closed: '已办结',
};

interface Row { roles: string[]; found: string; notFound: string }
const table = new Map<string, Row>();
for (const line of ALLOWED.trim().split('\n')) {
  const [state, action, role, result] = line.trim().split(/\s+/) as [string, string, string, string];
  const [found, notFound = found] = result.split('|') as [string, string?];
  table.set(`${state} ${action}`, { roles: role.split(','), found, notFound });
}

const combos = STATES.flatMap((state) =>
  ACTIONS.flatMap((action) =>
    ROLES.map((role) => ({
      state,
      action,
      role,
      verdict: table.get(`${state} ${action}`)?.roles.includes(role) ? 'may' : 'may not',
    })),
  ),
);
const stateActions = STATES.flatMap((state) =>
  ACTIONS.map((action) => {
    const row = table.get(`${state} ${action}`);
    const outcome = !row ? 'is refused' : row.found === row.notFound ? `lands on ${row.found}` : `lands on ${row.found} or ${row.notFound}`;
    return { state, action, outcome };
  }),
);

describe('the vocabulary', () => {
  it('lists exactly the eight states, nine actions and six roles of the specification', () => {
    expect([...REPORT_STATES]).toEqual([...STATES]);
    expect([...WORKFLOW_ACTIONS].sort()).toEqual([...ACTIONS].sort());
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ACTIONS].sort());
    expect([...STAFF_ROLES].sort()).toEqual([...ROLES].sort());
  });

  it('gives every state its public Chinese label', () => {
    expect(STATE_LABELS).toEqual(LABELS);
  });

  it('gives every action a Chinese verb', () => {
    for (const action of ACTIONS) expect(TRANSITIONS[action].label).toMatch(/^[\u4e00-\u9fff]{2,8}$/);
    expect(TRANSITIONS.accept.label).toBe('受理');
  });

  it('recognises stored state codes and nothing else', () => {
    for (const s of STATES) expect(isReportState(s)).toBe(true);
    for (const bad of ['', 'open', 'Closed', 'toString', null, 3]) expect(isReportState(bad)).toBe(false);
  });
});

describe('who may do what, for every state × action × role', () => {
  for (const { state, action, role, verdict } of combos) it(`${role} ${verdict} ${action} a report that is ${state}`, () => {
    const row = table.get(`${state} ${action}`);
    const expected = row !== undefined && row.roles.includes(role);
    expect(canPerform(role, state, action)).toBe(expected);
    if (expected) {
      expect(applyAction(role, state, action, { found: true })).toBe(row.found);
    } else {
      expect(() => applyAction(role, state, action, { found: true })).toThrow(
        TransitionError,
      );
    }
  });

  for (const role of ROLES) {
    for (const state of STATES) {
      const expected = ACTIONS.filter((a) => table.get(`${state} ${a}`)?.roles.includes(role));
      it(`offers ${role}, on a report that is ${state}, ${expected.length ? expected.join(', ') : 'no action'}`, () => {
        expect([...allowedActions(role, state)].sort()).toEqual([...expected].sort());
      });
    }
  }

  it('lets admin, publicity, custodian and ledger perform no workflow action at all', () => {
    for (const role of ['admin', 'publicity', 'custodian', 'ledger'] as const) {
      for (const state of STATES) expect(allowedActions(role, state), `${role} ${state}`).toEqual([]);
    }
  });

  it('lists allowed actions in the fixed WORKFLOW_ACTIONS order, for stable buttons', () => {
    expect(allowedActions('moderator', 'submitted')).toEqual(['accept', 'refuse', 'markDuplicate']);
    expect(allowedActions('moderator', 'accepted')).toEqual(['markDuplicate', 'assign']);
  });
});

describe('where each transition lands, for every state × action', () => {
  for (const { state, action, outcome } of stateActions) it(`${action} from ${state} ${outcome}`, () => {
    const row = table.get(`${state} ${action}`);
    if (row) {
      expect(nextState(state, action, { found: true })).toBe(row.found);
      expect(nextState(state, action, { found: false })).toBe(row.notFound);
    } else {
      expect(() => nextState(state, action, { found: true })).toThrow(TransitionError);
    }
  });

  it('turns a verification into 查实 when found and 未查实 when not', () => {
    expect(nextState('verifying', 'recordVerification', { found: true })).toBe('substantiated');
    expect(nextState('verifying', 'recordVerification', { found: false })).toBe('unsubstantiated');
  });

  it('refuses to record a verification that does not say whether the problem was found', () => {
    expect(() => nextState('verifying', 'recordVerification')).toThrow(TransitionError);
    expect(() => nextState('verifying', 'recordVerification', {})).toThrow(/是否查实/);
  });

  it('needs no input for the other actions', () => {
    expect(nextState('submitted', 'accept')).toBe('accepted');
    expect(nextState('closed', 'reopen')).toBe('accepted');
  });
});

describe('error messages', () => {
  for (const { state, action } of stateActions.filter(({ state, action }) => !table.has(`${state} ${action}`))) {
    it(`name the state and the action when ${action} is not allowed from ${state}`, () => {
      const label = TRANSITIONS[action].label;
      expect(() => nextState(state, action, { found: true })).toThrow(`当前状态“${LABELS[state]}”不能执行“${label}”`);
    });
  }

  it('read as in the specification for accepting a closed report', () => {
    expect(() => nextState('closed', 'accept')).toThrow('当前状态“已办结”不能执行“受理”');
  });

  it('name the action and the role when the role may never perform it', () => {
    expect(() => applyAction('admin', 'submitted', 'accept')).toThrow('角色“admin”无权执行“受理”');
    expect(() => applyAction('moderator', 'verifying', 'recordVerification', { found: true })).toThrow(/登记核查结果/);
  });

  it('reject unknown states and actions read from outside instead of guessing', () => {
    expect(() => nextState('open' as ReportState, 'accept')).toThrow(TransitionError);
    expect(() => nextState('submitted', 'approve' as WorkflowAction)).toThrow(TransitionError);
    expect(() => nextState('submitted', 'toString' as WorkflowAction)).toThrow(TransitionError);
    expect(canPerform('moderator', 'submitted', 'toString' as WorkflowAction)).toBe(false);
    expect(canPerform('moderator', 'open' as ReportState, 'accept')).toBe(false);
  });
});

describe('the workflow as a whole', () => {
  /** States reachable from `start` by any allowed action (both verification results). */
  function reachable(start: string): Set<string> {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length) {
      const s = queue.shift()!;
      for (const a of ACTIONS) {
        const row = table.get(`${s} ${a}`);
        if (!row) continue;
        for (const t of [row.found, row.notFound]) if (!seen.has(t)) (seen.add(t), queue.push(t));
      }
    }
    return seen;
  }

  it('can reach every state from a new report', () => {
    expect([...reachable('submitted')].sort()).toEqual([...STATES].sort());
  });

  it('has no dead end: every state can still reach 已办结', () => {
    for (const s of STATES) expect(reachable(s).has('closed'), s).toBe(true);
  });
});

describe('action details', () => {
  it('are complete when each action carries what the specification requires', () => {
    expect(checkActionInput('accept', {})).toEqual([]);
    expect(checkActionInput('refuse', { refusalReason: 'pollution' })).toEqual([]);
    expect(checkActionInput('markDuplicate', { originalReportId: '42' })).toEqual([]);
    expect(checkActionInput('assign', { township: 'jishan' })).toEqual([]);
    expect(checkActionInput('recordVerification', { found: false, notes: '现场为设施农用地，已备案' })).toEqual([]);
    expect(checkActionInput('startHandling', { measure: 'demolish', outcome: 'in_progress' })).toEqual([]);
    expect(checkActionInput('recordHandling', { outcome: 'recultivated' })).toEqual([]);
    expect(checkActionInput('close', { publicReply: '经核查，已拆除复垦。' })).toEqual([]);
    expect(checkActionInput('reopen', { reason: '举报人补充了新照片' })).toEqual([]);
  });

  it('name what is missing or invalid, in Chinese', () => {
    expect(checkActionInput('refuse', {})).toEqual(['请选择不予受理的理由']);
    expect(checkActionInput('refuse', { refusalReason: 'because' })).toHaveLength(1);
    expect(checkActionInput('markDuplicate', { originalReportId: 'abc' })).toHaveLength(1);
    expect(checkActionInput('assign', { township: '  ' })).toHaveLength(1);
    expect(checkActionInput('recordVerification', {})).toHaveLength(2);
    expect(checkActionInput('startHandling', { measure: 'nuke', outcome: 'done' })).toHaveLength(2);
    expect(checkActionInput('recordHandling', {})).toHaveLength(1);
    expect(checkActionInput('close', { publicReply: ' \n ' })).toEqual(['请填写公开答复']);
    expect(checkActionInput('reopen', {})).toHaveLength(1);
  });
});

describe('refusal reasons', () => {
  it('have unique codes, short labels and somewhere to go instead', () => {
    const codes = REFUSAL_REASONS.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of REFUSAL_REASONS) {
      expect(r.code).toMatch(/^[a-z_]+$/);
      expect(r.label.length, r.code).toBeLessThanOrEqual(14);
      expect(r.goInstead.trim(), r.code).not.toBe('');
    }
  });

  it('cover what the 12336 hotline does not handle and send the citizen to the right place', () => {
    const where = REFUSAL_REASONS.map((r) => `${r.label}：${r.goInstead}`).join('\n');
    for (const place of ['不动产登记', '人民法院', '纪检监察', '原渠道', '事发地', '补充具体地点', '12369', '城市管理', '原办理结果']) {
      expect(where).toContain(place);
    }
  });
});

describe('the public timeline', () => {
  it('shows 已提交 → 已受理/不予受理 → 核查中 → 查实/未查实 → 整改中 → 已办结', () => {
    expect(PUBLIC_TIMELINE_STEPS.map((step) => step.map((s) => LABELS[s]).join('/'))).toEqual([
      '已提交', '已受理/不予受理', '核查中', '查实/未查实', '整改中', '已办结',
    ]);
  });

  it('flattens to every state exactly once, alternatives side by side', () => {
    expect(PUBLIC_TIMELINE).toEqual([
      'submitted', 'accepted', 'refused', 'verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed',
    ]);
  });

  it('only moves forward along the timeline, except when a report is reopened', () => {
    for (const [key, row] of table) {
      const [state, action] = key.split(' ') as [ReportState, string];
      for (const to of [row.found, row.notFound] as ReportState[]) {
        // Reopening goes back (已办结 → 已受理) or across the fork (不予受理 → 已受理).
        if (action === 'reopen') expect(timelineStep(to), key).toBeLessThanOrEqual(timelineStep(state));
        else expect(timelineStep(to), key).toBeGreaterThanOrEqual(timelineStep(state));
      }
    }
  });
});
