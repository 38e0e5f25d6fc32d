/**
 * The schema fixes behind tests/hostile/fast.test.ts, at unit level: values that used to reach
 * PostgreSQL and fail there (a 500) are refused, or ignored, by the schemas themselves.
 */
import { describe, expect, it } from 'vitest';
import { noticeDraftSchema, noticeActSchema } from '../../src/domain/notices/notice-schema.ts';
import { parseQueueFilter } from '../../src/domain/reports/queue-filter.ts';
import { createUserSchema, loginSchema } from '../../src/domain/accounts/account-schema.ts';
import { correctionSchema, reportTextSchema, revealSchema, workflowSchema } from '../../src/domain/reports/staff-report-schema.ts';
import { cleanQueryText, hasControlChars, isRealIsoDate } from '../../src/shared/text-safety.ts';
import { parseAuditFilter } from '../../src/domain/accounts/audit-filter.ts';
import { createHash } from 'node:crypto';
import { cspForPage, headerListWithBase, withFrameAncestors } from '../../src/server/security-headers.ts';
import { ledgerDateSchema, ledgerEditSchema } from '../../src/domain/ledger/ledger-schema.ts';

describe('text safety helpers', () => {
  it('find NUL, other controls and direction overrides, and let tab, newline and ordinary unicode through', () => {
    for (const bad of ['a\u0000b', '\u0001', '\u001B[31m', '\u007F', '\u0085', '\u202E', '\u2066x\u2069', '\u000B']) expect(hasControlChars(bad), JSON.stringify(bad)).toBe(true);
    for (const ok of ['a\tb\nc', '耕地🌾', 'e\u0301', '\u200B', '\uFEFF', '１２３']) expect(hasControlChars(ok), JSON.stringify(ok)).toBe(false);
  });

  it('accept only days that exist', () => {
    for (const good of ['2026-01-31', '2024-02-29', '1999-12-31']) expect(isRealIsoDate(good), good).toBe(true);
    for (const bad of ['2026-13-45', '2026-02-29', '2026-02-30', '0000-00-00', '2026-1-1', '20260101', '2026-01-01T00:00', '', '9999-99-99']) expect(isRealIsoDate(bad), bad).toBe(false);
  });
});

describe('the staff queue filter', () => {
  it('drops dates that do not exist instead of passing them to the query', () => {
    const f = parseQueueFilter(new URLSearchParams({ from: '2026-13-45', to: '2026-02-30', status: "x' OR 1=1" }));
    expect(f).toMatchObject({ from: undefined, to: undefined, status: undefined });
    expect(parseQueueFilter(new URLSearchParams({ from: '2026-02-28' })).from).toBe('2026-02-28');
  });
});

describe('the audit log filter and other search boxes', () => {
  it('drop an impossible date, a NUL in the login name and a forged cursor, and keep what is sound', () => {
    const actions = { 'report.accepted': '受理' };
    const f = parseAuditFilter(new URLSearchParams({ from: '2026-13-45', to: '2026-02-30', actor: 'a\u0000b', before: "1' OR 1=1", report: '99999999999999999999', action: 'toString' }), actions);
    expect(f).toEqual({ actor: undefined, action: undefined, reportId: undefined, from: undefined, to: undefined, before: undefined });
    const g = parseAuditFilter(new URLSearchParams({ from: '2026-02-28', actor: ' admin ', action: 'report.accepted', report: '12', before: '500' }), actions);
    expect(g).toEqual({ actor: 'admin', action: 'report.accepted', reportId: '12', from: '2026-02-28', to: undefined, before: '500' });
  });

  it('cut search text to its limit and drop text with control characters', () => {
    expect(cleanQueryText('  140821  ', 40)).toBe('140821');
    expect(cleanQueryText('x'.repeat(50), 40)).toHaveLength(40);
    expect(cleanQueryText('a\u0000b', 40)).toBeUndefined();
    expect(cleanQueryText('   ', 40)).toBeUndefined();
    expect(cleanQueryText(null, 40)).toBeUndefined();
  });
});

describe('ledger Action inputs', () => {
  const edit = { itemId: '1', village: '', totalAreaMu: '1.5', farmlandAreaMu: '1', permanentBasic: 'no', problemClass: 'house', measure: '', deadline: '', reason: '核对' };

  it('refuse NUL and impossible deadlines in an edit, in Chinese', () => {
    expect(ledgerEditSchema.safeParse(edit).success).toBe(true);
    expect(ledgerEditSchema.safeParse({ ...edit, deadline: '2026-12-31' }).success).toBe(true);
    for (const over of [{ village: 'a\u0000' }, { reason: '核\u0000对' }, { deadline: '2026-99-99' }, { deadline: '2026-02-30' }, { itemId: '1 OR 1=1' }]) {
      const r = ledgerEditSchema.safeParse({ ...edit, ...over });
      expect(r.success, JSON.stringify(over)).toBe(false);
      expect(r.error!.issues[0]!.message, JSON.stringify(over)).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('refuse a claim or verification date that does not exist', () => {
    expect(ledgerDateSchema.safeParse({ itemId: '1', on: '2026-02-28' }).success).toBe(true);
    expect(ledgerDateSchema.safeParse({ itemId: '1', on: '2026-02-30' }).success).toBe(false);
  });
});

describe('staff Action inputs', () => {
  it('refuse NUL and direction overrides in every free-text field, in Chinese', () => {
    const cases = [
      [reportTextSchema, { reportId: '1', text: 'a\u0000b' }],
      [revealSchema, { reportId: '1', reason: '理由\u202E理由' }],
      [correctionSchema, { reportId: '1', problemClass: 'house', place: 'x\u0000', description: 'y', reason: 'z' }],
      [loginSchema, { login: 'ad\u0000min', password: 'x' }],
      [createUserSchema, { login: 'a', displayName: '张\u0000三', role: 'moderator', township: '', password: 'x' }],
    ] as const;
    for (const [schema, input] of cases) {
      const r = (schema as { safeParse: (v: unknown) => { success: boolean; error?: { issues: Array<{ message: string }> } } }).safeParse(input);
      expect(r.success, JSON.stringify(input)).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(/无法识别的字符/);
    }
  });

  it('refuse a duplicate-of id too long for a bigint', () => {
    const base = { reportId: '1', action: 'markDuplicate', photos: [] };
    expect(workflowSchema.safeParse({ ...base, originalReportId: '99999999999999999999' }).success).toBe(false);
    expect(workflowSchema.safeParse({ ...base, originalReportId: '9223372036854775808' }).success).toBe(false);
    expect(workflowSchema.safeParse({ ...base, originalReportId: '12' }).success).toBe(true);
    expect(workflowSchema.safeParse({ ...base, originalReportId: '' }).success).toBe(true);
  });
});

describe('case notice drafts', () => {
  const base = {
    title: '蔡村村民违法占用耕地建房案', township: 'caicun', village: '', problemClass: 'house', partyKind: 'person', partyName: '张三',
    totalAreaMu: '1', farmlandAreaMu: '1', outcome: 'demolished', accountability: '', body: '经查，村民未经批准在耕地上建房，已责令拆除并复耕。',
    stepDate: ['2026-01-05'], stepAction: ['立案'], stepDetail: [''], beforePhotoIds: [], afterPhotos: [],
  };

  it('refuse a step date that does not exist, which the notice pages could not format', async () => {
    expect((await noticeDraftSchema.safeParseAsync(base)).success).toBe(true);
    for (const d of ['2026-99-99', '2026-02-30']) expect((await noticeDraftSchema.safeParseAsync({ ...base, stepDate: [d] })).success, d).toBe(false);
  });

  it('refuse NUL in any text, steps included, which jsonb and text columns cannot hold', async () => {
    for (const over of [{ title: '标题\u0000标题标题' }, { partyName: '张\u0000' }, { body: `${base.body}\u0000` }, { accountability: 'x\u0000' }, { stepAction: ['立\u0000案'] }, { stepDetail: ['\u0000'] }]) {
      expect((await noticeDraftSchema.safeParseAsync({ ...base, ...over })).success, JSON.stringify(over)).toBe(false);
    }
    expect(noticeActSchema.safeParse({ noticeId: '1', reason: 'x\u0000' }).success).toBe(false);
  });
});

describe('the content security policy sent with pages', () => {
  it("keeps Astro's hashes, which inlined scripts need, and adds frame-ancestors once", () => {
    const astro = "default-src 'self'; script-src 'self' 'sha256-cfQ7BvrS7BNIdnQTS95Na+vOLqNmDOVN9CUsOBLpzFQ='; style-src 'self';";
    expect(withFrameAncestors(astro)).toBe("default-src 'self'; script-src 'self' 'sha256-cfQ7BvrS7BNIdnQTS95Na+vOLqNmDOVN9CUsOBLpzFQ='; style-src 'self'; frame-ancestors 'none'");
    expect(withFrameAncestors("default-src 'self'; frame-ancestors 'none'")).toBe("default-src 'self'; frame-ancestors 'none'");
  });

  it('keeps, for a finished page, only the hashes of inline code the page really carries', () => {
    const sha = (code: string) => `'sha256-${createHash('sha256').update(code).digest('base64')}'`;
    const used = 'document.body.dataset.ready="1"';
    const astro = `default-src 'self'; script-src 'self' ${sha(used)} ${sha('other()')}; style-src 'self' ${sha('')}; frame-ancestors 'none'`;
    // Without the hashes, script-src and style-src say what default-src says, so they go too.
    expect(cspForPage(astro, '<p>no code</p><script type="module" src="/_astro/a.js"></script>')).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(cspForPage(astro, `<script type="module">${used}</script><style></style>`)).toBe(`default-src 'self'; script-src 'self' ${sha(used)}; style-src 'self' ${sha('')}; frame-ancestors 'none'`);
    // Case and attributes of the tag do not hide a script from the check.
    expect(cspForPage(astro, `<SCRIPT type="module" data-x="1">${used}</SCRIPT >`)).toContain(sha(used));
    expect(cspForPage("default-src 'self'", '<script>x()</script>')).toBe("default-src 'self'");
    // Directives that do not fall back to default-src, or say something else, stay.
    const other = "default-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'self'";
    expect(cspForPage(other, '')).toBe(other);
  });

  it('puts a page’s own headers over the base security headers whatever their case', () => {
    const list = headerListWithBase({ 'content-security-policy': "default-src 'none'", 'content-type': 'text/html' });
    const names = list.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(list[list.indexOf('content-security-policy') + 1]).toBe("default-src 'none'");
    expect(list).toContain('X-Content-Type-Options');
  });
});

describe('enforcement step dates of a case notice', () => {
  const draft = (stepDate: string) => ({
    title: '西社镇村民王某违法占用耕地建房案', township: 'xishe', village: '', problemClass: 'house', partyKind: 'person', partyName: '王建国',
    totalAreaMu: '0.80', farmlandAreaMu: '0.60', stepDate: [stepDate], stepAction: ['立案'], stepDetail: [''], outcome: 'demolished',
    accountability: '', body: '2023年6月，村民王建国在承包地上打地基建房，经查占用耕地0.60亩，已自行拆除。', beforePhotoIds: [], afterPhotos: [],
  });

  it('are things already done: not in the future, not before the oldest problem in scope', async () => {
    expect((await noticeDraftSchema.safeParseAsync(draft('2023-06-01'))).success).toBe(true);
    for (const [date, message] of [['2999-01-01', '不能晚于今天'], ['2017-12-31', '不能早于 2018-01-01'], ['2023-02-30', '格式不对']] as const) {
      const parsed = await noticeDraftSchema.safeParseAsync(draft(date));
      expect(parsed.success, date).toBe(false);
      expect(JSON.stringify(parsed.error?.issues), date).toContain(message);
    }
  });
});
