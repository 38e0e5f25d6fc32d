import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_GROUPS, auditChanges, auditLabel, auditTarget, auditValue, missingAuditLabels } from '../../src/domain/accounts/audit-view.ts';
import { TRANSITIONS } from '../../src/domain/reports/workflow.ts';

const src = path.resolve(import.meta.dirname, '../../src');
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : /\.(ts|astro)$/.test(name) ? [file] : [];
  });
}

/** The text of every recordAudit(…) call in the source, up to its closing parenthesis. */
function auditCalls(): Array<{ file: string; text: string }> {
  const calls: Array<{ file: string; text: string }> = [];
  for (const file of sourceFiles(src)) {
    const code = readFileSync(file, 'utf8');
    for (let at = code.indexOf('recordAudit('); at >= 0; at = code.indexOf('recordAudit(', at + 1)) {
      if (/function\s+$/.test(code.slice(Math.max(0, at - 20), at))) continue;
      let depth = 0;
      let end = at + 'recordAudit'.length;
      for (; end < code.length; end++) {
        if (code[end] === '(') depth++;
        else if (code[end] === ')' && --depth === 0) break;
      }
      calls.push({ file: path.relative(src, file), text: code.slice(at, end + 1) });
    }
  }
  return calls;
}

describe('the audit log as people read it', () => {
  it('names every workflow action the way the report page names it', () => {
    for (const [action, t] of Object.entries(TRANSITIONS)) {
      expect(AUDIT_ACTIONS[`report.${action}` as keyof typeof AUDIT_ACTIONS], action).toEqual({ label: t.label, group: '举报办理' });
    }
  });

  it('has a Chinese label and a group for every action any code records', () => {
    const calls = auditCalls();
    expect(calls.length).toBeGreaterThan(20);
    const literals = calls.flatMap((c) => [...c.text.matchAll(/'([a-z]+\.[a-z_]+)'/g)].map((m) => ({ file: c.file, action: m[1]! })));
    expect(literals.length).toBeGreaterThan(25);
    for (const { file, action } of literals) {
      expect(Object.hasOwn(AUDIT_ACTIONS, action), `${action} (${file}) needs a label in audit-view.ts`).toBe(true);
    }
    // A computed action is only ever the workflow's own, checked above.
    for (const c of calls) {
      const computed = /action:\s*`([^`]*)`/.exec(c.text)?.[1];
      if (computed) expect(computed, c.file).toBe('report.${action}');
    }
    for (const [action, a] of Object.entries(AUDIT_ACTIONS)) {
      expect(a.label, action).toMatch(/[\u4e00-\u9fff]/);
      expect(AUDIT_GROUPS, action).toContain(a.group);
    }
  });

  it('says which labels a new row lacks, so the test that writes it fails', () => {
    expect(missingAuditLabels({ action: 'report.accept', before: { status: 'submitted' }, after: { status: 'accepted' } })).toEqual([]);
    expect(missingAuditLabels({ action: 'report.teleport', after: { warp_factor: 9 } })).toEqual(['action report.teleport', 'field warp_factor']);
    expect(auditLabel('report.teleport')).toBe('其他操作');
  });

  it('shows a change field by field, old → new, in words, leaving out what did not change', () => {
    expect(auditChanges({ status: 'accepted', assigned_township: null, stage_deadline: '2026-12-01' }, { status: 'verifying', assigned_township: 'xishe', stage_deadline: '2026-12-01' })).toEqual([
      { field: 'status', label: '状态', from: '已受理', to: '核查中' },
      { field: 'assigned_township', label: '交办乡镇', from: '（空）', to: '西社镇' },
    ]);
    expect(auditChanges({ role: 'moderator', township: null, active: true }, { role: 'township', township: 'jifeng', active: false })).toEqual([
      { field: 'role', label: '角色', from: '审核员', to: '乡镇核查员' },
      { field: 'township', label: '所属乡镇', from: '（空）', to: '稷峰镇' },
      { field: 'active', label: '账号可用', from: '是', to: '否' },
    ]);
    expect(auditChanges(null, { title: '某案', changed: ['title_raw', 'body_raw', 'after_photos'] })).toEqual([
      { field: 'title', label: '标题（公开）', to: '某案' },
      { field: 'changed', label: '改动的内容', to: '标题、正文、整改后照片' },
    ]);
    expect(auditChanges(null, { added: 1, changed: 0, unchanged: 3 }).map((c) => c.to)).toEqual(['1', '0', '3']);
    expect(auditChanges({ total_area_mu: '1.5' }, { total_area_mu: '1.50' })).toEqual([]);
  });

  it('masks phone and ID numbers in the free text a citizen or officer wrote', () => {
    const shown = auditValue('corrected_description', '村民（电话13912345678，身份证142729198001011234）在麦地建房');
    expect(shown).not.toContain('13912345678');
    expect(shown).not.toContain('142729198001011234');
    expect(shown).toContain('139****5678');
    expect(auditValue('public_reply', '甲'.repeat(300))).toMatch(/…（共 300 字）$/);
  });

  it('never shows raw JSON or a raw code', () => {
    for (const [before, after] of [[null, { sha256: ['a', 'b'], count: 2 }], [{ verification_found: null }, { verification_found: true }], [null, { category: 'privacy' }]] as const) {
      for (const c of auditChanges(before, after)) expect(`${c.from ?? ''}${c.to}`).not.toMatch(/[{}[\]"]|privacy/);
    }
  });

  it('names targets in words and links reports', () => {
    expect(auditTarget(null, '12')).toEqual({ text: '举报 #12', href: '/staff/reports/12/' });
    expect(auditTarget('notice:3', null)).toEqual({ text: '案例通报 #3' });
    expect(auditTarget('login:zhang', null)).toEqual({ text: '登录名 zhang' });
    expect(auditTarget(null, null)).toEqual({ text: '—' });
  });
});
