import { describe, expect, it } from 'vitest';
import vocabularies from '../../src/shared/vocabularies.json' with { type: 'json' };
import { MEASURES, OUTCOMES, PROBLEM_CLASSES, REPORTABLE_CLASSES, WITHDRAW_REASONS, labelOf, type Term } from '../../src/shared/taxonomy.ts';
import { REPORT_STATES, STATE_LABELS } from '../../src/domain/reports/workflow.ts';
import { STAFF_ROLES, STAFF_ROLE_LABELS } from '../../src/shared/permissions.ts';

const LISTS: Record<string, readonly Term[]> = { PROBLEM_CLASSES, MEASURES, OUTCOMES, WITHDRAW_REASONS };

describe('the vocabularies file', () => {
  for (const [name, list] of Object.entries(LISTS)) {
    it(`gives ${name} every code once, with a label and a plain hint, in the file's order`, () => {
      const codes = list.map((t) => t.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(new Set(list.map((t) => t.label)).size).toBe(codes.length);
      for (const term of list) {
        expect(term.code, name).toMatch(/^[a-z][a-z_]*$/);
        expect(term.label.trim(), term.code).not.toBe('');
        expect(term.hint, term.code).toMatch(/。$/);
      }
    });
  }

  it('keeps the order forms have always shown', () => {
    expect(PROBLEM_CLASSES[0]).toEqual({ code: 'house', label: '乱占耕地建房', hint: '未经批准在耕地上盖房子，2020年7月3日以后新建的是整治重点。' });
    expect(MEASURES.map((m) => m.code)).toEqual(['restore', 'demolish', 'approve', 'balance']);
    expect(labelOf(OUTCOMES, 'demolished')).toBe('违法建筑物已拆除');
    expect(labelOf(WITHDRAW_REASONS, null)).toBe('—');
  });

  it('offers citizens only problem classes that exist', () => {
    for (const code of REPORTABLE_CLASSES) expect(PROBLEM_CLASSES.some((c) => c.code === code), code).toBe(true);
  });

  // The compiler checks that every state and role has a label; these check the file names no other.
  it('labels exactly the workflow states, each differently', () => {
    expect(Object.keys(vocabularies.reportStates)).toEqual([...REPORT_STATES]);
    expect(new Set(Object.values(STATE_LABELS)).size).toBe(REPORT_STATES.length);
  });

  it('labels exactly the staff roles, each differently', () => {
    expect(Object.keys(vocabularies.staffRoles)).toEqual([...STAFF_ROLES]);
    expect(new Set(Object.values(STAFF_ROLE_LABELS)).size).toBe(STAFF_ROLES.length);
  });
});
